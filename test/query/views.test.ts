import type { Command, CommandInvocation } from '@aws-sdk/client-ssm';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { alertFor } from '../../lambdas/alerts/alert';
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

const withStatus = <T extends { Status?: string; StatusDetails?: string }>(records: T[], ...statuses: string[]): T[] =>
  records.filter((r) => statuses.includes(r.Status ?? '') || statuses.includes(r.StatusDetails ?? ''));

/** The error the invocation's failure alert carries (none when it does not alert): what its entry must show. */
async function alertedError(invocation: CommandInvocation): Promise<Partial<ExecutionItem>> {
  const key = { CommandId: invocation.CommandId, InstanceId: invocation.InstanceId };
  const { Item } = await database.doc.send(new GetCommand({ TableName: fx.tables.commandInvocations, Key: key }));
  const body = Item === undefined ? undefined : alertFor('commandInvocations', Item, { region: 'us-east-1' })?.body;
  return body?.errorExcerpt === undefined ? {} : { error: body.errorExcerpt, ...(body.errorExcerptTruncated === true ? { errorTruncated: true } : {}) };
}

const DAY = 86_400_000;

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
    [{ status: 'Failed,Bogus' }, 'status'],
    [{ status: 'Failed,' }, 'status'],
    [{ status: '' }, 'status'],
    [{ kind: 'command,command-invocation' }, 'kind'],
    [{ since: 'yesterday' }, 'since'],
    [{ since: '7' }, 'since'],
    [{ since: '7w' }, 'since'],
    [{ since: '7D' }, 'since'],
    [{ since: '0d' }, 'since'],
    [{ since: '10000d' }, 'since'],
    [{ since: '-7d' }, 'since'],
    [{ since: '1.5h' }, 'since'],
    [{ until: '2d', since: '1d' }, 'since'],
    [{ since: '2024-01-01,2025-01-01' }, 'since'],
    [{ until: '2024-13-45T00:00:00Z' }, 'until'],
    [{ since: '2024-01-01', until: '2024-01-01' }, 'since'],
    [{ since: '2025-01-01', until: '2024-01-01' }, 'since'],
    [{ limit: '0' }, 'limit'],
    [{ limit: '101' }, 'limit'],
    [{ limit: 'ten' }, 'limit'],
    [{ limit: '' }, 'limit'],
    [{ limit: '2.5' }, 'limit'],
    [{ limit: '9,2' }, 'limit'],
    [{ nextToken: 'garbage' }, 'nextToken'],
    [{ documentName: 'ab' }, 'documentName'],
    [{ documentName: 'AWS-RunShellScript,Custom-TwoStep' }, 'documentName'],
    [{ instanceId: 'server-1' }, 'instanceId'],
    [{ kind: 'command', instanceId: SHARED_NODE }, 'instanceId'],
    [{ kind: 'automation-execution', instanceId: SHARED_NODE }, 'instanceId'],
    [{ kind: 'association-execution', documentName: 'AWS-RunShellScript' }, 'documentName'],
    [{ kind: 'association-target', documentName: 'AWS-RunShellScript' }, 'documentName'],
    [{ kind: 'maintenance-window-execution', documentName: 'AWS-RunShellScript' }, 'documentName'],
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

