import {
  DescribeMaintenanceWindowExecutionsCommand,
  DescribeMaintenanceWindowExecutionTaskInvocationsCommand,
  DescribeMaintenanceWindowExecutionTasksCommand,
  DoesNotExistException,
  SSMClient,
  type DescribeMaintenanceWindowExecutionTaskInvocationsCommandInput,
  type MaintenanceWindowExecution,
  type MaintenanceWindowExecutionTaskIdentity,
  type MaintenanceWindowExecutionTaskInvocationIdentity,
} from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import windowSample from '../fixtures/aws/maintenance-window-execution-state-change.json';
import taskSample from '../fixtures/aws/maintenance-window-task-execution-state-change.json';
import invocationSample from '../fixtures/aws/maintenance-window-task-target-invocation-state-change.json';
import type { Alert } from '../../lambdas/alerts/alert';
import { Collector } from '../../lambdas/collector/collector';
import { encodeWorkItem } from '../../lambdas/collector/messages';
import type { Observation } from '../../lambdas/core/model';
import { historySources } from '../../lambdas/sources';
import { HANDOVER_MS } from '../../lambdas/sources/maintenance-window';
import {
  windowExecutionFromItem,
  windowExecutionObservation,
  windowTaskFromItem,
  windowTaskInvocationFromItem,
  windowTaskInvocationObservation,
  windowTaskObservation,
} from '../../lambdas/sources/maintenance-window/records';
import { parseTimeline, RecordStore } from '../../lambdas/store/record-store';
import { alertingCollector } from '../support/collectors';
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

/** DescribeMaintenanceWindowExecutionTaskInvocations over these invocations, honouring the TaskId and a STATUS filter. */
const invocationListing =
  (all: readonly MaintenanceWindowExecutionTaskInvocationIdentity[]) => (input: DescribeMaintenanceWindowExecutionTaskInvocationsCommandInput) => {
    const statuses = input.Filters?.find((filter) => filter.Key === 'STATUS')?.Values;
    return {
      WindowExecutionTaskInvocationIdentities: all.filter(
        (record) => record.TaskExecutionId === input.TaskId && (statuses === undefined || statuses.includes(record.Status ?? '')),
      ),
    };
  };

