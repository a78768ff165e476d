import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { DescribeMaintenanceWindowExecutionsCommand, DescribeMaintenanceWindowsCommand, SSMClient } from '@aws-sdk/client-ssm';
import { maintenanceWindowFromItem } from '../../lambdas/sources/maintenance-window/definitions';
import { awsSsm } from '../support/aws-cli';
import { archiveListedDefinitions } from '../support/listed-definitions';
import type { ApiHandler } from '../../lambdas/query/http';
import { serveApi, type ServedApi } from '../../lambdas/query/node-http';
import { createQueryApi } from '../../lambdas/query/router';
import type { ExecutionItem } from '../../lambdas/query/views/execution-items';
import { startDynalite, type TestDatabase } from '../support/databases';
import { buildMaintenanceWindowArchive, type MaintenanceWindowFixture } from './maintenance-window-fixture';
import {
  count,
  knownIds,
  windowExecutionPages,
  windowExecutionRequests,
  windowInvocationPages,
  windowInvocationRequests,
  windowTaskPages,
  windowTaskRequests,
  windowTruth,
  type KnownIds,
  type Page,
} from './maintenance-window-requests';
import { SIMULATED_HOME } from './archive-fixture';

/**
 * DescribeMaintenanceWindowExecutions, DescribeMaintenanceWindowExecutionTasks and
 * DescribeMaintenanceWindowExecutionTaskInvocations from the archive against SSM itself (the
 * simulator), through the real SDK client: for the same requests, the same pages, field for
 * field; then again after SSM has forgotten every execution; the same errors; and window
 * executions in GET /executions.
 */
const FAR_FUTURE = new Date(8.64e15);
const UNKNOWN_WINDOW = 'mw-0123456789abcdef0';
const UNKNOWN_ID = '00000000-0000-4000-8000-000000000000';

function client(endpoint: string): SSMClient {
  return new SSMClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' }, maxAttempts: 1 });
}

