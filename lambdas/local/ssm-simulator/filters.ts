import { SsmError, validationError } from './errors';
import { isJsonObject } from './input';

/** The fields a CommandFilter can test, for a command or an invocation. */
export interface FilterSubject {
  readonly requestedAt: number;
  readonly documentName: string;
  readonly status: string;
  readonly statusDetails: string;
  readonly terminal: boolean;
}

export type FilterApi = 'ListCommands' | 'ListCommandInvocations';
export type FilterPredicate = (subject: FilterSubject) => boolean;

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

const MAX_FILTERS = 5;
/** ISO 8601 date or date-time, e.g. 2021-07-07 or 2021-07-07T00:00:00Z. */
const ISO_TIMESTAMP = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

/**
 * Parses the Filters member into one predicate (all filters must hold). Bad keys are
 * InvalidFilterKey, bad values InvalidFilterValue, a list outside 1..5 ValidationException.
 */
export function parseCommandFilters(raw: readonly unknown[] | undefined, api: FilterApi): FilterPredicate {
  if (raw === undefined) return () => true;
  if (raw.length < 1 || raw.length > MAX_FILTERS) {
    throw validationError(
      `Value at 'filters' failed to satisfy constraint: Member must have length ${raw.length < 1 ? 'greater than or equal to 1' : `less than or equal to ${MAX_FILTERS}`}`,
    );
  }
  const predicates = raw.map((filter) => parseOne(filter, api));
  return (subject) => predicates.every((p) => p(subject));
}

function parseOne(filter: unknown, api: FilterApi): FilterPredicate {
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
    case 'InvokedAfter': {
      const at = parseTimestamp(key, value);
      return (s) => s.requestedAt >= at;
    }
    case 'InvokedBefore': {
      const at = parseTimestamp(key, value);
      return (s) => s.requestedAt < at;
    }
    case 'Status': {
      if (!STATUS_VALUES[api].has(value)) throw new SsmError('InvalidFilterValue', `${value} is not a valid Status filter value for ${api}`);
      return (s) => statusMatches(value, s);
    }
    case 'DocumentName':
      return (s) => s.documentName === value;
    case 'ExecutionStage': {
      if (value === 'Executing') return (s) => !s.terminal;
      if (value === 'Complete') return (s) => s.terminal;
      throw new SsmError('InvalidFilterValue', `${value} is not a valid ExecutionStage filter value (Executing | Complete)`);
    }
    default:
      throw new SsmError('InvalidFilterKey', `${key} is not a valid filter key for ${api}`);
  }
}

/** A value matches Status or StatusDetails; TimedOut covers both kinds of timeout. */
function statusMatches(value: string, s: FilterSubject): boolean {
  if (value === s.status || value === s.statusDetails) return true;
  return value === 'TimedOut' && (s.statusDetails === 'DeliveryTimedOut' || s.statusDetails === 'ExecutionTimedOut');
}

function parseTimestamp(key: string, value: string): number {
  const ms = ISO_TIMESTAMP.test(value) ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(ms)) throw new SsmError('InvalidFilterValue', `${key} value ${value} is not an ISO 8601 timestamp`);
  return ms;
}
