import { CheckpointStore } from '../../lambdas/store/checkpoint-store';
import type { ApiRequest } from '../../lambdas/query/http';
import { createQueryApi } from '../../lambdas/query/router';
import { startDynalite, type TestDatabase } from '../support/databases';

/** GET /status: each kind's collection health, from the pollers' checkpoints, in one read. */
const get = (query: Record<string, string> = {}): ApiRequest => ({ method: 'GET', path: '/status', query, headers: {}, body: '' });

describe('GET /status', () => {
  let database: TestDatabase;
  let api: ReturnType<typeof createQueryApi>;
  let checkpoints: CheckpointStore;

  beforeAll(async () => {
    database = await startDynalite();
    const tableNames = await database.tables();
    api = createQueryApi({ db: database.doc, tableNames, pageTokenKey: 'k' });
    checkpoints = new CheckpointStore(database.doc, tableNames.pollCheckpoints);
    await checkpoints.saveProgress('run-command', {
      watermark: '2026-11-20T11:55:00.000Z',
      lastPollStartedAt: '2026-11-20T12:00:00.000Z',
      lastSuccessfulPollAt: '2026-11-20T12:00:03.000Z',
      backfillStartedAt: '2026-11-19T12:00:00.000Z',
      backfillCompletedAt: '2026-11-19T12:04:00.000Z',
      oldestSeen: '2026-10-21T12:07:00.000Z',
      add: { parentsListed: 600, throttles: 3 },
    });
    await checkpoints.addCounters('run-command', { recordsStored: 601_200, missedByEvents: 12 });
    await checkpoints.saveProgress('automation', { listingSince: '2026-10-21T11:50:00.000Z', position: '{"nextToken":"t"}', lastPollStartedAt: '2026-11-20T12:00:00.000Z' });
  });
  afterAll(async () => {
    await database.stop();
  });

  it('answers every kind, polled or not yet, with its watermark, last poll, counters and the oldest record SSM returned', async () => {
    database.calls.reset();
    const response = await api(get());
    expect(response.statusCode).toBe(200);
    const body = JSON.parse(response.body) as { kinds: Record<string, unknown>[] };
    expect(body.kinds).toEqual([
      {
        kind: 'run-command',
        watermark: '2026-11-20T11:55:00.000Z',
        lastPollStartedAt: '2026-11-20T12:00:00.000Z',
        lastSuccessfulPollAt: '2026-11-20T12:00:03.000Z',
        listingInProgress: false,
        backfillStartedAt: '2026-11-19T12:00:00.000Z',
        backfillCompletedAt: '2026-11-19T12:04:00.000Z',
        recordsStored: 601_200,
        missedByEvents: 12,
        parentsListed: 600,
        throttles: 3,
        oldestRecordSsmReturned: '2026-10-21T12:07:00.000Z',
      },
      { kind: 'automation', lastPollStartedAt: '2026-11-20T12:00:00.000Z', listingInProgress: true, recordsStored: 0, missedByEvents: 0, parentsListed: 0, throttles: 0 },
      { kind: 'association', listingInProgress: false, recordsStored: 0, missedByEvents: 0, parentsListed: 0, throttles: 0 },
      { kind: 'maintenance-window', listingInProgress: false, recordsStored: 0, missedByEvents: 0, parentsListed: 0, throttles: 0 },
      { kind: 'session', listingInProgress: false, recordsStored: 0, missedByEvents: 0, parentsListed: 0, throttles: 0 },
    ]);
    // One read by key for all five kinds, never a scan.
    expect(database.calls.snapshot()).toEqual({ BatchGetItemCommand: 1 });
  });

  it('takes no parameters: any is a 400 that names it', async () => {
    const response = await api(get({ kind: 'run-command' }));
    expect(response.statusCode).toBe(400);
    expect(JSON.parse(response.body)).toMatchObject({ message: expect.stringContaining('kind') as unknown });
  });

  it('answers only GET', async () => {
    expect((await api({ ...get(), method: 'POST' })).statusCode).toBe(405);
  });
});
