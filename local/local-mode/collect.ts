import type { SSMClient } from '@aws-sdk/client-ssm';
import type { FailureAlerts } from '../../lambdas/alerts/failure-alerts';
import { Collector, type CollectorDependencies } from '../../lambdas/collector/collector';
import type { Log } from '../../lambdas/log';
import type { CheckpointStore } from '../../lambdas/store/checkpoint-store';
import type { HistorySource, Observation } from '../../lambdas/core/model';
import type { RecordStore, UpsertOutcome } from '../../lambdas/store/record-store';
import type { RecordKey, TableId } from '../../lambdas/core/table-schema';
import type { BatchConsumer, ReceiveResult } from './work-queue';
import type { SsmScope } from '../../lambdas/core/scope';

/** One write the collector made: what POST /events answers with. */
export interface StoredRecord {
  readonly table: TableId;
  readonly key: RecordKey;
  readonly status: string;
  /**
   * "stale": the archive already held this or a later status, and kept it. A record the
   * write created is reported "written" too, as POST /events always has.
   */
  readonly outcome: Exclude<UpsertOutcome, 'created'>;
}

export interface CollectorConsumerDependencies {
  readonly sources: readonly HistorySource[];
  /** SSM in the archive's own account and Region. */
  readonly ssm: SSMClient;
  /** The archive's own account and Region, stamped on what it collects. */
  readonly home?: SsmScope;
  /** SSM in a member account and Region (an organization); omitted: the home's only. */
  readonly ssmFor?: (scope: SsmScope) => SSMClient;
  readonly store: Pick<RecordStore, 'upsert' | 'get'>;
  readonly logger: Log;
  readonly parentConcurrency: number;
  /** Counters per kind (records stored, missed by events), as the deployed collector keeps them. */
  readonly checkpoints?: Pick<CheckpointStore, 'addCounters'>;
  /** Failure alerts, as the deployed collector publishes them. */
  readonly alerts?: Pick<FailureAlerts, 'alertOf' | 'store'>;
  /** The passes over gathered kinds' parents, as the deployed collector keeps them. */
  readonly passes?: CollectorDependencies['passes'];
}

/**
 * The deployed collector, one batch at a time, as the work queue's consumer. Each batch gets
 * its own Collector over a store that notes every write; with the collector's reason for
 * each failed message, the queue knows what each message came to. A successful message's
 * result is every write of its batch; POST /events picks out its own.
 */
export function collectorConsumer(deps: CollectorConsumerDependencies): BatchConsumer<readonly StoredRecord[]> {
  return async (messages) => {
    const written: StoredRecord[] = [];
    const note = (observation: Observation, outcome: UpsertOutcome) =>
      written.push({
        table: observation.table,
        key: observation.key,
        status: observation.status,
        outcome: outcome === 'created' ? 'written' : outcome,
      });
    const alerts = deps.alerts;
    const collector = new Collector({
      sources: deps.sources,
      clients: { ssm: deps.ssm },
      ...(deps.home !== undefined ? { home: deps.home } : {}),
      ...(deps.ssmFor !== undefined ? { ssmFor: deps.ssmFor } : {}),
      ...(deps.passes !== undefined ? { passes: deps.passes } : {}),
      store: {
        upsert: async (observation) => {
          const outcome = await deps.store.upsert(observation);
          note(observation, outcome);
          return outcome;
        },
        get: (table, key, consistentRead) => deps.store.get(table, key, consistentRead),
      },
      ...(alerts !== undefined
        ? {
            alerts: {
              alertOf: (observation, gathered) => alerts.alertOf(observation, gathered),
              store: async (observation, alert) => {
                const stored = await alerts.store(observation, alert);
                note(observation, stored.outcome);
                return stored;
              },
            },
          }
        : {}),
      logger: deps.logger,
      parentConcurrency: deps.parentConcurrency,
      ...(deps.checkpoints !== undefined ? { checkpoints: deps.checkpoints } : {}),
    });
    const batch = await collector.collect(messages);
    deps.logger.debug('Collected batch', {
      messages: messages.length,
      parents: batch.parents,
      written: batch.written,
      stale: batch.stale,
      failed: batch.failedMessageIds.length,
    });
    return new Map<string, ReceiveResult<readonly StoredRecord[]>>(
      messages.map((message) => {
        const reason = batch.failureReasons.get(message.id);
        return [message.id, reason === undefined ? { ok: true, result: written } : { ok: false, reason }];
      }),
    );
  };
}
