import type { AlertDescriptions, DailyFailures } from '../../core/alert-content';
import type { RecordKind } from '../../core/model';
import { FAILURE_ATTRIBUTES, FAILURE_INDEX, keyNames, schemaOf, type RecordKey, type TableId } from '../../core/table-schema';
import { tableIds, tableSchemas } from '../../sources/tables';
import type { FailureDayStore } from '../../store/failure-days';
import { archiveAttributes, type StoredItem } from '../../store/record-store';
import { mergedWalks, positionOfEntry, type MergedEntry, type MergedWalk } from './merged-walks';
import { checkParameterNames, readLimit, readPosition, readScopeSelection, readSingle, SCOPE_PARAMETERS, ViewRequestError, type ViewQuery } from './parameters';
import type { ViewContext } from './view-context';
import { SCOPE_ATTRIBUTES } from '../../core/scope';
import { selectsSome } from '../read-scope';

/**
 * The archive's failures that alert, found by the failure index every alerting table carries:
 * GET /failures/daily (how many a day, by kind) and GET /alerts (the alerts sent, newest
 * first, each as its alert said it).
 */

/**
 * GET /alerts' items: the alert's body and subject, when it was published and SNS's message
 * id, and the account and Region of the failed record.
 */
export type AlertItem = Readonly<Record<string, unknown>> & {
  readonly account?: string;
  readonly region?: string;
  readonly subject: string;
  readonly publishedAt: string;
  readonly messageId?: string;
};

export interface AlertPage {
  readonly items: readonly AlertItem[];
  readonly nextToken?: string;
}


/** The tables that carry the failure index: those whose records alert. */
export const FAILURE_TABLES: readonly TableId[] = tableIds.filter((table) =>
  (tableSchemas[table].indexes as readonly { name: string }[]).some((index) => index.name === FAILURE_INDEX.name),
);

const ORDER = { time: FAILURE_ATTRIBUTES.at, id: FAILURE_ATTRIBUTES.id };
const DAY_MS = 86_400_000;
const DAYS = { fallback: 14, max: 90 } as const;
const ALERT_LIMIT = { fallback: 20, max: 100 } as const;

function kindsOf(descriptions: AlertDescriptions): { table: TableId; kind: RecordKind }[] {
  return FAILURE_TABLES.flatMap((table) => {
    const kind = descriptions.kindOf(table);
    return kind === undefined ? [] : [{ table, kind }];
  });
}

/**
 * GET /failures/daily?days=N: failures that alert per UTC day and kind, the last N days
 * (default 14, at most 90), as the collector counted them when it first stored each: one
 * BatchGetItem of N keys, whatever the failures' number.
 */
export async function dailyFailures(query: ViewQuery, ctx: ViewContext, failureDays: Pick<FailureDayStore, 'days'>, descriptions: AlertDescriptions): Promise<DailyFailures> {
  checkParameterNames(query, ['days']);
  const days = readBoundedCount(query, 'days', DAYS);
  const now = ctx.now();
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  const dayNames = Array.from({ length: days }, (_, index) => new Date(today - (days - 1 - index) * DAY_MS).toISOString().slice(0, 10));
  const kinds = kindsOf(descriptions).map(({ kind }) => kind);
  const counted = await failureDays.days(dayNames);
  return {
    kinds,
    days: counted.map(({ day, counts }) => ({ day, counts: Object.fromEntries(kinds.map((kind) => [kind, counts[kind] ?? 0])) })),
  };
}

/**
 * GET /alerts?limit=N&kind=K&account=A&region=R&nextToken=T: the alerts the archive sent,
 * newest failure first, each as its alert said it (rebuilt from the record; the children an
 * alert names, such as a failed step, are those of the record only), with where the record
 * lives; `account` and `region` keep the failures of one account, one Region or both.
 * Failures stored without an alert (too old when first archived, or a publish still pending)
 * are left out.
 */
