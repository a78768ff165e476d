import type { RecordKind } from '../../core/model';
import type { StatusInfo } from '../../core/status';
import type { StoredItem } from '../../store/record-store';
import type { ArchiveReader } from '../archive-reader';
import type { ItemFilter, NewestFirstOptions } from '../../core/archive-reads';
import type { MergedWalk } from './merged-walks';
import { statusesOfKind } from './parameters';
import { inWindow, statusMatches, type ViewFilters } from './view-filters';

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
  /** The attribute naming the SSM document (runbook) a record ran, when the kind's records name one: `documentName=` tests it. */
  readonly documentAttribute?: string;
  /** The attribute naming the managed node a record ran on, when the kind's records name one: `instanceId=` tests it. */
  readonly nodeAttribute?: string;
}

/** A kind whose records list across the archive, newest first (the timeline's parents). */
export interface ParentView<K extends RecordKind = RecordKind> extends ListedKind<K> {
  readonly newestFirst: (reader: ArchiveReader, options: NewestFirstOptions) => AsyncGenerator<StoredItem>;
}

/** A kind with a node index: its records are part of a node's history. */
export interface NodeView<K extends RecordKind = RecordKind> extends ListedKind<K> {
  readonly ofNode: (reader: ArchiveReader, node: string, options: NewestFirstOptions) => AsyncGenerator<StoredItem>;
}

/**
 * Whether any record of the kind can pass the filters: it has one of the statuses asked for,
 * and its records name a document (a node) when one is asked for. A walk that cannot is not
 * read at all: a merged listing leaves the kind out, a listing of that kind alone is refused.
 */
export function viewCanMatch(view: ListedKind, filters: ViewFilters): boolean {
  const statuses = statusesOfKind(filters.status, view.statuses);
  return (
    (statuses === undefined || statuses.length > 0) &&
    (filters.documentName === undefined || view.documentAttribute !== undefined) &&
    (filters.instanceId === undefined || view.nodeAttribute !== undefined)
  );
}

/**
 * DynamoDB's part of the filter: the kind's own spellings of the statuses asked for, and the
 * document. Never the node: it is a key wherever a node is read (a node index's partition, a
 * target's sort key), which a FilterExpression may not name; the walks read the node by key.
 */
export function viewFilter(view: ListedKind, filters: ViewFilters): ItemFilter {
  const statuses = statusesOfKind(filters.status, view.statuses);
  return [...(statuses === undefined ? [] : [{ anyOf: view.statusAttributes.map((attribute) => ({ attribute, oneOf: statuses })) }]), ...documentFilter(view, filters.documentName)];
}

/** The records that name this document (none asked for: all). */
export function documentFilter(view: ListedKind, documentName: string | undefined): ItemFilter {
  return view.documentAttribute === undefined || documentName === undefined ? [] : [{ anyOf: [{ attribute: view.documentAttribute, oneOf: [documentName] }] }];
}

/** The last word on an entry, whatever DynamoDB's filter already did: its time in the window, its status, document and node. */
export function viewEntryMatches(view: ListedKind, item: StoredItem, filters: ViewFilters): boolean {
  const names = (attribute: string | undefined, value: string | undefined): boolean => value === undefined || (attribute !== undefined && item[attribute] === value);
  return (
    inWindow(item[view.time], filters.window) &&
    statusMatches(item, view.statusAttributes, filters.status) &&
    names(view.documentAttribute, filters.documentName) &&
    names(view.nodeAttribute, filters.instanceId)
  );
}

/**
 * The view as one walk of a merged listing, filtered; a walk no record of the kind can pass
 * reads nothing (a merged position still ranks the kind).
 */
export function viewWalk<K extends RecordKind>(
  view: ListedKind<K>,
  open: (options: NewestFirstOptions) => AsyncGenerator<StoredItem>,
  filters: ViewFilters,
  options: Pick<NewestFirstOptions, 'attributes' | 'pageSize'>,
): MergedWalk<K> {
  const read: NewestFirstOptions = { ...options, range: filters.window.range, filter: viewFilter(view, filters) };
  const canMatch = viewCanMatch(view, filters);
  return {
    kind: view.kind,
    time: view.time,
    id: view.id,
    open: (start) => (canMatch ? open({ ...read, ...(start !== undefined ? { start } : {}) }) : nothing()),
  };
}

async function* nothing(): AsyncGenerator<StoredItem> {
  // A walk that reads nothing: no record of its kind can pass the filters.
}
