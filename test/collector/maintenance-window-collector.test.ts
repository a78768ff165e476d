import {
  DescribeMaintenanceWindowExecutionsCommand,
  DescribeMaintenanceWindowExecutionTaskInvocationsCommand,
  DescribeMaintenanceWindowExecutionTasksCommand,
  DoesNotExistException,
  SSMClient,
  type MaintenanceWindowExecution,
  type MaintenanceWindowExecutionTaskIdentity,
  type MaintenanceWindowExecutionTaskInvocationIdentity,
} from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import windowSample from '../fixtures/aws/maintenance-window-execution-state-change.json';
import taskSample from '../fixtures/aws/maintenance-window-task-execution-state-change.json';
import invocationSample from '../fixtures/aws/maintenance-window-task-target-invocation-state-change.json';
import { Collector } from '../../lambdas/collector/collector';
import { historySources } from '../../lambdas/sources';
import {
  windowExecutionFromItem,
  windowTaskFromItem,
  windowTaskInvocationFromItem,
} from '../../lambdas/sources/maintenance-window/records';
import { parseTimeline, RecordStore } from '../../lambdas/store/record-store';
import { startDynalite, type TestDatabase } from '../support/databases';
import { queueMessage } from '../support/messages';
import { spyLog } from '../support/silent-log';
import { tableSchemas } from '../../lambdas/sources/tables';

const WINDOW_ID = windowSample.detail['window-id'];
const WINDOW_EXECUTION_ID = windowSample.detail['window-execution-id'];
const TASK_EXECUTION_ID = taskSample.detail['task-execution-id'];
const OTHER_TASK_EXECUTION_ID = '6417e808-7f35-4d1a-843f-0000000000aa';
const silent = spyLog();

const windowExecution: MaintenanceWindowExecution = {
  WindowId: WINDOW_ID,
  WindowExecutionId: WINDOW_EXECUTION_ID,
  Status: 'TIMED_OUT',
  StatusDetails: 'Maintenance window execution timed out.',
  StartTime: new Date('2016-11-16T01:00:56.427Z'),
  EndTime: new Date('2016-11-16T01:00:57.070Z'),
};
const otherExecution = (n: number): MaintenanceWindowExecution => ({
  WindowId: WINDOW_ID,
  WindowExecutionId: `b60fb56e-776c-4e5c-84ee-00000000000${n}`,
  Status: 'SUCCESS',
  StartTime: new Date(Date.parse('2016-11-16T01:00:30.000Z') + n * 1000),
  EndTime: new Date(Date.parse('2016-11-16T01:00:40.000Z') + n * 1000),
});

function task(taskExecutionId: string, status: MaintenanceWindowExecutionTaskIdentity['Status']): MaintenanceWindowExecutionTaskIdentity {
  return {
    WindowExecutionId: WINDOW_EXECUTION_ID,
    TaskExecutionId: taskExecutionId,
    Status: status,
    StatusDetails: status === 'SUCCESS' ? undefined : 'Task timed out',
    StartTime: new Date('2016-11-16T01:00:56.759Z'),
    EndTime: new Date('2016-11-16T01:00:56.847Z'),
    TaskArn: 'AWS-RunPatchBaseline',
    TaskType: 'RUN_COMMAND',
    AlarmConfiguration: { IgnorePollAlarmFailure: true, Alarms: [{ Name: 'cpu-high' }] },
    TriggeredAlarms: [{ Name: 'cpu-high', State: 'ALARM' }],
  };
}

function invocation(taskExecutionId: string, n: number, status: MaintenanceWindowExecutionTaskInvocationIdentity['Status']): MaintenanceWindowExecutionTaskInvocationIdentity {
  return {
    WindowExecutionId: WINDOW_EXECUTION_ID,
    TaskExecutionId: taskExecutionId,
    InvocationId: `c7c0ffee-1111-4222-8333-${String(n).padStart(12, '0')}`,
    ExecutionId: `0b7a1c2d-3e4f-4a5b-8c6d-${String(n).padStart(12, '0')}`,
    TaskType: 'RUN_COMMAND',
    Parameters: '{"documentName":"AWS-RunPatchBaseline"}',
    Status: status,
    StatusDetails: status === 'SUCCESS' ? 'Success' : 'Execution timed out',
    StartTime: new Date('2016-11-16T01:00:56.427Z'),
    EndTime: new Date('2016-11-16T01:00:57.070Z'),
    OwnerInformation: 'Owner',
    WindowTargetId: invocationSample.detail['window-target-id'],
  };
}

/** What the SDK returns, without the undefined fields the archive does not store. */
const defined = <T extends object>(record: T): T => Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined)) as T;

