import type { MaintenanceWindowExecution, MaintenanceWindowExecutionTaskIdentity, MaintenanceWindowExecutionTaskInvocationIdentity } from '@aws-sdk/client-ssm';
import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { alertFor } from '../../lambdas/alerts/alert';
import type { ApiHandler, ApiResponse } from '../../lambdas/query/http';
import { createQueryApi } from '../../lambdas/query/router';
import type { ExecutionItem } from '../../lambdas/query/views/execution-items';
import { commandObservation } from '../../lambdas/sources/run-command/records';
import { tableSchemas } from '../../lambdas/sources/tables';
import { RecordStore } from '../../lambdas/store/record-store';
import { startDynalite, type TestDatabase } from '../support/databases';
import { buildMaintenanceWindowArchive, type MaintenanceWindowFixture } from './maintenance-window-fixture';
import { knownIds, windowTruth, type KnownIds } from './maintenance-window-requests';
import { SIMULATED_HOME } from './archive-fixture';

/**
 * Maintenance Windows in the archive views beyond their executions: each window execution's
 * tasks and each task's invocations, listed under their parents (GET /executions with
 * kind=maintenance-window-task and kind=maintenance-window-task-invocation), judged against
 * SSM's own records (the simulator's truth): order, fields, paging, and the filters (a status
 * in any kind's spelling, the document, the node a task invocation ran on); and a failed
 * window execution's error, as its alert carries it.
 */
let database: TestDatabase;
let fx: MaintenanceWindowFixture;
let api: ApiHandler;
let ids: KnownIds;
/** A failed command beside the windows, for statuses across kinds' spellings (Failed and FAILED). */
const FAILED_COMMAND = '0c0ffee0-0000-4000-8000-00000000f411';

interface Envelope {
  readonly items: ExecutionItem[];
  readonly nextToken?: string;
}

beforeAll(async () => {
  database = await startDynalite();
  fx = await buildMaintenanceWindowArchive(database);
  api = createQueryApi({ db: database.doc, tableNames: fx.tables, pageTokenKey: 'maintenance-window-views', home: SIMULATED_HOME, now: () => fx.sim.now() });
  ids = knownIds(fx);
  const context = { observedAt: new Date('2024-01-02T00:00:00.000Z'), producers: new Set(['poll'] as const) };
  const command = { CommandId: FAILED_COMMAND, DocumentName: 'AWS-RunShellScript', Status: 'Failed' as const, StatusDetails: 'Failed', RequestedDateTime: new Date('2023-12-31T12:00:00.000Z'), TargetCount: 1, CompletedCount: 1, ErrorCount: 1 };
  await new RecordStore(database.doc, tableSchemas, fx.tables).upsert({ ...commandObservation(command, context), complete: true });
  database.calls.reset();
});
afterAll(async () => {
  await fx.stop();
  await database.stop();
});

async function get(query: Record<string, string>): Promise<ApiResponse> {
  return api({ method: 'GET', path: '/executions', query, headers: {}, body: '' });
}

async function page(query: Record<string, string>): Promise<Envelope> {
  const response = await get(query);
  expect({ query, status: response.statusCode, body: response.statusCode === 200 ? '' : response.body }).toEqual({ query, status: 200, body: '' });
  return JSON.parse(response.body) as Envelope;
}

/** Every page, following nextToken; only the last page may be short. */
async function everything(query: Record<string, string>): Promise<ExecutionItem[]> {
  const items: ExecutionItem[] = [];
  let token: string | undefined;
  do {
    const next = await page({ ...query, ...(token !== undefined ? { nextToken: token } : {}) });
    items.push(...next.items);
    token = next.nextToken;
    if (token !== undefined) expect(next.items).toHaveLength(Number(query['limit'] ?? 50));
  } while (token !== undefined);
  return items;
}

const iso = (date: Date | undefined): string | undefined => date?.toISOString();
const compact = (fields: Record<string, unknown>): Partial<ExecutionItem> => Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined));
const archiveTimes = { ...SIMULATED_HOME, firstSeenAt: expect.any(String) as unknown, observedAt: expect.any(String) as unknown };
const DOCUMENT_TASKS = ['RUN_COMMAND', 'AUTOMATION'];

