import type { ViewItem } from './archive-views';
import { ago } from './durations';
import { text, type Column } from './table';

/** A time as its age in the table ("3m ago"), exactly in CSV. */
const ageColumn = (title: string, field: string, now: Date): Column<ViewItem> => ({
  title,
  cell: (kind) => ago(text(kind[field]), now) ?? text(kind[field]),
  full: (kind) => text(kind[field]),
});

const yesNo = (value: unknown): string | undefined => (typeof value === 'boolean' ? (value ? 'yes' : 'no') : undefined);

/** `status`: one row per history kind. `now` is what the ages count back from. */
export function statusColumns(now: Date): readonly Column<ViewItem>[] {
  return [
    { title: 'KIND', cell: (kind) => text(kind.kind) },
    ageColumn('WATERMARK', 'watermark', now),
    ageColumn('LAST SUCCESSFUL POLL', 'lastSuccessfulPollAt', now),
    { title: 'LISTING IN PROGRESS', cell: (kind) => yesNo(kind.listingInProgress) },
    { title: 'RECORDS STORED', cell: (kind) => text(kind.recordsStored) },
    { title: 'MISSED BY EVENTS', cell: (kind) => text(kind.missedByEvents) },
    { title: 'THROTTLES', cell: (kind) => text(kind.throttles) },
    ageColumn('OLDEST RECORD SSM RETURNED', 'oldestRecordSsmReturned', now),
  ];
}
