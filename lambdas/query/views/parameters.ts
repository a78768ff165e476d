import { parseIsoTimestamp } from '../../ssm-protocol/filters';
import { SsmError } from '../../ssm-protocol/errors';
import { runCommandStatuses } from '../../sources/run-command/statuses';
import { storedTimeRange, type FilterClause, type ItemFilter, type TimeRange } from '../../core/archive-reads';
import type { ListingPosition, ListingTokens } from '../../ssm-protocol/paging';

/**
 * The archive views' query parameters (camelCase), checked strictly: an unknown parameter,
 * a bad value or a bad token is a 400 that names the parameter, never a guess.
 */
export class ViewRequestError extends Error {
  constructor(
    readonly parameter: string,
    message: string,
  ) {
    super(message);
    this.name = 'ViewRequestError';
  }
}

export type ViewQuery = Readonly<Record<string, string | undefined>>;

const LIMIT_DEFAULT = 50;
const LIMIT_MAX = 100;

/** Every status the archive knows: SSM's Status values and the StatusDetails values used as statuses. */
const STATUSES: ReadonlySet<string> = new Set(Object.keys(runCommandStatuses));

export function checkParameterNames(query: ViewQuery, allowed: readonly string[]): void {
  for (const name of Object.keys(query)) {
    if (!allowed.includes(name)) {
      throw new ViewRequestError(name, `Unknown parameter ${name}: this view takes ${allowed.join(', ')}`);
    }
  }
}

/** `limit`: decimal digits only (no 1e2, no 0x10), from 1 to `max`. */
export function readLimit(query: ViewQuery, bounds: { readonly fallback: number; readonly max: number } = { fallback: LIMIT_DEFAULT, max: LIMIT_MAX }): number {
  const raw = query['limit'];
  if (raw === undefined) return bounds.fallback;
  const limit = /^\d{1,4}$/.test(raw) ? Number(raw) : Number.NaN;
  if (!(limit >= 1 && limit <= bounds.max)) {
    throw new ViewRequestError('limit', `limit must be an integer from 1 to ${bounds.max}, got "${raw}"`);
  }
  return limit;
}

/** `status`: a Status or StatusDetails value, matched exactly. */
export function readStatus(query: ViewQuery, statuses: ReadonlySet<string> = STATUSES): string | undefined {
  const status = query['status'];
  if (status === undefined) return undefined;
  if (!statuses.has(status)) {
    throw new ViewRequestError('status', `status "${status}" is not one of ${[...statuses].join(', ')}`);
  }
  return status;
}

export interface TimeWindow {
  /** Inclusive, epoch ms. */
  readonly since?: number;
  /** Exclusive, epoch ms. */
  readonly until?: number;
  /** The same as stored strings; 'empty' never happens (since < until is required). */
  readonly range: TimeRange;
}

/** `since` (inclusive) and `until` (exclusive), ISO 8601, since before until. */
export function readTimeWindow(query: ViewQuery): TimeWindow {
  const since = readTime(query, 'since');
  const until = readTime(query, 'until');
  if (since !== undefined && until !== undefined && since >= until) {
    throw new ViewRequestError('since', `since (${query['since']}) must be before until (${query['until']})`);
  }
  const range = storedTimeRange(since, until);
  return { ...(since !== undefined ? { since } : {}), ...(until !== undefined ? { until } : {}), range: range === 'empty' ? {} : range };
}

function readTime(query: ViewQuery, name: string): number | undefined {
  const raw = query[name];
  if (raw === undefined) return undefined;
  const ms = parseIsoTimestamp(raw);
  if (ms === undefined) throw new ViewRequestError(name, `${name} must be an ISO 8601 time such as 2024-06-03T09:00:00Z, got "${raw}"`);
  return ms;
}

/** Status or StatusDetails equal to the value. */
export function statusFilter(status: string | undefined): ItemFilter {
  if (status === undefined) return [];
  const clause: FilterClause = { anyOf: [{ attribute: 'Status', oneOf: [status] }, { attribute: 'StatusDetails', oneOf: [status] }] };
  return [clause];
}

export function readPosition(tokens: ListingTokens, view: string, tokenQuery: unknown, query: ViewQuery): ListingPosition | undefined {
  const token = query['nextToken'];
  if (token === undefined) return undefined;
  try {
    const position = tokens.read(view, tokenQuery, token);
    if (position.time === '') throw new SsmError('InvalidNextToken', 'no position');
    return position;
  } catch (error) {
    if (error instanceof SsmError) {
      throw new ViewRequestError('nextToken', 'nextToken is not valid: it was altered, or was issued for another query or another archive');
    }
    throw error;
  }
}
