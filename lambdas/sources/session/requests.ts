import { SsmError, validationError } from '../../ssm-protocol/errors';
import { parseIsoTimestamp } from '../../ssm-protocol/filters';
import { isJsonObject, optionalArray, optionalInteger, optionalString, type JsonObject } from '../../ssm-protocol/input';

/**
 * DescribeSessions' request, read and checked as its API reference gives it: State (Active or
 * History) required; Filters, 1 to 6 of { key, value } (lower case, unlike SSM's other
 * filters) on InvokedAfter, InvokedBefore, Target, Owner, Status, SessionId, AccessType, values
 * of 1 to 400 characters, ANDed; MaxResults 1 to 200. The reference gives no default page size
 * and no order: the archive and the simulator answer 20 per page (the console's own page),
 * newest StartDate first, then SessionId.
 */
export const SESSION_PAGE_MAX = 200;
export const SESSION_PAGE_DEFAULT = 20;
export const SESSION_FILTER_KEYS = ['InvokedAfter', 'InvokedBefore', 'Target', 'Owner', 'Status', 'SessionId', 'AccessType'] as const;
export type SessionFilterKey = (typeof SESSION_FILTER_KEYS)[number];
export const SESSION_STATUS_VALUES = ['Connected', 'Connecting', 'Disconnected', 'Terminated', 'Terminating', 'Failed'] as const;
export const ACCESS_TYPE_VALUES = ['Standard', 'JustInTime'] as const;
const SESSION_FILTER_VALUE_MAX = 400;
const SESSION_FILTERS_MAX = 6;

export interface SessionFilter {
  readonly key: SessionFilterKey;
  readonly value: string;
  /** For InvokedAfter and InvokedBefore: the value as epoch ms. */
  readonly at?: number;
}

export interface SessionListing {
  readonly state: 'Active' | 'History';
  readonly filters: readonly SessionFilter[];
  readonly maxResults: number;
  readonly nextToken: string | undefined;
  readonly tokenQuery: object;
}

/** What the filters test of a session: its fields as SSM returns them (StartDate as epoch ms). */
export interface SessionFilterSubject {
  readonly sessionId?: string;
  readonly target?: string;
  readonly owner?: string;
  readonly status?: string;
  readonly accessType?: string;
  readonly startDate?: number;
}

export function readDescribeSessions(input: JsonObject): SessionListing {
  const state = optionalString(input, 'State');
  if (state === undefined) throw validationError("Value null at 'state' failed to satisfy constraint: Member must not be null");
  if (state !== 'Active' && state !== 'History') {
    throw validationError(`Value '${state}' at 'state' failed to satisfy constraint: Member must satisfy enum value set: [Active, History]`);
  }
  const raw = optionalArray(input, 'Filters');
  if (raw !== undefined && raw.length < 1) {
    throw validationError("Value at 'filters' failed to satisfy constraint: Member must have length greater than or equal to 1");
  }
  if (raw !== undefined && raw.length > SESSION_FILTERS_MAX) {
    throw validationError(`Value at 'filters' failed to satisfy constraint: Member must have length less than or equal to ${SESSION_FILTERS_MAX}`);
  }
  const filters = (raw ?? []).map((filter, index): SessionFilter => {
    if (!isJsonObject(filter)) throw new SsmError('InvalidFilterKey', 'Each filter must be an object with key and value');
    const { key, value } = filter;
    if (typeof key !== 'string' || !(SESSION_FILTER_KEYS as readonly string[]).includes(key)) {
      throw validationError(
        `Value '${String(key)}' at 'filters.${index + 1}.member.key' failed to satisfy constraint: Member must satisfy enum value set: [${SESSION_FILTER_KEYS.join(', ')}]`,
      );
    }
    if (typeof value !== 'string' || value.length < 1 || value.length > SESSION_FILTER_VALUE_MAX) {
      throw validationError(`Value at 'filters.${index + 1}.member.value' failed to satisfy constraint: Member must have length between 1 and ${SESSION_FILTER_VALUE_MAX}`);
    }
    const filterKey = key as SessionFilterKey;
    if (filterKey === 'InvokedAfter' || filterKey === 'InvokedBefore') {
      const at = parseIsoTimestamp(value);
      if (at === undefined) throw new SsmError('InvalidFilterValue', `${filterKey} value ${value} is not a timestamp such as 2024-08-29T00:00:00Z`);
      return { key: filterKey, value, at };
    }
    if (filterKey === 'Status' && !(SESSION_STATUS_VALUES as readonly string[]).includes(value)) {
      throw new SsmError('InvalidFilterValue', `Status value ${value} is not one of ${SESSION_STATUS_VALUES.join(', ')}`);
    }
    if (filterKey === 'AccessType' && !(ACCESS_TYPE_VALUES as readonly string[]).includes(value)) {
      throw new SsmError('InvalidFilterValue', `AccessType value ${value} is not one of ${ACCESS_TYPE_VALUES.join(', ')}`);
    }
    return { key: filterKey, value };
  });
  return {
    state,
    filters,
    maxResults: optionalInteger(input, 'MaxResults', 1, SESSION_PAGE_MAX) ?? SESSION_PAGE_DEFAULT,
    nextToken: optionalString(input, 'NextToken'),
    tokenQuery: { state, filters: input['Filters'] ?? null },
  };
}

/** Whether a session passes every filter (they are ANDed). InvokedAfter includes its instant, InvokedBefore excludes it. */
export function matchesSessionFilters(filters: readonly SessionFilter[], session: SessionFilterSubject): boolean {
  return filters.every((filter) => {
    switch (filter.key) {
      case 'InvokedAfter':
        return session.startDate !== undefined && session.startDate >= (filter.at ?? 0);
      case 'InvokedBefore':
        return session.startDate !== undefined && session.startDate < (filter.at ?? 0);
      case 'Target':
        return session.target === filter.value;
      case 'Owner':
        return session.owner === filter.value;
      case 'Status':
        return session.status === filter.value;
      case 'SessionId':
        return session.sessionId === filter.value;
      case 'AccessType':
        return (session.accessType ?? 'Standard') === filter.value;
    }
  });
}

/** The range of StartDate the filters allow, as epoch ms: [from, before). */
export function invokedRange(filters: readonly SessionFilter[]): { from?: number; before?: number } {
  let from: number | undefined;
  let before: number | undefined;
  for (const filter of filters) {
    if (filter.key === 'InvokedAfter' && filter.at !== undefined) from = from === undefined ? filter.at : Math.max(from, filter.at);
    if (filter.key === 'InvokedBefore' && filter.at !== undefined) before = before === undefined ? filter.at : Math.min(before, filter.at);
  }
  return { ...(from !== undefined ? { from } : {}), ...(before !== undefined ? { before } : {}) };
}
