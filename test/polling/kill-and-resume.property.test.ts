import { ssmIds } from '../../lambdas/core/ssm-ids';
import { SSMClient } from '@aws-sdk/client-ssm';
import fc from 'fast-check';
import { CheckpointStore, type Checkpoint, type CheckpointPatch } from '../../lambdas/store/checkpoint-store';
import { DEFAULT_BACKFILL_MS, pollOnce, type KindPollResult, type PollerDependencies } from '../../lambdas/polling/poller';
import type { WorkSink } from '../../lambdas/polling/work-sink';
import type { ListedSource, ListedPage, ParentLister, WorkItem } from '../../lambdas/core/model';
import { startDynalite, type TestDatabase } from '../support/databases';

const MINUTE = 60_000;
const NOW = Date.parse('2026-11-20T12:00:00.000Z');
const RUN_INTERVAL = 5 * MINUTE;
const iso = (ms: number) => new Date(ms).toISOString();

interface Parent {
  readonly id: string;
  readonly startedAt: number;
  /** Still running at every poll of the test. */
  readonly running: boolean;
}

/** Where a run of the poller dies: the process is gone, only the checkpoint and the queue remain. */
type KillPoint =
  /** Lambda's time runs out: shouldStop() says so before the page after `pages`. */
  | 'between-pages'
  /** The listing call itself fails. */
  | 'listing'
  /** Listed, not yet enqueued. */
  | 'before-enqueue'
  /** SendMessageBatch took some of the page's items, then the process died. */
  | 'mid-batch'
  /** Enqueued, not yet saved. */
  | 'before-save';

interface Kill {
  readonly point: KillPoint;
  /** Pages (or saves) of this run that go through before it dies. */
  readonly after: number;
  /** For mid-batch: how many of the page's items reached the queue. */
  readonly delivered: number;
}

class Killed extends Error {
  constructor(point: KillPoint) {
    super(`killed ${point}`);
    this.name = 'Killed';
  }
}

/** SSM's view: parents started since `since` (and by `now`), newest first, `pageSize` a page. */
class TimelineLister implements ParentLister {
  readonly listingActions = ['ssm:DescribeAutomationExecutions'];
  readonly firstPageCalls: number[] = [];
  kill?: (page: number) => boolean;
  private pagesThisRun = 0;

  constructor(
    private readonly parents: readonly Parent[],
    private readonly pageSize: number,
  ) {}

  startRun(kill?: (page: number) => boolean): void {
    this.pagesThisRun = 0;
    this.kill = kill;
  }

  listPage(_ssm: SSMClient, since: string, position: string | undefined, now: Date): Promise<ListedPage> {
    if (this.kill?.(this.pagesThisRun++) === true) return Promise.reject(new Killed('listing'));
    if (position === undefined) this.firstPageCalls.push(now.getTime());
    const listed = this.parents
      .filter((parent) => parent.startedAt >= Date.parse(since) && parent.startedAt <= now.getTime())
      .sort((a, b) => b.startedAt - a.startedAt || a.id.localeCompare(b.id));
    const offset = position === undefined ? 0 : Number(position);
    const page = listed.slice(offset, offset + this.pageSize);
    const running = page.filter((parent) => parent.running);
    return Promise.resolve({
      items: page.map(
        (parent): WorkItem => ({ kind: 'automation', parentId: parent.id, producer: 'poll', sentAt: now.toISOString(), observations: [], fetch: { scope: 'parent' } }),
      ),
      ...(offset + this.pageSize < listed.length ? { next: String(offset + this.pageSize) } : {}),
      ...(page.length > 0 ? { oldestSeen: iso(Math.min(...page.map((parent) => parent.startedAt))) } : {}),
      ...(running.length > 0 ? { earliestRunning: iso(Math.min(...running.map((parent) => parent.startedAt))) } : {}),
    });
  }
}

const source = (lister: ParentLister): ListedSource => ({
  kind: 'automation',
  statuses: {},
  parentId: ssmIds.automationExecutionId,
  eventDetailTypes: [],
  tables: [],
  collectorActions: [],
  parseEvent: () => {
    throw new Error('not used');
  },
  collect: () => Promise.resolve([]),
  lister,
});

const parentsArbitrary = fc
  .uniqueArray(
    fc.record({
      // Within the 30-day backfill window, to the minute; ids follow from the time so they are unique.
      minutesAgo: fc.integer({ min: 0, max: DEFAULT_BACKFILL_MS / MINUTE - 1 }),
      // One in seven parents still running at every poll.
      running: fc.integer({ min: 0, max: 6 }).map((draw) => draw === 0),
    }),
    { selector: (parent) => parent.minutesAgo, maxLength: 45, size: 'max' },
  )
  .map((records) => records.map((record): Parent => ({ id: `exec-${record.minutesAgo}`, startedAt: NOW - record.minutesAgo * MINUTE, running: record.running })));

