import { parseIsoTimestamp } from '../../ssm-protocol/filters';
import { SsmError } from '../../ssm-protocol/errors';
import { INSTANCE_ID_PATTERN } from '../../ssm-protocol/input';
import { storedTimeRange, type TimeRange } from '../../core/archive-reads';
import type { ListingPosition, ListingTokens } from '../../ssm-protocol/paging';
import { isAccountId, isRegionName } from '../../core/scope';
import type { ScopeSelection } from '../read-scope';

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

/** As ApiRequest carries it: a repeated name's values joined with commas. */
export type ViewQuery = Readonly<Record<string, string | undefined>>;

const LIMIT_DEFAULT = 50;
const LIMIT_MAX = 100;

export function checkParameterNames(query: ViewQuery, allowed: readonly string[]): void {
  for (const name of Object.keys(query)) {
    if (!allowed.includes(name)) {
      throw new ViewRequestError(name, `Unknown parameter ${name}: this view takes ${allowed.join(', ')}`);
    }
  }
}

/**
 * A parameter that takes one value. None of the views' values holds a comma (ids, times,
 * names, tokens), so a comma means the parameter was given twice: refused, not a guess at
 * which one was meant.
 */
export function readSingle(query: ViewQuery, name: string): string | undefined {
  const raw = query[name];
  if (raw !== undefined && raw.includes(',')) {
    throw new ViewRequestError(name, `${name} takes one value, got "${raw}" (a repeated ${name} arrives joined with commas)`);
  }
  return raw;
}

/** A parameter that takes several values, comma-separated or repeated (`a,b` or `name=a&name=b`). */
function readList(query: ViewQuery, name: string): string[] | undefined {
  const raw = query[name];
  if (raw === undefined) return undefined;
  const values = raw.split(',').map((value) => value.trim());
  if (values.some((value) => value === '')) {
    throw new ViewRequestError(name, `${name} has an empty value in "${raw}": give one or more values, comma-separated or repeated`);
  }
  return values;
}

/** `limit`: decimal digits only (no 1e2, no 0x10), from 1 to `max`. */
export function readLimit(query: ViewQuery, bounds: { readonly fallback: number; readonly max: number } = { fallback: LIMIT_DEFAULT, max: LIMIT_MAX }): number {
  const raw = readSingle(query, 'limit');
  if (raw === undefined) return bounds.fallback;
  const limit = /^\d{1,4}$/.test(raw) ? Number(raw) : Number.NaN;
  if (!(limit >= 1 && limit <= bounds.max)) {
    throw new ViewRequestError('limit', `limit must be an integer from 1 to ${bounds.max}, got "${raw}"`);
  }
  return limit;
}

/**
 * The kinds spell one status their own way (Run Command's Failed, a window's FAILED; TimedOut
 * and TIMED_OUT): compared with case and underscores ignored, one value finds it in each.
 */
const statusKey = (status: string): string => status.toLowerCase().replace(/_/g, '');

export interface StatusSelection {
  /** Every stored spelling of the statuses asked for (Failed and FAILED for `failed`): what is matched. */
  readonly statuses: ReadonlySet<string>;
  /** The statuses asked for, compared as above and sorted: what a page token is bound to. */
  readonly asQueried: string;
}

/**
 * `status`: one or more Status (or StatusDetails) values of the kinds listed, comma-separated
 * or repeated; an entry matches any of them. Undefined when absent.
 */
export function readStatuses(query: ViewQuery, known: Iterable<string>): StatusSelection | undefined {
  const values = readList(query, 'status');
  if (values === undefined) return undefined;
  const spellings = new Map<string, string[]>();
  for (const status of known) spellings.set(statusKey(status), [...(spellings.get(statusKey(status)) ?? []), status]);
  const statuses = new Set<string>();
  const asked = new Set<string>();
  for (const value of values) {
    const stored = spellings.get(statusKey(value));
    if (stored === undefined) {
      const listed = [...new Set([...spellings.values()].flat())];
      throw new ViewRequestError('status', `status "${value}" is not one of ${listed.join(', ')} (case and underscores ignored)`);
    }
    asked.add(statusKey(value));
    for (const status of stored) statuses.add(status);
  }
  return { statuses, asQueried: [...asked].sort().join(',') };
}

/** The statuses of `selection` that this kind has (its own spelling): what its records are matched against. */
export function statusesOfKind(selection: StatusSelection | undefined, kindStatuses: Readonly<Record<string, unknown>>): readonly string[] | undefined {
  return selection === undefined ? undefined : [...selection.statuses].filter((status) => Object.hasOwn(kindStatuses, status));
}

/** An SSM document (or Automation runbook) name or ARN, as SendCommand and StartAutomationExecution take it. */
const DOCUMENT_NAME = /^[a-zA-Z0-9_\-.:/]{3,128}$/;

/** `documentName`: one SSM document or runbook name, matched exactly (SSM's names are case-sensitive). */
export function readDocumentName(query: ViewQuery): string | undefined {
  const name = readSingle(query, 'documentName');
  if (name !== undefined && !DOCUMENT_NAME.test(name)) {
    throw new ViewRequestError('documentName', `documentName must be an SSM document name (3 to 128 letters, digits and _-.:/), got "${name}"`);
  }
  return name;
}

