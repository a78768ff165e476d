import type { Command, CommandInvocation } from '@aws-sdk/client-ssm';
import type { ApiHandler, ApiResponse } from '../../lambdas/query/http';
import { createQueryApi } from '../../lambdas/query/router';
import type { ExecutionItem } from '../../lambdas/query/views/execution-items';
import { RecordStore } from '../../lambdas/store/record-store';
import { startDynalite, type TestDatabase } from '../support/databases';
import { invocationObservation } from '../support/observations';
import { buildArchive, SHARED_NODE, TIED_NODE, type ArchiveFixture } from './archive-fixture';
import { tableSchemas } from '../../lambdas/sources/tables';

/**
 * The archive views: the timeline (GET /executions) and one node's history
 * (GET /instances/{instanceId}/history), judged against SSM's own records (the simulator's
 * truth): order, fields, filters, time windows, paging, and 400s that name the parameter.
 */
let database: TestDatabase;
let fx: ArchiveFixture;
let api: ApiHandler;
let commands: Command[];
let invocations: CommandInvocation[];

beforeAll(async () => {
  database = await startDynalite();
  fx = await buildArchive(database, 'bulk');
  api = createQueryApi({ db: database.doc, tableNames: fx.tables, pageTokenKey: 'views', now: () => fx.sim.now() });
  ({ commands, invocations } = fx.sim.truth());
});
afterAll(async () => {
  await fx.stop();
  await database.stop();
});

interface Envelope {
  readonly items: ExecutionItem[];
  readonly nextToken?: string;
}

async function get(path: string, query: Record<string, string> = {}): Promise<ApiResponse> {
  return api({ method: 'GET', path, query, headers: {}, body: '' });
}

async function page(path: string, query: Record<string, string> = {}): Promise<Envelope> {
  const response = await get(path, query);
  expect({ path, query, status: response.statusCode, body: response.statusCode === 200 ? '' : response.body }).toEqual({ path, query, status: 200, body: '' });
  expect(response.headers['content-type']).toMatch(/^application\/json/);
  return JSON.parse(response.body) as Envelope;
}

/** Every page, following nextToken; checks that only the last page lacks one. */
async function everything(path: string, query: Record<string, string>): Promise<{ items: ExecutionItem[]; pages: number }> {
  const items: ExecutionItem[] = [];
  let token: string | undefined;
  let pages = 0;
  do {
    const next = await page(path, { ...query, ...(token !== undefined ? { nextToken: token } : {}) });
    items.push(...next.items);
    token = next.nextToken;
    pages++;
    if (token !== undefined) expect(next.items).toHaveLength(Number(query['limit'] ?? 50));
  } while (token !== undefined);
  return { items, pages };
}

const iso = (date: Date | undefined): string => date?.toISOString() ?? '';
const key = (item: ExecutionItem): string => `${item.commandId}/${item.instanceId ?? ''}`;

function commandEntry(command: Command): Partial<ExecutionItem> {
  return {
    kind: 'command',
    commandId: command.CommandId,
    status: command.Status,
    statusDetails: command.StatusDetails,
    time: iso(command.RequestedDateTime),
    requestedDateTime: iso(command.RequestedDateTime),
    documentName: command.DocumentName,
    targetCount: command.TargetCount,
    completedCount: command.CompletedCount,
    errorCount: command.ErrorCount,
  };
}

function invocationEntry(invocation: CommandInvocation): Partial<ExecutionItem> {
  return {
    kind: 'command-invocation',
    commandId: invocation.CommandId,
    instanceId: invocation.InstanceId,
    instanceName: invocation.InstanceName,
    status: invocation.Status,
    statusDetails: invocation.StatusDetails,
    time: iso(invocation.RequestedDateTime),
    requestedDateTime: iso(invocation.RequestedDateTime),
    documentName: invocation.DocumentName,
  };
}

const withStatus = <T extends { Status?: string; StatusDetails?: string }>(records: T[], status: string): T[] =>
  records.filter((r) => r.Status === status || r.StatusDetails === status);

