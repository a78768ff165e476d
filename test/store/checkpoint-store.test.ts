import { CheckpointStore } from '../../lambdas/store/checkpoint-store';
import { databaseEngines, type TestDatabase } from '../support/databases';

describe.each(databaseEngines)('CheckpointStore on %s', (_engine, start) => {
  let database: TestDatabase;
  let store: CheckpointStore;

  beforeAll(async () => {
    database = await start();
  });
  afterAll(async () => {
    await database.stop();
  });
  beforeEach(async () => {
    store = new CheckpointStore(database.doc, (await database.tables()).pollCheckpoints);
    database.calls.reset();
  });

  it('reads a kind never polled as zero counters and no times', async () => {
    expect(await store.get('automation')).toEqual({ kind: 'automation', recordsStored: 0, missedByEvents: 0, throttles: 0, parentsListed: 0 });
  });

  it('adds counters without a read, and they only grow', async () => {
    await store.addCounters('run-command', { recordsStored: 3, missedByEvents: 1 });
    await store.addCounters('run-command', { recordsStored: 2, throttles: 4, parentsListed: 7 });
    await store.addCounters('run-command', {});
    expect(database.calls.snapshot()).toEqual({ UpdateItemCommand: 2 });
    await expect(store.addCounters('run-command', { recordsStored: -1 })).rejects.toThrow(RangeError);
    await expect(store.addCounters('run-command', { throttles: 0.5 })).rejects.toThrow(RangeError);
    expect(await store.get('run-command')).toMatchObject({ recordsStored: 5, missedByEvents: 1, throttles: 4, parentsListed: 7 });
  });

  it('keeps the minimum oldestSeen while saving the rest of the patch', async () => {
    await store.saveProgress('association', { oldestSeen: '2026-11-10T00:00:00.000Z', position: 'p1' });
    await store.saveProgress('association', { oldestSeen: '2026-11-12T00:00:00.000Z', position: 'p2', add: { parentsListed: 5 } });
    expect(await store.get('association')).toMatchObject({ oldestSeen: '2026-11-10T00:00:00.000Z', position: 'p2', parentsListed: 5 });
    await store.saveProgress('association', { oldestSeen: '2026-10-25T00:00:00.000Z', position: 'p3', add: { parentsListed: 1 } });
    expect(await store.get('association')).toMatchObject({ oldestSeen: '2026-10-25T00:00:00.000Z', position: 'p3', parentsListed: 6 });
  });

  it('returns the checkpoint as the save left it, counters included, from the write alone', async () => {
    await store.addCounters('automation', { recordsStored: 40 });
    database.calls.reset();
    const saved = await store.saveProgress('automation', { position: 'p9', add: { parentsListed: 3 } });
    expect(saved).toMatchObject({ kind: 'automation', position: 'p9', recordsStored: 40, parentsListed: 3 });
    expect(database.calls.snapshot()).toEqual({ UpdateItemCommand: 1 });
  });

  it('keeps a listing in flight for resuming, and clears it with null', async () => {
    await store.saveProgress('maintenance-window', {
      listingSince: '2026-10-21T09:50:00.000Z',
      listingStartedAt: '2026-11-20T10:00:00.000Z',
      lastPollStartedAt: '2026-11-20T10:00:00.000Z',
      backfillStartedAt: '2026-11-20T10:00:00.000Z',
    });
    await store.saveProgress('maintenance-window', { position: '{"window":"mw-1","token":"abc"}', listingEarliestRunning: '2026-11-19T00:00:00.000Z' });
    expect(await store.get('maintenance-window')).toMatchObject({
      listingSince: '2026-10-21T09:50:00.000Z',
      listingStartedAt: '2026-11-20T10:00:00.000Z',
      position: '{"window":"mw-1","token":"abc"}',
      listingEarliestRunning: '2026-11-19T00:00:00.000Z',
    });
    await store.saveProgress('maintenance-window', {
      watermark: '2026-11-19T00:00:00.000Z',
      position: null,
      listingSince: null,
      listingStartedAt: null,
      listingEarliestRunning: null,
      lastSuccessfulPollAt: '2026-11-20T10:03:00.000Z',
      backfillCompletedAt: '2026-11-20T10:03:00.000Z',
      backfillStartedAt: '2026-11-20T11:00:00.000Z',
    });
    const checkpoint = await store.get('maintenance-window');
    expect(checkpoint).toEqual({
      kind: 'maintenance-window',
      watermark: '2026-11-19T00:00:00.000Z',
      lastPollStartedAt: '2026-11-20T10:00:00.000Z',
      lastSuccessfulPollAt: '2026-11-20T10:03:00.000Z',
      // Set once: a later value does not replace the first.
      backfillStartedAt: '2026-11-20T10:00:00.000Z',
      backfillCompletedAt: '2026-11-20T10:03:00.000Z',
      recordsStored: 0,
      missedByEvents: 0,
      throttles: 0,
      parentsListed: 0,
    });
  });

  it('reads several kinds in one BatchGetItem, in the order asked, never with a Scan', async () => {
    await store.addCounters('automation', { recordsStored: 2 });
    await store.saveProgress('run-command', { watermark: '2026-11-20T09:00:00.000Z' });
    database.calls.reset();
    const checkpoints = await store.all(['run-command', 'automation', 'association', 'maintenance-window']);
    expect(checkpoints.map((checkpoint) => checkpoint.kind)).toEqual(['run-command', 'automation', 'association', 'maintenance-window']);
    expect(checkpoints[0]?.watermark).toBe('2026-11-20T09:00:00.000Z');
    expect(checkpoints[1]?.recordsStored).toBe(2);
    expect(checkpoints[2]).toEqual({ kind: 'association', recordsStored: 0, missedByEvents: 0, throttles: 0, parentsListed: 0 });
    expect(database.calls.snapshot()).toEqual({ BatchGetItemCommand: 1 });
  });

  it('adds concurrent counters without losing any', async () => {
    await Promise.all(Array.from({ length: 20 }, () => store.addCounters('automation', { recordsStored: 1, missedByEvents: 1 })));
    expect(await store.get('automation')).toMatchObject({ recordsStored: 20, missedByEvents: 20 });
  });
});
