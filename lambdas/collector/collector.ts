import { AlertPublishError, type FailureAlerts } from '../alerts/failure-alerts';
import { forEachBounded } from '../concurrency';
import type { Log, LogAttributes } from '../log';
import type { CheckpointStore } from '../store/checkpoint-store';
import {
  DEFAULT_COLLECT_SETTINGS,
  MalformedMessageError,
  PartialCollectionError,
  type CollectSettings,
  type HistoryKind,
  type ArchiveLookup,
  type HistorySource,
  type Observation,
  type SourceClients,
  type WorkItem,
} from '../core/model';
import type { RecordStore, UpsertOutcome } from '../store/record-store';
import { coalesceObservations, readsBehindMessages, type ReadBehindMessage } from './coalesce';
import { clampToReceipt, MessageReader, type TrustedSenders } from './messages';
import { scopeName, type SsmScope } from '../core/scope';
import type { SSMClient } from '@aws-sdk/client-ssm';
import type { PassLease, PassLedger, PassSubject } from '../store/pass-ledger';
import { planPass, withoutFetch, type PassPlan } from './gathered-passes';

export interface QueueMessage {
  readonly id: string;
  readonly body: string;
}

export interface CollectedBatch {
  /** Messages to retry (and, after the queue's maxReceiveCount, dead-letter). */
  readonly failedMessageIds: readonly string[];
  /** Why each failed message failed, in the words of the error (also logged). */
  readonly failureReasons: ReadonlyMap<string, string>;
  readonly parents: number;
  /** Records the batch moved forward, those it created included. */
  readonly written: number;
  readonly stale: number;
  /** Records the batch created (the archive had no item for them before). */
  readonly created: number;
  /** Created records whose only producer was a poller: the event path did not deliver them. */
  readonly missedByEvents: number;
  /** `created` and `missedByEvents` per kind; kinds with neither are left out. */
  readonly byKind: Readonly<Partial<Record<HistoryKind, KindCounts>>>;
  /** Failure alerts this batch published, per kind; kinds with none are left out. */
  readonly alertsPublished: Readonly<Partial<Record<HistoryKind, number>>>;
  /**
   * Per kind, for each parent an event or notification named and the batch stored: the time
   * from the earliest such event to its records stored, in milliseconds (CollectionLag).
   */
  readonly collectionLagMs: Readonly<Partial<Record<HistoryKind, readonly number[]>>>;
  /** Parents whose messages failed because SNS refused an alert (AlertPublishFailures). */
  readonly alertPublishFailures: number;
  /** Gathered parents whose items another pass covered: no SSM call was made for them. */
  readonly covered: number;
}

/** What the collector's log line says of a batch of this many messages (the cost model counts the same line). */
export function batchLogAttributes(messages: number, batch: CollectedBatch): LogAttributes {
  return {
    messages,
    parents: batch.parents,
    written: batch.written,
    created: batch.created,
    missedByEvents: batch.missedByEvents,
    alertsPublished: batch.alertsPublished,
    stale: batch.stale,
    failed: batch.failedMessageIds.length,
    covered: batch.covered,
  };
}

export interface KindCounts {
  readonly created: number;
  readonly missedByEvents: number;
}

