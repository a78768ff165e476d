import type { StoredItem } from '../../store/record-store';
import { allOf } from '../../core/archive-reads';
import type { ListingPosition } from '../../ssm-protocol/paging';
import { inInvocationOrder, inRunOrder } from '../../sources/maintenance-window/ssm-operations';
import { taskInvocations, windowExecutionsNewestFirst, windowTasks } from '../../sources/maintenance-window/reads';
import { TASK_CONTEXT } from './execution-items';
import type { ViewContext } from './view-context';
import { inWindow, statusMatches, type ViewFilters } from './view-filters';

/**
 * The timeline's `maintenance-window-task` and `maintenance-window-task-invocation` listings
 * (window executions themselves list through their parent view): window executions newest
 * StartTime first, then WindowExecutionId; each execution's tasks in the order it ran them,
 * and each task's invocations in the order they started (as
 * DescribeMaintenanceWindowExecutionTasks and ...TaskInvocations list them). since/until
 * select by the execution's StartTime, as command invocations by their command's. An
 * execution's tasks, and a task's invocations, are read whole (one Query on the table's key
 * each): their order is rebuilt from what the records hold, as the SSM operations do.
 * Positions: (StartTime, WindowExecutionId, TaskExecutionId), and for an invocation
 * (StartTime, WindowExecutionId, "TaskExecutionId/InvocationId").
 */
const EXECUTION_ATTRIBUTES = ['WindowExecutionId', 'StartTime', 'WindowId'];
/** A task of its invocation listing: what orders it, and what its invocations are shown with. */
const TASK_ATTRIBUTES = ['TaskExecutionId', 'StartTime', 'TaskArn'];
/** DynamoDB's Limit when all of an execution's tasks, or a task's invocations, are read. */
const CHILD_READ = 500;

/** The listing's entries after `after` within its execution: those following the one whose key it holds. */
function resumed(entries: readonly StoredItem[], keyOf: (entry: StoredItem) => string, executionId: string, after: ListingPosition | undefined): readonly StoredItem[] {
  if (after === undefined || after.id !== executionId) return entries;
  return entries.slice(entries.findIndex((entry) => keyOf(entry) === after.within) + 1);
}

async function* executions(ctx: ViewContext, filters: ViewFilters, after: ListingPosition | undefined, pageSize: number): AsyncGenerator<StoredItem> {
  yield* windowExecutionsNewestFirst(ctx.reader, {
    range: filters.window.range,
    ...(after !== undefined ? { start: { time: after.time, id: after.id, inclusive: true } } : {}),
    attributes: EXECUTION_ATTRIBUTES,
    pageSize,
  });
}

const executionContext = (execution: StoredItem): StoredItem => ({
  [TASK_CONTEXT.executionStartTime]: execution['StartTime'],
  [TASK_CONTEXT.windowId]: execution['WindowId'],
});

const taskKey = (task: StoredItem): string => String(task['TaskExecutionId']);
const invocationKey = (invocation: StoredItem): string => `${String(invocation['TaskExecutionId'])}/${String(invocation['InvocationId'])}`;

/** The window executions the filters select, newest first, each with its tasks in the order they ran. */
async function* executionsWithTasks(
  ctx: ViewContext,
  filters: ViewFilters,
  after: ListingPosition | undefined,
  pageSize: number,
  attributes: readonly string[],
): AsyncGenerator<{ readonly execution: StoredItem; readonly executionId: string; readonly tasks: readonly StoredItem[] }> {
  for await (const execution of executions(ctx, filters, after, pageSize)) {
    const executionId = String(execution['WindowExecutionId']);
    yield { execution, executionId, tasks: inRunOrder(await allOf(windowTasks(ctx.reader, executionId, { attributes, pageSize: CHILD_READ }))) };
  }
}

export async function* windowTasksOfExecutions(
  ctx: ViewContext,
  filters: ViewFilters,
  after: ListingPosition | undefined,
  pageSize: number,
  attributes: readonly string[],
): AsyncGenerator<StoredItem> {
  for await (const { execution, executionId, tasks } of executionsWithTasks(ctx, filters, after, pageSize, attributes)) {
    for (const task of resumed(tasks, taskKey, executionId, after)) yield { ...task, ...executionContext(execution) };
  }
}

export async function* windowTaskInvocationsOfExecutions(
  ctx: ViewContext,
  filters: ViewFilters,
  after: ListingPosition | undefined,
  pageSize: number,
  attributes: readonly string[],
): AsyncGenerator<StoredItem> {
  for await (const { execution, executionId, tasks } of executionsWithTasks(ctx, filters, after, pageSize, TASK_ATTRIBUTES)) {
    const invocations: StoredItem[] = [];
    for (const task of tasks) {
      const stored = await allOf(taskInvocations(ctx.reader, taskKey(task), { attributes, pageSize: CHILD_READ }));
      // A task execution belongs to one window execution: invocations under another are not this task's.
      const own = stored.filter((invocation) => invocation['WindowExecutionId'] === executionId);
      for (const invocation of inInvocationOrder(own)) invocations.push({ ...invocation, [TASK_CONTEXT.taskArn]: task['TaskArn'] });
    }
    for (const invocation of resumed(invocations, invocationKey, executionId, after)) yield { ...invocation, ...executionContext(execution) };
  }
}

/** The last word on a task's or an invocation's time and status: its execution's start in the window, its own Status. */
export function windowChildMatches(item: StoredItem, filters: ViewFilters): boolean {
  return inWindow(item[TASK_CONTEXT.executionStartTime], filters.window) && statusMatches(item, ['Status'], filters.status);
}

export function windowTaskPositionOf(item: StoredItem): ListingPosition {
  return { time: String(item[TASK_CONTEXT.executionStartTime]), id: String(item['WindowExecutionId']), within: taskKey(item) };
}

export function windowTaskInvocationPositionOf(item: StoredItem): ListingPosition {
  return { time: String(item[TASK_CONTEXT.executionStartTime]), id: String(item['WindowExecutionId']), within: invocationKey(item) };
}
