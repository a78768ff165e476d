import type { ExecutionItem } from '../../core/execution-item';
import type { StatusSelection, TimeWindow } from './parameters';
import { selectsSome, type ScopeSelection } from '../read-scope';
import type { ViewContext } from './view-context';

/**
 * What a view's request selects, once its parameters are read: a time window, statuses, a
 * document, a node. Each listing tests the time and status on its own attributes; the document
 * and node are tested on the entry its kind maps (sources/<kind>/view.ts), so one kind's
 * knowledge of where its records name them is written once.
 */
export interface ViewFilters {
  readonly window: TimeWindow;
  readonly status?: StatusSelection;
  readonly documentName?: string;
  readonly instanceId?: string;
  /** The account and Region asked for; absent: all. The views read through a reader kept to it (scopedContext). */
  readonly scope?: ScopeSelection;
}

/** What a page token is bound to besides the view's own scope: every filter, as the request gave it. */
export function filtersAsQueried(filters: ViewFilters): Record<string, string | number | null> {
  return {
    status: filters.status?.asQueried ?? null,
    since: filters.window.asQueried.since,
    until: filters.window.asQueried.until,
    // Only when given, so that a token issued before these filters existed still reads.
    ...(filters.documentName !== undefined ? { documentName: filters.documentName } : {}),
    ...(filters.instanceId !== undefined ? { instanceId: filters.instanceId } : {}),
    ...(filters.scope?.account !== undefined ? { account: filters.scope.account } : {}),
    ...(filters.scope?.region !== undefined ? { region: filters.scope.region } : {}),
  };
}

/** The filters with the scope asked for, when one is. */
export const withScope = (filters: ViewFilters, scope: ScopeSelection): ViewFilters => (selectsSome(scope) ? { ...filters, scope } : filters);

/** What a view reads with: only the records of the account and Region asked for. */
export const scopedContext = (ctx: ViewContext, filters: ViewFilters): ViewContext =>
  filters.scope === undefined ? ctx : { ...ctx, reader: ctx.reader.within(filters.scope) };

/** Whether DynamoDB filters the listing's reads (a status, a document, a node, a scope): then each read is larger. */
export const filtersReads = (filters: ViewFilters): boolean =>
  filters.status !== undefined || filters.documentName !== undefined || filters.instanceId !== undefined || filters.scope !== undefined;

/** A stored time (ISO 8601) inside the window; a missing or unreadable time is outside any bound. */
export function inWindow(time: unknown, window: TimeWindow): boolean {
  const ms = Date.parse(typeof time === 'string' ? time : '');
  if (window.since !== undefined && !(ms >= window.since)) return false;
  if (window.until !== undefined && !(ms < window.until)) return false;
  return true;
}

/** Whether any of the attributes holds one of the statuses asked for (any, when none is). */
export function statusMatches(item: Readonly<Record<string, unknown>>, attributes: readonly string[], status: StatusSelection | undefined): boolean {
  return status === undefined || attributes.some((attribute) => typeof item[attribute] === 'string' && status.statuses.has(item[attribute]));
}

/** The entry names the document and the node asked for (its documentName and instanceId). */
export function namesMatch(entry: ExecutionItem, filters: ViewFilters): boolean {
  return (filters.documentName === undefined || entry.documentName === filters.documentName) && (filters.instanceId === undefined || entry.instanceId === filters.instanceId);
}