describe('Collector, Maintenance Windows (SSM mocked per call, DynamoDB real: dynalite)', () => {
  let database: TestDatabase;
  let store: RecordStore;
  const ssmMock = mockClient(SSMClient);
  let now = new Date('2016-11-16T01:02:00.000Z');
  let collector: Collector;

  beforeAll(async () => {
    database = await startDynalite();
  });
  afterAll(async () => {
    await database.stop();
  });
  beforeEach(async () => {
    ssmMock.reset();
    now = new Date('2016-11-16T01:02:00.000Z');
    store = new RecordStore(database.doc, tableSchemas, await database.tables('mw'), () => now);
    collector = new Collector({
      sources: historySources,
      clients: { ssm: new SSMClient({ region: 'us-east-1' }) },
      store,
      logger: silent,
      parentConcurrency: 2,
      now: () => now,
    });
  });

  it('fetches a finished window execution once: its record from a bracketed listing, every task page, every invocation page of each task', async () => {
    ssmMock
      .on(DescribeMaintenanceWindowExecutionsCommand)
      .resolvesOnce({ WindowExecutions: [otherExecution(1), otherExecution(2)], NextToken: 'executions-2' })
      .resolves({ WindowExecutions: [windowExecution, otherExecution(3)], NextToken: 'executions-3' });
    ssmMock
      .on(DescribeMaintenanceWindowExecutionTasksCommand)
      .resolvesOnce({ WindowExecutionTaskIdentities: [task(TASK_EXECUTION_ID, 'TIMED_OUT')], NextToken: 'tasks-2' })
      .resolves({ WindowExecutionTaskIdentities: [task(OTHER_TASK_EXECUTION_ID, 'SUCCESS')] });
    ssmMock
      .on(DescribeMaintenanceWindowExecutionTaskInvocationsCommand, { TaskId: TASK_EXECUTION_ID })
      .resolvesOnce({ WindowExecutionTaskInvocationIdentities: [invocation(TASK_EXECUTION_ID, 1, 'TIMED_OUT')], NextToken: 'invocations-2' })
      .resolves({ WindowExecutionTaskInvocationIdentities: [invocation(TASK_EXECUTION_ID, 2, 'SUCCESS')] });
    ssmMock
      .on(DescribeMaintenanceWindowExecutionTaskInvocationsCommand, { TaskId: OTHER_TASK_EXECUTION_ID })
      .resolves({ WindowExecutionTaskInvocationIdentities: [invocation(OTHER_TASK_EXECUTION_ID, 3, 'SUCCESS')] });

    // All three samples in one batch: the window's own fetch also serves the failed task's and invocation's requests.
    const { failedMessageIds, written } = await collector.collect([queueMessage(windowSample), queueMessage(taskSample), queueMessage(invocationSample)]);
    expect(failedMessageIds).toEqual([]);

    const listings = ssmMock.commandCalls(DescribeMaintenanceWindowExecutionsCommand).map((call) => call.args[0].input);
    // Found on the second page: the third is never asked for.
    expect(listings).toHaveLength(2);
    for (const listing of listings) {
      expect(listing).toMatchObject({
        WindowId: WINDOW_ID,
        Filters: [
          { Key: 'ExecutedAfter', Values: ['2016-11-16T00:59:56Z'] },
          { Key: 'ExecutedBefore', Values: ['2016-11-16T01:01:57Z'] },
        ],
        MaxResults: 10,
      });
    }
    const taskCalls = ssmMock.commandCalls(DescribeMaintenanceWindowExecutionTasksCommand).map((call) => call.args[0].input);
    expect(taskCalls).toHaveLength(2);
    for (const call of taskCalls) expect(call).toMatchObject({ WindowExecutionId: WINDOW_EXECUTION_ID, MaxResults: 100 });
    const invocationCalls = ssmMock.commandCalls(DescribeMaintenanceWindowExecutionTaskInvocationsCommand).map((call) => call.args[0].input);
    expect(invocationCalls.map((call) => call.TaskId).sort()).toEqual([OTHER_TASK_EXECUTION_ID, TASK_EXECUTION_ID, TASK_EXECUTION_ID].sort());
    for (const call of invocationCalls) expect(call).toMatchObject({ WindowExecutionId: WINDOW_EXECUTION_ID, MaxResults: 100 });
    // 7 SSM calls for 6 records: 1 execution, 2 tasks, 3 invocations.
    expect(ssmMock.calls()).toHaveLength(7);
    expect(written).toBe(6);

    const storedExecution = await store.get('maintenanceWindowExecutions', { WindowExecutionId: WINDOW_EXECUTION_ID });
    expect(windowExecutionFromItem(storedExecution ?? {})).toEqual(windowExecution);
    expect(storedExecution).toMatchObject({ startYear: '2016', detailed: true, statusRank: 9 });
    expect(parseTimeline(storedExecution?.statusTimeline as Set<string>)).toEqual([
      { status: 'TIMED_OUT', at: '2016-11-16T01:00:57.000Z' },
    ]);
    expect(storedExecution?.producers).toEqual(new Set(['event']));
    for (const [taskExecutionId, status] of [[TASK_EXECUTION_ID, 'TIMED_OUT'], [OTHER_TASK_EXECUTION_ID, 'SUCCESS']] as const) {
      const stored = await store.get('maintenanceWindowTasks', { WindowExecutionId: WINDOW_EXECUTION_ID, TaskExecutionId: taskExecutionId });
      expect(windowTaskFromItem(stored ?? {})).toEqual(defined(task(taskExecutionId, status)));
    }
    for (const expected of [invocation(TASK_EXECUTION_ID, 1, 'TIMED_OUT'), invocation(TASK_EXECUTION_ID, 2, 'SUCCESS'), invocation(OTHER_TASK_EXECUTION_ID, 3, 'SUCCESS')]) {
      const stored = await store.get('maintenanceWindowTaskInvocations', {
        TaskExecutionId: expected.TaskExecutionId as string,
        InvocationId: expected.InvocationId as string,
      });
      expect(windowTaskInvocationFromItem(stored ?? {})).toEqual(expected);
    }
  });

  it('fetches only the failed task’s invocations, once, for its task and invocation events, and stores the task event as it is', async () => {
    ssmMock
      .on(DescribeMaintenanceWindowExecutionTaskInvocationsCommand)
      .resolvesOnce({ WindowExecutionTaskInvocationIdentities: [invocation(TASK_EXECUTION_ID, 1, 'TIMED_OUT')], NextToken: 'invocations-2' })
      .resolves({ WindowExecutionTaskInvocationIdentities: [invocation(TASK_EXECUTION_ID, 2, 'TIMED_OUT')] });
    const { failedMessageIds } = await collector.collect([queueMessage(taskSample), queueMessage(invocationSample), queueMessage(invocationSample)]);
    expect(failedMessageIds).toEqual([]);

    expect(ssmMock.commandCalls(DescribeMaintenanceWindowExecutionsCommand)).toHaveLength(0);
    expect(ssmMock.commandCalls(DescribeMaintenanceWindowExecutionTasksCommand)).toHaveLength(0);
    const calls = ssmMock.commandCalls(DescribeMaintenanceWindowExecutionTaskInvocationsCommand).map((call) => call.args[0].input);
    expect(calls).toHaveLength(2);
    for (const call of calls) expect(call).toMatchObject({ WindowExecutionId: WINDOW_EXECUTION_ID, TaskId: TASK_EXECUTION_ID, MaxResults: 100 });

    const storedTask = await store.get('maintenanceWindowTasks', { WindowExecutionId: WINDOW_EXECUTION_ID, TaskExecutionId: TASK_EXECUTION_ID });
    expect(windowTaskFromItem(storedTask ?? {})).toEqual({
      WindowExecutionId: WINDOW_EXECUTION_ID,
      TaskExecutionId: TASK_EXECUTION_ID,
      Status: 'TIMED_OUT',
      StartTime: new Date('2016-11-16T01:00:56.759Z'),
      EndTime: new Date('2016-11-16T01:00:56.847Z'),
    });
    expect(storedTask?.detailed).toBeUndefined();
    for (const n of [1, 2]) {
      const expected = invocation(TASK_EXECUTION_ID, n, 'TIMED_OUT');
      const stored = await store.get('maintenanceWindowTaskInvocations', { TaskExecutionId: TASK_EXECUTION_ID, InvocationId: expected.InvocationId as string });
      expect(windowTaskInvocationFromItem(stored ?? {})).toEqual(expected);
    }
  });

  it('makes no SSM call for running window executions, running tasks or successful invocations, and stores what the events say', async () => {
    const running = { ...windowSample, detail: { ...windowSample.detail, status: 'IN_PROGRESS', 'end-time': undefined } };
    const taskRunning = { ...taskSample, detail: { ...taskSample.detail, status: 'IN_PROGRESS', 'end-time': undefined } };
    const succeeded = { ...invocationSample, detail: { ...invocationSample.detail, status: 'SUCCESS' } };
    expect((await collector.collect([queueMessage(running), queueMessage(taskRunning), queueMessage(succeeded)])).failedMessageIds).toEqual([]);
    expect(ssmMock.calls()).toHaveLength(0);
    const stored = await store.get('maintenanceWindowExecutions', { WindowExecutionId: WINDOW_EXECUTION_ID });
    expect(windowExecutionFromItem(stored ?? {})).toEqual({
      WindowId: WINDOW_ID,
      WindowExecutionId: WINDOW_EXECUTION_ID,
      Status: 'IN_PROGRESS',
      StartTime: new Date('2016-11-16T01:00:56.427Z'),
    });
    expect(stored).toMatchObject({ startYear: '2016' });
    expect(await store.get('maintenanceWindowTasks', { WindowExecutionId: WINDOW_EXECUTION_ID, TaskExecutionId: TASK_EXECUTION_ID })).toMatchObject({ Status: 'IN_PROGRESS' });
  });

  it('lists the window’s executions unfiltered when the event has no start-time', async () => {
    ssmMock.on(DescribeMaintenanceWindowExecutionsCommand).resolves({ WindowExecutions: [windowExecution] });
    ssmMock.on(DescribeMaintenanceWindowExecutionTasksCommand).resolves({ WindowExecutionTaskIdentities: [] });
    const noStart = { ...windowSample, detail: { ...windowSample.detail, 'start-time': undefined } };
    expect((await collector.collect([queueMessage(noStart)])).failedMessageIds).toEqual([]);
    expect(ssmMock.commandCalls(DescribeMaintenanceWindowExecutionsCommand).map((call) => call.args[0].input)).toEqual([{ WindowId: WINDOW_ID, MaxResults: 10 }]);
    expect(windowExecutionFromItem((await store.get('maintenanceWindowExecutions', { WindowExecutionId: WINDOW_EXECUTION_ID })) ?? {})).toEqual(windowExecution);
  });

  it.each([
    ['the window is unknown (DoesNotExistException)', 'unknown-window'],
    ['the listing does not show the execution yet', 'not-listed'],
    ['the window execution is unknown to the task listing', 'unknown-execution'],
  ])('retries while SSM may not show the parent yet, and keeps the events’ records once it is gone for good: %s', async (_name, fault) => {
    const gone = new DoesNotExistException({ message: 'gone', $metadata: {} });
    if (fault === 'unknown-window') ssmMock.on(DescribeMaintenanceWindowExecutionsCommand).rejects(gone);
    else ssmMock.on(DescribeMaintenanceWindowExecutionsCommand).resolves({ WindowExecutions: fault === 'not-listed' ? [otherExecution(1)] : [windowExecution] });
    if (fault === 'unknown-execution') ssmMock.on(DescribeMaintenanceWindowExecutionTasksCommand).rejects(gone);
    else ssmMock.on(DescribeMaintenanceWindowExecutionTasksCommand).resolves({ WindowExecutionTaskIdentities: [] });

    const message = queueMessage(windowSample);
    const young = await collector.collect([message]);
    expect(young.failedMessageIds).toEqual([message.id]);
    expect(young.failureReasons.get(message.id)).toMatch(/ParentNotFoundError: SSM does not know maintenance window/);
    expect(await store.get('maintenanceWindowExecutions', { WindowExecutionId: WINDOW_EXECUTION_ID })).toBeUndefined();

    now = new Date('2016-11-17T01:02:00.000Z');
    expect((await collector.collect([message])).failedMessageIds).toEqual([]);
    const stored = await store.get('maintenanceWindowExecutions', { WindowExecutionId: WINDOW_EXECUTION_ID });
    expect(stored).toMatchObject({ WindowId: WINDOW_ID, Status: 'TIMED_OUT' });
    expect(stored?.detailed).toBeUndefined();
  });

  it('retries a failed task whose invocations SSM does not show yet, then keeps its event', async () => {
    ssmMock.on(DescribeMaintenanceWindowExecutionTaskInvocationsCommand).rejects(new DoesNotExistException({ message: 'gone', $metadata: {} }));
    const message = queueMessage(taskSample);
    expect((await collector.collect([message])).failedMessageIds).toEqual([message.id]);
    now = new Date('2016-11-17T01:02:00.000Z');
    expect((await collector.collect([message])).failedMessageIds).toEqual([]);
    expect(await store.get('maintenanceWindowTasks', { WindowExecutionId: WINDOW_EXECUTION_ID, TaskExecutionId: TASK_EXECUTION_ID })).toMatchObject({ Status: 'TIMED_OUT' });
  });

  it('retries when SSM fails otherwise, however old the events', async () => {
    ssmMock.on(DescribeMaintenanceWindowExecutionsCommand).rejects(new Error('throttled'));
    ssmMock.on(DescribeMaintenanceWindowExecutionTasksCommand).resolves({ WindowExecutionTaskIdentities: [] });
    now = new Date('2016-11-17T01:02:00.000Z');
    const message = queueMessage(windowSample);
    expect((await collector.collect([message])).failedMessageIds).toEqual([message.id]);
  });
});