describe('GET /executions', () => {
  it('lists commands newest first by default, with their counts and the archive times', async () => {
    const { items } = await page('/executions');
    expect(items).toEqual(commands.map((command) => ({ ...commandEntry(command), firstSeenAt: '2026-11-20T12:00:00.000Z', observedAt: '2026-11-20T12:00:00.000Z' })));
    expect(items.map((item) => item.commandId)).toEqual([fx.deploy, fx.fleet, ...[fx.twoStep, fx.tagged].sort(), fx.mixed]);
  });

  it('lists invocations by command newest first, then by node, across pages without loss or repeats', async () => {
    const { items, pages } = await everything('/executions', { kind: 'command-invocation', limit: '7' });
    expect(pages).toBe(53);
    expect(items).toEqual(invocations.map((invocation) => expect.objectContaining(invocationEntry(invocation)) as unknown));
    expect(new Set(items.map(key)).size).toBe(370);
    const full = await everything('/executions', { kind: 'command-invocation', limit: '100' });
    expect(full.items).toEqual(items);
  });

  it.each([
    ['command', 'Failed'],
    ['command', 'Incomplete'],
    ['command-invocation', 'Failed'],
    ['command-invocation', 'DeliveryTimedOut'],
    ['command-invocation', 'TimedOut'],
    ['command-invocation', 'Cancelled'],
  ])('kind=%s&status=%s matches Status or StatusDetails exactly', async (kind, status) => {
    const { items } = await everything('/executions', { kind, status, limit: '3' });
    const expected = kind === 'command' ? withStatus(commands, status).map(commandEntry) : withStatus(invocations, status).map(invocationEntry);
    expect(expected.length).toBeGreaterThan(0);
    expect(items).toEqual(expected.map((entry) => expect.objectContaining(entry) as unknown));
  });

  it('since is inclusive and until exclusive, across years', async () => {
    const tiedAt = '2023-01-01T00:30:00.000Z';
    const since = await everything('/executions', { since: tiedAt, limit: '2' });
    expect(since.items.map((item) => item.commandId)).toEqual([fx.deploy, fx.fleet, ...[fx.twoStep, fx.tagged].sort()]);
    const until = await everything('/executions', { until: tiedAt });
    expect(until.items.map((item) => item.commandId)).toEqual([fx.mixed]);
    const window = await everything('/executions', { kind: 'command-invocation', since: '2023-01-01', until: '2024-06-03T09:00:00.001Z', status: 'Failed', limit: '10' });
    const expected = withStatus(invocations, 'Failed').filter((i) => [fx.fleet, fx.twoStep, fx.tagged].includes(i.CommandId ?? ''));
    expect(window.items.map(key)).toEqual(expected.map((i) => `${i.CommandId}/${i.InstanceId}`));
    expect(window.items.length).toBeGreaterThan(10);
  });

  it.each([
    [{ colour: 'red' }, 'colour'],
    [{ kind: 'automation' }, 'kind'],
    [{ kind: '' }, 'kind'],
    [{ status: 'Bogus' }, 'status'],
    [{ status: 'failed' }, 'status'],
    [{ since: 'yesterday' }, 'since'],
    [{ until: '2024-13-45T00:00:00Z' }, 'until'],
    [{ since: '2024-01-01', until: '2024-01-01' }, 'since'],
    [{ since: '2025-01-01', until: '2024-01-01' }, 'since'],
    [{ limit: '0' }, 'limit'],
    [{ limit: '101' }, 'limit'],
    [{ limit: 'ten' }, 'limit'],
    [{ limit: '' }, 'limit'],
    [{ limit: '2.5' }, 'limit'],
    [{ nextToken: 'garbage' }, 'nextToken'],
  ])('%j is a 400 naming %s', async (query, parameter) => {
    const response = await get('/executions', query);
    expect(response.statusCode).toBe(400);
    const { message } = JSON.parse(response.body) as { message: string };
    expect(message).toContain(parameter);
  });

  it('refuses a token of another query, kind or view, without reading the archive', async () => {
    const failed = await page('/executions', { status: 'Failed', limit: '1' });
    const history = await page(`/instances/${SHARED_NODE}/history`, { limit: '1' });
    database.calls.reset();
    const queries: Record<string, string>[] = [
      { status: 'Success', nextToken: failed.nextToken ?? '' },
      { status: 'Failed', kind: 'command-invocation', nextToken: failed.nextToken ?? '' },
      { status: 'Failed', since: '2023-01-01', nextToken: failed.nextToken ?? '' },
      { nextToken: history.nextToken ?? '' },
    ];
    for (const query of queries) {
      const response = await get('/executions', query);
      expect({ query, status: response.statusCode, body: JSON.parse(response.body) as unknown }).toEqual({
        query,
        status: 400,
        body: { message: expect.stringContaining('nextToken') as unknown },
      });
    }
    expect(database.calls.count()).toBe(0);
  });
});