describe('GET /executions filters: several statuses, document, node, relative times', () => {
  it('takes several statuses, comma-separated (as a repeated status arrives), in any case', async () => {
    const expected = withStatus(invocations, 'Failed', 'TimedOut');
    expect(new Set(expected.map((i) => i.Status))).toEqual(new Set(['Failed', 'TimedOut']));
    for (const status of ['Failed,TimedOut', 'timedout,FAILED', 'failed, timed_out']) {
      const { items } = await everything('/executions', { kind: 'command-invocation', status, limit: '50' });
      expect({ status, listed: items.map(key) }).toEqual({ status, listed: expected.map((i) => `${i.CommandId}/${i.InstanceId}`) });
    }
    const commandsListed = await everything('/executions', { kind: 'command', status: 'incomplete,success' });
    expect(commandsListed.items.map((item) => item.commandId)).toEqual(withStatus(commands, 'Incomplete', 'Success').map((c) => c.CommandId));
  });

  it('binds a token to the statuses asked for, however they were written', async () => {
    const first = await page('/executions', { kind: 'command-invocation', status: 'Failed,TimedOut', limit: '1' });
    expect(first.nextToken).toEqual(expect.any(String));
    const same = await page('/executions', { kind: 'command-invocation', status: 'TIMEDOUT,failed', limit: '1', nextToken: first.nextToken ?? '' });
    const straight = await page('/executions', { kind: 'command-invocation', status: 'Failed,TimedOut', limit: '2' });
    expect([...first.items, ...same.items].map(key)).toEqual(straight.items.map(key));
    const others: Record<string, string>[] = [
      { status: 'Failed' },
      { status: 'Failed,TimedOut,Cancelled' },
      { status: 'Failed,TimedOut', documentName: 'AWS-RunShellScript' },
      { status: 'Failed,TimedOut', instanceId: SHARED_NODE },
      { status: 'Failed,TimedOut', since: '9999d' },
    ];
    for (const query of others) {
      const response = await get('/executions', { kind: 'command-invocation', limit: '1', ...query, nextToken: first.nextToken ?? '' });
      expect({ query, status: response.statusCode, body: response.body }).toEqual({ query, status: 400, body: expect.stringContaining('nextToken') as unknown });
    }
  });

  it('keeps the entries of one document: commands, their invocations, and the merged parents', async () => {
    const shellCommands = commands.filter((c) => c.DocumentName === 'AWS-RunShellScript');
    expect(shellCommands.length).toBeGreaterThan(1);
    expect((await everything('/executions', { kind: 'command', documentName: 'AWS-RunShellScript', limit: '1' })).items.map((item) => item.commandId)).toEqual(
      shellCommands.map((c) => c.CommandId),
    );
    expect((await page('/executions', { documentName: 'Custom-TwoStep' })).items.map((item) => item.commandId)).toEqual([fx.twoStep]);
    const twoStep = await everything('/executions', { kind: 'command-invocation', documentName: 'Custom-TwoStep', limit: '2' });
    expect(twoStep.items.map(key)).toEqual(invocations.filter((i) => i.CommandId === fx.twoStep).map((i) => `${i.CommandId}/${i.InstanceId}`));
    const failedShell = await everything('/executions', { kind: 'command-invocation', documentName: 'AWS-RunShellScript', status: 'Failed', limit: '7' });
    const expected = withStatus(invocations, 'Failed').filter((i) => i.DocumentName === 'AWS-RunShellScript');
    expect(failedShell.items.map(key)).toEqual(expected.map((i) => `${i.CommandId}/${i.InstanceId}`));
    expect(failedShell.items.length).toBeGreaterThan(7);
    expect((await page('/executions', { documentName: 'Nobody-Ran-This' })).items).toEqual([]);
  });

  it("lists one node's invocations from its index, newest first, across pages, reading no command", async () => {
    const expected = invocations.filter((i) => i.InstanceId === SHARED_NODE).map((i) => `${i.CommandId}/${i.InstanceId}`);
    expect(expected).toHaveLength(4);
    for (const limit of ['1', '3', '50']) {
      const { items } = await everything('/executions', { kind: 'command-invocation', instanceId: SHARED_NODE, limit });
      expect({ limit, listed: items.map(key) }).toEqual({ limit, listed: expected });
    }
    database.calls.reset();
    const { items } = await page('/executions', { kind: 'command-invocation', instanceId: SHARED_NODE, status: 'terminated' });
    expect(items.map(key)).toEqual([`${fx.tagged}/${SHARED_NODE}`]);
    // The node's index, then the one failed invocation's outputs by key: no walk of the commands.
    expect(database.calls.snapshot()).toEqual({ QueryCommand: 1, BatchGetItemCommand: 1 });
  });

  it('with kind omitted, lists the node\'s sessions only (the one parent kind that names a node), reading nothing else', async () => {
    database.calls.reset();
    expect((await page('/executions', { instanceId: SHARED_NODE })).items).toEqual([]);
    expect(database.calls.snapshot()).toEqual({ QueryCommand: 1 });
  });

  it("counts a relative since or until back from the archive's clock", async () => {
    const now = fx.sim.now().getTime();
    const counts = new Set<number>();
    for (const [since, ms] of [['10m', 10 * 60_000], ['30m', 30 * 60_000], ['24h', DAY], ['519d', 519 * DAY], ['520d', 520 * DAY], ['9999d', 9999 * DAY]] as const) {
      const { items } = await everything('/executions', { since, limit: '2' });
      const expected = commands.filter((c) => (c.RequestedDateTime?.getTime() ?? 0) >= now - ms).map((c) => c.CommandId);
      expect({ since, listed: items.map((item) => item.commandId) }).toEqual({ since, listed: expected });
      counts.add(expected.length);
    }
    // The windows differ (1, 2 and 5 commands): each bound is really applied.
    expect(counts).toEqual(new Set([1, 2, 5]));
    const older = await everything('/executions', { until: '24h', since: '9999d' });
    expect(older.items.map((item) => item.commandId)).toEqual(commands.filter((c) => (c.RequestedDateTime?.getTime() ?? 0) < now - DAY).map((c) => c.CommandId));
  });

  it('gives each failed invocation the error its alert carries, and none to the others', async () => {
    const { items } = await page('/executions', { kind: 'command-invocation', limit: '100' });
    const listed = items.map((item) => invocations.find((i) => i.CommandId === item.commandId && i.InstanceId === item.instanceId) as CommandInvocation);
    const errors = await Promise.all(listed.map(alertedError));
    expect(items.map((item) => ({ error: item.error, errorTruncated: item.errorTruncated }))).toEqual(errors.map((e) => ({ error: e.error, errorTruncated: e.errorTruncated })));
    expect(errors.filter((e) => e.error !== undefined).length).toBeGreaterThan(10);
    expect(items.filter((item) => item.status === 'Success').every((item) => item.error === undefined)).toBe(true);
  });
});

