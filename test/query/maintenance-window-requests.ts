import {
  DescribeMaintenanceWindowExecutionsCommand,
  DescribeMaintenanceWindowExecutionTaskInvocationsCommand,
  DescribeMaintenanceWindowExecutionTasksCommand,
  type DescribeMaintenanceWindowExecutionsCommandInput,
  type DescribeMaintenanceWindowExecutionTaskInvocationsCommandInput,
  type DescribeMaintenanceWindowExecutionTasksCommandInput,
  type SSMClient,
} from '@aws-sdk/client-ssm';
import type { MaintenanceWindowTruth } from '../../local/ssm-simulator';
import type { MaintenanceWindowFixture } from './maintenance-window-fixture';

/** The Maintenance Windows requests the round-trip suite makes, and paging through their answers. */
export type Page = { items: unknown[]; more: boolean };

async function pages<T>(send: (token: string | undefined) => Promise<{ items: T[] | undefined; NextToken?: string | undefined }>): Promise<Page[]> {
  const all: Page[] = [];
  let token: string | undefined;
  do {
    const out = await send(token);
    token = out.NextToken;
    all.push({ items: out.items ?? [], more: token !== undefined });
  } while (token !== undefined && all.length < 100);
  return all;
}

const next = (token: string | undefined) => (token !== undefined ? { NextToken: token } : {});

export const windowExecutionPages = (target: SSMClient, input: DescribeMaintenanceWindowExecutionsCommandInput): Promise<Page[]> =>
  pages(async (token) => {
    const out = await target.send(new DescribeMaintenanceWindowExecutionsCommand({ ...input, ...next(token) }));
    return { items: out.WindowExecutions, NextToken: out.NextToken };
  });

export const windowTaskPages = (target: SSMClient, input: DescribeMaintenanceWindowExecutionTasksCommandInput): Promise<Page[]> =>
  pages(async (token) => {
    const out = await target.send(new DescribeMaintenanceWindowExecutionTasksCommand({ ...input, ...next(token) }));
    return { items: out.WindowExecutionTaskIdentities, NextToken: out.NextToken };
  });

export const windowInvocationPages = (target: SSMClient, input: DescribeMaintenanceWindowExecutionTaskInvocationsCommandInput): Promise<Page[]> =>
  pages(async (token) => {
    const out = await target.send(new DescribeMaintenanceWindowExecutionTaskInvocationsCommand({ ...input, ...next(token) }));
    return { items: out.WindowExecutionTaskInvocationIdentities, NextToken: out.NextToken };
  });

export const count = (all: Page[]): number => all.reduce((sum, page) => sum + page.items.length, 0);

/** The simulator's truth for one window (executions newest first, tasks in run order, invocations in target order). */
export function windowTruth(fx: MaintenanceWindowFixture, windowId: string): MaintenanceWindowTruth {
  const truth = fx.sim.truth().maintenanceWindows?.find((window) => window.window.WindowId === windowId);
  if (truth === undefined) throw new Error(`no truth for ${windowId}`);
  return truth;
}

export interface KnownIds {
  /** patch's executions, newest first. */
  readonly patchExecutions: readonly { readonly id: string; readonly start: string; readonly status: string }[];
  readonly failedPatch: string;
  /** The failed execution's RUN_COMMAND and AUTOMATION tasks. */
  readonly failedRunCommandTask: string;
  readonly failedAutomationTask: string;
  /** many's first execution (12 tasks). */
  readonly manyExecution: string;
}

export function knownIds(fx: MaintenanceWindowFixture): KnownIds {
  const patch = windowTruth(fx, fx.patch);
  const failed = patch.executions.find(({ execution }) => execution.Status === 'FAILED');
  const many = windowTruth(fx, fx.many);
  return {
    patchExecutions: patch.executions.map(({ execution }) => ({
      id: execution.WindowExecutionId ?? '',
      start: execution.StartTime?.toISOString() ?? '',
      status: execution.Status ?? '',
    })),
    failedPatch: failed?.execution.WindowExecutionId ?? '',
    failedRunCommandTask: failed?.tasks.find(({ task }) => task.TaskType === 'RUN_COMMAND')?.task.TaskExecutionId ?? '',
    failedAutomationTask: failed?.tasks.find(({ task }) => task.TaskType === 'AUTOMATION')?.task.TaskExecutionId ?? '',
    manyExecution: many.executions[many.executions.length - 1]?.execution.WindowExecutionId ?? '',
  };
}

