import type {
  MaintenanceWindowExecution,
  MaintenanceWindowExecutionTaskIdentity,
  MaintenanceWindowExecutionTaskInvocationIdentity,
} from '@aws-sdk/client-ssm';
import {
  TASK_EXECUTION_DETAIL_TYPE,
  TASK_INVOCATION_DETAIL_TYPE,
  WINDOW_EXECUTION_DETAIL_TYPE,
} from '../../lambdas/sources/maintenance-window/events';

/** A small Maintenance Windows "final truth" for collector tests that mock SSM. */
export const TRUTH_WINDOW_ID = 'mw-0123456789abcdef0';
export const TRUTH_WINDOW_EXECUTION_ID = '3c0f1a2b-4d5e-4f60-8a7b-9c0d1e2f3a4b';
export const STARTED = new Date('2026-11-20T10:00:00.250Z');

const second = (n: number): Date => new Date(STARTED.getTime() + n * 1000);
const hex = (n: number, width: number): string => n.toString(16).padStart(width, '0');
export const taskExecutionId = (i: number): string => `7a5c${hex(i, 4)}-1111-4222-8333-${hex(i, 12)}`;
export const invocationId = (i: number, j: number): string => `9e1d${hex(i, 4)}-2222-4333-8444-${hex(j, 12)}`;
export const windowTargetId = (j: number): string => `e7265f13-3cc5-4f2f-97a9-${hex(j, 12)}`;

export type TaskTruth = {
  readonly task: MaintenanceWindowExecutionTaskIdentity;
  readonly invocations: readonly MaintenanceWindowExecutionTaskInvocationIdentity[];
};

export interface WindowTruth {
  readonly execution: MaintenanceWindowExecution;
  readonly tasks: readonly TaskTruth[];
}

export function truthInvocation(i: number, j: number, status: string): MaintenanceWindowExecutionTaskInvocationIdentity {
  const failed = status !== 'SUCCESS';
  return {
    WindowExecutionId: TRUTH_WINDOW_EXECUTION_ID,
    TaskExecutionId: taskExecutionId(i),
    InvocationId: invocationId(i, j),
    ExecutionId: `c0ffee00-${hex(i, 4)}-4000-8000-${hex(j, 12)}`,
    TaskType: 'RUN_COMMAND',
    Parameters: '{"documentName":"AWS-RunPatchBaseline","parameters":{"Operation":["Install"]}}',
    Status: status as MaintenanceWindowExecutionTaskInvocationIdentity['Status'],
    ...(failed ? { StatusDetails: `Invocation ${j} of task ${i} ended ${status}` } : {}),
    StartTime: second(2 + i),
    EndTime: second(3 + i),
    OwnerInformation: 'Owner',
    WindowTargetId: windowTargetId(j),
  };
}

export function truthTask(i: number, status: string, invocationStatuses: readonly string[]): TaskTruth {
  return {
    task: {
      WindowExecutionId: TRUTH_WINDOW_EXECUTION_ID,
      TaskExecutionId: taskExecutionId(i),
      Status: status as MaintenanceWindowExecutionTaskIdentity['Status'],
      ...(status === 'SUCCESS' ? {} : { StatusDetails: `Task ${i} ended ${status}` }),
      StartTime: second(1 + i),
      EndTime: second(4 + i),
      TaskArn: 'AWS-RunPatchBaseline',
      TaskType: 'RUN_COMMAND',
      AlarmConfiguration: { IgnorePollAlarmFailure: false, Alarms: [{ Name: 'cpu-high' }] },
      TriggeredAlarms: status === 'SUCCESS' ? [] : [{ Name: 'cpu-high', State: 'ALARM' }],
    },
    invocations: invocationStatuses.map((invocationStatus, j) => truthInvocation(i, j, invocationStatus)),
  };
}

/** A window execution whose tasks have these invocation statuses; a task fails if any invocation does. */
export function truthWindow(invocationStatuses: readonly (readonly string[])[]): WindowTruth {
  const tasks = invocationStatuses.map((statuses, i) => truthTask(i, statuses.find((status) => status !== 'SUCCESS') ?? 'SUCCESS', statuses));
  const status = tasks.find((task) => task.task.Status !== 'SUCCESS')?.task.Status ?? 'SUCCESS';
  return {
    execution: {
      WindowId: TRUTH_WINDOW_ID,
      WindowExecutionId: TRUTH_WINDOW_EXECUTION_ID,
      Status: status,
      ...(status === 'SUCCESS' ? {} : { StatusDetails: 'One or more tasks in the orchestration failed.' }),
      StartTime: STARTED,
      EndTime: second(tasks.length + 5),
    },
    tasks,
  };
}

const envelope = (detailType: string, id: string, time: string, detail: object): object => ({
  version: '0',
  id,
  'detail-type': detailType,
  source: 'aws.ssm',
  account: '123456789012',
  time,
  region: 'us-east-1',
  resources: [`arn:aws:ssm:us-east-1:123456789012:maintenancewindow/${TRUTH_WINDOW_ID}`],
  detail,
});

const iso = (date: Date | undefined): string | undefined => date?.toISOString();
const running = (status: string): boolean => status === 'PENDING' || status === 'IN_PROGRESS';

export function windowExecutionEvent(status: string, time: string, truth?: WindowTruth): object {
  return envelope(WINDOW_EXECUTION_DETAIL_TYPE, `w-${status}-${time}`, time, {
    'start-time': STARTED.toISOString(),
    ...(running(status) ? {} : { 'end-time': iso(truth?.execution.EndTime) ?? time }),
    'window-id': TRUTH_WINDOW_ID,
    'window-execution-id': TRUTH_WINDOW_EXECUTION_ID,
    status,
  });
}

export function taskExecutionEvent(task: MaintenanceWindowExecutionTaskIdentity, status: string, time: string): object {
  return envelope(TASK_EXECUTION_DETAIL_TYPE, `t-${task.TaskExecutionId ?? ''}-${status}-${time}`, time, {
    'start-time': iso(task.StartTime),
    'task-execution-id': task.TaskExecutionId,
    ...(running(status) ? {} : { 'end-time': iso(task.EndTime) }),
    'window-id': TRUTH_WINDOW_ID,
    'window-execution-id': TRUTH_WINDOW_EXECUTION_ID,
    status,
  });
}

export function taskInvocationEvent(invocation: MaintenanceWindowExecutionTaskInvocationIdentity, status: string, time: string): object {
  return envelope(TASK_INVOCATION_DETAIL_TYPE, `i-${invocation.InvocationId ?? ''}-${status}-${time}`, time, {
    'start-time': iso(invocation.StartTime),
    ...(running(status) ? {} : { 'end-time': iso(invocation.EndTime) }),
    'window-id': TRUTH_WINDOW_ID,
    'window-execution-id': TRUTH_WINDOW_EXECUTION_ID,
    'task-execution-id': invocation.TaskExecutionId,
    'window-target-id': invocation.WindowTargetId,
    status,
    'owner-information': invocation.OwnerInformation,
  });
}