export async function latestAlerts(query: ViewQuery, viewContext: ViewContext, descriptions: AlertDescriptions): Promise<AlertPage> {
  checkParameterNames(query, ['limit', 'kind', ...SCOPE_PARAMETERS, 'nextToken']);
  const limit = readLimit(query, ALERT_LIMIT);
  const kind = readSingle(query, 'kind');
  const scope = readScopeSelection(query);
  // The failure index holds keys only: each failure's record is read by key below, by a reader kept to the scope.
  const ctx = selectsSome(scope) ? { ...viewContext, reader: viewContext.reader.within(scope) } : viewContext;
  const all = kindsOf(descriptions);
  const tables = kind === undefined ? all : all.filter((entry) => entry.kind === kind);
  if (tables.length === 0) {
    throw new ViewRequestError('kind', `kind must be one of ${all.map((entry) => entry.kind).join(', ')}, got "${kind ?? ''}"`);
  }
  // Bound to the scope only when one is asked for, so that tokens issued before scopes existed still read.
  const tokenQuery = { kind: kind ?? null, ...scope };
  const after = readPosition(ctx.tokens, 'alerts', tokenQuery, query);
  if (after !== undefined && !tables.some(({ table }) => table === after.within)) {
    throw new ViewRequestError('nextToken', 'nextToken is not valid: it was issued for another query');
  }
  const walks: MergedWalk<TableId>[] = tables.map(({ table }) => ({
    kind: table,
    time: ORDER.time,
    id: ORDER.id,
    open: (start) => ctx.reader.byYearNewestFirst(table, FAILURE_INDEX.name, ORDER, { ...(start ? { start } : {}), pageSize: limit + 1, recordsReadByKey: true }),
  }));
  const found: { entry: MergedEntry<TableId>; item: AlertItem }[] = [];
  let batch: MergedEntry<TableId>[] = [];
  const readBatch = async (): Promise<void> => {
    const records = await Promise.all(batch.map((entry) => ctx.reader.getRecord(entry.kind, keyOf(entry))));
    batch.forEach((entry, index) => {
      const item = alertItem(entry.kind, records[index], descriptions);
      if (item !== undefined) found.push({ entry, item });
    });
    batch = [];
  };
  for await (const entry of mergedWalks(walks, after)) {
    batch.push(entry);
    if (batch.length > limit - found.length) {
      await readBatch();
      if (found.length > limit) break;
    }
  }
  if (found.length <= limit && batch.length > 0) await readBatch();
  const page = found.slice(0, limit);
  const last = page.at(-1);
  return {
    items: page.map(({ item }) => item),
    ...(found.length > limit && last !== undefined ? { nextToken: ctx.tokens.issue('alerts', tokenQuery, positionOfEntry(last.entry)) } : {}),
  };
}

function keyOf(entry: MergedEntry<TableId>): RecordKey {
  const names = keyNames(schemaOf(tableSchemas, entry.kind));
  return Object.fromEntries(names.map((name) => [name, String(entry.item[name])]));
}

function alertItem(table: TableId, record: StoredItem | undefined, descriptions: AlertDescriptions): AlertItem | undefined {
  if (record === undefined || record[archiveAttributes.alertState] !== 'sent') return undefined;
  const alert = descriptions.describe(table, record);
  if (alert === undefined) return undefined;
  const messageId = record[archiveAttributes.alertMessageId];
  // Where the record lives, over the body's `region` (the Region the alerts engine was given): a member's failure is elsewhere.
  const where = (name: string): Record<string, string> => (typeof record[name] === 'string' ? { [name]: record[name] } : {});
  return {
    ...alert.body,
    ...where(SCOPE_ATTRIBUTES.account),
    ...where(SCOPE_ATTRIBUTES.region),
    subject: alert.subject,
    publishedAt: String(record[archiveAttributes.alertSentAt] ?? ''),
    ...(typeof messageId === 'string' ? { messageId } : {}),
  };
}

/** A whole number from 1 to `max`, decimal digits only. */
function readBoundedCount(query: ViewQuery, name: string, bounds: { readonly fallback: number; readonly max: number }): number {
  const raw = readSingle(query, name);
  if (raw === undefined) return bounds.fallback;
  if (!/^\d{1,4}$/.test(raw) || Number(raw) < 1 || Number(raw) > bounds.max) {
    throw new ViewRequestError(name, `${name} must be a whole number from 1 to ${bounds.max}, got "${raw}"`);
  }
  return Number(raw);
}