export function windowExecutionRequests(fx: MaintenanceWindowFixture, ids: KnownIds): [string, DescribeMaintenanceWindowExecutionsCommandInput][] {
  const middle = ids.patchExecutions[1]?.start ?? '';
  return [
    ['patch', { WindowId: fx.patch }],
    ['many, 10 a page', { WindowId: fx.many, MaxResults: 10 }],
    ['often', { WindowId: fx.often }],
    ['often, 11 a page', { WindowId: fx.often, MaxResults: 11 }],
    ['often, 100 a page', { WindowId: fx.often, MaxResults: 100 }],
    ['ExecutedBefore 2024', { WindowId: fx.patch, Filters: [{ Key: 'ExecutedBefore', Values: ['2024-01-01T00:00:00Z'] }] }],
    ['ExecutedAfter, exact (inclusive)', { WindowId: fx.patch, Filters: [{ Key: 'ExecutedAfter', Values: [middle] }] }],
    ['ExecutedBefore, exact (exclusive)', { WindowId: fx.patch, Filters: [{ Key: 'ExecutedBefore', Values: [middle] }] }],
    [
      'ExecutedAfter and ExecutedBefore, often, 10 a page',
      {
        WindowId: fx.often,
        MaxResults: 10,
        Filters: [
          { Key: 'ExecutedAfter', Values: ['2023-12-31T22:40:00Z'] },
          { Key: 'ExecutedBefore', Values: ['2024-01-01T00:45:00Z'] },
        ],
      },
    ],
    ['ExecutedAfter, two values (ORed)', { WindowId: fx.often, Filters: [{ Key: 'ExecutedAfter', Values: ['2024-01-01T00:00:00Z', '2023-12-31T23:30:00Z'] }] }],
    ['ExecutedAfter 2030 (none)', { WindowId: fx.often, Filters: [{ Key: 'ExecutedAfter', Values: ['2030-01-01'] }] }],
  ];
}

export function windowTaskRequests(ids: KnownIds): [string, DescribeMaintenanceWindowExecutionTasksCommandInput][] {
  return [
    ['many', { WindowExecutionId: ids.manyExecution }],
    ['many, 11 a page', { WindowExecutionId: ids.manyExecution, MaxResults: 11 }],
    ['failed patch', { WindowExecutionId: ids.failedPatch }],
    ['STATUS FAILED', { WindowExecutionId: ids.failedPatch, Filters: [{ Key: 'STATUS', Values: ['FAILED'] }] }],
    ['STATUS SUCCESS', { WindowExecutionId: ids.failedPatch, Filters: [{ Key: 'STATUS', Values: ['SUCCESS'] }] }],
    ['STATUS SUCCESS or FAILED', { WindowExecutionId: ids.failedPatch, Filters: [{ Key: 'STATUS', Values: ['SUCCESS', 'FAILED'] }] }],
    ['STATUS PENDING (none)', { WindowExecutionId: ids.manyExecution, Filters: [{ Key: 'STATUS', Values: ['PENDING'] }] }],
  ];
}

export function windowInvocationRequests(ids: KnownIds): [string, DescribeMaintenanceWindowExecutionTaskInvocationsCommandInput][] {
  const run = { WindowExecutionId: ids.failedPatch, TaskId: ids.failedRunCommandTask };
  return [
    ['run command task', run],
    ['run command task, 10 a page', { ...run, MaxResults: 10 }],
    ['run command task, 11 a page', { ...run, MaxResults: 11 }],
    ['STATUS FAILED', { ...run, Filters: [{ Key: 'STATUS', Values: ['FAILED'] }] }],
    ['STATUS SUCCESS, 10 a page', { ...run, MaxResults: 10, Filters: [{ Key: 'STATUS', Values: ['SUCCESS'] }] }],
    ['automation task', { WindowExecutionId: ids.failedPatch, TaskId: ids.failedAutomationTask }],
  ];
}
