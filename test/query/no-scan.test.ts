import { SSMClient, GetCommandInvocationCommand } from '@aws-sdk/client-ssm';
import { DescribeMaintenanceWindowExecutionTaskInvocationsCommand } from '@aws-sdk/client-ssm';
import type { ApiHandler, ApiRequest } from '../../lambdas/query/http';
import { serveApi, type ServedApi } from '../../lambdas/query/node-http';
import { createQueryApi } from '../../lambdas/query/router';
import { startDynalite, type TestDatabase } from '../support/databases';
import { buildAssociationArchive } from './association-fixture';
import { associationExecutionPages, associationTargetPages, executionRequests as associationExecutionRequests, knownExecutions, targetRequests } from './association-requests';
import { buildAutomationArchive } from './automation-fixture';
import { buildMaintenanceWindowArchive } from './maintenance-window-fixture';
import {
  knownIds,
  windowExecutionPages,
  windowExecutionRequests,
  windowInvocationPages,
  windowInvocationRequests,
  windowTaskPages,
  windowTaskRequests,
} from './maintenance-window-requests';
import { executionRequests, executionPages, stepPages, stepRequests } from './automation-requests';
import { buildArchive, SHARED_NODE, TIED_NODE, type ArchiveFixture } from './archive-fixture';
import { commandPages, invocationPages, listCommandsRequests, listInvocationsRequests } from './ssm-requests';

/**
 * Every route, with every kind of parameter, counted at the DynamoDB client (CallCounter
 * sits in the SDK's middleware, so nothing reaches DynamoDB uncounted): reads are Query,
 * GetItem and BatchGetItem, and never a Scan.
 */
let database: TestDatabase;
let fx: ArchiveFixture;
let api: ApiHandler;
let served: ServedApi;
let archive: SSMClient;

