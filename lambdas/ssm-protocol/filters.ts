import { SsmError, validationError } from './errors';
import { isJsonObject } from './input';

/**
 * Run Command's CommandFilter (ListCommands, ListCommandInvocations): which keys each
 * operation takes, what values they accept, and what they match. Parsed once into plain
 * data, so the simulator can test its records in memory and the archive can turn the same
 * filters into DynamoDB key conditions and filter expressions.
 */
export type FilterApi = 'ListCommands' | 'ListCommandInvocations';

export type ExecutionStage = 'Executing' | 'Complete';

/** One filter of a request, checked. Times are epoch ms. */
export type CommandFilter =
  | { readonly key: 'InvokedAfter'; readonly at: number }
  | { readonly key: 'InvokedBefore'; readonly at: number }
  | { readonly key: 'Status'; readonly value: string }
  | { readonly key: 'DocumentName'; readonly value: string }
  | { readonly key: 'ExecutionStage'; readonly value: ExecutionStage };

/** The fields a CommandFilter can test, for a command or an invocation. */
export interface FilterSubject {
  readonly requestedAt: number;
  readonly documentName: string;
  readonly status: string;
  readonly statusDetails: string;
  readonly terminal: boolean;
}

/** Status values the API reference lists for each operation's Status filter. */
const STATUS_VALUES: Record<FilterApi, ReadonlySet<string>> = {
  ListCommands: new Set([
    'Pending', 'InProgress', 'Success', 'Cancelled', 'Failed', 'TimedOut', 'AccessDenied',
    'DeliveryTimedOut', 'ExecutionTimedOut', 'Incomplete', 'NoInstancesInTag', 'LimitExceeded',
  ]),
  ListCommandInvocations: new Set([
    'Pending', 'InProgress', 'Delayed', 'Success', 'Cancelled', 'Failed', 'TimedOut', 'AccessDenied',
    'DeliveryTimedOut', 'ExecutionTimedOut', 'Undeliverable', 'InvalidPlatform', 'Terminated',
  ]),
};

const KEYS: Record<FilterApi, ReadonlySet<string>> = {
  ListCommands: new Set(['InvokedAfter', 'InvokedBefore', 'Status', 'ExecutionStage', 'DocumentName']),
  ListCommandInvocations: new Set(['InvokedAfter', 'InvokedBefore', 'Status', 'DocumentName']),
};

/**
 * A Status filter value matches a record whose Status or StatusDetails equals it; these
 * values also match the StatusDetails listed ("TimedOut (this includes both Delivery and
 * Execution time outs)", API reference).
 */
const STATUS_FILTER_ALSO_MATCHES: Readonly<Record<string, readonly string[]>> = {
  TimedOut: ['DeliveryTimedOut', 'ExecutionTimedOut'],
};

/** Command statuses of a command still running: ExecutionStage Executing; all others are Complete. */
export const EXECUTING_COMMAND_STATUSES: readonly string[] = ['Pending', 'InProgress', 'Cancelling'];

const MAX_FILTERS = 5;
/** CommandFilterValue's length constraint in SSM's API model. */
const MAX_VALUE_LENGTH = 128;
/** ISO 8601 date or date-time, e.g. 2021-07-07 or 2021-07-07T00:00:00Z. */
const ISO_TIMESTAMP = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

/**
 * Parses the Filters member. A list outside 1..5 or a value over 128 characters is
 * ValidationException (the model's constraints, checked before the filters' meaning), a bad
 * key InvalidFilterKey, a bad value InvalidFilterValue.
 */
export function parseCommandFilters(raw: readonly unknown[] | undefined, api: FilterApi): readonly CommandFilter[] {
  if (raw === undefined) return [];
  if (raw.length < 1 || raw.length > MAX_FILTERS) {
    throw validationError(
      `Value at 'filters' failed to satisfy constraint: Member must have length ${raw.length < 1 ? 'greater than or equal to 1' : `less than or equal to ${MAX_FILTERS}`}`,
    );
  }
  raw.forEach((filter, index) => {
    const value = isJsonObject(filter) ? filter['value'] : undefined;
    if (typeof value === 'string' && value.length > MAX_VALUE_LENGTH) {
      throw validationError(
        `Value '${value}' at 'filters.${index + 1}.member.value' failed to satisfy constraint: Member must have length less than or equal to ${MAX_VALUE_LENGTH}`,
      );
    }
  });
  return raw.map((filter) => parseOne(filter, api));
}

