import type { StatusPage, ViewItem } from './archive-views';
import { ago } from './durations';
import { firstLine, text, type Column } from './table';

/** A time as its age in the table ("3m ago"), exactly in CSV. */
const ageColumn = (title: string, field: string, now: Date): Column<ViewItem> => ({
  title,
  cell: (kind) => ago(text(kind[field]), now) ?? text(kind[field]),
  full: (kind) => text(kind[field]),
});

const yesNo = (value: unknown): string | undefined => (typeof value === 'boolean' ? (value ? 'yes' : 'no') : undefined);

/** `status`: one row per history kind (of the home, for an organization's archive). `now` is what the ages count back from. */
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

/** Why a poll last failed: its first line in the table, all of it in CSV. */
const errorColumns = (now: Date): readonly Column<ViewItem>[] => [
  { title: 'LAST ERROR', cell: (entry) => firstLine(text(entry.lastError)), full: (entry) => text(entry.lastError), maxWidth: 80 },
  ageColumn('LAST ERROR AT', 'lastErrorAt', now),
];

/** `status` of an organization's archive: one row per account, Region and kind, with why a poll there last failed. */
export function scopedStatusColumns(now: Date): readonly Column<ViewItem>[] {
  return [{ title: 'ACCOUNT', cell: (entry) => text(entry.account) }, { title: 'REGION', cell: (entry) => text(entry.region) }, ...statusColumns(now), ...errorColumns(now)];
}

/**
 * Under the table: the account-Regions whose last poll failed (a broken member), or, for a
 * single-account archive, the kinds whose last poll failed; nothing when none did.
 */
export function failingLines(page: StatusPage, now: Date): string[] {
  const since = (entry: ViewItem): string => {
    const age = ago(text(entry.lastErrorAt), now);
    return age === undefined ? '' : ` ${age}`;
  };
  const organization = page.organization;
  if (organization === undefined) {
    const failing = page.kinds.filter((kind) => text(kind.lastError) !== undefined);
    return failing.length === 0 ? [] : ['', 'Last poll failed:', ...failing.map((kind) => `  ${text(kind.kind) ?? '?'}${since(kind)}: ${firstLine(text(kind.lastError)) ?? ''}`)];
  }
  const { summary } = organization;
  const counts = `${text(summary.scopes) ?? '?'} account-Regions: ${text(summary.scopesFailing) ?? '0'} failing, ${text(summary.scopesNeverPolled) ?? '0'} never polled successfully.`;
  const failing = summary.failing.map((scope) => {
    const kinds = Array.isArray(scope.kinds) ? scope.kinds.filter((kind): kind is string => typeof kind === 'string').join(', ') : '';
    return `  ${text(scope.account) ?? '?'}/${text(scope.region) ?? '?'} (${kinds})${since(scope)}: ${firstLine(text(scope.lastError)) ?? ''}`;
  });
  return ['', counts, ...(failing.length === 0 ? [] : ['Failing:', ...failing])];
}
