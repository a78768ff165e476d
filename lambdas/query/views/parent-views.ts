import type { RecordKind } from '../../core/model';
import type { StatusInfo } from '../../core/status';
import { associationStatuses } from '../../sources/association/statuses';
import { automationStatuses } from '../../sources/automation/statuses';
import { maintenanceWindowStatuses } from '../../sources/maintenance-window/statuses';
import { runCommandStatuses } from '../../sources/run-command/statuses';
import { sessionStatuses } from '../../sources/session/statuses';
import type { StoredItem } from '../../store/record-store';
import type { ArchiveReader, ItemFilter, NewestFirstOptions } from '../archive-reader';
import type { MergedWalk } from './merged-walks';
import type { TimeWindow } from './parameters';

/**
 * What the views need of a kind whose records list on their own, newest first, by one time:
 * its index walk, its order, the attributes a `status=` matches, and its statuses. The
 * timeline's `kind=` listing, the parents merged when `kind` is omitted, and (with `ofNode`) a
 * node's history are then the same code for every kind; a kind joins them with one entry here.
 */
export interface ListedKind<K extends RecordKind = RecordKind> {
  readonly kind: K;
  /** The attribute a listing orders by (newest first), then the id attribute (ascending). */
  readonly time: string;
  readonly id: string;
  /** `status=` matches a record whose any of these equals it (e.g. Status or StatusDetails). */
  readonly statusAttributes: readonly string[];
  readonly statuses: Readonly<Record<string, StatusInfo>>;
}

/** A kind whose records list across the archive, newest first (the timeline's parents). */
export interface ParentView<K extends RecordKind = RecordKind> extends ListedKind<K> {
  readonly newestFirst: (reader: ArchiveReader, options: NewestFirstOptions) => AsyncGenerator<StoredItem>;
}

/** A kind with a node index: its records are part of a node's history. */
export interface NodeView<K extends RecordKind = RecordKind> extends ListedKind<K> {
  readonly ofNode: (reader: ArchiveReader, node: string, options: NewestFirstOptions) => AsyncGenerator<StoredItem>;
}

export const commandView: ParentView<'command'> = {
  kind: 'command',
  time: 'RequestedDateTime',
  id: 'CommandId',
  statusAttributes: ['Status', 'StatusDetails'],
  statuses: runCommandStatuses,
  newestFirst: (reader, options) => reader.commandsNewestFirst(options),
};

export const automationExecutionView: ParentView<'automation-execution'> = {
  kind: 'automation-execution',
  time: 'ExecutionStartTime',
  id: 'AutomationExecutionId',
  statusAttributes: ['AutomationExecutionStatus'],
  statuses: automationStatuses,
  newestFirst: (reader, options) => reader.automationExecutionsNewestFirst(options),
};

export const associationExecutionView: ParentView<'association-execution'> = {
  kind: 'association-execution',
  time: 'CreatedTime',
  id: 'ExecutionId',
  statusAttributes: ['Status', 'DetailedStatus'],
  statuses: associationStatuses,
  newestFirst: (reader, options) => reader.associationExecutionsNewestFirst(options),
};

export const windowView: ParentView<'maintenance-window-execution'> = {
  kind: 'maintenance-window-execution',
  time: 'StartTime',
  id: 'WindowExecutionId',
  statusAttributes: ['Status'],
  statuses: maintenanceWindowStatuses,
  newestFirst: (reader, options) => reader.windowExecutionsNewestFirst(options),
};

const SESSION_ORDER = { time: 'StartDate', id: 'SessionId' } as const;

export const sessionView: ParentView<'session'> & NodeView<'session'> = {
  kind: 'session',
  time: 'StartDate',
  id: 'SessionId',
  statusAttributes: ['Status'],
  statuses: sessionStatuses,
  newestFirst: (reader, options) => reader.byYearNewestFirst('sessions', 'byStartYear', SESSION_ORDER, options),
  ofNode: (reader, node, options) => reader.partitionNewestFirst('sessions', 'byTarget', node, SESSION_ORDER, options),
};

/** A node's command invocations (byInstance) and association targets (byResource, by their last run). */
export const invocationNodeView: NodeView<'command-invocation'> = {
  kind: 'command-invocation',
  time: 'RequestedDateTime',
  id: 'CommandId',
  statusAttributes: ['Status', 'StatusDetails'],
  statuses: runCommandStatuses,
  ofNode: (reader, node, options) => reader.invocationsOfInstance(node, options),
};

export const targetNodeView: NodeView<'association-target'> = {
  kind: 'association-target',
  time: 'LastExecutionDate',
  id: 'ExecutionId',
  statusAttributes: ['Status', 'DetailedStatus'],
  statuses: associationStatuses,
  ofNode: (reader, node, options) => reader.associationTargetsOfResource(node, options),
};

/** The parent kinds, in the order they rank at one time when merged. */
export const PARENT_VIEWS: readonly ParentView[] = [commandView, automationExecutionView, associationExecutionView, windowView, sessionView];

/** What ran on a node, in the order they rank at one time. */
export const NODE_VIEWS: readonly NodeView[] = [invocationNodeView, targetNodeView, sessionView];

/** The records whose status attributes hold the value (DynamoDB's part of the filter). */
export function viewStatusFilter(view: ListedKind, status: string | undefined): ItemFilter {
  return status === undefined ? [] : [{ anyOf: view.statusAttributes.map((attribute) => ({ attribute, oneOf: [status] })) }];
}

/** The last word on an entry: its time in the window and, when asked for, its status. */
export function viewEntryMatches(view: ListedKind, item: StoredItem, window: TimeWindow, status: string | undefined): boolean {
  const time = Date.parse(typeof item[view.time] === 'string' ? (item[view.time] as string) : '');
  if (window.since !== undefined && !(time >= window.since)) return false;
  if (window.until !== undefined && !(time < window.until)) return false;
  return status === undefined || view.statusAttributes.some((attribute) => item[attribute] === status);
}

/** The view as one walk of a merged listing. */
export function viewWalk<K extends RecordKind>(
  view: ListedKind<K>,
  open: (options: NewestFirstOptions) => AsyncGenerator<StoredItem>,
  options: Omit<NewestFirstOptions, 'start'>,
): MergedWalk<K> {
  return { kind: view.kind, time: view.time, id: view.id, open: (start) => open({ ...options, ...(start !== undefined ? { start } : {}) }) };
}