const FAILURES_ONLY = [{ Key: 'STATUS', Values: ['FAILED', 'TIMED_OUT', 'CANCELLED'] }];
const taskKey = (taskExecutionId: string) => ({ WindowExecutionId: WINDOW_EXECUTION_ID, TaskExecutionId: taskExecutionId });
const invocationKey = (record: MaintenanceWindowExecutionTaskInvocationIdentity) => ({
  TaskExecutionId: record.TaskExecutionId as string,
  InvocationId: record.InvocationId as string,
});

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

  it('fetches only the failed task’s failed invocations, once, for its task and invocation events, and stores the task event as it is', async () => {
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
    // Its other invocations are the window execution's pass to read, once it ends.
    for (const call of calls) expect(call).toMatchObject({ WindowExecutionId: WINDOW_EXECUTION_ID, TaskId: TASK_EXECUTION_ID, MaxResults: 100, Filters: FAILURES_ONLY });

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

  describe('settled tasks', () => {
    const failedInvocation = invocation(TASK_EXECUTION_ID, 1, 'TIMED_OUT');
    const succeededInvocation = invocation(TASK_EXECUTION_ID, 2, 'SUCCESS');
    const otherInvocation = invocation(OTHER_TASK_EXECUTION_ID, 3, 'SUCCESS');
    const invocationCalls = () => ssmMock.commandCalls(DescribeMaintenanceWindowExecutionTaskInvocationsCommand).map((call) => call.args[0].input);
    const succeeded: MaintenanceWindowExecution = { ...windowExecution, Status: 'SUCCESS', StatusDetails: undefined };
    const succeededEvent = { ...windowSample, detail: { ...windowSample.detail, status: 'SUCCESS' } };

    /** SSM's final state: the window execution ended `execution.Status`, its tasks and invocations all ended. */
    function finished(execution: MaintenanceWindowExecution, taskStatus: MaintenanceWindowExecutionTaskIdentity['Status'], invocations: MaintenanceWindowExecutionTaskInvocationIdentity[]) {
      ssmMock.on(DescribeMaintenanceWindowExecutionsCommand).resolves({ WindowExecutions: [execution] });
      ssmMock
        .on(DescribeMaintenanceWindowExecutionTasksCommand)
        .resolves({ WindowExecutionTaskIdentities: [task(TASK_EXECUTION_ID, taskStatus), task(OTHER_TASK_EXECUTION_ID, 'SUCCESS')] });
      ssmMock.on(DescribeMaintenanceWindowExecutionTaskInvocationsCommand).callsFake(invocationListing(invocations));
    }

    it('settles a finished task with all its invocations: later failure events about it cost no SSM call and no write', async () => {
      finished(windowExecution, 'TIMED_OUT', [failedInvocation, succeededInvocation, otherInvocation]);
      expect(await collector.collect([queueMessage(windowSample)])).toMatchObject({ failedMessageIds: [], written: 6 });
      for (const taskExecutionId of [TASK_EXECUTION_ID, OTHER_TASK_EXECUTION_ID]) {
        expect(await store.get('maintenanceWindowTasks', taskKey(taskExecutionId))).toMatchObject({ childrenComplete: true });
      }

      ssmMock.resetHistory();
      now = new Date('2016-11-16T01:03:00.000Z');
      const again = await collector.collect([queueMessage(taskSample), queueMessage(invocationSample), queueMessage(invocationSample)]);
      // Not even the task event's write is tried: the settled task's status is final.
      expect(again).toMatchObject({ failedMessageIds: [], written: 0, stale: 0 });
      expect(ssmMock.calls()).toHaveLength(0);
    });

    it('reads a task again while it is not settled: failure events, and a pass that saw an invocation still running', async () => {
      const running = invocation(TASK_EXECUTION_ID, 2, 'IN_PROGRESS');
      finished(windowExecution, 'TIMED_OUT', [failedInvocation, running, otherInvocation]);
      for (const event of [taskSample, invocationSample]) {
        expect((await collector.collect([queueMessage(event)])).failedMessageIds).toEqual([]);
        // An event's item never settles the task: no read of all its invocations stands behind it.
        expect((await store.get('maintenanceWindowTasks', taskKey(TASK_EXECUTION_ID)))?.childrenComplete).toBeUndefined();
      }
      expect(invocationCalls()).toEqual([
        expect.objectContaining({ TaskId: TASK_EXECUTION_ID, Filters: FAILURES_ONLY }),
        expect.objectContaining({ TaskId: TASK_EXECUTION_ID, Filters: FAILURES_ONLY }),
      ]);
      expect(windowTaskInvocationFromItem((await store.get('maintenanceWindowTaskInvocations', invocationKey(failedInvocation))) ?? {})).toEqual(failedInvocation);
      expect(await store.get('maintenanceWindowTaskInvocations', invocationKey(running))).toBeUndefined();

      // The window execution's pass reads every invocation, and settles only the task whose invocations all ended.
      expect((await collector.collect([queueMessage(windowSample)])).failedMessageIds).toEqual([]);
      expect((await store.get('maintenanceWindowTasks', taskKey(TASK_EXECUTION_ID)))?.childrenComplete).toBeUndefined();
      expect(await store.get('maintenanceWindowTasks', taskKey(OTHER_TASK_EXECUTION_ID))).toMatchObject({ childrenComplete: true });

      // Once it has ended, the next pass reads that task again, and only that one.
      finished(windowExecution, 'TIMED_OUT', [failedInvocation, succeededInvocation, otherInvocation]);
      ssmMock.resetHistory();
      now = new Date('2016-11-16T01:03:00.000Z');
      expect((await collector.collect([queueMessage(windowSample)])).failedMessageIds).toEqual([]);
      expect(invocationCalls().map((call) => [call.TaskId, call.Filters])).toEqual([[TASK_EXECUTION_ID, undefined]]);
      expect(await store.get('maintenanceWindowTasks', taskKey(TASK_EXECUTION_ID))).toMatchObject({ childrenComplete: true });
      expect(windowTaskInvocationFromItem((await store.get('maintenanceWindowTaskInvocations', invocationKey(succeededInvocation))) ?? {})).toEqual(succeededInvocation);
    });

    it('writes a task’s settle mark only after all its invocations: a failed invocation write leaves it to be read again', async () => {
      finished(succeeded, 'SUCCESS', [invocation(TASK_EXECUTION_ID, 1, 'SUCCESS'), invocation(TASK_EXECUTION_ID, 2, 'SUCCESS'), otherInvocation]);
      const order: Observation[] = [];
      let failWrite = true;
      const flaky = new Collector({
        sources: historySources,
        clients: { ssm: new SSMClient({ region: 'us-east-1' }) },
        store: {
          get: (table, key) => store.get(table, key),
          upsert: async (observation) => {
            order.push(observation);
            if (observation.table === 'maintenanceWindowTaskInvocations' && observation.key.InvocationId === invocation(TASK_EXECUTION_ID, 2, 'SUCCESS').InvocationId && failWrite) {
              failWrite = false;
              throw Object.assign(new Error('Throughput exceeds the current capacity'), { name: 'ProvisionedThroughputExceededException' });
            }
            return store.upsert(observation);
          },
        },
        logger: silent,
        parentConcurrency: 1,
        now: () => now,
      });
      const message = queueMessage(succeededEvent);
      expect((await flaky.collect([message])).failedMessageIds).toEqual([message.id]);
      // No settle mark was tried: the writes that failed the pass came before any.
      expect(order.filter((observation) => observation.settlesChildren === true)).toEqual([]);
      expect((await store.get('maintenanceWindowTasks', taskKey(TASK_EXECUTION_ID)))?.childrenComplete).toBeUndefined();

      // Redelivered after the queue's visibility timeout.
      order.length = 0;
      ssmMock.resetHistory();
      now = new Date(now.getTime() + 6 * 60_000);
      expect((await flaky.collect([message])).failedMessageIds).toEqual([]);
      expect(invocationCalls().map((call) => call.TaskId).sort()).toEqual([OTHER_TASK_EXECUTION_ID, TASK_EXECUTION_ID].sort());
      const settling = order.findIndex((observation) => observation.settlesChildren === true);
      expect(order.slice(settling).every((observation) => observation.settlesChildren === true)).toBe(true);
      expect(order.slice(settling).map((observation) => observation.key.TaskExecutionId).sort()).toEqual([OTHER_TASK_EXECUTION_ID, TASK_EXECUTION_ID].sort());
      for (const taskExecutionId of [TASK_EXECUTION_ID, OTHER_TASK_EXECUTION_ID]) {
        expect(await store.get('maintenanceWindowTasks', taskKey(taskExecutionId))).toMatchObject({ childrenComplete: true });
      }
    });

    it('still alerts a window execution whose failed task was settled before it ended, with that task’s failed invocations, once', async () => {
      // A poll finds the window execution running, one task already ended and settled.
      ssmMock.on(DescribeMaintenanceWindowExecutionsCommand).resolves({ WindowExecutions: [{ ...windowExecution, Status: 'IN_PROGRESS', StatusDetails: undefined, EndTime: undefined }] });
      ssmMock
        .on(DescribeMaintenanceWindowExecutionTasksCommand)
        .resolves({ WindowExecutionTaskIdentities: [task(TASK_EXECUTION_ID, 'TIMED_OUT'), task(OTHER_TASK_EXECUTION_ID, 'IN_PROGRESS')] });
      ssmMock
        .on(DescribeMaintenanceWindowExecutionTaskInvocationsCommand)
        .callsFake(invocationListing([failedInvocation, succeededInvocation, invocation(OTHER_TASK_EXECUTION_ID, 3, 'IN_PROGRESS')]));
      const published: Alert[] = [];
      const alerting = alertingCollector({ store, now: () => now, publisher: { publish: async (alert) => (published.push(alert), { messageId: `m-${published.length}` }) } });
      const poll = queueMessage(
        encodeWorkItem({
          kind: 'maintenance-window',
          parentId: WINDOW_EXECUTION_ID,
          producer: 'poll',
          sentAt: '2016-11-16T01:01:30.000Z',
          observations: [],
          fetch: { scope: 'parent', listedBy: { ownerId: WINDOW_ID, startedAt: '2016-11-16T01:00:56.427Z' } },
        }),
      );
      expect((await alerting.collect([poll])).failedMessageIds).toEqual([]);
      expect(await store.get('maintenanceWindowTasks', taskKey(TASK_EXECUTION_ID))).toMatchObject({ childrenComplete: true });
      expect(published).toEqual([]);

      // The execution ends: its alert names the settled task and its failed invocation, read again alone.
      finished(windowExecution, 'TIMED_OUT', [failedInvocation, succeededInvocation, otherInvocation]);
      ssmMock.resetHistory();
      now = new Date('2016-11-16T01:03:00.000Z');
      expect((await alerting.collect([queueMessage(windowSample)])).failedMessageIds).toEqual([]);
      expect(invocationCalls().map((call) => [call.TaskId, call.Filters])).toEqual(
        expect.arrayContaining([
          [TASK_EXECUTION_ID, FAILURES_ONLY],
          [OTHER_TASK_EXECUTION_ID, undefined],
        ]),
      );
      expect(invocationCalls()).toHaveLength(2);
      expect(published).toHaveLength(1);
      expect(published[0]?.subject).toBe('SSM Maintenance Window TIMED_OUT: mw-0ed7251d3fcf6e0c2 (AWS-RunPatchBaseline)');
      expect(published[0]?.body.errorExcerpt?.split('\n')).toEqual([
        'Maintenance window execution timed out.',
        `task AWS-RunPatchBaseline (${TASK_EXECUTION_ID}): TIMED_OUT: Task timed out`,
        `  ${failedInvocation.ExecutionId}: TIMED_OUT: Execution timed out`,
      ]);
      // The invocation that succeeded was not written again.
      expect(await store.get('maintenanceWindowTaskInvocations', invocationKey(succeededInvocation))).toMatchObject({ observedAt: '2016-11-16T01:02:00.000Z' });

      // The alert is out and every task settled: a duplicate of the event reads no invocation and alerts nothing.
      ssmMock.resetHistory();
      now = new Date('2016-11-16T01:04:00.000Z');
      expect(await alerting.collect([queueMessage(windowSample)])).toMatchObject({ failedMessageIds: [], written: 1 });
      expect(invocationCalls()).toEqual([]);
      expect(published).toHaveLength(1);
    });

    it('reads a settled task’s failures again for an alert SNS refused, so that the retry publishes it whole', async () => {
      const at = new Date('2016-11-16T01:01:00.000Z');
      const earlier = { observedAt: at, producers: new Set(['poll'] as const) };
      for (const record of [failedInvocation, succeededInvocation]) await store.upsert(windowTaskInvocationObservation(record, earlier));
      await store.upsert({ ...windowTaskObservation(task(TASK_EXECUTION_ID, 'TIMED_OUT'), earlier), settlesChildren: true });
      finished(windowExecution, 'TIMED_OUT', [failedInvocation, succeededInvocation, otherInvocation]);
      const published: Alert[] = [];
      let refuse = true;
      const alerting = alertingCollector({
        store,
        now: () => now,
        publisher: {
          publish: async (alert) => {
            if (refuse) {
              refuse = false;
              throw Object.assign(new Error('KMS key disabled'), { name: 'KMSDisabledException' });
            }
            published.push(alert);
            return { messageId: 'm-1' };
          },
        },
      });
      const first = await alerting.collect([queueMessage(windowSample)]);
      expect(first.alertPublishFailures).toBe(1);
      expect(await store.get('maintenanceWindowExecutions', { WindowExecutionId: WINDOW_EXECUTION_ID })).toMatchObject({ alertState: 'pending' });

      // Retried as soon as the local work queue does: the pending alert says no pass is still storing it, so none is waited for.
      ssmMock.resetHistory();
      now = new Date(now.getTime() + 2000);
      const started = Date.now();
      expect((await alerting.collect([queueMessage(windowSample)])).failedMessageIds).toEqual([]);
      expect(Date.now() - started).toBeLessThan(HANDOVER_MS / 2);
      expect(invocationCalls()).toContainEqual(expect.objectContaining({ TaskId: TASK_EXECUTION_ID, Filters: FAILURES_ONLY }));
      expect(published).toHaveLength(1);
      expect(published[0]?.body.errorExcerpt).toContain(`  ${failedInvocation.ExecutionId}: TIMED_OUT: Execution timed out`);
    });

    describe('a pass that another pass of the same execution is storing', () => {
      const allSucceeded = [invocation(TASK_EXECUTION_ID, 1, 'SUCCESS'), invocation(TASK_EXECUTION_ID, 2, 'SUCCESS'), otherInvocation];
      /** What that other pass has stored first: SSM's read of the execution, ended, taken at `readAt`. */
      const readByAnotherPass = async (readAt: Date) => {
        await store.upsert(windowExecutionObservation(succeeded, { observedAt: readAt, producers: new Set(['event']) }));
      };

      it('waits for its settle marks instead of writing every invocation again', async () => {
        finished(succeeded, 'SUCCESS', allSucceeded);
        await readByAnotherPass(now);
        const settleMarks = new Promise<void>((resolve) => {
          setTimeout(() => {
            const at = { observedAt: now, producers: new Set(['event'] as const) };
            void Promise.all(
              [task(TASK_EXECUTION_ID, 'SUCCESS'), task(OTHER_TASK_EXECUTION_ID, 'SUCCESS')].map((record) =>
                store.upsert({ ...windowTaskObservation(record, at), settlesChildren: true }),
              ),
            ).then(() => resolve());
          }, 300);
        });
        const duplicateAt = new Date(now.getTime() + 1000);
        const duplicate = new Collector({
          sources: historySources,
          clients: { ssm: new SSMClient({ region: 'us-east-1' }) },
          store,
          logger: silent,
          parentConcurrency: 1,
          now: () => duplicateAt,
        });
        const [result] = await Promise.all([duplicate.collect([queueMessage(succeededEvent)]), settleMarks]);
        // Only its own read of the execution: no task, no invocation.
        expect(result).toMatchObject({ failedMessageIds: [], written: 1, stale: 0 });
        for (const record of allSucceeded) expect(await store.get('maintenanceWindowTaskInvocations', invocationKey(record))).toBeUndefined();
      });

      it('writes it all itself when no settle mark comes in time', async () => {
        finished(succeeded, 'SUCCESS', allSucceeded);
        // The other pass read it almost HANDOVER_MS ago, and has not settled anything since.
        await readByAnotherPass(new Date(now.getTime() - HANDOVER_MS + 300));
        const result = await collector.collect([queueMessage(succeededEvent)]);
        expect(result).toMatchObject({ failedMessageIds: [], written: 6 });
        for (const record of allSucceeded) {
          expect(windowTaskInvocationFromItem((await store.get('maintenanceWindowTaskInvocations', invocationKey(record))) ?? {})).toEqual(record);
        }
        for (const taskExecutionId of [TASK_EXECUTION_ID, OTHER_TASK_EXECUTION_ID]) {
          expect(await store.get('maintenanceWindowTasks', taskKey(taskExecutionId))).toMatchObject({ childrenComplete: true });
        }
      });
    });
  });

  it('retries when SSM fails otherwise, however old the events', async () => {
    ssmMock.on(DescribeMaintenanceWindowExecutionsCommand).rejects(new Error('throttled'));
    ssmMock.on(DescribeMaintenanceWindowExecutionTasksCommand).resolves({ WindowExecutionTaskIdentities: [] });
    now = new Date('2016-11-17T01:02:00.000Z');
    const message = queueMessage(windowSample);
    expect((await collector.collect([message])).failedMessageIds).toEqual([message.id]);
  });
});
