/** One column of what a command prints: its title, and its cell for a table and for CSV. */
export interface Column<Row> {
  readonly title: string;
  /** The table's cell: shortened where the table has no room (times to the second, ages). */
  readonly cell: (row: Row) => string | undefined;
  /** CSV's cell, the full value; the table's cell when absent. */
  readonly full?: (row: Row) => string | undefined;
  /** The table cuts longer cells (CSV never does). */
  readonly maxWidth?: number;
}

/** A record of the API's JSON, read field by field: the CLI shows what it finds and '-' for the rest. */
export type ApiRecord = Readonly<Record<string, unknown>>;

/** A non-empty string or a number or boolean as text; undefined for anything else. */
export const text = (value: unknown): string | undefined => {
  if (typeof value === 'string' && value !== '') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
};

/**
 * Names and statuses come from SSM and the nodes themselves: control characters (newlines,
 * terminal escape sequences) are shown as spaces so that one item stays one harmless line.
 */
export const printable = (value: string): string => value.replace(/[\u0000-\u001f\u007f-\u009f]/g, ' ');

/** ISO times to the second: the archive keeps milliseconds, the table has no room for them. */
export const shortTime = (value: string): string => value.replace(/\.\d+(?=Z|[+-]\d\d:?\d\d$)/, '');

/** The first line with something on it, trimmed: an error's headline. */
export const firstLine = (value: string | undefined): string | undefined =>
  value
    ?.split(/\r?\n|\r/)
    .map((line) => line.trim())
    .find((line) => line !== '');

/** At most `width` characters, "..." marking a cut. */
export const cut = (value: string, width: number | undefined): string =>
  width === undefined || value.length <= width ? value : `${value.slice(0, Math.max(width - 3, 1))}...`;

/** The rows as an aligned text table with a header row; '-' where a row has no value. */
export function formatTable<Row>(columns: readonly Column<Row>[], rows: readonly Row[]): string {
  const lines = [
    columns.map((column) => column.title),
    ...rows.map((row) => columns.map((column) => cut(printable(column.cell(row) ?? '-'), column.maxWidth))),
  ];
  const widths = columns.map((_, index) => Math.max(...lines.map((line) => line[index]?.length ?? 0)));
  return lines
    .map((line) =>
      line
        .map((cell, index) => (index === line.length - 1 ? cell : cell.padEnd(widths[index] ?? 0)))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}
