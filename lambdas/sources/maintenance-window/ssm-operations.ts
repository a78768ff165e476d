import type {
  DescribeMaintenanceWindowExecutionsResult,
  DescribeMaintenanceWindowExecutionTaskInvocationsResult,
  DescribeMaintenanceWindowExecutionTasksResult,
} from '@aws-sdk/client-ssm';
import { SsmError } from '../../ssm-protocol/errors';
import type { JsonObject } from '../../ssm-protocol/input';
import {
  executedTimeRange,
  matchesMaintenanceWindowFilters,
  readDescribeMaintenanceWindowExecutions,
  readDescribeMaintenanceWindowExecutionTaskInvocations,
  readDescribeMaintenanceWindowExecutionTasks,
  type MaintenanceWindowFilter,
  type MaintenanceWindowFilterSubject,
} from './requests';
import { windowExecutionFromItem, windowTaskFromItem, windowTaskInvocationFromItem } from './records';
import type { StoredItem } from '../../store/record-store';
import { allOf, compareText, storedTimeRange } from '../../core/archive-reads';
import { readSize, takePage, type ListingPosition } from '../../ssm-protocol/paging';
import type { EndpointContext, SsmOperations } from '../../query/ssm-endpoint/endpoint-context';
import { executionsOfWindow, getWindowExecution, getWindowTask, hasWindow, hasWindowDefinition, taskInvocations, windowExists, windowTasks } from './reads';

/**
 * Maintenance Windows' read API answered from the archive as SSM (and the simulator) answers
 * it: the same request checks (sources/maintenance-window/requests), the same
 * filters, the same order, a NextToken only when more follows, and DoesNotExistException for
 * a window, execution or task the archive holds nothing of. A window whose definition a
 * poller archived exists, executions or not: its listing is then empty, as SSM's is.
 *
 * Reads and orders:
 * - DescribeMaintenanceWindowExecutions: the byWindow index (WindowId, StartTime), newest
 *   StartTime first, then WindowExecutionId; ExecutedAfter/ExecutedBefore narrow the key.
 * - DescribeMaintenanceWindowExecutionTasks: one Query on the tasks table's key
 *   (WindowExecutionId). SSM lists tasks in the order the execution ran them, one after
 *   another: rebuilt here by StartTime (a task not started yet last), then TaskExecutionId.
 * - DescribeMaintenanceWindowExecutionTaskInvocations: one Query on the invocations table's
 *   key (TaskExecutionId), only those of the WindowExecutionId asked for. SSM lists them in
 *   target order; the records do not name it, so the order is rebuilt from what they hold:
 *   StartTime, then EndTime (the order they ended; running ones last), then InvocationId.
 * A listing that finds nothing checks its parents by key (GetItem) for the right error.
 *
 * Tokens reuse ListingPosition: an execution's is (StartTime, WindowExecutionId), a task's
 * ('', TaskExecutionId), an invocation's ('', InvocationId).
 */
const EXECUTIONS = 'DescribeMaintenanceWindowExecutions';
const TASKS = 'DescribeMaintenanceWindowExecutionTasks';
const INVOCATIONS = 'DescribeMaintenanceWindowExecutionTaskInvocations';
/** DynamoDB's Limit when all of an execution's tasks, or a task's invocations, are read. */
const CHILD_READ = 500;

const invalidToken = (): SsmError => new SsmError('InvalidNextToken', 'The specified token is not valid.');
const doesNotExist = (what: string, id: string): SsmError => new SsmError('DoesNotExistException', `${what} ${id} does not exist`);

const text = (item: StoredItem, name: string): string | undefined => (typeof item[name] === 'string' ? (item[name] as string) : undefined);

function subjectOf(item: StoredItem): MaintenanceWindowFilterSubject {
  const start = text(item, 'StartTime');
  const status = text(item, 'Status');
  return { ...(start !== undefined ? { startTime: Date.parse(start) } : {}), ...(status !== undefined ? { status } : {}) };
}

const matches = (filters: readonly MaintenanceWindowFilter[]) => (item: StoredItem): boolean => matchesMaintenanceWindowFilters(filters, subjectOf(item));

/** Ascending by the given times (absent: last), then by id. */
function byTimesThenId(times: readonly string[], id: string): (a: StoredItem, b: StoredItem) => number {
  return (a, b) => {
    for (const time of times) {
      const ta = text(a, time) ?? '\uffff';
      const tb = text(b, time) ?? '\uffff';
      if (ta !== tb) return ta < tb ? -1 : 1;
    }
    return compareText(text(a, id) ?? '', text(b, id) ?? '');
  };
}

/** Tasks in the order the execution ran them. */
export const inRunOrder = (tasks: readonly StoredItem[]): StoredItem[] => [...tasks].sort(byTimesThenId(['StartTime'], 'TaskExecutionId'));
/** Invocations in the order they started, then ended. */
export const inInvocationOrder = (invocations: readonly StoredItem[]): StoredItem[] =>
  [...invocations].sort(byTimesThenId(['StartTime', 'EndTime'], 'InvocationId'));

/**
 * One page of `ordered` (every item, in API order) keeping those `keep` accepts, after the
 * item whose id the token holds: keyset paging over a list read whole.
 */
function pageAfterId(
  ordered: readonly StoredItem[],
  id: string,
  keep: (item: StoredItem) => boolean,
  maxResults: number,
  after: ListingPosition | undefined,
): { items: StoredItem[]; more: boolean } {
  let start = 0;
  if (after !== undefined) {
    const position = ordered.findIndex((item) => text(item, id) === after.id);
    if (after.time !== '' || position < 0) throw invalidToken();
    start = position + 1;
  }
  const kept = ordered.slice(start).filter(keep);
  return { items: kept.slice(0, maxResults), more: kept.length > maxResults };
}