describe('the Maintenance Windows operations of the SSM-compatible endpoint over an archive in dynalite', () => {
  let database: TestDatabase;
  let fx: MaintenanceWindowFixture;
  let api: ApiHandler;
  let served: ServedApi;
  let ssm: SSMClient;
  let archive: SSMClient;
  let ids: KnownIds;
  /** A window SSM holds that has not run yet. */
  let idle: string;
  const recorded = new Map<string, Page[]>();

  beforeAll(async () => {
    database = await startDynalite();
    fx = await buildMaintenanceWindowArchive(database);
    idle = fx.sim.createMaintenanceWindow({ name: 'idle', executions: 0, tasks: [{ targets: 1 }] });
    // The poller keeps the windows it lists, the idle one too.
    await archiveListedDefinitions(database, fx.tables, fx.simulatorEndpoint, () => fx.sim.now());
    api = createQueryApi({ db: database.doc, tableNames: fx.tables, pageTokenKey: 'maintenance-window', home: SIMULATED_HOME, now: () => fx.sim.now() });
    served = await serveApi(api);
    ssm = client(fx.simulatorEndpoint);
    archive = client(served.url);
    ids = knownIds(fx);
  });
  afterAll(async () => {
    ssm.destroy();
    archive.destroy();
    await served.close();
    await fx.stop();
    await database.stop();
  });

  it('describes window executions page for page as SSM does, newest first, with ExecutedAfter/ExecutedBefore', async () => {
    expect(ids.patchExecutions.map((e) => e.status)).toEqual(['SUCCESS', 'FAILED', 'SUCCESS']);
    const sizes: Record<string, number> = {};
    for (const [name, input] of windowExecutionRequests(fx, ids)) {
      const expected = await windowExecutionPages(ssm, input);
      recorded.set(`executions ${name}`, expected);
      sizes[name] = count(expected);
      expect({ name, pages: await windowExecutionPages(archive, input) }).toEqual({ name, pages: expected });
    }
    expect(sizes).toMatchObject({
      patch: 3,
      'many, 10 a page': 2,
      often: 13,
      'often, 11 a page': 13,
      'ExecutedBefore 2024': 2,
      'ExecutedAfter, exact (inclusive)': 2,
      'ExecutedBefore, exact (exclusive)': 1,
      'ExecutedAfter 2030 (none)': 0,
    });
    expect(recorded.get('executions often')?.map((page) => [page.items.length, page.more])).toEqual([
      [10, true],
      [3, false],
    ]);
  });

  it('describes task executions page for page as SSM does, in run order, with STATUS', async () => {
    const sizes: Record<string, number> = {};
    for (const [name, input] of windowTaskRequests(ids)) {
      const expected = await windowTaskPages(ssm, input);
      recorded.set(`tasks ${name}`, expected);
      sizes[name] = count(expected);
      expect({ name, pages: await windowTaskPages(archive, input) }).toEqual({ name, pages: expected });
    }
    expect(sizes).toEqual({
      many: 12,
      'many, 11 a page': 12,
      'failed patch': 2,
      'STATUS FAILED': 1,
      'STATUS SUCCESS': 1,
      'STATUS SUCCESS or FAILED': 2,
      'STATUS PENDING (none)': 0,
    });
  });

  it('describes task invocations page for page as SSM does, with STATUS', async () => {
    const sizes: Record<string, number> = {};
    for (const [name, input] of windowInvocationRequests(ids)) {
      const expected = await windowInvocationPages(ssm, input);
      recorded.set(`invocations ${name}`, expected);
      sizes[name] = count(expected);
      expect({ name, pages: await windowInvocationPages(archive, input) }).toEqual({ name, pages: expected });
    }
    expect(sizes).toEqual({
      'run command task': 12,
      'run command task, 10 a page': 12,
      'run command task, 11 a page': 12,
      'STATUS FAILED': 1,
      'STATUS SUCCESS, 10 a page': 11,
      'automation task': 2,
    });
  });

  it('refuses bad requests with SSM errors and status 400, as SSM does', async () => {
    const run = { WindowExecutionId: ids.failedPatch, TaskId: ids.failedRunCommandTask };
    const bad: [string, string, object][] = [
      ['no WindowId', 'DescribeMaintenanceWindowExecutions', {}],
      ['bad WindowId', 'DescribeMaintenanceWindowExecutions', { WindowId: 'mw-123' }],
      ['unknown window', 'DescribeMaintenanceWindowExecutions', { WindowId: UNKNOWN_WINDOW }],
      ['unknown window, bad token', 'DescribeMaintenanceWindowExecutions', { WindowId: UNKNOWN_WINDOW, NextToken: 'x' }],
      ['MaxResults 9', 'DescribeMaintenanceWindowExecutions', { WindowId: fx.patch, MaxResults: 9 }],
      ['MaxResults 101', 'DescribeMaintenanceWindowExecutions', { WindowId: fx.patch, MaxResults: 101 }],
      ['unknown filter key', 'DescribeMaintenanceWindowExecutions', { WindowId: fx.patch, Filters: [{ Key: 'STATUS', Values: ['FAILED'] }] }],
      ['bad time', 'DescribeMaintenanceWindowExecutions', { WindowId: fx.patch, Filters: [{ Key: 'ExecutedAfter', Values: ['yesterday'] }] }],
      ['bad token', 'DescribeMaintenanceWindowExecutions', { WindowId: fx.patch, NextToken: 'not-a-token' }],
      ['no WindowExecutionId', 'DescribeMaintenanceWindowExecutionTasks', {}],
      ['short WindowExecutionId', 'DescribeMaintenanceWindowExecutionTasks', { WindowExecutionId: 'abc' }],
      ['unknown window execution', 'DescribeMaintenanceWindowExecutionTasks', { WindowExecutionId: UNKNOWN_ID }],
      ['bad STATUS', 'DescribeMaintenanceWindowExecutionTasks', { WindowExecutionId: ids.failedPatch, Filters: [{ Key: 'STATUS', Values: ['failed'] }] }],
      ['bad task token', 'DescribeMaintenanceWindowExecutionTasks', { WindowExecutionId: ids.failedPatch, NextToken: 'x' }],
      ['no TaskId', 'DescribeMaintenanceWindowExecutionTaskInvocations', { WindowExecutionId: ids.failedPatch }],
      ['invocations of an unknown execution', 'DescribeMaintenanceWindowExecutionTaskInvocations', { ...run, WindowExecutionId: UNKNOWN_ID }],
      ['unknown task', 'DescribeMaintenanceWindowExecutionTaskInvocations', { ...run, TaskId: UNKNOWN_ID }],
      ["another execution's task", 'DescribeMaintenanceWindowExecutionTaskInvocations', { ...run, WindowExecutionId: ids.manyExecution }],
      ['invocation MaxResults 5', 'DescribeMaintenanceWindowExecutionTaskInvocations', { ...run, MaxResults: 5 }],
      ['bad invocation token', 'DescribeMaintenanceWindowExecutionTaskInvocations', { ...run, NextToken: 'x' }],
    ];
    const call = async (endpoint: string, operation: string, body: object): Promise<{ status: number; type: unknown }> => {
      const response = await fetch(endpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': `AmazonSSM.${operation}` },
        body: JSON.stringify(body),
      });
      const answer = (await response.json()) as { __type?: string };
      return { status: response.status, type: answer.__type };
    };
    const types: Record<string, unknown> = {};
    for (const [name, operation, body] of bad) {
      const fromArchive = await call(served.url, operation, body);
      types[name] = fromArchive.type;
      expect({ name, ...fromArchive }).toMatchObject({ name, status: 400 });
      expect({ name, ...fromArchive }).toEqual({ name, ...(await call(fx.simulatorEndpoint, operation, body)) });
    }
    expect(types).toMatchObject({
      'unknown window': 'DoesNotExistException',
      'unknown window, bad token': 'DoesNotExistException',
      'unknown window execution': 'DoesNotExistException',
      'unknown task': 'DoesNotExistException',
      "another execution's task": 'DoesNotExistException',
      'bad token': 'InvalidNextToken',
      'MaxResults 9': 'ValidationException',
    });
  });

  /**
   * DescribeMaintenanceWindowExecutions lists "the executions of a maintenance window" (SSM API
   * Reference, DescribeMaintenanceWindowExecutions); DoesNotExistException is for an ID that
   * "doesn't exist" (SSM API Reference, Errors). A window that has not run yet lists none. The
   * archive knows it exists from its archived definition.
   */
  it('answers a window that exists but has nothing archived as SSM does: no executions, and the errors of an existing window', async () => {
    expect(await windowExecutionPages(ssm, { WindowId: idle })).toEqual([{ items: [], more: false }]);
    const requests: [string, { WindowId: string; MaxResults?: number; Filters?: { Key: string; Values: string[] }[] }][] = [
      ['all', { WindowId: idle }],
      ['10 a page', { WindowId: idle, MaxResults: 10 }],
      ['ExecutedAfter', { WindowId: idle, Filters: [{ Key: 'ExecutedAfter', Values: ['2024-01-01T00:00:00Z'] }] }],
      ['ExecutedBefore', { WindowId: idle, Filters: [{ Key: 'ExecutedBefore', Values: ['2024-01-01T00:00:00Z'] }] }],
    ];
    for (const [name, input] of requests) {
      expect({ name, pages: await windowExecutionPages(archive, input) }).toEqual({ name, pages: await windowExecutionPages(ssm, input) });
    }
    const errorOf = (target: SSMClient, windowId: string, token?: string): Promise<string | undefined> =>
      target.send(new DescribeMaintenanceWindowExecutionsCommand({ WindowId: windowId, ...(token !== undefined ? { NextToken: token } : {}) })).then(
        () => undefined,
        (error: Error) => error.name,
      );
    const errors = { 'a bad token': await errorOf(archive, idle, 'not-a-token'), 'an unknown window': await errorOf(archive, UNKNOWN_WINDOW) };
    expect(errors).toEqual({ 'a bad token': await errorOf(ssm, idle, 'not-a-token'), 'an unknown window': await errorOf(ssm, UNKNOWN_WINDOW) });
    expect(errors).toEqual({ 'a bad token': 'InvalidNextToken', 'an unknown window': 'DoesNotExistException' });
    // The AWS CLI sees the same: an empty list, and the unknown window's error.
    const cli = (endpoint: string) => Promise.all([idle, UNKNOWN_WINDOW].map((id) => awsSsm(endpoint, 'describe-maintenance-window-executions', '--window-id', id)));
    const [fromArchive, fromSsm] = await Promise.all([cli(served.url), cli(fx.simulatorEndpoint)]);
    expect(fromArchive).toEqual(fromSsm);
    expect(fromArchive).toEqual([{ answer: { WindowExecutions: [] } }, { error: 'DoesNotExistException' }]);
  });

  it('keeps each window as DescribeMaintenanceWindows listed it', async () => {
    const { WindowIdentities = [] } = await ssm.send(new DescribeMaintenanceWindowsCommand({}));
    expect(WindowIdentities.map((window) => window.WindowId)).toEqual([fx.patch, fx.many, fx.often, idle]);
    for (const window of WindowIdentities) {
      const { Item } = await database.doc.send(new GetCommand({ TableName: fx.tables.maintenanceWindowDefinitions, Key: { WindowId: window.WindowId } }));
      expect(maintenanceWindowFromItem(Item ?? {})).toEqual(window);
    }
  });

  it('lists window executions in GET /executions?kind=maintenance-window-execution, and merged when kind is omitted', async () => {
    const all = async (query: Record<string, string>): Promise<ExecutionItem[]> => {
      const items: ExecutionItem[] = [];
      let token: string | undefined;
      do {
        const response = await api({ method: 'GET', path: '/executions', query: { ...query, ...(token !== undefined ? { nextToken: token } : {}) }, headers: {}, body: '' });
        expect({ status: response.statusCode, body: response.statusCode === 200 ? '' : response.body }).toEqual({ status: 200, body: '' });
        const body = JSON.parse(response.body) as { items: ExecutionItem[]; nextToken?: string };
        items.push(...body.items);
        token = body.nextToken;
      } while (token !== undefined);
      return items;
    };
    const executions = [fx.patch, fx.many, fx.often]
      .flatMap((windowId) => windowTruth(fx, windowId).executions.map(({ execution }) => execution))
      .sort((a, b) => {
        const ta = a.StartTime?.toISOString() ?? '';
        const tb = b.StartTime?.toISOString() ?? '';
        if (ta !== tb) return ta > tb ? -1 : 1;
        return (a.WindowExecutionId ?? '') < (b.WindowExecutionId ?? '') ? -1 : 1;
      });
    expect(executions).toHaveLength(3 + 2 + 13);
    const expected = executions.map((execution) => ({
      kind: 'maintenance-window-execution',
      status: execution.Status,
      ...(execution.StatusDetails !== undefined ? { statusDetails: execution.StatusDetails } : {}),
      time: execution.StartTime?.toISOString(),
      windowId: execution.WindowId,
      windowExecutionId: execution.WindowExecutionId,
      endTime: execution.EndTime?.toISOString(),
      // A failed one carries its alert's error: its details, then its failed tasks (maintenance-window-views.test.ts has it whole).
      ...(execution.Status === 'FAILED' ? { error: expect.stringMatching(new RegExp(`^${execution.StatusDetails ?? ''}\ntask `)) as unknown } : {}),
      ...SIMULATED_HOME,
      firstSeenAt: expect.any(String) as unknown,
      observedAt: expect.any(String) as unknown,
    }));
    for (const limit of ['1', '4', '100']) {
      expect({ limit, items: await all({ kind: 'maintenance-window-execution', limit }) }).toEqual({ limit, items: expected });
    }
    const failed = await all({ kind: 'maintenance-window-execution', status: 'FAILED', limit: '1' });
    expect(failed.map((item) => item.windowExecutionId)).toEqual([ids.failedPatch]);
    expect(failed[0]?.statusDetails).toEqual(expect.any(String));
    expect(await all({ kind: 'maintenance-window-execution', since: '2024-01-01T00:00:00Z' })).toEqual(expected.filter((e) => (e.time ?? '') >= '2024'));

    // Kind omitted: the command opened with the windows, in the same millisecond, and comes first.
    const merged = await all({ limit: '3' });
    const key = (item: ExecutionItem) => item.commandId ?? item.windowExecutionId;
    // Every command: the one sent, and those the windows' RUN_COMMAND tasks ran (their task invocations' ExecutionIds).
    const commands = fx.sim.truth().commands;
    const entries = [
      ...commands.map((command) => ({ time: command.RequestedDateTime?.toISOString() ?? '', rank: 0, id: command.CommandId ?? '' })),
      ...executions.map((e) => ({ time: e.StartTime?.toISOString() ?? '', rank: 3, id: e.WindowExecutionId ?? '' })),
    ].sort((a, b) => (a.time !== b.time ? (a.time > b.time ? -1 : 1) : a.rank !== b.rank ? a.rank - b.rank : a.id < b.id ? -1 : 1));
    expect(merged.map(key)).toEqual(entries.map((entry) => entry.id));
    const atStart = entries.findIndex((entry) => entry.id === fx.command);
    expect(entries.slice(atStart).map((entry) => entry.time)).toEqual(Array(3).fill(entries[atStart]?.time));

    // Statuses compare with case and underscores ignored; one windows do not have is refused.
    expect((await all({ kind: 'maintenance-window-execution', status: 'Failed' })).map((item) => item.windowExecutionId)).toEqual([ids.failedPatch]);
    const refused = await api({ method: 'GET', path: '/executions', query: { kind: 'maintenance-window-execution', status: 'Terminated' }, headers: {}, body: '' });
    expect(refused.statusCode).toBe(400);
  });

  it('answers the same after SSM has forgotten every execution', async () => {
    expect(recorded.size).toBe(windowExecutionRequests(fx, ids).length + windowTaskRequests(ids).length + windowInvocationRequests(ids).length);
    expect(fx.sim.forgetMaintenanceWindowExecutionsBefore(FAR_FUTURE)).toBe(18);
    expect(count(await windowExecutionPages(ssm, { WindowId: fx.patch }))).toBe(0);
    for (const [name, input] of windowExecutionRequests(fx, ids)) {
      expect({ name, pages: await windowExecutionPages(archive, input) }).toEqual({ name, pages: recorded.get(`executions ${name}`) });
    }
    for (const [name, input] of windowTaskRequests(ids)) {
      expect({ name, pages: await windowTaskPages(archive, input) }).toEqual({ name, pages: recorded.get(`tasks ${name}`) });
    }
    for (const [name, input] of windowInvocationRequests(ids)) {
      expect({ name, pages: await windowInvocationPages(archive, input) }).toEqual({ name, pages: recorded.get(`invocations ${name}`) });
    }
  });
});