beforeAll(async () => {
  database = await startDynalite();
  fx = await buildArchive(database, 'bulk');
  api = createQueryApi({ db: database.doc, tableNames: fx.tables, pageTokenKey: 'no-scan', now: () => fx.sim.now() });
  served = await serveApi(api);
  archive = new SSMClient({ endpoint: served.url, region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' }, maxAttempts: 1 });
});
afterAll(async () => {
  archive.destroy();
  await served.close();
  await fx.stop();
  await database.stop();
});

const view = (path: string, query: Record<string, string>): ApiRequest => ({ method: 'GET', path, query, headers: {}, body: '' });

async function allPages(request: ApiRequest): Promise<number> {
  let pages = 0;
  let token: string | undefined;
  do {
    const response = await api({ ...request, query: { ...request.query, ...(token !== undefined ? { nextToken: token } : {}) } });
    expect(response.statusCode).toBe(200);
    token = (JSON.parse(response.body) as { nextToken?: string }).nextToken;
    pages++;
  } while (token !== undefined);
  return pages;
}

it('reads with Query, GetItem and BatchGetItem only, on every route', async () => {
  database.calls.reset();
  for (const [, input] of listCommandsRequests(fx)) await commandPages(archive, input);
  for (const [, input] of listInvocationsRequests(fx)) await invocationPages(archive, input);
  for (const input of [
    { CommandId: fx.twoStep, InstanceId: TIED_NODE, PluginName: 'install' },
    { CommandId: fx.mixed, InstanceId: SHARED_NODE },
  ]) {
    await archive.send(new GetCommandInvocationCommand(input));
  }
  const timelines: Record<string, string>[] = [
    {},
    { kind: 'command', status: 'Failed', limit: '1' },
    { kind: 'command-invocation', limit: '100' },
    { kind: 'command-invocation', status: 'TimedOut', since: '2023-01-01', until: '2025-01-01' },
    { since: '2022-01-01T00:00:00Z' },
  ];
  for (const query of timelines) expect(await allPages(view('/executions', query))).toBeGreaterThan(0);
  const histories: Record<string, string>[] = [{}, { limit: '1' }, { status: 'Failed' }, { since: '2023-01-01', until: '2024-06-04' }];
  for (const query of histories) {
    expect(await allPages(view(`/instances/${SHARED_NODE}/history`, query))).toBeGreaterThan(0);
  }
  // Bad input reads nothing, or at most a key (ListCommands checks its CommandId first, as SSM).
  await api(view('/executions', { limit: '0' }));
  await api({ method: 'POST', path: '/', query: {}, headers: { 'x-amz-target': 'AmazonSSM.ListCommandInvocations' }, body: '{"NextToken":"forged"}' });

  const calls = database.calls.snapshot();
  expect(calls['ScanCommand']).toBeUndefined();
  expect(Object.keys(calls).sort()).toEqual(['BatchGetItemCommand', 'GetItemCommand', 'QueryCommand']);
  expect(calls['QueryCommand']).toBeGreaterThan(100);
});

it('reads Automation with Query, GetItem and BatchGetItem only', async () => {
  const automation = await buildAutomationArchive(database);
  const automationApi = createQueryApi({ db: database.doc, tableNames: automation.tables, pageTokenKey: 'no-scan', now: () => automation.sim.now() });
  const automationServed = await serveApi(automationApi);
  const client = new SSMClient({ endpoint: automationServed.url, region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' }, maxAttempts: 1 });
  try {
    database.calls.reset();
    for (const [, input] of executionRequests(automation)) await executionPages(client, input);
    for (const [, input] of stepRequests(automation)) await stepPages(client, input);
    const automationViews: Record<string, string>[] = [{ kind: 'automation-execution', limit: '1' }, { kind: 'automation-execution', status: 'Failed' }, { kind: 'automation-step', limit: '40' }];
    for (const query of automationViews) {
      let token: string | undefined;
      do {
        const response = await automationApi(view('/executions', { ...query, ...(token !== undefined ? { nextToken: token } : {}) }));
        expect(response.statusCode).toBe(200);
        token = (JSON.parse(response.body) as { nextToken?: string }).nextToken;
      } while (token !== undefined);
    }
    const calls = database.calls.snapshot();
    expect(calls['ScanCommand']).toBeUndefined();
    expect(Object.keys(calls).sort()).toEqual(['BatchGetItemCommand', 'QueryCommand']);
  } finally {
    client.destroy();
    await automationServed.close();
    await automation.stop();
  }
});

it('reads State Manager with Query and GetItem only', async () => {
  const association = await buildAssociationArchive(database);
  const associationApi = createQueryApi({ db: database.doc, tableNames: association.tables, pageTokenKey: 'no-scan', now: () => association.sim.now() });
  const associationServed = await serveApi(associationApi);
  const client = new SSMClient({ endpoint: associationServed.url, region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' }, maxAttempts: 1 });
  try {
    const known = knownExecutions(association);
    database.calls.reset();
    for (const [, input] of associationExecutionRequests(association, known)) await associationExecutionPages(client, input);
    for (const [, input] of targetRequests(association, known)) await associationTargetPages(client, input);
    const views: [string, Record<string, string>][] = [
      ['/executions', { kind: 'association-execution', limit: '1' }],
      ['/executions', { kind: 'association-target', status: 'Failed' }],
      ['/executions', { limit: '2' }],
      [`/instances/${association.node}/history`, { limit: '1' }],
      [`/instances/${association.node}/history`, { status: 'Failed', since: '2023-12-31T23:00:00Z' }],
    ];
    for (const [path, query] of views) {
      let token: string | undefined;
      do {
        const response = await associationApi(view(path, { ...query, ...(token !== undefined ? { nextToken: token } : {}) }));
        expect(response.statusCode).toBe(200);
        token = (JSON.parse(response.body) as { nextToken?: string }).nextToken;
      } while (token !== undefined);
    }
    const calls = database.calls.snapshot();
    expect(calls['ScanCommand']).toBeUndefined();
    expect(Object.keys(calls).sort()).toEqual(['GetItemCommand', 'QueryCommand']);
  } finally {
    client.destroy();
    await associationServed.close();
    await association.stop();
  }
});

it('reads Maintenance Windows with Query and GetItem only', async () => {
  const windows = await buildMaintenanceWindowArchive(database);
  const windowsApi = createQueryApi({ db: database.doc, tableNames: windows.tables, pageTokenKey: 'no-scan', now: () => windows.sim.now() });
  const windowsServed = await serveApi(windowsApi);
  const client = new SSMClient({ endpoint: windowsServed.url, region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' }, maxAttempts: 1 });
  try {
    const ids = knownIds(windows);
    database.calls.reset();
    for (const [, input] of windowExecutionRequests(windows, ids)) await windowExecutionPages(client, input);
    for (const [, input] of windowTaskRequests(ids)) await windowTaskPages(client, input);
    for (const [, input] of windowInvocationRequests(ids)) await windowInvocationPages(client, input);
    // Listings that find nothing check their parents by key.
    await client.send(new DescribeMaintenanceWindowExecutionTaskInvocationsCommand({ WindowExecutionId: ids.manyExecution, TaskId: ids.failedRunCommandTask })).catch(() => undefined);
    const queries: Record<string, string>[] = [{ kind: 'maintenance-window-execution', limit: '1' }, { kind: 'maintenance-window-execution', status: 'FAILED' }, { limit: '5' }];
    for (const query of queries) {
      let token: string | undefined;
      do {
        const response = await windowsApi(view('/executions', { ...query, ...(token !== undefined ? { nextToken: token } : {}) }));
        expect(response.statusCode).toBe(200);
        token = (JSON.parse(response.body) as { nextToken?: string }).nextToken;
      } while (token !== undefined);
    }
    const calls = database.calls.snapshot();
    expect(calls['ScanCommand']).toBeUndefined();
    expect(Object.keys(calls).sort()).toEqual(['GetItemCommand', 'QueryCommand']);
  } finally {
    client.destroy();
    await windowsServed.close();
    await windows.stop();
  }
});
