import { SSMClient } from '@aws-sdk/client-ssm';
import { auditAssociationArchive } from '../../bench/archive-audit';
import { Collector, type CollectedBatch, type CollectorDependencies, type QueueMessage } from '../../lambdas/collector/collector';
import { LEASE_MS } from '../../lambdas/collector/gathered-passes';
import type { HistorySource, SsmEvent } from '../../lambdas/core/model';
import { historySources } from '../../lambdas/sources';
import { associationSource } from '../../lambdas/sources/association';
import { parseAssociationEvent } from '../../lambdas/sources/association/events';
import { tableSchemas } from '../../lambdas/sources/tables';
import { PassLedger, type PassSubject } from '../../lambdas/store/pass-ledger';
import { RecordStore } from '../../lambdas/store/record-store';
import { CallCounter } from '../../local/call-counter';
import { SsmSimulator } from '../../local/ssm-simulator';
import { startDynalite, type TestDatabase } from '../support/databases';
import { spyLog } from '../support/silent-log';
import { withoutRunCommand } from '../support/simulator-events';

/**
 * The collector with the ledger of passes (PassLedger on dynalite) and State Manager's source,
 * against the SSM simulator over HTTP: a run's events, however many batches carry them and
 * however those batches meet, cost one pass over the association, and the archive still
 * equals SSM. State Manager's events name the association, never the execution (SSM user
 * guide, "Amazon EventBridge event examples for Systems Manager", State Manager events), so
 * without the ledger every batch holding a terminal event lists the association again.
 *
 * The simulator's events carry its virtual time (2024), long before the collector's clock:
 * that is the gathering queue's delivery delay (SQS developer guide, "Amazon SQS delay
 * queues"), by which every event is older than the coverage margin when it is collected. The
 * tests about events too recent to be covered give the collector a clock near the events.
 */
const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };
/** The simulator's account and Region: the archive's home here. */
const HOME = { account: '123456789012', region: 'us-east-1' };

type Passes = NonNullable<CollectorDependencies['passes']>;

const bodiesOf = (simulator: SsmSimulator): string[] => withoutRunCommand(simulator.events).map((event) => event.body);
/** A terminal event: it asks for the association's executions (the others ask SSM for nothing). */
const asksForParent = (body: string): boolean => parseAssociationEvent(JSON.parse(body) as SsmEvent).fetch.scope === 'parent';
const timeOf = (body: string): number => Date.parse((JSON.parse(body) as SsmEvent).time);

function batchesOf(bodies: readonly string[], size = 10, prefix = 'm'): QueueMessage[][] {
  const batches: QueueMessage[][] = [];
  for (let i = 0; i < bodies.length; i += size) batches.push(bodies.slice(i, i + size).map((body, j) => ({ id: `${prefix}${i + j}`, body })));
  return batches;
}

const sum = (batches: readonly CollectedBatch[], field: 'written' | 'created' | 'covered' | 'stale'): number => batches.reduce((total, batch) => total + batch[field], 0);

