import type { ViewItem } from './archive-views';
import { shortTime, text, type Column } from './table';

/** Where an item's own id is, by kind: the first of these that it has. */
const idFields = ['commandId', 'automationExecutionId', 'executionId', 'windowExecutionId', 'associationId', 'sessionId', 'id'];

/** When it was requested or started: the listings' newest-first order. */
const timeOf = (item: ViewItem): string | undefined => text(item.time) ?? text(item.requestedDateTime);

/** A node as "i-... (name)" when its name says more than its id. */
export const nodeOf = (item: ViewItem): string | undefined => {
  const id = text(item.instanceId);
  const name = text(item.instanceName);
  return id && name && name !== id ? `${id} (${name})` : (id ?? name);
};

/** The status, with Run Command's StatusDetails when it says more; `[unconfirmed]` while only a message said so. */
export const statusWithDetails = (item: ViewItem): string | undefined => {
  const status = text(item.status);
  const details = text(item.statusDetails) ?? text(item.detailedStatus);
  const shown = details && details !== status ? `${status ?? '?'} (${details})` : status;
  // Only a message said so, so far: SSM's read has not confirmed it.
  return item.unconfirmed === true ? `${shown ?? '?'} [unconfirmed]` : shown;
};

/**
 * Where an item lives, for an archive that reports it (it collects several accounts and
 * Regions, or was deployed since it could): added after the other columns, so that a
 * single-account archive's first columns, and the CSV columns scripts read, stay where they were.
 */
export const scopeColumns: readonly Column<ViewItem>[] = [
  { title: 'ACCOUNT', cell: (item) => text(item.account) },
  { title: 'REGION', cell: (item) => text(item.region) },
];

/**
 * The columns, with where each item lives when any item names its account (an alert's body
 * names the archive's Region whatever the archive, so the Region alone does not count).
 */
export const withScopeColumns = (columns: readonly Column<ViewItem>[], items: readonly ViewItem[]): readonly Column<ViewItem>[] =>
  items.some((item) => text(item.account) !== undefined) ? [...columns, ...scopeColumns] : columns;

/** `executions` and `history`: one row per execution. */
export const listingColumns: readonly Column<ViewItem>[] = [
  { title: 'TIME', cell: (item) => { const time = timeOf(item); return time && shortTime(time); }, full: timeOf },
  { title: 'KIND', cell: (item) => text(item.kind) },
  { title: 'STATUS', cell: statusWithDetails },
  { title: 'ID', cell: (item) => idFields.map((field) => text(item[field])).find((id) => id !== undefined) },
  { title: 'INSTANCE', cell: nodeOf },
  { title: 'DOCUMENT', cell: (item) => text(item.documentName) },
];
