import type {
  DescribeMaintenanceWindowExecutionsResult,
  DescribeMaintenanceWindowExecutionTaskInvocationsResult,
  DescribeMaintenanceWindowExecutionTasksResult,
  DescribeMaintenanceWindowsResult,
} from '@aws-sdk/client-ssm';
import { SsmError } from '../../lambdas/ssm-protocol/errors';
import type { JsonObject } from '../../lambdas/ssm-protocol/input';
import {
  matchesMaintenanceWindowFilters,
  readDescribeMaintenanceWindowExecutions,
  readDescribeMaintenanceWindowExecutionTaskInvocations,
  readDescribeMaintenanceWindowExecutionTasks,
  readDescribeMaintenanceWindows,
} from '../../lambdas/sources/maintenance-window/requests';
import {
  executionSubject,
  invocationRecord,
  invocationSubject,
  listedInvocations,
  taskRecord,
  taskSubject,
  windowExecutionRecord,
  windowRecord,
  windowSubject,
} from './maintenance-window';
import type { KindOperations, OperationContext } from './operations';
import type { MaintenanceWindowState } from './maintenance-window';

/**
 * Maintenance Windows' read API. Orders: windows in creation order; executions newest
 * StartTime first, then WindowExecutionId; tasks in the order the execution runs them (the
 * window's task order; a seeded execution's given order); invocations in target order (a
 * seeded task's given order). Paging is keyset: a token holds the last item's sort key.
 */

const invalidToken = (): SsmError => new SsmError('InvalidNextToken', 'The specified token is not valid.');

function doesNotExist(what: string, id: string): SsmError {
  return new SsmError('DoesNotExistException', `${what} ${id} does not exist`);
}

/** One page of `items` (already in API order) after the item whose key the token holds. */
function page<T>(
  items: readonly T[],
  ctx: OperationContext<MaintenanceWindowState>,
  operation: string,
  request: { maxResults: number; nextToken: string | undefined; tokenQuery: object },
  key: (item: T) => (string | number)[],
  after: (item: T, last: readonly (string | number)[]) => boolean,
): { items: T[]; nextToken?: string } {
  let start = 0;
  if (request.nextToken !== undefined) {
    const last = ctx.tokens.read(operation, request.tokenQuery, request.nextToken);
    start = items.findIndex((item) => after(item, last));
    if (start < 0) start = items.length;
  }
  const slice = items.slice(start, start + request.maxResults);
  const lastItem = slice[slice.length - 1];
  const more = start + request.maxResults < items.length;
  return {
    items: slice,
    ...(more && lastItem !== undefined ? { nextToken: ctx.tokens.issue(operation, request.tokenQuery, key(lastItem)) } : {}),
  };
}

function indexAfter(index: number, last: readonly (string | number)[]): boolean {
  const [lastIndex] = last;
  if (typeof lastIndex !== 'number') throw invalidToken();
  return index > lastIndex;
}

export function describeMaintenanceWindows(input: JsonObject, ctx: OperationContext<MaintenanceWindowState>): DescribeMaintenanceWindowsResult {
  const request = readDescribeMaintenanceWindows(input);
  const windows = ctx.state.list().filter((window) => matchesMaintenanceWindowFilters(request.filters, windowSubject(window)));
  const result = page(windows, ctx, 'DescribeMaintenanceWindows', request, (w) => [w.seq], (w, last) => indexAfter(w.seq, last));
  return { WindowIdentities: result.items.map(windowRecord), ...(result.nextToken !== undefined ? { NextToken: result.nextToken } : {}) };
}

export function describeMaintenanceWindowExecutions(input: JsonObject, ctx: OperationContext<MaintenanceWindowState>): DescribeMaintenanceWindowExecutionsResult {
  const request = readDescribeMaintenanceWindowExecutions(input);
  const window = ctx.state.getWindow(request.windowId);
  if (window === undefined) throw doesNotExist('Maintenance window', request.windowId);
  const executions = window.executions.filter((execution) => matchesMaintenanceWindowFilters(request.filters, executionSubject(execution)));
  const result = page(
    executions,
    ctx,
    'DescribeMaintenanceWindowExecutions',
    request,
    (e) => [e.startedAt, e.id],
    (e, [startedAt, id]) => {
      if (typeof startedAt !== 'number' || typeof id !== 'string') throw invalidToken();
      // Newest first, then id: the first execution ordered after the last one returned.
      return e.startedAt < startedAt || (e.startedAt === startedAt && e.id > id);
    },
  );
  return { WindowExecutions: result.items.map(windowExecutionRecord), ...(result.nextToken !== undefined ? { NextToken: result.nextToken } : {}) };
}

export function describeMaintenanceWindowExecutionTasks(input: JsonObject, ctx: OperationContext<MaintenanceWindowState>): DescribeMaintenanceWindowExecutionTasksResult {
  const request = readDescribeMaintenanceWindowExecutionTasks(input);
  const execution = ctx.state.getExecution(request.windowExecutionId);
  if (execution === undefined) throw doesNotExist('Maintenance window execution', request.windowExecutionId);
  const tasks = execution.tasks.filter((task) => matchesMaintenanceWindowFilters(request.filters, taskSubject(task)));
  const result = page(tasks, ctx, 'DescribeMaintenanceWindowExecutionTasks', request, (t) => [t.index], (t, last) => indexAfter(t.index, last));
  return {
    WindowExecutionTaskIdentities: result.items.map((task) => taskRecord(execution, task)),
    ...(result.nextToken !== undefined ? { NextToken: result.nextToken } : {}),
  };
}

export function describeMaintenanceWindowExecutionTaskInvocations(
  input: JsonObject,
  ctx: OperationContext<MaintenanceWindowState>,
): DescribeMaintenanceWindowExecutionTaskInvocationsResult {
  const request = readDescribeMaintenanceWindowExecutionTaskInvocations(input);
  const execution = ctx.state.getExecution(request.windowExecutionId);
  if (execution === undefined) throw doesNotExist('Maintenance window execution', request.windowExecutionId);
  const task = execution.tasks.find((candidate) => candidate.id === request.taskId);
  if (task === undefined) throw doesNotExist('Maintenance window execution task', request.taskId);
  const invocations = listedInvocations(task).filter((invocation) => matchesMaintenanceWindowFilters(request.filters, invocationSubject(invocation)));
  const result = page(
    invocations,
    ctx,
    'DescribeMaintenanceWindowExecutionTaskInvocations',
    request,
    (i) => [i.index],
    (i, last) => indexAfter(i.index, last),
  );
  return {
    WindowExecutionTaskInvocationIdentities: result.items.map((invocation) => invocationRecord(execution, task, invocation)),
    ...(result.nextToken !== undefined ? { NextToken: result.nextToken } : {}),
  };
}

/** The SSM operations the simulator answers for this kind, over its state. */
export const maintenanceWindowOperations: KindOperations<MaintenanceWindowState> = {
  DescribeMaintenanceWindows: describeMaintenanceWindows,
  DescribeMaintenanceWindowExecutions: describeMaintenanceWindowExecutions,
  DescribeMaintenanceWindowExecutionTasks: describeMaintenanceWindowExecutionTasks,
  DescribeMaintenanceWindowExecutionTaskInvocations: describeMaintenanceWindowExecutionTaskInvocations,
};