/** `instanceId`: one managed node (i-... or mi-...). */
export function readInstanceId(query: ViewQuery): string | undefined {
  const instanceId = readSingle(query, 'instanceId');
  if (instanceId !== undefined && !INSTANCE_ID_PATTERN.test(instanceId)) {
    throw new ViewRequestError('instanceId', `instanceId "${instanceId}" is not a managed node id (i-... or mi-...)`);
  }
  return instanceId;
}

/**
 * `account` and `region`: keep the records of one AWS account (12 digits) and of one Region
 * (its name, such as eu-west-1), either or both; records stored before the archive collected
 * other accounts are its home's.
 */
export function readScopeSelection(query: ViewQuery): ScopeSelection {
  const account = readSingle(query, 'account');
  if (account !== undefined && !isAccountId(account)) {
    throw new ViewRequestError('account', `account must be an AWS account id of 12 digits, got "${account}"`);
  }
  const region = readSingle(query, 'region');
  if (region !== undefined && !isRegionName(region)) {
    throw new ViewRequestError('region', `region must be an AWS Region name such as eu-west-1, got "${region}"`);
  }
  return { ...(account !== undefined ? { account } : {}), ...(region !== undefined ? { region } : {}) };
}

/** The view parameters that select accounts and Regions. */
export const SCOPE_PARAMETERS = ['account', 'region'] as const;

export interface TimeWindow {
  /** Inclusive, epoch ms. */
  readonly since?: number;
  /** Exclusive, epoch ms. */
  readonly until?: number;
  /** The same as stored strings; 'empty' never happens (since < until is required). */
  readonly range: TimeRange;
  /**
   * What a page token is bound to: an absolute time as epoch ms, a relative one as written
   * ("7d"), so that the next page's request, sent later, is the same query.
   */
  readonly asQueried: { readonly since: number | string | null; readonly until: number | string | null };
}

/**
 * `since` (inclusive) and `until` (exclusive): ISO 8601, or a time before the archive's clock
 * `now` (30m, 24h, 7d), since before until. A relative time is resolved on each request, so
 * a listing followed page after page keeps its cut-off moving with the clock.
 */
export function readTimeWindow(query: ViewQuery, now: Date): TimeWindow {
  const since = readTime(query, 'since', now);
  const until = readTime(query, 'until', now);
  if (since !== undefined && until !== undefined && since.ms >= until.ms) {
    throw new ViewRequestError('since', `since (${query['since']}) must be before until (${query['until']})`);
  }
  const range = storedTimeRange(since?.ms, until?.ms);
  return {
    ...(since !== undefined ? { since: since.ms } : {}),
    ...(until !== undefined ? { until: until.ms } : {}),
    range: range === 'empty' ? {} : range,
    asQueried: { since: since?.asQueried ?? null, until: until?.asQueried ?? null },
  };
}

const UNIT_MS: Readonly<Record<string, number>> = { m: 60_000, h: 3_600_000, d: 86_400_000 };
/** A count and a unit: 30m, 24h, 7d (at most 9999, so the time stays well inside the archive's years). */
const RELATIVE_TIME = /^(\d+)([a-zA-Z]*)$/;

/** A time as it was asked for: epoch ms, and what a page token binds (the relative text, or the ms). */
export interface AskedTime {
  readonly ms: number;
  readonly asQueried: number | string;
}

/**
 * A `since` or `until` as the views take it: ISO 8601, or a count of minutes, hours or days
 * before `now`. The CLI reads its options with this too, so that a typo is caught before the
 * request. `named` is how the message names the value: `since` and `=` here, `--since` and a
 * space on a command line.
 */
export function parseAskedTime(raw: string, now: Date, named: { readonly name: string; readonly joiner: string }): AskedTime | { readonly problem: string } {
  const asked = `${named.name}${named.joiner}${raw}`;
  const relative = RELATIVE_TIME.exec(raw);
  if (relative !== null) {
    const [, digits = '', unit = ''] = relative;
    const unitMs = UNIT_MS[unit];
    if (unitMs === undefined) {
      const said = unit === '' ? 'has no unit' : `has the unknown unit "${unit}"`;
      return { problem: `${asked} ${said}: a relative time is a count of m (minutes), h (hours) or d (days), such as 30m, 24h or 7d` };
    }
    const count = Number(digits);
    if (!(count >= 1 && count <= 9999)) return { problem: `${asked}: the count must be from 1 to 9999` };
    return { ms: now.getTime() - count * unitMs, asQueried: `${count}${unit}` };
  }
  const ms = parseIsoTimestamp(raw);
  if (ms === undefined) {
    return { problem: `${named.name} must be an ISO 8601 time such as 2026-03-01T08:00:00Z, or a time before now such as 30m, 24h or 7d, got "${raw}"` };
  }
  return { ms, asQueried: ms };
}

function readTime(query: ViewQuery, name: string, now: Date): AskedTime | undefined {
  const raw = readSingle(query, name);
  if (raw === undefined) return undefined;
  const time = parseAskedTime(raw, now, { name, joiner: '=' });
  if ('problem' in time) throw new ViewRequestError(name, time.problem);
  return time;
}

export function readPosition(tokens: ListingTokens, view: string, tokenQuery: unknown, query: ViewQuery): ListingPosition | undefined {
  const token = readSingle(query, 'nextToken');
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
