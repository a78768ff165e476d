import type { SSMClient } from '@aws-sdk/client-ssm';
import { Collector } from '../../collector/collector';
import type { Log, LogAttributes } from '../../log';
import type { HistorySource } from '../../sources/history-source';
import type { RecordStore, UpsertOutcome } from '../../store/record-store';
import type { RecordKey, TableId } from '../../store/schema';
import type { BatchConsumer, ReceiveResult } from './work-queue';

/** One write the collector made: what POST /events answers with. */
export interface StoredRecord {
  readonly table: TableId;
  readonly key: RecordKey;
  readonly status: string;
  /** "stale": the archive already held this or a later status, and kept it. */
  readonly outcome: UpsertOutcome;
}

export interface CollectorConsumerDependencies {
  readonly sources: readonly HistorySource[];
  readonly ssm: SSMClient;
  readonly store: Pick<RecordStore, 'upsert'>;
  readonly logger: Log;
  readonly parentConcurrency: number;
}

/**
 * The deployed collector, one batch at a time, as the work queue's consumer. Each batch gets
 * its own Collector over a store that notes every write and a logger that notes the reason
 * for each failed message (the collector's own words), so the queue knows what each message
 * came to. A successful message's result is every write of its batch; POST /events picks out
 * its own.
 */
export function collectorConsumer(deps: CollectorConsumerDependencies): BatchConsumer<readonly StoredRecord[]> {
  return async (messages) => {
    const written: StoredRecord[] = [];
    const reasons = new Map<string, string>();
    const noteReason = (attributes: LogAttributes | undefined) => {
      const reason = typeof attributes?.reason === 'string' ? attributes.reason : errorText(attributes?.error);
      const ids = typeof attributes?.messageId === 'string' ? [attributes.messageId] : attributes?.messageIds;
      if (reason === undefined || !Array.isArray(ids)) return;
      for (const id of ids) if (typeof id === 'string') reasons.set(id, reason);
    };
    const collector = new Collector({
      sources: deps.sources,
      clients: { ssm: deps.ssm },
      store: {
        upsert: async (observation) => {
          const outcome = await deps.store.upsert(observation);
          written.push({ table: observation.table, key: observation.key, status: observation.status, outcome });
          return outcome;
        },
      },
      logger: {
        info: (message, attributes) => deps.logger.info(message, attributes),
        warn: (message, attributes) => {
          noteReason(attributes);
          deps.logger.warn(message, attributes);
        },
        error: (message, attributes) => {
          noteReason(attributes);
          deps.logger.error(message, attributes);
        },
      },
      parentConcurrency: deps.parentConcurrency,
    });
    const batch = await collector.collect(messages);
    const failed = new Set(batch.failedMessageIds);
    deps.logger.debug('Collected batch', { messages: messages.length, parents: batch.parents, written: batch.written, stale: batch.stale, failed: failed.size });
    return new Map<string, ReceiveResult<readonly StoredRecord[]>>(
      messages.map((message) => [
        message.id,
        failed.has(message.id)
          ? { ok: false, reason: reasons.get(message.id) ?? 'the collector could not collect it' }
          : { ok: true, result: written },
      ]),
    );
  };
}

function errorText(error: unknown): string | undefined {
  if (error === undefined) return undefined;
  if (typeof error === 'string') return error;
  if (typeof error === 'object' && error !== null && 'message' in error) {
    const { name, message } = error as { name?: unknown; message?: unknown };
    return typeof name === 'string' ? `${name}: ${String(message)}` : String(message);
  }
  return String(error);
}
