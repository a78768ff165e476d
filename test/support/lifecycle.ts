/**
 * What the ordering properties check after every delivery, not only at the end: a record's
 * stored status never moves back in SSM's lifecycle. Each kind's lifecycle is written out
 * here, apart from the rank table in lambdas/status.ts, so that a wrong rank there (Cancelling
 * below InProgress, PENDING level with IN_PROGRESS) shows up as a status moving back.
 */
export type Lifecycle = readonly (readonly string[])[];

const runCommandTerminal = [
  'Success', 'Failed', 'TimedOut', 'Cancelled', 'DeliveryTimedOut', 'ExecutionTimedOut', 'Undeliverable', 'Terminated',
  'InvalidPlatform', 'AccessDenied', 'Incomplete', 'NoInstancesInTag', 'LimitExceeded',
];

/** Run Command commands and invocations: waiting, delayed, running, being cancelled, ended. */
export const runCommandLifecycle: Lifecycle = [['Pending'], ['Delayed'], ['InProgress'], ['Cancelling'], runCommandTerminal];

/** Maintenance Windows executions, tasks and invocations. */
export const maintenanceWindowLifecycle: Lifecycle = [
  ['PENDING'],
  ['IN_PROGRESS'],
  ['CANCELLING'],
  ['SUCCESS', 'SKIPPED_OVERLAPPING', 'FAILED', 'TIMED_OUT', 'CANCELLED'],
];

/** The stage of `status` in `lifecycle`; throws on a status the lifecycle does not name. */
export function stageOf(lifecycle: Lifecycle, status: string): number {
  const stage = lifecycle.findIndex((statuses) => statuses.includes(status));
  if (stage < 0) throw new Error(`status ${status} is not in the lifecycle ${JSON.stringify(lifecycle)}`);
  return stage;
}

/**
 * Remembers each record's stored status and throws when one moves back in its lifecycle, or
 * disappears (records are never deleted).
 */
export class ForwardOnly {
  private readonly seen = new Map<string, string>();

  constructor(private readonly lifecycle: Lifecycle) {}

  /** The record `id` now stores `status` (undefined: no item yet). */
  check(id: string, status: unknown): void {
    const before = this.seen.get(id);
    if (status === undefined) {
      if (before !== undefined) throw new Error(`${id} stored ${before}, then nothing`);
      return;
    }
    if (typeof status !== 'string') throw new Error(`${id} stores a status that is not a string: ${JSON.stringify(status)}`);
    if (before !== undefined && stageOf(this.lifecycle, status) < stageOf(this.lifecycle, before)) {
      throw new Error(`${id} moved back from ${before} to ${status}`);
    }
    this.seen.set(id, status);
  }
}

/** One sighting of a record's running status: an event or notification, or a poll's observation. */
export type Sighting<Poll> = { readonly status: string } & ({ readonly message: string } | { readonly poll: Poll });

/** The archive one record's sightings go to: the collector for messages, the store for polls. */
export interface RecordUnderTest<Poll> {
  /** Collects one batch of message bodies; expected to fail none of them. */
  collect(bodies: readonly string[]): Promise<void>;
  store(poll: Poll): Promise<void>;
  storedStatus(): Promise<unknown>;
}

/**
 * Delivers `order` to `record`, messages in batches of `batchSize` (a poll is stored at once),
 * and after every step expects the stored status to be the furthest in `lifecycle` of those
 * delivered so far: a lagging poll or a late event never moves it back, and a sighting
 * further on always moves it forward, whatever their times.
 */
export async function expectFurthestStored<Poll>(
  record: RecordUnderTest<Poll>,
  lifecycle: Lifecycle,
  order: readonly Sighting<Poll>[],
  batchSize: number,
): Promise<void> {
  const applied: string[] = [];
  let batch: { readonly status: string; readonly message: string }[] = [];
  const expectFurthest = async (): Promise<void> => {
    const furthest = applied.reduce<string | undefined>(
      (best, status) => (best === undefined || stageOf(lifecycle, status) > stageOf(lifecycle, best) ? status : best),
      undefined,
    );
    expect({ stored: await record.storedStatus(), after: [...applied] }).toEqual({ stored: furthest, after: applied });
  };
  const flush = async (): Promise<void> => {
    if (batch.length === 0) return;
    await record.collect(batch.map((sighting) => sighting.message));
    applied.push(...batch.map((sighting) => sighting.status));
    batch = [];
    await expectFurthest();
  };
  for (const sighting of order) {
    if ('poll' in sighting) {
      await record.store(sighting.poll);
      applied.push(sighting.status);
      await expectFurthest();
    } else {
      batch.push({ status: sighting.status, message: sighting.message });
      if (batch.length === batchSize) await flush();
    }
  }
  await flush();
}
