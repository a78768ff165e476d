import type { StoredItem } from '../../store/record-store';
import type { ListingPosition } from '../../ssm-protocol/paging';
import { TARGET_CONTEXT } from './execution-items';
import type { ViewContext } from './view-context';
import { viewFilter } from './parent-views';
import { inWindow, statusMatches, type ViewFilters } from './view-filters';
import { associationExecutionsNewestFirst, associationTargets as targetsOfExecution } from '../../sources/association/reads';
import { targetNodeView } from '../../sources/association/view';

/**
 * The timeline's `association-target` listing (executions themselves list through their
 * parent view): the targets of every association's executions, newest CreatedTime first, each
 * execution's by ResourceId (as DescribeAssociationExecutionTargets lists them); since/until
 * select by the execution's CreatedTime, as command invocations by their command's
 * RequestedDateTime. Positions: (CreatedTime, ExecutionId, ResourceId). In a node's history,
 * targets come from the byResource index instead (the association kind's targetNodeView).
 */
const TARGET_READ = 100;

export async function* associationTargets(
  ctx: ViewContext,
  filters: ViewFilters,
  after: ListingPosition | undefined,
  pageSize: number,
  attributes?: readonly string[],
): AsyncGenerator<StoredItem> {
  const executions = associationExecutionsNewestFirst(ctx.reader, {
    range: filters.window.range,
    ...(after !== undefined ? { start: { time: after.time, id: after.id, inclusive: true } } : {}),
    attributes: ['ExecutionId', 'CreatedTime'],
    pageSize,
  });
  // Status or DetailedStatus, as a node's targets are filtered.
  const filter = viewFilter(targetNodeView, filters);
  for await (const execution of executions) {
    const executionId = String(execution['ExecutionId']);
    const targets = targetsOfExecution(ctx.reader, executionId, {
      ...(after !== undefined && after.id === executionId ? { afterResourceId: after.within } : {}),
      // One node's target of an execution is one key: read as such, not filtered out of all of them.
      ...(filters.instanceId !== undefined ? { resourceId: filters.instanceId } : {}),
      filter,
      ...(attributes !== undefined ? { attributes } : {}),
      pageSize: Math.max(pageSize, filter.length === 0 ? 0 : TARGET_READ),
    });
    for await (const target of targets) yield { ...target, [TARGET_CONTEXT.executionCreatedTime]: execution['CreatedTime'] };
  }
}

/** The last word on a target's time and status: its execution's CreatedTime in the window, its Status or DetailedStatus. */
export function targetEntryMatches(item: StoredItem, filters: ViewFilters): boolean {
  return inWindow(item[TARGET_CONTEXT.executionCreatedTime], filters.window) && statusMatches(item, targetNodeView.statusAttributes, filters.status);
}

export function targetPositionOf(item: StoredItem): ListingPosition {
  return { time: String(item[TARGET_CONTEXT.executionCreatedTime]), id: String(item['ExecutionId']), within: String(item['ResourceId']) };
}