export interface CollectorDependencies {
  readonly sources: readonly HistorySource[];
  /** SSM in the archive's home account and Region (and the archive lookup, which the collector sets itself). */
  readonly clients: SourceClients;
  /** The archive's own account and Region: what a work item that names none is about. */
  readonly home?: SsmScope;
  /**
   * SSM in a member account and Region (through its read role); omitted: every work item is
   * read with `clients.ssm`, whatever scope it names (a single-account archive).
   */
  readonly ssmFor?: (scope: SsmScope) => SSMClient;
  /** Writes every record; `get` lets sources skip what the archive already holds settled. */
  readonly store: Pick<RecordStore, 'upsert' | 'get'>;
  readonly logger: Pick<Log, 'info' | 'warn' | 'error'>;
  /** Parents worked on at once: bounds this collector's SSM call rate. */
  readonly parentConcurrency: number;
  /** How to collect (which invocations' plugin answers to read); DEFAULT_COLLECT_SETTINGS when omitted. */
  readonly settings?: CollectSettings;
  readonly now?: () => Date;
  /** Whose events and notifications are read; the deployed collector always names them. */
  readonly senders?: TrustedSenders;
  /**
   * When given, each batch adds its records created and missed by events to the kinds'
   * checkpoints (one ADD per kind per batch): what GET /status reports.
   */
  readonly checkpoints?: Pick<CheckpointStore, 'addCounters'>;
  /**
   * When given, a record's first failure publishes one alert: observations that alert are
   * stored through it (it marks, claims and publishes), all others through `store`.
   */
  readonly alerts?: Pick<FailureAlerts, 'alertOf' | 'store'>;
  /**
   * The passes made over gathered kinds' parents (HistorySource.gathering): with it, a batch
   * whose items another pass covers makes no SSM call for them. Omitted: every batch passes.
   */
  readonly passes?: Pick<PassLedger, 'entry' | 'lease' | 'complete' | 'release'>;
}

/** A record no event announced: every sighting of it in this batch came from a poller. */
const onlyPolled = (observation: Observation): boolean =>
  observation.producers.size > 0 && [...observation.producers].every((producer) => producer === 'poll');

/**
 * From the earliest event or notification about a parent to its records stored; undefined
 * when only pollers named it (their lag is the poll interval, not the event path's).
 */
function lagOf(items: readonly WorkItem[], storedAt: Date): number | undefined {
  const sent = items
    .filter((item) => item.producer !== 'poll')
    .map((item) => Date.parse(item.sentAt))
    .filter((at) => Number.isFinite(at));
  return sent.length === 0 ? undefined : Math.max(0, storedAt.getTime() - Math.min(...sent));
}

/**
 * SSM's read of a record ranks below what a message said of it. The read is stored, and the
 * messages fail so that their retry reads SSM again: a lagging read is repaired by the next
 * one, and a forged message keeps failing until it is dead-lettered with this reason.
 */
export class ReadBehindMessageError extends Error {
  constructor(behind: readonly ReadBehindMessage[], rewound: readonly Observation[]) {
    const records = [
      ...behind.map(({ observation, messageStatus }) => `${describe(observation)} is ${observation.status} where a message said ${messageStatus}`),
      ...rewound.map((observation) => `${describe(observation)} is ${observation.status}, behind the status an earlier message stored`),
    ];
    super(`SSM's read is behind the messages, to be read again: ${records.join('; ')}`);
    this.name = 'ReadBehindMessageError';
  }
}

const describe = (observation: Observation): string => `${observation.table} ${JSON.stringify(observation.key)}`;

/** Writes of one parent's records in flight at once. */
const WRITES_PER_PARENT = 8;

/**
 * The only writer of history records. A batch of queue messages becomes work items, grouped
 * by parent so that each parent costs one pass of SSM calls however many events named it,
 * then one conditional write per record, in which SSM's read wins over any message. A
 * failure is confined to the messages that named the failing parent; the rest of the batch
 * is stored.
 */
export class Collector {
  private readonly reader: MessageReader;
  private readonly sourcesByKind: ReadonlyMap<string, HistorySource>;
  private readonly now: () => Date;
  /**
   * What sources read of the archive (State Manager's settle check), eventually consistent:
   * a stale answer can only miss a settle mark, and costs one refetch; a settled record's
   * status and alert state never move back.
   */
  private readonly archive: ArchiveLookup;

  constructor(private readonly deps: CollectorDependencies) {
    this.reader = new MessageReader(deps.sources, deps.senders);
    this.sourcesByKind = new Map(deps.sources.map((source) => [source.kind, source]));
    this.now = deps.now ?? (() => new Date());
    this.archive = { get: (table, key) => deps.store.get(table, key, false) };
  }

