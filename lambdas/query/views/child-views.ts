import type { RecordKind } from '../../core/model';
import type { StatusInfo } from '../../core/status';
import { associationStatuses } from '../../sources/association/statuses';
import { automationStatuses } from '../../sources/automation/statuses';
import { maintenanceWindowStatuses } from '../../sources/maintenance-window/statuses';
import { runCommandStatuses } from '../../sources/run-command/statuses';
import { commandView, invocationNodeView } from '../../sources/run-command/view';
import type { StoredItem } from '../../store/record-store';
import type { ListingPosition } from '../../ssm-protocol/paging';
import { associationTargets, targetEntryMatches, targetPositionOf } from './association-timeline';
import { automationSteps, stepEntryMatches, stepPositionOf } from './automation-timeline';
import {
  windowChildMatches,
  windowTaskInvocationPositionOf,
  windowTaskInvocationsOfExecutions,
  windowTaskPositionOf,
  windowTasksOfExecutions,
} from './maintenance-window-timeline';
import { documentFilter, viewEntryMatches, viewFilter } from './parent-views';
import type { ViewContext } from './view-context';
import { statusMatches, type ViewFilters } from './view-filters';

/**
 * What the timeline needs of a kind listed under its parents (a command's invocations, an
 * execution's steps or targets, a window execution's tasks and their invocations): its
 * entries newest parent first from a position, the last word on each, and the position a
 * token keeps. A kind joins the timeline with one entry here.
 */
export interface ChildListing<K extends RecordKind = RecordKind> {
  readonly kind: K;
  readonly statuses: Readonly<Record<string, StatusInfo>>;
  /** Whether its entries name a document, and a node: `documentName` and `instanceId` apply to the kind. */
  readonly names: { readonly document: boolean; readonly node: boolean };
  entries(ctx: ViewContext, query: ChildQuery): AsyncIterable<StoredItem>;
  /** The last word on an entry's time and status (the timeline tests its document and node on its entry). */
  matches(item: StoredItem, filters: ViewFilters): boolean;
  positionOf(item: StoredItem): ListingPosition;
}

export interface ChildQuery {
  readonly filters: ViewFilters;
  readonly after: ListingPosition | undefined;
  readonly pageSize: number;
  readonly attributes: readonly string[];
}

export const CHILD_LISTINGS: readonly ChildListing[] = [
  {
    kind: 'command-invocation',
    statuses: runCommandStatuses,
    names: { document: true, node: true },
    entries: (ctx, { filters, after, pageSize, attributes }) => {
      const range = filters.window.range;
      if (filters.instanceId !== undefined) {
        // One node's invocations are its byInstance index, in this listing's order already
        // (RequestedDateTime, then CommandId): no command is read for a node it did not run on.
        return invocationNodeView.ofNode(ctx.reader, filters.instanceId, {
          range,
          filter: viewFilter(invocationNodeView, filters),
          attributes,
          pageSize,
          ...(after !== undefined ? { start: { time: after.time, id: after.id, inclusive: false } } : {}),
        });
      }
      return ctx.reader.invocationsNewestFirst({
        range,
        // A command and its invocations name the same document: commands of another are skipped whole.
        commandFilter: documentFilter(commandView, filters.documentName),
        filter: viewFilter(invocationNodeView, filters),
        attributes,
        pageSize,
        ...(after !== undefined ? { start: after } : {}),
      });
    },
    // since/until select by the command's time: the commands' walk bounds it exactly (its key
    // range); a node's walk knows the invocation's own time only, and bounds that.
    matches: (item, filters) =>
      filters.instanceId !== undefined ? viewEntryMatches(invocationNodeView, item, filters) : statusMatches(item, invocationNodeView.statusAttributes, filters.status),
    positionOf: (item) => ({ time: String(item['RequestedDateTime']), id: String(item['CommandId']), within: String(item['InstanceId']) }),
  },
  {
    kind: 'automation-step',
    statuses: automationStatuses,
    names: { document: true, node: false },
    entries: (ctx, { filters, after, pageSize }) => automationSteps(ctx, filters, after, pageSize),
    matches: stepEntryMatches,
    positionOf: stepPositionOf,
  },
  {
    kind: 'association-target',
    statuses: associationStatuses,
    names: { document: false, node: true },
    entries: (ctx, { filters, after, pageSize, attributes }) => associationTargets(ctx, filters, after, pageSize, attributes),
    matches: targetEntryMatches,
    positionOf: targetPositionOf,
  },
  {
    kind: 'maintenance-window-task',
    statuses: maintenanceWindowStatuses,
    names: { document: true, node: false },
    entries: (ctx, { filters, after, pageSize, attributes }) => windowTasksOfExecutions(ctx, filters, after, pageSize, attributes),
    matches: windowChildMatches,
    positionOf: windowTaskPositionOf,
  },
  {
    kind: 'maintenance-window-task-invocation',
    statuses: maintenanceWindowStatuses,
    names: { document: true, node: true },
    entries: (ctx, { filters, after, pageSize, attributes }) => windowTaskInvocationsOfExecutions(ctx, filters, after, pageSize, attributes),
    matches: windowChildMatches,
    positionOf: windowTaskInvocationPositionOf,
  },
];
