/**
 * What the ordering properties check after every delivery, not only at the end: a record's
 * stored status never moves back in SSM's lifecycle. Each kind's lifecycle is written out
 * here, apart from the kinds' rank tables (lambdas/sources/<kind>/statuses.ts), so that a wrong rank there (Cancelling
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
 * Remembers each record's status as SSM's read confirmed it, and throws when one moves back in
 * its lifecycle, or when a record disappears (records are never deleted). A status only a
 * message gave may be corrected by SSM's next read, so it is not held to this.
 */
export class ForwardOnly {
  private readonly confirmed = new Map<string, string>();
  private readonly stored = new Set<string>();

  constructor(private readonly lifecycle: Lifecycle) {}

  /** The record `id` now stores `item` (undefined: no item yet). */
  check(id: string, item: Readonly<Record<string, unknown>> | undefined): void {
    if (item === undefined) {
      if (this.stored.has(id)) throw new Error(`${id} was stored, then disappeared`);
      return;
    }
    this.stored.add(id);
    const status = item.Status;
    if (typeof status !== 'string') throw new Error(`${id} stores a status that is not a string: ${JSON.stringify(status)}`);
    if (item.confirmed !== true) return;
    const before = this.confirmed.get(id);
    if (before !== undefined && stageOf(this.lifecycle, status) < stageOf(this.lifecycle, before)) {
      throw new Error(`${id}: SSM's read confirmed ${before}, then the archive confirmed ${status}`);
    }
    this.confirmed.set(id, status);
  }
}

/**
 * One sighting of a record's running status: an event or notification, or a poll's read of
 * SSM (with the time SSM answered).
 */
export type Sighting<Poll> = { readonly status: string } & ({ readonly message: string } | { readonly poll: Poll; readonly readAt: string });

/** The archive one record's sightings go to: the collector for messages, the store for polls. */
export interface RecordUnderTest<Poll> {
  /** Collects one batch of message bodies; expected to fail none of them. */
  collect(bodies: readonly string[]): Promise<void>;
  store(poll: Poll): Promise<void>;
  storedStatus(): Promise<unknown>;
}

interface Applied {
  readonly status: string;
  /** When SSM answered, for a read; undefined for a message. */
  readonly readAt?: string;
}

/**
 * Delivers `order` to `record`, messages in batches of `batchSize` (a poll is stored at once),
 * and after every step expects the stored status to be the furthest in `lifecycle` of SSM's
 * furthest read so far (further in the lifecycle, or as far and newer) and of the messages
 * delivered after it: SSM's read replaces whatever messages said before it, a lagging read
 * never undoes a further one, and a message further on always moves the record forward,
 * whatever the times.
 */
export async function expectFurthestStored<Poll>(
  record: RecordUnderTest<Poll>,
  lifecycle: Lifecycle,
  order: readonly Sighting<Poll>[],
  batchSize: number,
): Promise<void> {
  const applied: Applied[] = [];
  let batch: { readonly status: string; readonly message: string }[] = [];
  const furthestOf = (statuses: readonly string[]): string | undefined =>
    statuses.reduce<string | undefined>((best, status) => (best === undefined || stageOf(lifecycle, status) > stageOf(lifecycle, best) ? status : best), undefined);
  const expectFurthest = async (): Promise<void> => {
    let furthestRead = -1;
    applied.forEach((sighting, index) => {
      const best = applied[furthestRead];
      if (sighting.readAt === undefined) return;
      if (
        best?.readAt === undefined ||
        stageOf(lifecycle, sighting.status) > stageOf(lifecycle, best.status) ||
        (stageOf(lifecycle, sighting.status) === stageOf(lifecycle, best.status) && sighting.readAt > best.readAt)
      ) {
        furthestRead = index;
      }
    });
    const expected = furthestOf(applied.slice(Math.max(furthestRead, 0)).map((sighting) => sighting.status));
    expect({ stored: await record.storedStatus(), after: [...applied] }).toEqual({ stored: expected, after: applied });
  };
  const flush = async (): Promise<void> => {
    if (batch.length === 0) return;
    await record.collect(batch.map((sighting) => sighting.message));
    applied.push(...batch.map((sighting) => ({ status: sighting.status })));
    batch = [];
    await expectFurthest();
  };
  for (const sighting of order) {
    if ('poll' in sighting) {
      await record.store(sighting.poll);
      applied.push({ status: sighting.status, readAt: sighting.readAt });
      await expectFurthest();
    } else {
      batch.push({ status: sighting.status, message: sighting.message });
      if (batch.length === batchSize) await flush();
    }
  }
  await flush();
}
