import type { RecordKind } from '../../core/model';
import type { StatusInfo } from '../../core/status';
import { associationStatuses } from '../../sources/association/statuses';
import { automationStatuses } from '../../sources/automation/statuses';
import { runCommandStatuses } from '../../sources/run-command/statuses';
import type { StoredItem } from '../../store/record-store';
import type { TimeRange } from '../../core/archive-reads';
import type { ListingPosition } from '../../ssm-protocol/paging';
import { associationTargets, targetEntryMatches, targetPositionOf } from './association-timeline';
import { automationSteps, stepEntryMatches, stepPositionOf } from './automation-timeline';
import { statusFilter, type TimeWindow } from './parameters';
import { entryMatches, type ViewContext } from './view-context';

/**
 * What the timeline needs of a kind listed under its parents (a command's invocations, an
 * execution's steps or targets): its entries newest parent first from a position, the last
 * word on each, and the position a token keeps. A kind joins the timeline with one entry here.
 */
export interface ChildListing<K extends RecordKind = RecordKind> {
  readonly kind: K;
  readonly statuses: Readonly<Record<string, StatusInfo>>;
  entries(ctx: ViewContext, query: ChildQuery): AsyncIterable<StoredItem>;
  matches(item: StoredItem, window: TimeWindow, status: string | undefined): boolean;
  positionOf(item: StoredItem): ListingPosition;
}

export interface ChildQuery {
  readonly range: TimeRange;
  readonly status: string | undefined;
  readonly after: ListingPosition | undefined;
  readonly pageSize: number;
  readonly attributes: readonly string[];
}

export const CHILD_LISTINGS: readonly ChildListing[] = [
  {
    kind: 'command-invocation',
    statuses: runCommandStatuses,
    entries: (ctx, { range, status, after, pageSize, attributes }) =>
      ctx.reader.invocationsNewestFirst({ range, filter: statusFilter(status), attributes, pageSize, ...(after !== undefined ? { start: after } : {}) }),
    matches: entryMatches,
    positionOf: (item) => ({ time: String(item['RequestedDateTime']), id: String(item['CommandId']), within: String(item['InstanceId']) }),
  },
  {
    kind: 'automation-step',
    statuses: automationStatuses,
    entries: (ctx, { range, after, pageSize }) => automationSteps(ctx, range, after, pageSize),
    matches: stepEntryMatches,
    positionOf: stepPositionOf,
  },
  {
    kind: 'association-target',
    statuses: associationStatuses,
    entries: (ctx, { range, status, after, pageSize, attributes }) => associationTargets(ctx, range, status, after, pageSize, attributes),
    matches: targetEntryMatches,
    positionOf: targetPositionOf,
  },
];
