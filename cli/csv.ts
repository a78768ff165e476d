import type { Column } from './table';

/**
 * One RFC 4180 field: quoted when it holds a comma, a quote or a line break, its quotes
 * doubled. Terminal escapes and other control characters (but tab and line breaks) are
 * blanked: a CSV is as often printed with `cat` as opened in a spreadsheet.
 */
export function csvField(value: string): string {
  const safe = value.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/g, ' ');
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** A header row, then one row per item, with the columns' full values (empty where none); CRLF line ends, as RFC 4180 has them. */
export function formatCsv<Row>(columns: readonly Column<Row>[], rows: readonly Row[]): string {
  const lines = [
    columns.map((column) => csvField(column.title)),
    ...rows.map((row) => columns.map((column) => csvField((column.full ?? column.cell)(row) ?? ''))),
  ];
  return lines.map((line) => `${line.join(',')}\r\n`).join('');
}