describe('gathering a State Manager run into one pass (collector, PassLedger on dynalite, SSM simulator over HTTP)', () => {
  let database: TestDatabase;
  let simulator: SsmSimulator;
  let ssm: SSMClient;
  let calls: CallCounter;
  let store: RecordStore;
  let ledger: PassLedger;
  let logger: ReturnType<typeof spyLog>;
  let now: Date | undefined;

  beforeAll(async () => {
    database = await startDynalite();
  });
  afterAll(async () => {
    await database.stop();
  });
  beforeEach(async () => {
    simulator = new SsmSimulator({ seed: 41 });
    const { endpoint } = await simulator.listen();
    // One attempt: a failure the simulator injects fails the pass at once.
    ssm = new SSMClient({ endpoint, region: 'us-east-1', credentials, maxAttempts: 1 });
    calls = new CallCounter().attach(ssm);
    const tables = await database.tables();
    store = new RecordStore(database.doc, tableSchemas, tables);
    ledger = new PassLedger(database.doc, tables.pollCheckpoints, HOME);
    logger = spyLog();
    now = undefined;
  });
  afterEach(async () => {
    ssm.destroy();
    await simulator.close();
  });

  function collector(options: { passes?: Passes | undefined; sources?: readonly HistorySource[]; store?: CollectorDependencies['store'] } = {}): Collector {
    return new Collector({
      sources: options.sources ?? historySources,
      clients: { ssm },
      store: options.store ?? store,
      logger,
      parentConcurrency: 2,
      now: () => now ?? new Date(),
      ...('passes' in options ? (options.passes === undefined ? {} : { passes: options.passes }) : { passes: ledger }),
    });
  }

  /** Collects each batch after the previous one; with the SSM listing calls each made. */
  async function collectInTurn(target: Collector, batches: readonly QueueMessage[][]): Promise<{ batch: CollectedBatch; listings: number; targetPages: number }[]> {
    const results = [];
    for (const messages of batches) {
      const before = { listings: calls.count('DescribeAssociationExecutions'), targets: calls.count('DescribeAssociationExecutionTargets') };
      const batch = await target.collect(messages);
      results.push({
        batch,
        listings: calls.count('DescribeAssociationExecutions') - before.listings,
        targetPages: calls.count('DescribeAssociationExecutionTargets') - before.targets,
      });
    }
    return results;
  }

  async function expectArchiveEqualsSsm(records: number): Promise<void> {
    const audit = await auditAssociationArchive(store, simulator.truth());
    expect(audit.differences).toEqual([]);
    expect(audit).toMatchObject({ matches: true, records });
  }

  const subjectOf = (associationId: string): PassSubject => ({ kind: 'association', parentId: associationId, scope: undefined });

  it('makes one pass for a whole run whose events span many batches collected one after another, and writes each record once', async () => {
    const id = simulator.createAssociation({ targets: 12, executions: 2, intervalMs: 10 * 60_000, failures: [{ execution: 1, target: 4 }] });
    simulator.runToCompletion();
    const bodies = bodiesOf(simulator);
    // Per execution: the association's Pending and terminal events, each node's InProgress and terminal one.
    expect(bodies).toHaveLength(2 * (2 + 2 * 12));
    const batches = batchesOf(bodies, 6);
    const results = await collectInTurn(collector(), batches);

    expect(results.flatMap(({ batch }) => batch.failedMessageIds)).toEqual([]);
    // One pass: one listing page (2 executions), one target page per finished execution.
    expect(calls.snapshot()).toEqual({ DescribeAssociationExecutionsCommand: 1, DescribeAssociationExecutionTargetsCommand: 2 });
    const asking = batches.map((messages) => messages.some((message) => asksForParent(message.body)));
    const passed = results.findIndex(({ listings }) => listings > 0);
    // The first batch with a terminal event passed (under its lease); the ones before asked SSM for nothing.
    expect(passed).toBe(asking.indexOf(true));
    expect(results[passed]?.batch).toMatchObject({ covered: 0, written: 2 * 13, created: 2 * 13 });
    expect(results[passed]?.batch.collectionLagMs.association).toHaveLength(1);
    // Every later batch with a terminal event was covered: no SSM call, no write, no lag of its own.
    const later = results.slice(passed + 1).filter((_, i) => asking[passed + 1 + i]);
    expect(later.length).toBeGreaterThanOrEqual(5);
    for (const { batch, listings, targetPages } of later) {
      expect({ covered: batch.covered, listings, targetPages, written: batch.written, stale: batch.stale }).toEqual({ covered: 1, listings: 0, targetPages: 0, written: 0, stale: 0 });
      expect(batch.collectionLagMs.association).toBeUndefined();
    }
    expect(sum(results.map(({ batch }) => batch), 'written')).toBe(2 * 13);
    expect(sum(results.map(({ batch }) => batch), 'covered')).toBe(later.length);
    await expectArchiveEqualsSsm(2 * 13);

    // The ledger holds the completed pass, and no lease.
    const entry = await ledger.entry(subjectOf(id));
    expect(entry.lease).toBeUndefined();
    expect(entry.completed).toEqual({ startedAt: expect.any(String), since: '2024-06-03T08:00:00.000Z' });
  });

  it('makes one pass for batches collected at once, the others covered by its lease while it reads', async () => {
    simulator.createAssociation({ targets: 12, executions: 1 });
    simulator.runToCompletion();
    const batches = batchesOf(bodiesOf(simulator), 4);
    const askingBatches = batches.filter((messages) => messages.some((message) => asksForParent(message.body))).length;
    expect(askingBatches).toBeGreaterThanOrEqual(3);

    // The pass under its lease completes only once every other batch is done: they all meet it under way.
    let settled = 0;
    let completing = 0;
    const held: (() => void)[] = [];
    const releaseIfAllMet = () => {
      if (settled + completing >= batches.length) for (const resume of held.splice(0)) resume();
    };
    const gated: Passes = {
      entry: (subject) => ledger.entry(subject),
      lease: (subject, lease) => ledger.lease(subject, lease),
      release: (subject, lease) => ledger.release(subject, lease),
      complete: async (subject, lease) => {
        completing++;
        await new Promise<void>((resume) => {
          held.push(resume);
          releaseIfAllMet();
        });
        return ledger.complete(subject, lease);
      },
    };
    const target = collector({ passes: gated });
    const results = await Promise.all(
      batches.map(async (messages) => {
        const batch = await target.collect(messages);
        settled++;
        releaseIfAllMet();
        return batch;
      }),
    );

    expect(results.flatMap((batch) => batch.failedMessageIds)).toEqual([]);
    expect(completing).toBe(1);
    expect(calls.snapshot()).toEqual({ DescribeAssociationExecutionsCommand: 1, DescribeAssociationExecutionTargetsCommand: 1 });
    expect(sum(results, 'covered')).toBe(askingBatches - 1);
    expect(sum(results, 'created')).toBe(13);
    await expectArchiveEqualsSsm(13);
  });

  it('archives everything exactly when batches of several runs, in any order, are collected at once', async () => {
    // Executions 20 minutes apart (within an event's hour of lookback) and 90 minutes apart (beyond it).
    simulator.createAssociation({ targets: 3, executions: 2, intervalMs: 20 * 60_000, failures: [{ execution: 1, target: 1 }] });
    simulator.createAssociation({ targets: 2, executions: 2, intervalMs: 90 * 60_000 });
    simulator.runToCompletion();
    const bodies = bodiesOf(simulator).reverse();
    const results = await Promise.all(batchesOf(bodies, 5).map((messages) => collector().collect(messages)));
    expect(results.flatMap((batch) => batch.failedMessageIds)).toEqual([]);
    await expectArchiveEqualsSsm(2 * 4 + 2 * 3);
    expect(sum(results, 'created')).toBe(2 * 4 + 2 * 3);
  });

  it('fails the messages of a pass that fails and releases its lease, so that the retry passes again and succeeds', async () => {
    const id = simulator.createAssociation({ targets: 6, executions: 1 });
    simulator.runToCompletion();
    const asking = bodiesOf(simulator).filter(asksForParent);
    const [first, second] = batchesOf(asking, 3);
    simulator.setFaults({ serverErrorRate: 1, operations: ['DescribeAssociationExecutionTargets'] });
    const target = collector();

    const failed = await target.collect(first ?? []);
    expect(failed.failedMessageIds).toEqual((first ?? []).map((message) => message.id));
    expect(failed.covered).toBe(0);
    expect(logger.warn).toHaveBeenCalledWith('Could not collect a parent; its messages will be retried', expect.objectContaining({ parentId: id }));
    // No lease is left to cover anything, and no pass is recorded as complete.
    expect(await ledger.entry(subjectOf(id))).toEqual({});

    // Another batch a moment later is not covered by the failed pass: it passes (and fails) too.
    calls.reset();
    expect((await target.collect(second ?? [])).failedMessageIds).toHaveLength(second?.length ?? 0);
    expect(calls.count('DescribeAssociationExecutions')).toBe(1);

    // SSM answers again: the retry leases, passes and completes.
    simulator.setFaults({});
    calls.reset();
    const retried = await target.collect(first ?? []);
    expect(retried).toMatchObject({ failedMessageIds: [], covered: 0, created: 7 });
    expect(calls.snapshot()).toEqual({ DescribeAssociationExecutionsCommand: 1, DescribeAssociationExecutionTargetsCommand: 1 });
    expect((await ledger.entry(subjectOf(id))).completed).toBeDefined();
    // And the other batch's retry is covered by it.
    calls.reset();
    expect(await target.collect(second ?? [])).toMatchObject({ failedMessageIds: [], covered: 1 });
    expect(calls.count()).toBe(0);
    await expectArchiveEqualsSsm(7);
  });

  it('releases the lease when a write fails after the reads, and completes it only when every write succeeded', async () => {
    const id = simulator.createAssociation({ targets: 4, executions: 1 });
    simulator.runToCompletion();
    const messages = batchesOf(bodiesOf(simulator).filter(asksForParent))[0] ?? [];
    let failNext = true;
    const flaky: CollectorDependencies['store'] = {
      get: (table, key, consistent) => store.get(table, key, consistent),
      upsert: async (observation) => {
        if (observation.table === 'associationExecutionTargets' && failNext) {
          failNext = false;
          throw new Error('ProvisionedThroughputExceededException');
        }
        return store.upsert(observation);
      },
    };
    const target = collector({ store: flaky });
    expect((await target.collect(messages)).failedMessageIds).toHaveLength(messages.length);
    expect(await ledger.entry(subjectOf(id))).toEqual({});

    calls.reset();
    expect(await target.collect(messages)).toMatchObject({ failedMessageIds: [], covered: 0 });
    expect(calls.count('DescribeAssociationExecutions')).toBe(1);
    expect(await ledger.entry(subjectOf(id))).toEqual({ completed: { startedAt: expect.any(String), since: '2024-06-03T08:00:00.000Z' } });
    await expectArchiveEqualsSsm(5);
  });

  it('logs a lease it could not release, still fails the messages, and passes again once the lease has expired', async () => {
    const id = simulator.createAssociation({ targets: 3, executions: 1 });
    simulator.runToCompletion();
    const messages = bodiesOf(simulator).filter(asksForParent).map((body, i) => ({ id: `r${i}`, body }));
    const unreleasing: Passes = {
      entry: (subject) => ledger.entry(subject),
      lease: (subject, lease) => ledger.lease(subject, lease),
      complete: (subject, lease) => ledger.complete(subject, lease),
      release: () => Promise.reject(new Error('DynamoDB is unreachable')),
    };
    now = new Date('2026-11-20T10:00:00.000Z');
    simulator.setFaults({ serverErrorRate: 1, operations: ['DescribeAssociationExecutions'] });
    const target = collector({ passes: unreleasing });
    const failed = await target.collect(messages);
    expect(failed.failedMessageIds).toEqual(messages.map((message) => message.id));
    expect(logger.warn).toHaveBeenCalledWith('Could not release a pass lease; it expires by itself', expect.objectContaining({ parentId: id, until: '2026-11-20T10:02:00.000Z' }));
    expect((await ledger.entry(subjectOf(id))).lease).toMatchObject({ until: '2026-11-20T10:02:00.000Z' });

    // After the lease's two minutes (SQS makes a failed message visible again only after its
    // visibility timeout, six times the collector's), the retry takes the lease over and passes.
    simulator.setFaults({});
    now = new Date(Date.parse('2026-11-20T10:00:00.000Z') + LEASE_MS + 1_000);
    calls.reset();
    expect(await target.collect(messages)).toMatchObject({ failedMessageIds: [], covered: 0, created: 4 });
    expect(calls.count('DescribeAssociationExecutions')).toBe(1);
    await expectArchiveEqualsSsm(4);
  });

  it('passes again for an event sent within the coverage margin of the last pass, and is covered once a pass began late enough', async () => {
    const id = simulator.createAssociation({ targets: 3, executions: 1 });
    simulator.runToCompletion();
    const asking = bodiesOf(simulator).filter(asksForParent);
    const earliest = asking[0] ?? '';
    const latest = asking[asking.length - 1] ?? '';
    const last = timeOf(latest);
    expect(timeOf(earliest)).toBeLessThan(last - 1_000);
    const target = collector();

    // The first pass begins 20 s after the run's last event.
    now = new Date(last + 20_000);
    expect(await target.collect([{ id: 'a', body: earliest }])).toMatchObject({ failedMessageIds: [], covered: 0, created: 4 });
    expect(calls.count('DescribeAssociationExecutions')).toBe(1);
    expect((await ledger.entry(subjectOf(id))).completed?.startedAt).toBe(new Date(last + 20_000).toISOString());

    // The last event: sent 20 s before that pass began, not the 30 s SSM's reads are given to show it.
    now = new Date(last + 35_000);
    expect(await target.collect([{ id: 'b', body: latest }])).toMatchObject({ failedMessageIds: [], covered: 0 });
    expect(calls.count('DescribeAssociationExecutions')).toBe(2);
    // (Its execution is settled in the archive: the second pass reads no targets again.)
    expect(calls.count('DescribeAssociationExecutionTargets')).toBe(1);
    expect((await ledger.entry(subjectOf(id))).completed?.startedAt).toBe(new Date(last + 35_000).toISOString());

    // The same event again: the second pass began 35 s after it, and covers it.
    now = new Date(last + 40_000);
    expect(await target.collect([{ id: 'c', body: latest }])).toMatchObject({ failedMessageIds: [], covered: 1 });
    expect(calls.count('DescribeAssociationExecutions')).toBe(2);
    await expectArchiveEqualsSsm(4);
  });

  it('passes again for an event asking from earlier than the last pass listed', async () => {
    const id = simulator.createAssociation({ targets: 3, executions: 1 });
    simulator.runToCompletion();
    const asking = bodiesOf(simulator).filter(asksForParent);
    const target = collector();
    expect(await target.collect(asking.map((body, i) => ({ id: `a${i}`, body })))).toMatchObject({ failedMessageIds: [], covered: 0 });
    expect((await ledger.entry(subjectOf(id))).completed?.since).toBe('2024-06-03T08:00:00.000Z');
    expect(calls.count('DescribeAssociationExecutions')).toBe(1);

    // An event whose association last ran three hours earlier asks from an hour before that.
    const event = JSON.parse(asking[0] ?? '') as SsmEvent;
    const older = JSON.stringify({ ...event, id: 'older', detail: { ...event.detail, 'last-execution-date': '2024-06-03T06:00:00Z' } });
    expect(await target.collect([{ id: 'b', body: older }])).toMatchObject({ failedMessageIds: [], covered: 0 });
    expect(calls.count('DescribeAssociationExecutions')).toBe(2);
    expect((await ledger.entry(subjectOf(id))).completed?.since).toBe('2024-06-03T05:00:00.000Z');

    // Which covers the run's own events again.
    expect(await target.collect([{ id: 'c', body: asking[1] ?? '' }])).toMatchObject({ failedMessageIds: [], covered: 1 });
    expect(calls.count('DescribeAssociationExecutions')).toBe(2);
    await expectArchiveEqualsSsm(4);
  });

  it.each([
    ['without a ledger', { passes: undefined }],
    ['for a kind without gathering', { sources: historySources.map((source) => (source === associationSource ? { ...associationSource, gathering: undefined } : source)) }],
  ])('passes for every batch with a terminal event %s, as before', async (_name, options) => {
    const id = simulator.createAssociation({ targets: 10, executions: 1 });
    simulator.runToCompletion();
    const batches = batchesOf(bodiesOf(simulator), 5);
    const askingBatches = batches.filter((messages) => messages.some((message) => asksForParent(message.body))).length;
    expect(askingBatches).toBeGreaterThanOrEqual(3);
    const results = await collectInTurn(collector(options), batches);
    expect(results.flatMap(({ batch }) => batch.failedMessageIds)).toEqual([]);
    expect(sum(results.map(({ batch }) => batch), 'covered')).toBe(0);
    // One listing per batch with a terminal event; the settled execution's targets are read once.
    expect(calls.snapshot()).toEqual({ DescribeAssociationExecutionsCommand: askingBatches, DescribeAssociationExecutionTargetsCommand: 1 });
    expect(await ledger.entry(subjectOf(id))).toEqual({});
    await expectArchiveEqualsSsm(11);
  });
});