interface ExecutionTruth {
  readonly execution: MaintenanceWindowExecution;
  readonly tasks: readonly { readonly task: MaintenanceWindowExecutionTaskIdentity; readonly invocations: readonly MaintenanceWindowExecutionTaskInvocationIdentity[] }[];
}

/** Every window's executions, newest StartTime first, then WindowExecutionId (tasks in run order, invocations in SSM's order). */
function executionsNewestFirst(): ExecutionTruth[] {
  return [fx.patch, fx.many, fx.often]
    .flatMap((windowId) => windowTruth(fx, windowId).executions as readonly ExecutionTruth[])
    .sort((a, b) => {
      const ta = iso(a.execution.StartTime) ?? '';
      const tb = iso(b.execution.StartTime) ?? '';
      if (ta !== tb) return ta > tb ? -1 : 1;
      return (a.execution.WindowExecutionId ?? '') < (b.execution.WindowExecutionId ?? '') ? -1 : 1;
    });
}

function taskEntry(execution: MaintenanceWindowExecution, task: MaintenanceWindowExecutionTaskIdentity): Partial<ExecutionItem> {
  return compact({
    kind: 'maintenance-window-task',
    status: task.Status,
    statusDetails: task.StatusDetails,
    time: iso(task.StartTime) ?? iso(execution.StartTime),
    windowId: execution.WindowId,
    windowExecutionId: execution.WindowExecutionId,
    taskExecutionId: task.TaskExecutionId,
    taskArn: task.TaskArn,
    taskType: task.TaskType,
    documentName: DOCUMENT_TASKS.includes(task.TaskType ?? '') ? task.TaskArn : undefined,
    endTime: iso(task.EndTime),
  });
}

/** The node an invocation's Parameters name: a Run Command task's instanceIds, an Automation runbook's InstanceId. */
function nodeOf(invocation: MaintenanceWindowExecutionTaskInvocationIdentity): string | undefined {
  const parameters = JSON.parse(invocation.Parameters ?? '{}') as { instanceIds?: string[]; parameters?: { InstanceId?: string[] } };
  const nodes = invocation.TaskType === 'AUTOMATION' ? parameters.parameters?.InstanceId : parameters.instanceIds;
  return nodes?.length === 1 ? nodes[0] : undefined;
}

function invocationEntry(execution: MaintenanceWindowExecution, task: MaintenanceWindowExecutionTaskIdentity, invocation: MaintenanceWindowExecutionTaskInvocationIdentity): Partial<ExecutionItem> {
  return compact({
    kind: 'maintenance-window-task-invocation',
    status: invocation.Status,
    statusDetails: invocation.StatusDetails,
    time: iso(invocation.StartTime) ?? iso(execution.StartTime),
    windowId: execution.WindowId,
    windowExecutionId: execution.WindowExecutionId,
    taskExecutionId: invocation.TaskExecutionId,
    invocationId: invocation.InvocationId,
    executionId: invocation.ExecutionId,
    taskType: invocation.TaskType,
    taskArn: task.TaskArn,
    documentName: DOCUMENT_TASKS.includes(task.TaskType ?? '') ? task.TaskArn : undefined,
    instanceId: nodeOf(invocation),
    windowTargetId: invocation.WindowTargetId,
    ownerInformation: invocation.OwnerInformation,
    endTime: iso(invocation.EndTime),
  });
}

const allTasks = () => executionsNewestFirst().flatMap(({ execution, tasks }) => tasks.map(({ task }) => ({ execution, task })));
const allInvocations = () =>
  executionsNewestFirst().flatMap(({ execution, tasks }) => tasks.flatMap(({ task, invocations }) => invocations.map((invocation) => ({ execution, task, invocation }))));

