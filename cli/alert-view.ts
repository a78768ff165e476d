import type { ViewItem } from './archive-views';
import { firstLine, shortTime, text, type Column } from './table';

/** The id `show` takes for the execution an alert is about, by the kind of record that failed. */
const showableIdFields = ['automationExecutionId', 'windowExecutionId', 'commandId', 'executionId', 'sessionId'];

/** What went wrong in one line: the error excerpt's first line, else status details that say more than the status. */
const headline = (alert: ViewItem): string | undefined => {
  const details = text(alert.statusDetails);
  return firstLine(text(alert.errorExcerpt)) ?? (details !== text(alert.status) ? firstLine(details) : undefined);
};

/** `alerts`: newest first, one row per alert. */
export const alertColumns: readonly Column<ViewItem>[] = [
  { title: 'PUBLISHED', cell: (alert) => { const at = text(alert.publishedAt); return at && shortTime(at); }, full: (alert) => text(alert.publishedAt) },
  { title: 'KIND', cell: (alert) => text(alert.kind) },
  { title: 'STATUS', cell: (alert) => text(alert.status) },
  { title: 'EXECUTION', cell: (alert) => showableIdFields.map((field) => text(alert[field])).find((id) => id !== undefined) },
  { title: 'SUBJECT', cell: (alert) => text(alert.subject) },
  { title: 'ERROR', cell: headline, maxWidth: 80 },
];