  async collect(messages: readonly QueueMessage[]): Promise<CollectedBatch> {
    const failed = new Map<string, string>();
    const parents = new Map<string, { items: WorkItem[]; messageIds: string[] }>();
    for (const message of messages) {
      try {
        const item = clampToReceipt(this.reader.read(message.body), this.now());
        // With one SSM client every parent is read the same way: a parent's events and polls
        // make one pass however they name its scope. With members, each scope is its own SSM.
        const scope = this.deps.ssmFor === undefined ? undefined : (item.scope ?? this.deps.home);
        const id = `${item.kind}\u0000${item.parentId}\u0000${scope === undefined ? '' : scopeName(scope)}`;
        const parent = parents.get(id) ?? { items: [], messageIds: [] };
        parent.items.push(item);
        parent.messageIds.push(message.id);
        parents.set(id, parent);
      } catch (error) {
        // Either way only this message fails; the queue retries it, then dead-letters it.
        const reason = error instanceof Error ? error.message : String(error);
        this.deps.logger.error(error instanceof MalformedMessageError ? 'Malformed message' : 'Could not read message', {
          messageId: message.id,
          reason,
        });
        failed.set(message.id, reason);
      }
    }

    const counts = { written: 0, stale: 0, created: 0, missedByEvents: 0 };
    // Counters per kind and account and Region: the checkpoints' (GET /status), summed per kind for the metrics.
    const byScope = new Map<string, { kind: HistoryKind; scope: SsmScope | undefined; created: number; missedByEvents: number }>();
    const alertsPublished: Partial<Record<HistoryKind, number>> = {};
    const collectionLagMs: Partial<Record<HistoryKind, number[]>> = {};
    let alertPublishFailures = 0;
    let covered = 0;
    await forEachBounded([...parents.values()], this.deps.parentConcurrency, async ({ items, messageIds }) => {
      const first = items[0] as WorkItem;
      const scope = items.find((item) => item.scope !== undefined)?.scope ?? this.deps.home;
      const subject = { kind: first.kind, parentId: first.parentId, scope };
      let plan: PassPlan = { plan: 'pass' };
      try {
        const source = this.sourcesByKind.get(first.kind);
        if (!source) throw new Error(`no source for kind ${first.kind}`);
        if (source.gathering !== undefined && this.deps.passes !== undefined) plan = await planPass(this.deps.passes, subject, items, this.now());
        if (plan.plan === 'covered') covered++;
        const toCollect = plan.plan === 'covered' ? withoutFetch(items) : items;
        const ssm = scope !== undefined && this.deps.ssmFor !== undefined ? this.deps.ssmFor(scope) : this.deps.clients.ssm;
        let read: readonly Observation[];
        let partial: PartialCollectionError | undefined;
        try {
          read = await source.collect(toCollect, { ...this.deps.clients, ssm, archive: this.archive }, this.now, this.deps.settings ?? DEFAULT_COLLECT_SETTINGS);
        } catch (error) {
          if (!(error instanceof PartialCollectionError)) throw error;
          // Store what was gathered, then fail the messages: the retry starts past it.
          partial = error;
          read = error.observations;
        }
        // Every record is stored with the account and Region it lives in.
        const gathered = scope === undefined ? read : read.map((observation) => ({ ...observation, scope }));
        const observations = coalesceObservations(gathered);
        const behind = readsBehindMessages(gathered);
        const rewound: Observation[] = [];
        // A parent that settles its children is written last: if a child's write fails, it
        // stays unsettled and the retry fetches the children again.
        const write = async (observation: Observation) => {
          const outcome = await this.store(observation, observations, first.kind, alertsPublished);
          if (outcome === 'stale') {
            counts.stale++;
            return;
          }
          if (outcome === 'rewound') rewound.push(observation);
          counts.written++;
          if (outcome !== 'created') return;
          counts.created++;
          const scopeKey = `${first.kind}\u0000${scope === undefined ? '' : scopeName(scope)}`;
          const scopeCounts = byScope.get(scopeKey) ?? { kind: first.kind, scope, created: 0, missedByEvents: 0 };
          byScope.set(scopeKey, scopeCounts);
          scopeCounts.created++;
          if (onlyPolled(observation)) {
            counts.missedByEvents++;
            scopeCounts.missedByEvents++;
            this.deps.logger.warn('Record missed by events: a poller stored it first', {
              kind: first.kind,
              parentId: first.parentId,
              table: observation.table,
              key: observation.key,
              status: observation.status,
            });
          }
        };
        await forEachBounded(observations.filter((o) => o.settlesChildren !== true), WRITES_PER_PARENT, write);
        await forEachBounded(observations.filter((o) => o.settlesChildren === true), WRITES_PER_PARENT, write);
        if (partial !== undefined) throw partial;
        if (behind.length > 0 || rewound.length > 0) throw new ReadBehindMessageError(behind, rewound);
        if (plan.plan === 'lease') await this.deps.passes?.complete(subject, plan.lease);
        // A covered batch stored nothing of its own: the pass that covered it measured the lag.
        const lag = plan.plan === 'covered' ? undefined : lagOf(items, this.now());
        if (lag !== undefined) (collectionLagMs[first.kind] ??= []).push(lag);
      } catch (error) {
        if (plan.plan === 'lease') await this.releaseLease(subject, plan.lease);
        if (error instanceof AlertPublishError) alertPublishFailures++;
        this.deps.logger.warn('Could not collect a parent; its messages will be retried', {
          kind: first.kind,
          parentId: first.parentId,
          ...(scope !== undefined ? { scope: scopeName(scope) } : {}),
          messageIds,
          error: error instanceof Error ? { name: error.name, message: error.message } : String(error),
        });
        const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
        for (const id of messageIds) failed.set(id, reason);
      }
    });

    await this.addCounters([...byScope.values()]);
    const byKind: Partial<Record<HistoryKind, KindCounts>> = {};
    for (const { kind, created, missedByEvents } of byScope.values()) {
      const kindCounts = byKind[kind] ?? { created: 0, missedByEvents: 0 };
      byKind[kind] = { created: kindCounts.created + created, missedByEvents: kindCounts.missedByEvents + missedByEvents };
    }
    return {
      failedMessageIds: [...failed.keys()],
      failureReasons: failed,
      parents: parents.size,
      ...counts,
      byKind,
      alertsPublished,
      collectionLagMs,
      alertPublishFailures,
      covered,
    };
  }