const killArbitrary: fc.Arbitrary<Kill> = fc.record({
  point: fc.constantFrom<KillPoint>('between-pages', 'listing', 'before-enqueue', 'mid-batch', 'before-save'),
  after: fc.integer({ min: 0, max: 8 }),
  delivered: fc.integer({ min: 0, max: 6 }),
});

describe('poller killed at random points, then run again until its listing completes', () => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await startDynalite();
  });
  afterAll(async () => {
    await database.stop();
  });

  it('enqueues every parent SSM lists at least once and ends with the right watermark', async () => {
    let mostParents = 0;
    await fc.assert(
      fc.asyncProperty(parentsArbitrary, fc.integer({ min: 1, max: 7 }), fc.array(killArbitrary, { maxLength: 8, size: 'max' }), async (parents, pageSize, kills) => {
        mostParents = Math.max(mostParents, parents.length);
        const store = new CheckpointStore(database.doc, (await database.tables('k')).pollCheckpoints);
        const lister = new TimelineLister(parents, pageSize);
        const queue: string[] = [];
        let now = NOW;
        let kill: Kill | undefined;
        let pagesThisRun = 0;
        let sendsThisRun = 0;
        let savesThisRun = 0;

        const sink: WorkSink = {
          send(bodies) {
            const send = sendsThisRun++;
            if (kill?.point === 'before-enqueue' && send === kill.after) return Promise.reject(new Killed('before-enqueue'));
            if (kill?.point === 'mid-batch' && send === kill.after) {
              queue.push(...bodies.slice(0, Math.min(kill.delivered, bodies.length - 1)));
              return Promise.reject(new Killed('mid-batch'));
            }
            queue.push(...bodies);
            return Promise.resolve();
          },
        };
        const checkpoints: PollerDependencies['checkpoints'] = {
          get: (kind) => store.get(kind),
          addCounters: (kind, add) => store.addCounters(kind, add),
          saveProgress: (kind, patch: CheckpointPatch) => {
            if (patch.position !== undefined || patch.watermark !== undefined) pagesThisRun++;
            if (kill?.point === 'before-save' && savesThisRun++ === kill.after) return Promise.reject(new Killed('before-save'));
            return store.saveProgress(kind, patch);
          },
        };
        const deps: PollerDependencies = {
          sources: [source(lister)],
          ssm: new SSMClient({ region: 'us-east-1' }),
          checkpoints,
          sink,
          encode: (item) => JSON.stringify({ kind: item.kind, parentId: item.parentId }),
          now: () => new Date(now),
          log: { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined },
          callsPerSecond: 1000,
          rateClock: { now: () => 0, sleep: () => Promise.resolve() },
        };
        const run = async (next: Kill | undefined): Promise<KindPollResult> => {
          kill = next;
          pagesThisRun = 0;
          sendsThisRun = 0;
          savesThisRun = 0;
          lister.startRun(next?.point === 'listing' ? (page) => page === next.after : undefined);
          const shouldStop = () => next?.point === 'between-pages' && pagesThisRun >= next.after;
          const [result] = await pollOnce(deps, shouldStop);
          now += RUN_INTERVAL;
          return result as KindPollResult;
        };

        for (const next of kills) await run(next);
        let result = await run(undefined);
        for (let runs = 1; !result.complete; runs++) {
          if (runs > 3) throw new Error(`the listing did not complete in ${runs} runs without kills: ${JSON.stringify(result)}`);
          result = await run(undefined);
        }

        const enqueued = new Set(queue.map((body) => (JSON.parse(body) as { parentId: string }).parentId));
        for (const parent of parents) expect(enqueued).toContain(parent.id);

        const checkpoint: Checkpoint = await store.get('automation');
        const finalListingStart = lister.firstPageCalls[lister.firstPageCalls.length - 1] as number;
        const runningStarts = parents.filter((parent) => parent.running).map((parent) => parent.startedAt);
        const expectedWatermark = iso(Math.min(finalListingStart, ...runningStarts));
        expect(result.watermark).toBe(expectedWatermark);
        expect(checkpoint.watermark).toBe(expectedWatermark);
        expect(checkpoint.position).toBeUndefined();
        expect(checkpoint.listingSince).toBeUndefined();
        expect(checkpoint.lastSuccessfulPollAt).toBeDefined();
        expect(checkpoint.backfillCompletedAt).toBeDefined();
        expect(checkpoint.parentsListed).toBeGreaterThanOrEqual(parents.length);
        expect(checkpoint.oldestSeen).toBe(parents.length > 0 ? iso(Math.min(...parents.map((parent) => parent.startedAt))) : undefined);
      }),
      { numRuns: 30 },
    );
    // Listings of up to 45 parents, pages of up to 7: not fast-check's default of ten at most.
    expect(mostParents).toBeGreaterThan(20);
  });
});
