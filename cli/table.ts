import type { ViewItem } from './archive-views';

/** Where an item's own id is, by kind: the first of these that it has. */
const idFields = ['commandId', 'automationExecutionId', 'executionId', 'windowExecutionId', 'associationId', 'sessionId', 'id'];

const text = (value: unknown): string | undefined => {
  if (typeof value === 'string' && value !== '') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
};

/**
 * Names and statuses come from SSM and the nodes themselves: control characters (newlines,
 * terminal escape sequences) are shown as spaces so that one item stays one harmless line.
 */
const printable = (value: string): string => value.replace(/[\u0000-\u001f\u007f-\u009f]/g, ' ');

/** ISO times to the second: the archive keeps milliseconds, the table has no room for them. */
const shortTime = (value: string): string => value.replace(/\.\d+(?=Z|[+-]\d\d:?\d\d$)/, '');

const columns: readonly { readonly title: string; readonly cell: (item: ViewItem) => string | undefined }[] = [
  {
    title: 'TIME',
    cell: (item) => {
      const time = text(item.time) ?? text(item.requestedDateTime);
      return time && shortTime(time);
    },
  },
  { title: 'KIND', cell: (item) => text(item.kind) },
  {
    title: 'STATUS',
    cell: (item) => {
      const status = text(item.status);
      const details = text(item.statusDetails);
      const shown = details && details !== status ? `${status ?? '?'} (${details})` : status;
      // Only a message said so, so far: SSM's read has not confirmed it.
      return item.unconfirmed === true ? `${shown ?? '?'} [unconfirmed]` : shown;
    },
  },
  { title: 'ID', cell: (item) => idFields.map((field) => text(item[field])).find((id) => id !== undefined) },
  {
    title: 'INSTANCE',
    cell: (item) => {
      const id = text(item.instanceId);
      const name = text(item.instanceName);
      return id && name && name !== id ? `${id} (${name})` : (id ?? name);
    },
  },
  { title: 'DOCUMENT', cell: (item) => text(item.documentName) },
];

/** The items as an aligned text table with a header row; '-' where an item has no value. */
export function formatTable(items: readonly ViewItem[]): string {
  const rows = [columns.map((column) => column.title), ...items.map((item) => columns.map((column) => printable(column.cell(item) ?? '-')))];
  const widths = columns.map((_, index) => Math.max(...rows.map((row) => row[index]?.length ?? 0)));
  return rows
    .map((row) =>
      row
        .map((cell, index) => (index === row.length - 1 ? cell : cell.padEnd(widths[index] ?? 0)))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}
