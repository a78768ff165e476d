import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { awsSsmJson } from '../support/aws-cli';
import {
  DescribeMaintenanceWindowExecutionsCommand,
  DescribeMaintenanceWindowExecutionTaskInvocationsCommand,
  DescribeMaintenanceWindowExecutionTasksCommand,
  DescribeMaintenanceWindowsCommand,
  DoesNotExistException,
  paginateDescribeMaintenanceWindowExecutions,
  paginateDescribeMaintenanceWindowExecutionTaskInvocations,
  paginateDescribeMaintenanceWindowExecutionTasks,
  paginateDescribeMaintenanceWindows,
  ThrottlingException,
  type MaintenanceWindowExecution,
  type MaintenanceWindowExecutionTaskIdentity,
  type MaintenanceWindowExecutionTaskInvocationIdentity,
  type MaintenanceWindowFilter,
  type MaintenanceWindowIdentity,
  type SSMClient,
} from '@aws-sdk/client-ssm';
import {
  MW_TASK_EXECUTION_DETAIL_TYPE,
  MW_TASK_INVOCATION_DETAIL_TYPE,
  MW_WINDOW_EXECUTION_DETAIL_TYPE,
  SsmSimulator,
  VirtualClock,
  type MaintenanceWindowTruth,
} from '../../local/ssm-simulator';
import {
  executedTimeRange,
  matchesMaintenanceWindowFilters,
  MW_DEFAULT_MAX_RESULTS,
  MW_STATUS_FILTER_VALUES,
  readDescribeMaintenanceWindowExecutions,
  readDescribeMaintenanceWindowExecutionTaskInvocations,
  readDescribeMaintenanceWindowExecutionTasks,
  readDescribeMaintenanceWindows,
} from '../../lambdas/sources/maintenance-window/requests';
import { ssmClient, withoutMetadata } from './sdk-client';

const T0 = new Date('2024-06-03T09:00:00.000Z');
const HOUR = 60 * 60 * 1000;
const FIXTURES = join(__dirname, '..', 'fixtures', 'aws');

/** The DescribeMaintenanceWindowExecutionTasks sample response of the DescribeMaintenanceWindowExecutionTasks API reference, as SSM records. */
const SAMPLE_EXECUTION_ID = 'a06e9f91-3b9c-4c3e-8bd4-246ccEXAMPLE';
const SAMPLE_TASK: MaintenanceWindowExecutionTaskIdentity = {
  WindowExecutionId: SAMPLE_EXECUTION_ID,
  TaskExecutionId: 'f407ba63-998f-4b89-8467-279fcEXAMPLE',
  Status: 'SUCCESS',
  StartTime: new Date('2024-08-04T11:35:35.145000-07:00'),
  EndTime: new Date('2024-08-04T11:38:09.062000-07:00'),
  TaskArn: 'AWS-RunPatchBaseline',
  TaskType: 'RUN_COMMAND',
};

interface ParsedEvent {
  'detail-type': string;
  resources: string[];
  time: string;
  detail: Record<string, string>;
}

function fixtureEvent(name: string): ParsedEvent {
  return JSON.parse(readFileSync(join(FIXTURES, `maintenance-window-${name}.json`), 'utf8')) as ParsedEvent;
}

async function all<P, T>(pages: AsyncIterable<P>, items: (page: P) => T[] | undefined): Promise<{ items: T[]; pages: number }> {
  const out: T[] = [];
  let count = 0;
  for await (const page of pages) {
    out.push(...(items(page) ?? []));
    count++;
  }
  return { items: out, pages: count };
}