describe('GET /executions?kind=maintenance-window-task and kind=maintenance-window-task-invocation', () => {
  it("lists every window execution's tasks, executions newest first, tasks in the order they ran, across pages", async () => {
    const expected = allTasks().map(({ execution, task }) => ({ ...taskEntry(execution, task), ...archiveTimes }));
    expect(expected).toHaveLength(3 * 2 + 2 * 12 + 13);
    for (const limit of ['1', '5', '100']) {
      expect({ limit, items: await everything({ kind: 'maintenance-window-task', limit }) }).toEqual({ limit, items: expected });
    }
  });

  it("lists every task's invocations under their task, across pages, each naming its node and document", async () => {
    const expected = allInvocations().map(({ execution, task, invocation }) => ({ ...invocationEntry(execution, task, invocation), ...archiveTimes }));
    expect(expected).toHaveLength(3 * (12 + 2) + 2 * 12 + 13);
    expect(expected.every((entry) => entry.instanceId !== undefined)).toBe(true);
    for (const limit of ['1', '7', '100']) {
      expect({ limit, items: await everything({ kind: 'maintenance-window-task-invocation', limit }) }).toEqual({ limit, items: expected });
    }
  });

  it('matches a status in any spelling, and binds the token to it', async () => {
    const failedTasks = allTasks().filter(({ task }) => task.Status === 'FAILED');
    expect(failedTasks.length).toBeGreaterThan(0);
    for (const status of ['FAILED', 'failed', 'Failed']) {
      const listed = await everything({ kind: 'maintenance-window-task', status, limit: '1' });
      expect({ status, listed: listed.map((item) => item.taskExecutionId) }).toEqual({ status, listed: failedTasks.map(({ task }) => task.TaskExecutionId) });
    }
    const failedOrTimedOut = allInvocations().filter(({ invocation }) => ['FAILED', 'TIMED_OUT'].includes(invocation.Status ?? ''));
    expect(failedOrTimedOut.length).toBeGreaterThan(0);
    expect((await everything({ kind: 'maintenance-window-task-invocation', status: 'Failed,TimedOut', limit: '2' })).map((item) => item.invocationId)).toEqual(
      failedOrTimedOut.map(({ invocation }) => invocation.InvocationId),
    );
    // Run Command spells it Failed, a window FAILED: one request finds both, as either spelling does.
    const parents = await everything({ status: 'failed', limit: '1' });
    const listed = parents.map((item) => [item.kind, item.commandId ?? item.windowExecutionId]);
    expect(listed).toEqual(expect.arrayContaining([['maintenance-window-execution', ids.failedPatch], ['command', FAILED_COMMAND]]));
    expect(new Set(parents.map((item) => item.status))).toEqual(new Set(['Failed', 'FAILED']));
    for (const status of ['Failed', 'FAILED']) {
      expect({ status, listed: (await everything({ status, limit: '50' })).map((item) => [item.kind, item.commandId ?? item.windowExecutionId]) }).toEqual({ status, listed });
    }
    const first = await page({ kind: 'maintenance-window-task-invocation', status: 'in_progress,SUCCESS', limit: '1' });
    expect((await get({ kind: 'maintenance-window-task-invocation', status: 'success,InProgress', limit: '1', nextToken: first.nextToken ?? '' })).statusCode).toBe(200);
    expect((await get({ kind: 'maintenance-window-task-invocation', status: 'success', limit: '1', nextToken: first.nextToken ?? '' })).statusCode).toBe(400);
  });

  it('keeps the tasks and invocations of one document (a RUN_COMMAND or AUTOMATION task names its document)', async () => {
    const automation = allTasks().filter(({ task }) => task.TaskArn === 'AWS-RestartEC2Instance');
    expect(automation).toHaveLength(3);
    expect((await everything({ kind: 'maintenance-window-task', documentName: 'AWS-RestartEC2Instance', limit: '2' })).map((item) => item.taskExecutionId)).toEqual(
      automation.map(({ task }) => task.TaskExecutionId),
    );
    const invocations = allInvocations().filter(({ task }) => task.TaskArn === 'AWS-RestartEC2Instance');
    expect(invocations).toHaveLength(3 * 2);
    expect((await everything({ kind: 'maintenance-window-task-invocation', documentName: 'AWS-RestartEC2Instance', limit: '4' })).map((item) => item.invocationId)).toEqual(
      invocations.map(({ invocation }) => invocation.InvocationId),
    );
  });

  it("keeps one node's task invocations, where their Parameters name it", async () => {
    const node = nodeOf(allInvocations().find(({ task }) => task.TaskType === 'AUTOMATION')?.invocation ?? {}) ?? '';
    const expected = allInvocations().filter(({ invocation }) => nodeOf(invocation) === node);
    // Reached by Run Command and Automation tasks alike, and not by every invocation.
    expect(new Set(expected.map(({ task }) => task.TaskType))).toEqual(new Set(['RUN_COMMAND', 'AUTOMATION']));
    expect(expected.length).toBeLessThan(allInvocations().length);
    for (const limit of ['1', '50']) {
      const listed = await everything({ kind: 'maintenance-window-task-invocation', instanceId: node, limit });
      expect({ limit, listed: listed.map((item) => item.invocationId) }).toEqual({ limit, listed: expected.map(({ invocation }) => invocation.InvocationId) });
    }
  });

  it('refuses a filter the kind cannot name, naming the parameter', async () => {
    for (const [query, parameter] of [
      [{ kind: 'maintenance-window-task', instanceId: 'i-0123456789abcdef0' }, 'instanceId'],
      [{ kind: 'maintenance-window-execution', documentName: 'AWS-RunPatchBaseline' }, 'documentName'],
      [{ kind: 'maintenance-window-execution', instanceId: 'i-0123456789abcdef0' }, 'instanceId'],
      [{ kind: 'maintenance-window-task', status: 'Terminated' }, 'status'],
    ] as const) {
      const response = await get(query);
      expect({ query, status: response.statusCode, message: (JSON.parse(response.body) as { message: string }).message }).toEqual({
        query,
        status: 400,
        message: expect.stringContaining(parameter) as unknown,
      });
    }
  });

  it('gives a failed window execution the error its alert carries (its failed tasks and their failed invocations), its tasks none', async () => {
    const { Item: execution } = await database.doc.send(new GetCommand({ TableName: fx.tables.maintenanceWindowExecutions, Key: { WindowExecutionId: ids.failedPatch } }));
    const { Items: tasks = [] } = await database.doc.send(
      new QueryCommand({ TableName: fx.tables.maintenanceWindowTasks, KeyConditionExpression: 'WindowExecutionId = :id', ExpressionAttributeValues: { ':id': ids.failedPatch } }),
    );
    const invocations: Record<string, unknown>[] = [];
    for (const task of tasks) {
      const { Items = [] } = await database.doc.send(
        new QueryCommand({ TableName: fx.tables.maintenanceWindowTaskInvocations, KeyConditionExpression: 'TaskExecutionId = :id', ExpressionAttributeValues: { ':id': task['TaskExecutionId'] } }),
      );
      invocations.push(...Items);
    }
    const related = (table: string) => (table === 'maintenanceWindowTasks' ? tasks : table === 'maintenanceWindowTaskInvocations' ? invocations : []);
    const alert = alertFor('maintenanceWindowExecutions', execution ?? {}, { region: 'us-east-1' }, undefined, related);
    expect(alert?.body.errorExcerpt).toEqual(expect.stringContaining(`(${ids.failedRunCommandTask})`));
    const listed = (await everything({ kind: 'maintenance-window-execution', status: 'FAILED' }))[0];
    expect(listed).toMatchObject({ windowExecutionId: ids.failedPatch, error: alert?.body.errorExcerpt });
    // Its failed invocation's line is in it: the failed tasks' invocations were read.
    expect(listed?.error?.split('\n').some((line) => line.startsWith('  '))).toBe(true);
    const failedTasks = await everything({ kind: 'maintenance-window-task', status: 'FAILED' });
    expect(failedTasks.length).toBeGreaterThan(0);
    expect(failedTasks.every((task) => task.error === undefined && task.statusDetails !== undefined)).toBe(true);
  });
});
