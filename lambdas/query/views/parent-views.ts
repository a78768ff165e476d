import type { RecordKind } from '../../core/model';
import type { StatusInfo } from '../../core/status';
import type { StoredItem } from '../../store/record-store';
import type { ArchiveReader } from '../archive-reader';
import type { ItemFilter, NewestFirstOptions } from '../../core/archive-reads';
import type { MergedWalk } from './merged-walks';
import type { TimeWindow } from './parameters';

/**
 * What the views need of a kind whose records list on their own, newest first, by one time:
 * its index walk, its order, the attributes a `status=` matches, and its statuses. The
 * timeline's `kind=` listing, the parents merged when `kind` is omitted, and (with `ofNode`) a
 * node's history are then the same code for every kind. Each kind declares its own (its
 * view.ts), registered in sources/views.ts.
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