describe('SSM simulator: Maintenance Windows', () => {
  let sim: SsmSimulator;
  let ssm: SSMClient;
  let endpoint: string;
  /** 25 hourly executions of two tasks: 12 Run Command targets (execution 1, target 4 fails), then 3 Automation targets. */
  let patching: string;
  /** One execution of 12 one-target tasks. */
  let manyTasks: string;

  const windowTruth = (windowId: string): MaintenanceWindowTruth => {
    const truth = sim.truth().maintenanceWindows?.find((w) => w.window.WindowId === windowId);
    if (truth === undefined) throw new Error(`no truth for ${windowId}`);
    return truth;
  };

  beforeEach(async () => {
    sim = new SsmSimulator({ clock: new VirtualClock(T0), seed: 5 });
    ({ endpoint } = await sim.listen());
    ssm = ssmClient(endpoint, 1);
    patching = sim.createMaintenanceWindow({
      name: 'patching',
      executions: 25,
      intervalMs: HOUR,
      tasks: [
        { taskArn: 'AWS-RunPatchBaseline', targets: 12, failures: [{ execution: 1, target: 4 }] },
        { taskType: 'AUTOMATION', taskArn: 'AWS-RestartEC2Instance', targets: 3 },
      ],
    });
    manyTasks = sim.createMaintenanceWindow({ name: 'many-tasks', executions: 1, tasks: Array.from({ length: 12 }, () => ({ targets: 1 })) });
  });
  afterEach(async () => {
    ssm.destroy();
    await sim.close();
  });

  it('plays executions out on the clock: PENDING, IN_PROGRESS, tasks one after another, a failed invocation fails its task and the execution', () => {
    let [latest] = windowTruth(patching).executions;
    expect(latest?.execution).toEqual({ WindowId: patching, WindowExecutionId: latest?.execution.WindowExecutionId, Status: 'PENDING', StartTime: T0 });
    expect(latest?.tasks.map(({ task }) => [task.Status, task.StartTime, task.TaskType, task.TaskArn])).toEqual([
      ['PENDING', undefined, 'RUN_COMMAND', 'AWS-RunPatchBaseline'],
      ['PENDING', undefined, 'AUTOMATION', 'AWS-RestartEC2Instance'],
    ]);
    expect(latest?.tasks[0]?.invocations).toEqual([]);

    sim.advanceBy(1000 + 2000 * 5);
    [latest] = windowTruth(patching).executions;
    expect(latest?.execution.Status).toBe('IN_PROGRESS');
    expect(latest?.tasks[0]?.task).toMatchObject({ Status: 'IN_PROGRESS', StartTime: new Date(T0.getTime() + 1000) });
    const statuses = latest?.tasks[0]?.invocations.map((invocation) => invocation.Status);
    expect(statuses?.filter((s) => s === 'SUCCESS')).toHaveLength(5);
    expect(statuses?.filter((s) => s === 'IN_PROGRESS')).toHaveLength(7);
    expect(latest?.tasks[1]?.task.Status).toBe('PENDING');

    sim.advanceBy(2000 * 7);
    [latest] = windowTruth(patching).executions;
    expect(latest?.tasks.map(({ task }) => task.Status)).toEqual(['SUCCESS', 'IN_PROGRESS']);
    expect(latest?.tasks[1]?.task.StartTime).toEqual(latest?.tasks[0]?.task.EndTime);

    const end = sim.runToCompletion();
    expect(end).toEqual(new Date(T0.getTime() + 24 * HOUR + 1000 + 2000 * 15));
    const executions = windowTruth(patching).executions;
    expect(executions).toHaveLength(25);
    expect(executions.map(({ execution }) => execution.StartTime?.getTime())).toEqual(Array.from({ length: 25 }, (_, i) => T0.getTime() + (24 - i) * HOUR));
    const failed = executions[23];
    expect(failed?.execution).toMatchObject({ Status: 'FAILED', StatusDetails: 'One or more tasks in the orchestration failed.', EndTime: new Date(T0.getTime() + HOUR + 1000 + 2000 * 15) });
    // The failed task does not stop the next one.
    expect(failed?.tasks.map(({ task }) => [task.Status, task.StatusDetails])).toEqual([
      ['FAILED', 'One or more targets failed.'],
      ['SUCCESS', undefined],
    ]);
    expect(failed?.tasks[0]?.invocations.map((invocation) => invocation.Status).filter((s) => s === 'FAILED')).toHaveLength(1);
    expect(failed?.tasks[0]?.invocations[4]).toMatchObject({ Status: 'FAILED', StatusDetails: 'Failed', TaskType: 'RUN_COMMAND', OwnerInformation: 'Owner' });
    expect(executions.filter(({ execution }) => execution.Status === 'SUCCESS')).toHaveLength(24);
    const invocation = executions[0]?.tasks[0]?.invocations[0];
    expect(invocation?.ExecutionId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(JSON.parse(invocation?.Parameters ?? '{}')).toMatchObject({ documentName: 'AWS-RunPatchBaseline', instanceIds: [expect.stringMatching(/^i-/)] });
    expect(windowTruth(patching).window).toMatchObject({ WindowId: patching, Name: 'patching', Enabled: true, Schedule: 'rate(60 minutes)' });
    expect(windowTruth(patching).window.NextExecutionTime).toBeUndefined();
  });

  it('emits the three detail-types at every change, in AWS’s shapes', () => {
    sim.runToCompletion();
    const events = sim.events.map((event) => JSON.parse(event.body) as ParsedEvent);
    const ofType = (type: string) => events.filter((event) => event['detail-type'] === type);
    // Window A: 25 executions of 2 tasks (15 invocations); window B: one execution of 12 tasks of 1.
    expect(ofType(MW_WINDOW_EXECUTION_DETAIL_TYPE)).toHaveLength((25 + 1) * 3);
    expect(ofType(MW_TASK_EXECUTION_DETAIL_TYPE)).toHaveLength((25 * 2 + 12) * 2);
    expect(ofType(MW_TASK_INVOCATION_DETAIL_TYPE)).toHaveLength((25 * 15 + 12) * 2);

    for (const [name, type] of [
      ['execution-state-change', MW_WINDOW_EXECUTION_DETAIL_TYPE],
      ['task-execution-state-change', MW_TASK_EXECUTION_DETAIL_TYPE],
      ['task-target-invocation-state-change', MW_TASK_INVOCATION_DETAIL_TYPE],
    ] as const) {
      const fixture = fixtureEvent(name);
      const ours = ofType(type);
      const ended = ours.find((event) => event.detail['status'] === 'FAILED');
      const running = ours.find((event) => event.detail['status'] === 'IN_PROGRESS');
      expect(Object.keys(ended ?? {}).sort()).toEqual(Object.keys(fixture).sort());
      expect(Object.keys(ended?.detail ?? {}).sort()).toEqual(Object.keys(fixture.detail).sort());
      // A running subject has no end-time yet.
      expect(Object.keys(running?.detail ?? {}).sort()).toEqual(Object.keys(fixture.detail).filter((key) => key !== 'end-time').sort());
      expect(ended?.resources).toEqual([`arn:aws:ssm:us-east-1:123456789012:maintenancewindow/${patching}`]);
      expect(ended?.detail['start-time']).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      expect(ended?.detail['end-time']).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      expect(ended?.time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    }
    const truth = windowTruth(patching).executions[23];
    const failedTask = truth?.tasks[0]?.task;
    expect(ofType(MW_TASK_EXECUTION_DETAIL_TYPE).find((event) => event.detail['status'] === 'FAILED')?.detail).toEqual({
      'start-time': failedTask?.StartTime?.toISOString(),
      'task-execution-id': failedTask?.TaskExecutionId,
      'end-time': failedTask?.EndTime?.toISOString(),
      'window-id': patching,
      'window-execution-id': truth?.execution.WindowExecutionId,
      status: 'FAILED',
    });
    expect(ofType(MW_WINDOW_EXECUTION_DETAIL_TYPE).slice(0, 1).map((event) => event.detail)).toEqual([
      { 'start-time': T0.toISOString(), 'window-id': patching, 'window-execution-id': windowTruth(patching).executions[24]?.execution.WindowExecutionId, status: 'PENDING' },
    ]);
  });

  it('serves DescribeMaintenanceWindowExecutions newest first, 10..100 a page, with ExecutedAfter/ExecutedBefore', async () => {
    sim.runToCompletion();
    const truth = windowTruth(patching).executions.map(({ execution }) => execution);
    const paged = await all(paginateDescribeMaintenanceWindowExecutions({ client: ssm, pageSize: 10 }, { WindowId: patching }), (p) => p.WindowExecutions);
    expect(paged.items).toEqual(truth);
    expect(paged.pages).toBe(3);
    const describe = (input: { MaxResults?: number; NextToken?: string; Filters?: MaintenanceWindowFilter[]; WindowId?: string }) =>
      ssm.send(new DescribeMaintenanceWindowExecutionsCommand({ WindowId: patching, ...input }));
    const byDefault = await describe({});
    expect(byDefault.WindowExecutions).toHaveLength(10);
    expect(byDefault.NextToken).toBeDefined();
    expect((await describe({ MaxResults: 100 })).WindowExecutions).toEqual(truth);
    expect((await describe({ MaxResults: 100 })).NextToken).toBeUndefined();
    await expect(describe({ MaxResults: 9 })).rejects.toMatchObject({ name: 'ValidationException' });
    await expect(describe({ MaxResults: 101 })).rejects.toMatchObject({ name: 'ValidationException' });
    await expect(describe({ NextToken: byDefault.NextToken, Filters: [{ Key: 'ExecutedAfter', Values: ['2024-06-03T00:00:00Z'] }] })).rejects.toMatchObject({
      name: 'InvalidNextToken',
    });

    const window = async (Filters: MaintenanceWindowFilter[]) => (await describe({ MaxResults: 100, Filters })).WindowExecutions?.map((e) => e.StartTime?.getTime());
    const at = (hours: number) => T0.getTime() + hours * HOUR;
    expect(await window([{ Key: 'ExecutedAfter', Values: [new Date(at(20)).toISOString()] }])).toEqual([at(24), at(23), at(22), at(21), at(20)]);
    expect(await window([{ Key: 'ExecutedBefore', Values: ['2024-06-03T11:00:00Z'] }])).toEqual([at(1), at(0)]);
    expect(
      await window([
        { Key: 'ExecutedAfter', Values: ['2024-06-03T12:00:00Z'] },
        { Key: 'ExecutedBefore', Values: ['2024-06-03T14:00:00Z'] },
      ]),
    ).toEqual([at(4), at(3)]);
    await expect(describe({ Filters: [{ Key: 'STATUS', Values: ['SUCCESS'] }] })).rejects.toMatchObject({ name: 'ValidationException' });
    await expect(describe({ Filters: [{ Key: 'ExecutedAfter', Values: ['yesterday'] }] })).rejects.toMatchObject({ name: 'ValidationException' });
    const six = Array.from({ length: 6 }, () => ({ Key: 'ExecutedAfter', Values: ['2024-06-03T00:00:00Z'] }));
    await expect(describe({ Filters: six })).rejects.toMatchObject({ name: 'ValidationException' });

    await expect(describe({ WindowId: 'mw-0123456789abcdef0' })).rejects.toBeInstanceOf(DoesNotExistException);
    await expect(describe({ WindowId: 'mw-0123456789ABCDEF0' })).rejects.toMatchObject({ name: 'ValidationException' });
    await expect(describe({ WindowId: 'mw-123' })).rejects.toMatchObject({ name: 'ValidationException' });
  });

  it('serves DescribeMaintenanceWindowExecutionTasks in run order, page by page, with the STATUS filter', async () => {
    const [execution] = windowTruth(manyTasks).executions;
    const id = execution?.execution.WindowExecutionId ?? '';
    sim.advanceBy(1000 + 2000 * 4 + 1000);
    const describe = (input: { MaxResults?: number; NextToken?: string; Filters?: MaintenanceWindowFilter[]; WindowExecutionId?: string }) =>
      ssm.send(new DescribeMaintenanceWindowExecutionTasksCommand({ WindowExecutionId: id, ...input }));
    const statuses = async (...values: string[]) =>
      (await describe({ MaxResults: 100, Filters: [{ Key: 'STATUS', Values: values }] })).WindowExecutionTaskIdentities?.map((t) => t.Status);
    expect(await statuses('SUCCESS')).toEqual(['SUCCESS', 'SUCCESS', 'SUCCESS', 'SUCCESS']);
    expect(await statuses('IN_PROGRESS', 'PENDING')).toEqual(['IN_PROGRESS', ...Array.from({ length: 7 }, () => 'PENDING')]);
    expect(await statuses('FAILED')).toEqual([]);
    for (const value of MW_STATUS_FILTER_VALUES) await expect(statuses(value)).resolves.toBeDefined();
    await expect(statuses('Success')).rejects.toMatchObject({ name: 'ValidationException' });
    await expect(statuses('SKIPPED_OVERLAPPING')).rejects.toMatchObject({ name: 'ValidationException' });
    await expect(describe({ Filters: [{ Key: 'Status', Values: ['SUCCESS'] }] })).rejects.toMatchObject({ name: 'ValidationException' });

    sim.runToCompletion();
    const truth = windowTruth(manyTasks).executions[0]?.tasks.map(({ task }) => task);
    const paged = await all(paginateDescribeMaintenanceWindowExecutionTasks({ client: ssm, pageSize: 10 }, { WindowExecutionId: id }), (p) => p.WindowExecutionTaskIdentities);
    expect(paged).toEqual({ items: truth, pages: 2 });
    expect(truth?.map((task) => task.Status)).toEqual(Array.from({ length: 12 }, () => 'SUCCESS'));
    expect((await describe({})).WindowExecutionTaskIdentities).toHaveLength(10);
    await expect(describe({ MaxResults: 9 })).rejects.toMatchObject({ name: 'ValidationException' });
    await expect(describe({ MaxResults: 101 })).rejects.toMatchObject({ name: 'ValidationException' });
    await expect(describe({ WindowExecutionId: '00000000-0000-4000-8000-000000000000' })).rejects.toBeInstanceOf(DoesNotExistException);
    await expect(describe({ WindowExecutionId: 'not-an-id' })).rejects.toMatchObject({ name: 'ValidationException' });
    await expect(describe({ WindowExecutionId: 'g0000000-0000-4000-8000-000000000000' })).rejects.toMatchObject({ name: 'ValidationException' });
  });

  it('serves DescribeMaintenanceWindowExecutionTaskInvocations in target order, page by page, with the STATUS filter', async () => {
    sim.advanceTo(new Date(T0.getTime() + 2 * HOUR));
    const failed = windowTruth(patching).executions[1];
    const id = failed?.execution.WindowExecutionId ?? '';
    const taskId = failed?.tasks[0]?.task.TaskExecutionId ?? '';
    const truth = failed?.tasks[0]?.invocations;
    expect(truth).toHaveLength(12);
    const paged = await all(
      paginateDescribeMaintenanceWindowExecutionTaskInvocations({ client: ssm, pageSize: 10 }, { WindowExecutionId: id, TaskId: taskId }),
      (p) => p.WindowExecutionTaskInvocationIdentities,
    );
    expect(paged).toEqual({ items: truth, pages: 2 });
    const describe = (input: { MaxResults?: number; Filters?: MaintenanceWindowFilter[]; TaskId?: string; WindowExecutionId?: string }) =>
      ssm.send(new DescribeMaintenanceWindowExecutionTaskInvocationsCommand({ WindowExecutionId: id, TaskId: taskId, ...input }));
    const onlyFailed = (await describe({ Filters: [{ Key: 'STATUS', Values: ['FAILED'] }] })).WindowExecutionTaskInvocationIdentities ?? [];
    expect(onlyFailed).toEqual([truth?.[4]]);
    const first = onlyFailed[0] as MaintenanceWindowExecutionTaskInvocationIdentity;
    expect(Object.keys(first)).toEqual([
      'WindowExecutionId', 'TaskExecutionId', 'InvocationId', 'ExecutionId', 'TaskType', 'Parameters', 'Status', 'StatusDetails', 'StartTime', 'EndTime',
      'OwnerInformation', 'WindowTargetId',
    ]);
    await expect(describe({ Filters: [{ Key: 'STATUS', Values: ['DONE'] }] })).rejects.toMatchObject({ name: 'ValidationException' });
    await expect(describe({ MaxResults: 9 })).rejects.toMatchObject({ name: 'ValidationException' });
    await expect(describe({ MaxResults: 101 })).rejects.toMatchObject({ name: 'ValidationException' });
    expect((await describe({ MaxResults: 100 })).WindowExecutionTaskInvocationIdentities).toEqual(truth);
    await expect(describe({ TaskId: '00000000-0000-4000-8000-000000000000' })).rejects.toBeInstanceOf(DoesNotExistException);
    await expect(describe({ WindowExecutionId: '00000000-0000-4000-8000-000000000000' })).rejects.toBeInstanceOf(DoesNotExistException);
    await expect(describe({ TaskId: 'short' })).rejects.toMatchObject({ name: 'ValidationException' });
  });

  it('serves DescribeMaintenanceWindows in creation order, page by page, with the Name and Enabled filters', async () => {
    for (let i = 0; i < 9; i++) sim.createMaintenanceWindow({ name: `idle-${i}`, executions: 0, tasks: [{ targets: 1 }] });
    const truth = sim.truth().maintenanceWindows?.map(({ window }) => window);
    expect(truth).toHaveLength(11);
    const paged = await all(paginateDescribeMaintenanceWindows({ client: ssm, pageSize: 10 }, {}), (p) => p.WindowIdentities);
    expect(paged).toEqual({ items: truth, pages: 2 });
    expect(truth?.[0]).toEqual({
      WindowId: patching,
      Name: 'patching',
      Enabled: true,
      Duration: 2,
      Cutoff: 1,
      Schedule: 'rate(60 minutes)',
      NextExecutionTime: new Date(T0.getTime() + HOUR).toISOString(),
    } satisfies MaintenanceWindowIdentity);
    const names = async (Filters: MaintenanceWindowFilter[]) =>
      (await ssm.send(new DescribeMaintenanceWindowsCommand({ Filters, MaxResults: 100 }))).WindowIdentities?.map((w) => w.Name);
    expect(await names([{ Key: 'Name', Values: ['many-tasks', 'idle-3'] }])).toEqual(['many-tasks', 'idle-3']);
    expect(await names([{ Key: 'Enabled', Values: ['True'] }])).toHaveLength(11);
    expect(await names([{ Key: 'Enabled', Values: ['false'] }])).toEqual([]);
    await expect(names([{ Key: 'Enabled', Values: ['maybe'] }])).rejects.toMatchObject({ name: 'ValidationException' });
    await expect(names([{ Key: 'Owner', Values: ['x'] }])).rejects.toMatchObject({ name: 'ValidationException' });
  });

  it('injects faults into the new operations as into the others, and counts them', async () => {
    sim.setFaults({ throttleRate: 1, operations: ['DescribeMaintenanceWindowExecutions'] });
    await expect(ssm.send(new DescribeMaintenanceWindowExecutionsCommand({ WindowId: patching }))).rejects.toBeInstanceOf(ThrottlingException);
    await expect(ssm.send(new DescribeMaintenanceWindowsCommand({}))).resolves.toBeDefined();
    sim.setFaults({ serverErrorRate: 1, operations: ['DescribeMaintenanceWindowExecutionTasks'] });
    await expect(
      ssm.send(new DescribeMaintenanceWindowExecutionTasksCommand({ WindowExecutionId: '00000000-0000-4000-8000-000000000000' })),
    ).rejects.toMatchObject({ name: 'InternalServerError', $metadata: { httpStatusCode: 500 } });
    sim.setFaults({});
    expect(sim.stats()).toMatchObject({
      DescribeMaintenanceWindowExecutions: { calls: 1, throttled: 1, failed: 0, invalid: 0 },
      DescribeMaintenanceWindows: { calls: 1, throttled: 0, failed: 0, invalid: 0 },
      DescribeMaintenanceWindowExecutionTasks: { calls: 1, throttled: 0, failed: 1, invalid: 0 },
    });
  });

  it('forgets executions started before a date, with their tasks and invocations; the windows stay', async () => {
    sim.advanceTo(new Date(T0.getTime() + 3 * HOUR));
    const oldest = windowTruth(patching).executions.at(-1)?.execution.WindowExecutionId ?? '';
    expect(sim.forgetMaintenanceWindowExecutionsBefore(new Date(T0.getTime() + 2 * HOUR))).toBe(3); // two of patching, one of manyTasks
    expect(windowTruth(patching).executions.map(({ execution }) => execution.StartTime?.getTime())).toEqual([T0.getTime() + 3 * HOUR, T0.getTime() + 2 * HOUR]);
    expect(windowTruth(manyTasks).executions).toEqual([]);
    await expect(ssm.send(new DescribeMaintenanceWindowExecutionTasksCommand({ WindowExecutionId: oldest }))).rejects.toBeInstanceOf(DoesNotExistException);
    const end = sim.runToCompletion();
    expect(end).toEqual(new Date(T0.getTime() + 24 * HOUR + 1000 + 2000 * 15));
    expect(windowTruth(patching).executions).toHaveLength(23);
  });

  describe('the DescribeMaintenanceWindowExecutionTasks sample of the DescribeMaintenanceWindowExecutionTasks API reference', () => {
    beforeEach(() => {
      sim.seedMaintenanceWindowExecution({
        windowId: 'mw-0123456789abcdef0',
        execution: { WindowExecutionId: SAMPLE_EXECUTION_ID, Status: 'SUCCESS', StartTime: SAMPLE_TASK.StartTime, EndTime: SAMPLE_TASK.EndTime },
        tasks: [{ task: SAMPLE_TASK }],
      });
    });

    it('serves exactly the sample record through the SDK, and the sample body over the wire', async () => {
      const output = await ssm.send(new DescribeMaintenanceWindowExecutionTasksCommand({ WindowExecutionId: SAMPLE_EXECUTION_ID }));
      expect(withoutMetadata(output)).toEqual({ WindowExecutionTaskIdentities: [SAMPLE_TASK] });
      expect(output.WindowExecutionTaskIdentities?.[0]?.StartTime?.toISOString()).toBe('2024-08-04T18:35:35.145Z');
      expect(output.WindowExecutionTaskIdentities?.[0]?.EndTime?.toISOString()).toBe('2024-08-04T18:38:09.062Z');

      // The sample request as AWS shows it, the answer as JSON 1.1 carries it (timestamps as epoch seconds).
      const response = await fetch(endpoint, {
        method: 'POST',
        headers: { 'X-Amz-Target': 'AmazonSSM.DescribeMaintenanceWindowExecutionTasks', 'Content-Type': 'application/x-amz-json-1.1' },
        body: JSON.stringify({ WindowExecutionId: SAMPLE_EXECUTION_ID }),
      });
      expect(response.status).toBe(200);
      expect(await response.text()).toBe(
        JSON.stringify({
          WindowExecutionTaskIdentities: [
            {
              WindowExecutionId: SAMPLE_EXECUTION_ID,
              TaskExecutionId: 'f407ba63-998f-4b89-8467-279fcEXAMPLE',
              Status: 'SUCCESS',
              StartTime: 1722796535.145,
              EndTime: 1722796689.062,
              TaskArn: 'AWS-RunPatchBaseline',
              TaskType: 'RUN_COMMAND',
            },
          ],
        }),
      );
    });

    it('lists the seeded execution under its window, in truth(), and answers the task invocations (none)', async () => {
      const executions = await ssm.send(new DescribeMaintenanceWindowExecutionsCommand({ WindowId: 'mw-0123456789abcdef0' }));
      expect(executions.WindowExecutions).toEqual([
        { WindowId: 'mw-0123456789abcdef0', WindowExecutionId: SAMPLE_EXECUTION_ID, Status: 'SUCCESS', StartTime: SAMPLE_TASK.StartTime, EndTime: SAMPLE_TASK.EndTime },
      ] satisfies MaintenanceWindowExecution[]);
      expect(windowTruth('mw-0123456789abcdef0').executions).toEqual([{ execution: executions.WindowExecutions?.[0], tasks: [{ task: SAMPLE_TASK, invocations: [] }] }]);
      const invocations = await ssm.send(
        new DescribeMaintenanceWindowExecutionTaskInvocationsCommand({ WindowExecutionId: SAMPLE_EXECUTION_ID, TaskId: 'f407ba63-998f-4b89-8467-279fcEXAMPLE' }),
      );
      expect(invocations.WindowExecutionTaskInvocationIdentities).toEqual([]);
    });

    it('is read by the AWS CLI', async () => {
      const parsed = (await awsSsmJson(endpoint, 'describe-maintenance-window-execution-tasks', '--window-execution-id', SAMPLE_EXECUTION_ID)) as {
        WindowExecutionTaskIdentities: Record<string, unknown>[];
      };
      // CLI v1 prints wire timestamps as they came: epoch seconds.
      expect(parsed.WindowExecutionTaskIdentities).toEqual([
        { ...SAMPLE_TASK, StartTime: 1722796535.145, EndTime: 1722796689.062 },
      ]);
    });
  });
});

describe('Maintenance Windows request readers (shared with the archive endpoint)', () => {
  const executionId = '00000000-0000-4000-8000-000000000000';

  it('read ids, filters, paging and the token query', () => {
    expect(readDescribeMaintenanceWindowExecutionTasks({ WindowExecutionId: executionId })).toEqual({
      windowExecutionId: executionId,
      filters: [],
      maxResults: MW_DEFAULT_MAX_RESULTS,
      nextToken: undefined,
      tokenQuery: { windowExecutionId: executionId, filters: null },
    });
    const invocations = readDescribeMaintenanceWindowExecutionTaskInvocations({
      WindowExecutionId: executionId,
      TaskId: 'f407ba63-998f-4b89-8467-279fcEXAMPLE',
      Filters: [{ Key: 'STATUS', Values: ['FAILED', 'TIMED_OUT'] }],
      MaxResults: 100,
      NextToken: 'abc',
    });
    expect(invocations).toMatchObject({ taskId: 'f407ba63-998f-4b89-8467-279fcEXAMPLE', filters: [{ key: 'STATUS', values: ['FAILED', 'TIMED_OUT'] }], maxResults: 100, nextToken: 'abc' });
    expect(readDescribeMaintenanceWindows({ Filters: [{ Key: 'Enabled', Values: ['TRUE'] }] }).filters).toEqual([{ key: 'Enabled', values: [true] }]);
    expect(readDescribeMaintenanceWindows({ Filters: [] }).filters).toEqual([]);
  });

  it('turn ExecutedAfter/ExecutedBefore into a StartTime range and match them (After inclusive, Before exclusive)', () => {
    const { filters } = readDescribeMaintenanceWindowExecutions({
      WindowId: 'mw-0123456789abcdef0',
      Filters: [
        { Key: 'ExecutedAfter', Values: ['2024-06-03T10:00:00Z'] },
        { Key: 'ExecutedBefore', Values: ['2024-06-03T12:00:00Z', '2024-06-03T11:00:00'] },
      ],
    });
    const ten = Date.parse('2024-06-03T10:00:00Z');
    expect(executedTimeRange(filters)).toEqual({ from: ten, before: ten + 2 * HOUR });
    expect(matchesMaintenanceWindowFilters(filters, { startTime: ten })).toBe(true);
    expect(matchesMaintenanceWindowFilters(filters, { startTime: ten - 1 })).toBe(false);
    expect(matchesMaintenanceWindowFilters(filters, { startTime: ten + 2 * HOUR })).toBe(false);
    expect(matchesMaintenanceWindowFilters(filters, {})).toBe(false);
  });

  it('refuse what SSM refuses, with its error names', () => {
    const error = (read: () => unknown) => {
      try {
        read();
      } catch (caught) {
        return { name: (caught as Error).name, message: (caught as Error).message };
      }
      return undefined;
    };
    expect(error(() => readDescribeMaintenanceWindowExecutionTasks({}))).toEqual({
      name: 'ValidationException',
      message: "1 validation error detected: Value null at 'windowExecutionId' failed to satisfy constraint: Member must not be null",
    });
    expect(error(() => readDescribeMaintenanceWindowExecutionTasks({ WindowExecutionId: 5 }))).toMatchObject({ name: 'SerializationException' });
    expect(error(() => readDescribeMaintenanceWindowExecutionTasks({ WindowExecutionId: executionId, MaxResults: '10' }))).toMatchObject({ name: 'SerializationException' });
    expect(error(() => readDescribeMaintenanceWindowExecutionTasks({ WindowExecutionId: 'a06e9f91-3b9c-4c3e-8bd4-246ccEXAMPLF' }))).toMatchObject({ name: 'ValidationException' });
    expect(error(() => readDescribeMaintenanceWindowExecutionTaskInvocations({ WindowExecutionId: executionId }))).toMatchObject({
      name: 'ValidationException',
      message: expect.stringContaining("'taskId'") as unknown,
    });
    expect(error(() => readDescribeMaintenanceWindowExecutions({ WindowId: 'mw-0123456789abcdef0', MaxResults: 9 }))).toEqual({
      name: 'ValidationException',
      message: "1 validation error detected: Value '9' at 'maxResults' failed to satisfy constraint: Member must have value greater than or equal to 10",
    });
    const longValue = [{ Key: 'Name', Values: ['x'.repeat(257)] }];
    expect(error(() => readDescribeMaintenanceWindows({ Filters: longValue }))).toMatchObject({ name: 'ValidationException' });
    expect(error(() => readDescribeMaintenanceWindows({ Filters: [{ Key: 'k'.repeat(129), Values: ['x'] }] }))).toMatchObject({ name: 'ValidationException' });
    expect(error(() => readDescribeMaintenanceWindows({ Filters: [{ Key: 'Name', Values: [] }] }))).toMatchObject({ name: 'ValidationException' });
    expect(error(() => readDescribeMaintenanceWindows({ Filters: 'Name' }))).toMatchObject({ name: 'SerializationException' });
  });
});
