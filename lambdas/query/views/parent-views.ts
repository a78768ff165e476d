import type { RecordKind } from '../../core/model';
import type { StatusInfo } from '../../core/status';
import { maintenanceWindowStatuses } from '../../sources/maintenance-window/statuses';
import { sessionStatuses } from '../../sources/session/statuses';
import type { StoredItem } from '../../store/record-store';
import type { ArchiveReader, ItemFilter, NewestFirstOptions } from '../archive-reader';
import type { MergedWalk } from './merged-walks';
import type { TimeWindow } from './parameters';

/**
 * What the views need of a kind whose records list on their own, newest first, by one time
 * and one status attribute: the timeline's `kind=` listing, its place among the parents, and
 * (with `ofNode`) a node's history are then the same code for each such kind.
 */
export interface ParentView<K extends RecordKind = RecordKind> {
  readonly kind: K;
  /** The attribute the listing orders by (newest first), then the id attribute (ascending). */
  readonly time: string;
  readonly id: string;
  readonly status: string;
  readonly statuses: Readonly<Record<string, StatusInfo>>;
  readonly newestFirst: (reader: ArchiveReader, options: NewestFirstOptions) => AsyncGenerator<StoredItem>;
  /** One node's records, newest first, when the kind has a node index. */
  readonly ofNode?: (reader: ArchiveReader, node: string, options: NewestFirstOptions) => AsyncGenerator<StoredItem>;
}

/** A view with a node index: its records are part of a node's history. */
export type NodeView<K extends RecordKind = RecordKind> = ParentView<K> & Required<Pick<ParentView<K>, 'ofNode'>>;

export const windowView: ParentView<'maintenance-window-execution'> = {
  kind: 'maintenance-window-execution',
  time: 'StartTime',
  id: 'WindowExecutionId',
  status: 'Status',
  statuses: maintenanceWindowStatuses,
  newestFirst: (reader, options) => reader.windowExecutionsNewestFirst(options),
};

export const sessionView: NodeView<'session'> = {
  kind: 'session',
  time: 'StartDate',
  id: 'SessionId',
  status: 'Status',
  statuses: sessionStatuses,
  newestFirst: (reader, options) => reader.sessionsNewestFirst(options),
  ofNode: (reader, node, options) => reader.sessionsOfTarget(node, options),
};

/** The records whose status attribute equals the value (DynamoDB's part of the filter). */
export function viewStatusFilter(view: ParentView, status: string | undefined): ItemFilter {
  return status === undefined ? [] : [{ anyOf: [{ attribute: view.status, oneOf: [status] }] }];
}

/** The last word on an entry: its time in the window and its status, when asked for, equal. */
export function viewEntryMatches(view: ParentView, item: StoredItem, window: TimeWindow, status: string | undefined): boolean {
  const time = Date.parse(typeof item[view.time] === 'string' ? (item[view.time] as string) : '');
  if (window.since !== undefined && !(time >= window.since)) return false;
  if (window.until !== undefined && !(time < window.until)) return false;
  return status === undefined || item[view.status] === status;
}

/** The view as one walk of a merged listing. */
export function viewWalk<K extends RecordKind>(
  view: ParentView<K>,
  open: (options: NewestFirstOptions) => AsyncGenerator<StoredItem>,
  options: Omit<NewestFirstOptions, 'start'>,
): MergedWalk<K> {
  return { kind: view.kind, time: view.time, id: view.id, open: (start) => open({ ...options, ...(start !== undefined ? { start } : {}) }) };
}