describe('GET /instances/{instanceId}/history', () => {
  it('lists everything that ran on the node, newest first, from the indexes alone (invocations and association targets)', async () => {
    database.calls.reset();
    const { items } = await page(`/instances/${SHARED_NODE}/history`);
    const expected = [fx.deploy, fx.fleet, fx.tagged, fx.mixed].map((commandId) => invocations.find((i) => i.CommandId === commandId && i.InstanceId === SHARED_NODE));
    expect(items).toEqual(expected.map((invocation) => ({ ...invocationEntry(invocation as CommandInvocation), firstSeenAt: '2026-11-20T12:00:00.000Z', observedAt: '2026-11-20T12:00:00.000Z' })));
    // One Query per index: invocations, association targets, sessions.
    expect(database.calls.snapshot()).toEqual({ QueryCommand: 3 });
  });

  it('marks an invocation only an event announced as unconfirmed, until SSM\'s read confirms it', async () => {
    const node = 'i-0c0ffee0c0ffee001';
    const store = new RecordStore(database.doc, tableSchemas, fx.tables, () => new Date('2026-11-20T12:00:00.000Z'));
    const fields = { RequestedDateTime: '2026-11-20T11:00:00.000Z', DocumentName: 'AWS-RunShellScript' };
    await store.upsert(invocationObservation('Failed', '2026-11-20T11:00:05.000Z', { instanceId: node, fields }));
    expect((await page(`/instances/${node}/history`)).items).toEqual([
      expect.objectContaining({ kind: 'command-invocation', instanceId: node, status: 'Failed', unconfirmed: true }),
    ]);
    await store.upsert(invocationObservation('Success', '2026-11-20T11:00:09.000Z', { instanceId: node, fields, complete: true }));
    const [confirmed] = (await page(`/instances/${node}/history`)).items;
    expect(confirmed).toMatchObject({ status: 'Success' });
    expect(confirmed).not.toHaveProperty('unconfirmed');
  });

  it('orders commands of the same millisecond by CommandId, pages one at a time, and filters', async () => {
    const tied = await everything(`/instances/${TIED_NODE}/history`, { limit: '1' });
    expect(tied.items.map((item) => item.commandId)).toEqual([fx.twoStep, fx.tagged].sort());
    expect((await everything(`/instances/${SHARED_NODE}/history`, { limit: '1' })).items.map((item) => item.commandId)).toEqual([fx.deploy, fx.fleet, fx.tagged, fx.mixed]);
    const window = await page(`/instances/${SHARED_NODE}/history`, { since: '2023-01-01T00:30:00Z', until: '2024-06-03T09:10:00Z' });
    expect(window.items.map((item) => item.commandId)).toEqual([fx.fleet, fx.tagged]);
    const terminated = await page(`/instances/${SHARED_NODE}/history`, { status: 'Terminated' });
    expect(terminated.items.map((item) => item.commandId)).toEqual([fx.tagged]);
    expect((await page('/instances/i-0123456789abcdef0/history')).items).toEqual([]);
    // Sent percent-encoded, as a client may.
    expect((await page(`/instances/${encodeURIComponent(SHARED_NODE).replace('-', '%2D')}/history`, { limit: '1' })).items).toHaveLength(1);
  });

  it.each([
    ['/instances/server-1/history', {}, 'instanceId'],
    ['/instances/%E0%A4%A/history', {}, 'instanceId'],
    [`/instances/${SHARED_NODE}/history`, { kind: 'command' }, 'kind'],
    [`/instances/${SHARED_NODE}/history`, { limit: '500' }, 'limit'],
    [`/instances/${SHARED_NODE}/history`, { until: 'soon' }, 'until'],
    [`/instances/${SHARED_NODE}/history`, { nextToken: 'x.y' }, 'nextToken'],
  ])('%s %j is a 400 naming %s', async (path, query, parameter) => {
    const response = await get(path, query);
    expect(response.statusCode).toBe(400);
    expect((JSON.parse(response.body) as { message: string }).message).toContain(parameter);
  });

  it('refuses the token of another node', async () => {
    const first = await page(`/instances/${SHARED_NODE}/history`, { limit: '1' });
    const response = await get(`/instances/${TIED_NODE}/history`, { limit: '1', nextToken: first.nextToken ?? '' });
    expect(response.statusCode).toBe(400);
  });
});

describe('routing', () => {
  it.each([
    ['GET', '/nope', 404],
    ['GET', '/instances/i-0123456789abcdef0', 404],
    ['GET', '/instances/i-0123456789abcdef0/history/extra', 404],
    ['POST', '/executions', 405],
    ['DELETE', `/instances/${SHARED_NODE}/history`, 405],
    ['GET', '/', 405],
    ['PUT', '/', 405],
  ])('%s %s is a %i with a message', async (method, path, status) => {
    const response = await api({ method, path, query: {}, headers: {}, body: '' });
    expect(response.statusCode).toBe(status);
    expect((JSON.parse(response.body) as { message: string }).message.length).toBeGreaterThan(0);
    if (status === 405) expect(response.headers['allow']).toMatch(/^(GET|POST)$/);
  });

  it('forgives a trailing slash', async () => {
    expect((await get('/executions/')).statusCode).toBe(200);
  });
});
