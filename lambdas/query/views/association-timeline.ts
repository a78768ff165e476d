import type { StoredItem } from '../../store/record-store';
import type { ItemFilter, TimeRange } from '../../core/archive-reads';
import type { ListingPosition } from '../../ssm-protocol/paging';
import { TARGET_CONTEXT } from './execution-items';
import type { TimeWindow } from './parameters';
import type { ViewContext } from './view-context';
import { associationExecutionsNewestFirst, associationTargets as targetsOfExecution } from '../../sources/association/reads';

/**
 * The timeline's `association-target` listing (executions themselves list through their
 * parent view): the targets of every association's executions, newest CreatedTime first, each
 * execution's by ResourceId (as DescribeAssociationExecutionTargets lists them); since/until
 * select by the execution's CreatedTime, as command invocations by their command's
 * RequestedDateTime. Positions: (CreatedTime, ExecutionId, ResourceId). In a node's history,
 * targets come from the byResource index instead (the association kind's targetNodeView).
 */
const TARGET_READ = 100;

/** Status or DetailedStatus equal to the value. */
function associationStatusFilter(status: string | undefined): ItemFilter {
  if (status === undefined) return [];
  return [{ anyOf: [{ attribute: 'Status', oneOf: [status] }, { attribute: 'DetailedStatus', oneOf: [status] }] }];
}

export async function* associationTargets(
  ctx: ViewContext,
  range: TimeRange,
  status: string | undefined,
  after: ListingPosition | undefined,
  pageSize: number,
  attributes?: readonly string[],
): AsyncGenerator<StoredItem> {
  const executions = associationExecutionsNewestFirst(ctx.reader, {
    range,
    ...(after !== undefined ? { start: { time: after.time, id: after.id, inclusive: true } } : {}),
    attributes: ['ExecutionId', 'CreatedTime'],
    pageSize,
  });
  for await (const execution of executions) {
    const executionId = String(execution['ExecutionId']);
    const targets = targetsOfExecution(ctx.reader, executionId, {
      ...(after !== undefined && after.id === executionId ? { afterResourceId: after.within } : {}),
      filter: associationStatusFilter(status),
      ...(attributes !== undefined ? { attributes } : {}),
      pageSize: Math.max(pageSize, status === undefined ? 0 : TARGET_READ),
    });
    for await (const target of targets) yield { ...target, [TARGET_CONTEXT.executionCreatedTime]: execution['CreatedTime'] };
  }
}

/** The last word on a target: its execution's CreatedTime in the window, its Status or DetailedStatus when a status is asked for. */
export function targetEntryMatches(item: StoredItem, window: TimeWindow, status: string | undefined): boolean {
  const raw = item[TARGET_CONTEXT.executionCreatedTime];
  const time = Date.parse(typeof raw === 'string' ? raw : '');
  if (window.since !== undefined && !(time >= window.since)) return false;
  if (window.until !== undefined && !(time < window.until)) return false;
  return status === undefined || item['Status'] === status || item['DetailedStatus'] === status;
}

export function targetPositionOf(item: StoredItem): ListingPosition {
  return { time: String(item[TARGET_CONTEXT.executionCreatedTime]), id: String(item['ExecutionId']), within: String(item['ResourceId']) };
}