describe('GET /instances/{instanceId}/history', () => {
  /** What ran on SHARED_NODE, newest first. */
  const sharedNodeRan = (): CommandInvocation[] =>
    [fx.deploy, fx.fleet, fx.tagged, fx.mixed].map((commandId) => invocations.find((i) => i.CommandId === commandId && i.InstanceId === SHARED_NODE) as CommandInvocation);

  it('lists everything that ran on the node, newest first, from the indexes; the failed ones with their error, read by key', async () => {
    const ran = sharedNodeRan();
    const expected = await Promise.all(
      ran.map(async (invocation) => ({ ...invocationEntry(invocation), ...(await alertedError(invocation)), firstSeenAt: '2026-11-20T12:00:00.000Z', observedAt: '2026-11-20T12:00:00.000Z' })),
    );
    // Three of the four failed (the last Terminated: its details are its error), one succeeded.
    expect(expected.map((entry) => entry.error !== undefined)).toEqual([true, true, true, false]);
    database.calls.reset();
    const { items } = await page(`/instances/${SHARED_NODE}/history`);
    expect(items).toEqual(expected);
    // One Query per index (invocations, association targets, sessions); one BatchGetItem of the failed invocations' outputs.
    expect(database.calls.snapshot()).toEqual({ QueryCommand: 3, BatchGetItemCommand: 1 });
    // Nothing failed, nothing read by key; and sessions have no status Success: their index is not read.
    database.calls.reset();
    await page(`/instances/${SHARED_NODE}/history`, { status: 'Success' });
    expect(database.calls.snapshot()).toEqual({ QueryCommand: 2 });
  });

  it("answers which commands failed on a node and why in one request: each failed invocation with its alert's error", async () => {
    const { items } = await page('/instances/i-0aaaaaaaaaaaaaaa2/history', { status: 'Failed', since: '9999d' });
    expect(items).toEqual([expect.objectContaining({ kind: 'command-invocation', commandId: fx.mixed, status: 'Failed', error: 'boom' })]);
    // 9,000 characters of stderr: the first 2,000, marked cut, as the alert has them.
    const [long] = (await page('/instances/i-0bbbbbbbbbbbbbbb2/history', { status: 'failed' })).items;
    expect(long).toMatchObject({ commandId: fx.twoStep, error: 'e'.repeat(2000), errorTruncated: true });
    const relative = await page(`/instances/${SHARED_NODE}/history`, { status: 'Failed,Terminated', since: '30d' });
    const recent = sharedNodeRan().filter((i) => ['Failed', 'Terminated'].includes(i.Status ?? '') && (i.RequestedDateTime?.getTime() ?? 0) >= fx.sim.now().getTime() - 30 * DAY);
    expect(recent.length).toBeGreaterThan(0);
    expect(relative.items).toEqual(await Promise.all(recent.map(async (invocation) => expect.objectContaining({ commandId: invocation.CommandId, ...(await alertedError(invocation)) }) as unknown)));
    expect(relative.items.every((item) => typeof item.error === 'string' && item.error.length > 0)).toBe(true);
  });

  it('filters by document, as the invocations name it', async () => {
    const shellScripts = await everything(`/instances/${SHARED_NODE}/history`, { documentName: 'AWS-RunShellScript', limit: '1' });
    const expected = invocations.filter((i) => i.InstanceId === SHARED_NODE && i.DocumentName === 'AWS-RunShellScript');
    expect(expected.length).toBeGreaterThan(1);
    expect(shellScripts.items.map((item) => item.commandId)).toEqual(expected.map((i) => i.CommandId));
    expect((await page(`/instances/${SHARED_NODE}/history`, { documentName: 'AWS-RunShellScript', status: 'Success' })).items.map((item) => item.commandId)).toEqual(
      expected.filter((i) => i.Status === 'Success').map((i) => i.CommandId),
    );
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
    // The node is the path's: no other node is asked for.
    [`/instances/${SHARED_NODE}/history`, { instanceId: TIED_NODE }, 'instanceId'],
    [`/instances/${SHARED_NODE}/history`, { documentName: 'x' }, 'documentName'],
    [`/instances/${SHARED_NODE}/history`, { status: 'Terminated,Skipped,Bogus' }, 'status'],
    [`/instances/${SHARED_NODE}/history`, { since: '3y' }, 'since'],
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