  /** Ends a failed pass's lease, so that its retry may lease again; if that fails, the lease expires. */
  private async releaseLease(subject: PassSubject, lease: PassLease): Promise<void> {
    try {
      await this.deps.passes?.release(subject, lease);
    } catch (error) {
      this.deps.logger.warn('Could not release a pass lease; it expires by itself', {
        kind: subject.kind,
        parentId: subject.parentId,
        until: lease.until,
        error: error instanceof Error ? { name: error.name, message: error.message } : String(error),
      });
    }
  }

  /** One record's write: through the alerts when it raises one, so that the alert goes out once. */
  private async store(
    observation: Observation,
    gathered: readonly Observation[],
    kind: HistoryKind,
    published: Partial<Record<HistoryKind, number>>,
  ): Promise<UpsertOutcome> {
    const alerts = this.deps.alerts;
    const alert = alerts?.alertOf(observation, gathered);
    if (alerts === undefined || alert === undefined) return this.deps.store.upsert(observation);
    const stored = await alerts.store(observation, alert);
    if (stored.published !== undefined) published[kind] = (published[kind] ?? 0) + 1;
    return stored.outcome;
  }

  /**
   * The batch's counts onto the kinds' checkpoints. Not fatal: the records are stored, and a
   * retried message would not create them again, so failing the batch would not help.
   */
  private async addCounters(counted: readonly { kind: HistoryKind; scope: SsmScope | undefined; created: number; missedByEvents: number }[]): Promise<void> {
    const checkpoints = this.deps.checkpoints;
    if (checkpoints === undefined) return;
    await Promise.all(
      counted.map(async ({ kind, scope, ...kindCounts }) => {
        try {
          await checkpoints.addCounters(kind, { recordsStored: kindCounts.created, missedByEvents: kindCounts.missedByEvents }, scope);
        } catch (error) {
          this.deps.logger.warn('Could not add the batch counts to the checkpoint', {
            kind,
            ...(scope !== undefined ? { scope: scopeName(scope) } : {}),
            created: kindCounts.created,
            missedByEvents: kindCounts.missedByEvents,
            error: error instanceof Error ? { name: error.name, message: error.message } : String(error),
          });
        }
      }),
    );
  }
}