export async function describeMaintenanceWindowExecutions(input: JsonObject, ctx: EndpointContext): Promise<DescribeMaintenanceWindowExecutionsResult> {
  const request = readDescribeMaintenanceWindowExecutions(input);
  let after: ListingPosition | undefined;
  try {
    after = request.nextToken === undefined ? undefined : ctx.tokens.read(EXECUTIONS, request.tokenQuery, request.nextToken);
    if (after !== undefined && after.time === '') throw invalidToken();
  } catch (error) {
    // As SSM: an unknown window is that error, whatever the token.
    if (!(await windowExists(ctx.reader, request.windowId))) throw doesNotExist('Maintenance window', request.windowId);
    throw error;
  }
  const { from, before } = executedTimeRange(request.filters);
  const range = storedTimeRange(from, before);
  const executions =
    range === 'empty'
      ? []
      : executionsOfWindow(ctx.reader, request.windowId, {
          range,
          ...(after !== undefined ? { start: { time: after.time, id: after.id, inclusive: false } } : {}),
          pageSize: readSize(request.maxResults, false),
        });
  const page = await takePage(executions, request.maxResults, matches(request.filters));
  // Nothing listed: a window is known by its archived definition, else (when the listing was
  // narrowed, so that it may have missed them) by an execution of it.
  const narrowed = range === 'empty' || range.from !== undefined || range.to !== undefined || after !== undefined;
  if (page.items.length === 0 && !(await hasWindowDefinition(ctx.reader, request.windowId)) && (!narrowed || !(await hasWindow(ctx.reader, request.windowId)))) {
    throw doesNotExist('Maintenance window', request.windowId);
  }
  const last = page.items[page.items.length - 1];
  return {
    WindowExecutions: page.items.map(windowExecutionFromItem),
    ...(page.more && last !== undefined
      ? {
          NextToken: ctx.tokens.issue(EXECUTIONS, request.tokenQuery, {
            time: text(last, 'StartTime') ?? '',
            id: text(last, 'WindowExecutionId') ?? '',
            within: '',
          }),
        }
      : {}),
  };
}

export async function describeMaintenanceWindowExecutionTasks(input: JsonObject, ctx: EndpointContext): Promise<DescribeMaintenanceWindowExecutionTasksResult> {
  const request = readDescribeMaintenanceWindowExecutionTasks(input);
  const tasks = await allOf(windowTasks(ctx.reader, request.windowExecutionId, { pageSize: CHILD_READ }));
  if (tasks.length === 0 && (await getWindowExecution(ctx.reader, request.windowExecutionId, ['WindowExecutionId'])) === undefined) {
    throw doesNotExist('Maintenance window execution', request.windowExecutionId);
  }
  const after = request.nextToken === undefined ? undefined : ctx.tokens.read(TASKS, request.tokenQuery, request.nextToken);
  const page = pageAfterId(inRunOrder(tasks), 'TaskExecutionId', matches(request.filters), request.maxResults, after);
  const last = page.items[page.items.length - 1];
  return {
    WindowExecutionTaskIdentities: page.items.map(windowTaskFromItem),
    ...(page.more && last !== undefined
      ? { NextToken: ctx.tokens.issue(TASKS, request.tokenQuery, { time: '', id: text(last, 'TaskExecutionId') ?? '', within: '' }) }
      : {}),
  };
}

export async function describeMaintenanceWindowExecutionTaskInvocations(
  input: JsonObject,
  ctx: EndpointContext,
): Promise<DescribeMaintenanceWindowExecutionTaskInvocationsResult> {
  const request = readDescribeMaintenanceWindowExecutionTaskInvocations(input);
  const stored = await allOf(taskInvocations(ctx.reader, request.taskId, { pageSize: CHILD_READ }));
  // A task execution belongs to one window execution: invocations under another are not this task's.
  const invocations = stored.filter((item) => text(item, 'WindowExecutionId') === request.windowExecutionId);
  if (invocations.length === 0 && (await getWindowTask(ctx.reader, request.windowExecutionId, request.taskId, ['TaskExecutionId'])) === undefined) {
    if ((await getWindowExecution(ctx.reader, request.windowExecutionId, ['WindowExecutionId'])) === undefined) {
      throw doesNotExist('Maintenance window execution', request.windowExecutionId);
    }
    throw doesNotExist('Maintenance window execution task', request.taskId);
  }
  const after = request.nextToken === undefined ? undefined : ctx.tokens.read(INVOCATIONS, request.tokenQuery, request.nextToken);
  const page = pageAfterId(inInvocationOrder(invocations), 'InvocationId', matches(request.filters), request.maxResults, after);
  const last = page.items[page.items.length - 1];
  return {
    WindowExecutionTaskInvocationIdentities: page.items.map(windowTaskInvocationFromItem),
    ...(page.more && last !== undefined
      ? { NextToken: ctx.tokens.issue(INVOCATIONS, request.tokenQuery, { time: '', id: text(last, 'InvocationId') ?? '', within: '' }) }
      : {}),
  };
}

/** The SSM operations this kind answers from the archive. */
export const maintenanceWindowSsmOperations: SsmOperations = {
  DescribeMaintenanceWindowExecutions: describeMaintenanceWindowExecutions,
  DescribeMaintenanceWindowExecutionTasks: describeMaintenanceWindowExecutionTasks,
  DescribeMaintenanceWindowExecutionTaskInvocations: describeMaintenanceWindowExecutionTaskInvocations,
};