function parseOne(filter: unknown, api: FilterApi): CommandFilter {
  if (!isJsonObject(filter)) throw new SsmError('InvalidFilterKey', 'Each filter must be an object with key and value');
  const key = filter['key'];
  const value = filter['value'];
  if (typeof key !== 'string' || !KEYS[api].has(key)) {
    throw new SsmError('InvalidFilterKey', `${String(key)} is not a valid filter key for ${api}`);
  }
  if (typeof value !== 'string' || value.length === 0) {
    throw new SsmError('InvalidFilterValue', `Filter ${key} needs a non-empty value`);
  }
  switch (key) {
    case 'InvokedAfter':
    case 'InvokedBefore':
      return { key, at: parseTimestamp(key, value) };
    case 'Status':
      if (!STATUS_VALUES[api].has(value)) throw new SsmError('InvalidFilterValue', `${value} is not a valid Status filter value for ${api}`);
      return { key, value };
    case 'DocumentName':
      return { key, value };
    case 'ExecutionStage':
      if (value === 'Executing' || value === 'Complete') return { key, value };
      throw new SsmError('InvalidFilterValue', `${value} is not a valid ExecutionStage filter value (Executing | Complete)`);
    default:
      throw new SsmError('InvalidFilterKey', `${key} is not a valid filter key for ${api}`);
  }
}

/** True when the subject passes every filter (SSM ANDs them). */
export function matchesFilters(filters: readonly CommandFilter[], subject: FilterSubject): boolean {
  return filters.every((filter) => matchesFilter(filter, subject));
}

function matchesFilter(filter: CommandFilter, s: FilterSubject): boolean {
  switch (filter.key) {
    case 'InvokedAfter':
      return s.requestedAt >= filter.at;
    case 'InvokedBefore':
      return s.requestedAt < filter.at;
    case 'Status': {
      const { statuses, details } = statusFilterValues(filter.value);
      return statuses.includes(s.status) || details.includes(s.statusDetails);
    }
    case 'DocumentName':
      return s.documentName === filter.value;
    case 'ExecutionStage':
      return filter.value === 'Complete' ? s.terminal : !s.terminal;
  }
}

/** What a Status filter value matches: these Status values, or these StatusDetails values. */
export function statusFilterValues(value: string): { statuses: readonly string[]; details: readonly string[] } {
  return { statuses: [value], details: [value, ...(STATUS_FILTER_ALSO_MATCHES[value] ?? [])] };
}

/**
 * The RequestedDateTime range the filters allow, as epoch ms: from (inclusive, the latest
 * InvokedAfter) and before (exclusive, the earliest InvokedBefore).
 */
export function requestedTimeRange(filters: readonly CommandFilter[]): { from?: number; before?: number } {
  let from: number | undefined;
  let before: number | undefined;
  for (const filter of filters) {
    if (filter.key === 'InvokedAfter') from = from === undefined ? filter.at : Math.max(from, filter.at);
    if (filter.key === 'InvokedBefore') before = before === undefined ? filter.at : Math.min(before, filter.at);
  }
  return { ...(from !== undefined ? { from } : {}), ...(before !== undefined ? { before } : {}) };
}

/**
 * ISO 8601 to epoch ms. A date-time without a zone is read as UTC, as AWS does, not in the
 * local time zone of whatever machine parses it.
 */
export function parseIsoTimestamp(value: string): number | undefined {
  if (!ISO_TIMESTAMP.test(value)) return undefined;
  const zoned = value.includes('T') && !/(Z|[+-]\d{2}:?\d{2})$/.test(value) ? `${value}Z` : value;
  const ms = Date.parse(zoned);
  return Number.isNaN(ms) ? undefined : ms;
}

function parseTimestamp(key: string, value: string): number {
  const ms = parseIsoTimestamp(value);
  if (ms === undefined) throw new SsmError('InvalidFilterValue', `${key} value ${value} is not an ISO 8601 timestamp`);
  return ms;
}
