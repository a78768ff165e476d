import { validationError } from '../../ssm-protocol/errors';
import { parseIsoTimestamp } from '../../ssm-protocol/filters';
import { AWS_EXAMPLE_UUID_PATTERN, camel, isJsonObject, MW_UUID_PATTERN, WINDOW_ID_PATTERN, optionalArray, optionalInteger, optionalString, requiredString, type JsonObject } from '../../ssm-protocol/input';

/**
 * The requests of Maintenance Windows' read API (DescribeMaintenanceWindows,
 * DescribeMaintenanceWindowExecutions, DescribeMaintenanceWindowExecutionTasks,
 * DescribeMaintenanceWindowExecutionTaskInvocations), read and checked. Shared by the
 * simulator and the archive's SSM-compatible endpoint, so both refuse the same requests
 * with the same errors.
 *
 * Filters are MaintenanceWindowFilter { Key, Values[] } (0..5 of them). The model gives Key
 * no enum (a string of 1..128 characters) and none of these operations lists
 * InvalidFilterKey/InvalidFilterValue among its errors (DescribeMaintenanceWindowExecutionTasks' API reference: only
 * DoesNotExistException and InternalServerError), so an unsupported key or value can only be
 * the common ValidationException; that is what is thrown here. Values of one filter are
 * ORed, filters ANDed.
 *
 * Decisions where AWS's documentation is silent:
 * - MaxResults is 10..100 (the model); when omitted the page holds MW_DEFAULT_MAX_RESULTS (10,
 *   the model's minimum): SSM does not document its default.
 * - ExecutedAfter is inclusive and ExecutedBefore exclusive on the execution's StartTime,
 *   as Run Command's InvokedAfter/InvokedBefore.
 * - STATUS values are matched case-sensitively (the documented values are upper case).
 * - Name (DescribeMaintenanceWindows) matches the whole name; Enabled takes true/false in any case.
 * - WindowExecutionId and TaskId must match SSM's UUID pattern, except that AWS's own
 *   documentation placeholders (a UUID whose last group is 5 hex digits then "EXAMPLE", e.g.
 *   a06e9f91-3b9c-4c3e-8bd4-246ccEXAMPLE from the DescribeMaintenanceWindowExecutionTasks
 *   sample) are accepted too, by both implementations alike, so that AWS's sample responses
 *   can be served and archived. SSM itself would refuse them.
 */

/** MaintenanceWindowMaxResults: 10..100. */
export const MW_MIN_MAX_RESULTS = 10;
export const MW_MAX_MAX_RESULTS = 100;
/** Page size when MaxResults is omitted (SSM does not document its own). */
export const MW_DEFAULT_MAX_RESULTS = 10;
/** MaintenanceWindowFilterList: 0..5 filters. */
export const MW_MAX_FILTERS = 5;
const MAX_KEY_LENGTH = 128;
const MAX_VALUE_LENGTH = 256;


/** The STATUS filter's values (DescribeMaintenanceWindowExecutionTasks / ...TaskInvocations). */
export const MW_STATUS_FILTER_VALUES = ['PENDING', 'IN_PROGRESS', 'SUCCESS', 'FAILED', 'TIMED_OUT', 'CANCELLING', 'CANCELLED'] as const;
export type MaintenanceWindowStatusFilterValue = (typeof MW_STATUS_FILTER_VALUES)[number];

export const WINDOW_FILTER_KEYS = ['Name', 'Enabled'] as const;
export const WINDOW_EXECUTION_FILTER_KEYS = ['ExecutedBefore', 'ExecutedAfter'] as const;
export const TASK_FILTER_KEYS = ['STATUS'] as const;

/** One filter, checked. */
export type MaintenanceWindowFilter =
  | { readonly key: 'Name'; readonly values: readonly string[] }
  | { readonly key: 'Enabled'; readonly values: readonly boolean[] }
  | { readonly key: 'ExecutedBefore' | 'ExecutedAfter'; readonly values: readonly string[]; /** epoch ms */ readonly times: readonly number[] }
  | { readonly key: 'STATUS'; readonly values: readonly MaintenanceWindowStatusFilterValue[] };

interface Paging {
  readonly filters: readonly MaintenanceWindowFilter[];
  readonly maxResults: number;
  readonly nextToken: string | undefined;
  /** What a NextToken is bound to: the same ids and filters (MaxResults may change between pages). */
  readonly tokenQuery: object;
}

export type MaintenanceWindowListing = Paging;

export interface WindowExecutionListing extends Paging {
  readonly windowId: string;
}

export interface WindowExecutionTaskListing extends Paging {
  readonly windowExecutionId: string;
}

export interface TaskInvocationListing extends Paging {
  readonly windowExecutionId: string;
  /** The task execution's id (TaskExecutionId in the task listing). */
  readonly taskId: string;
}

/** The fields a MaintenanceWindowFilter can test; a filter on an absent field does not match. */
export interface MaintenanceWindowFilterSubject {
  readonly name?: string;
  readonly enabled?: boolean;
  /** Epoch ms. */
  readonly startTime?: number;
  readonly status?: string;
}

export function readDescribeMaintenanceWindows(input: JsonObject): MaintenanceWindowListing {
  const filters = parseFilters(optionalArray(input, 'Filters'), WINDOW_FILTER_KEYS);
  return { filters, ...paging(input), tokenQuery: { filters: input['Filters'] ?? null } };
}

export function readDescribeMaintenanceWindowExecutions(input: JsonObject): WindowExecutionListing {
  const windowId = requiredString(input, 'WindowId');
  checkWindowId('WindowId', windowId);
  const filters = parseFilters(optionalArray(input, 'Filters'), WINDOW_EXECUTION_FILTER_KEYS);
  return { windowId, filters, ...paging(input), tokenQuery: { windowId, filters: input['Filters'] ?? null } };
}

export function readDescribeMaintenanceWindowExecutionTasks(input: JsonObject): WindowExecutionTaskListing {
  const windowExecutionId = requiredString(input, 'WindowExecutionId');
  checkMaintenanceWindowUuid('WindowExecutionId', windowExecutionId);
  const filters = parseFilters(optionalArray(input, 'Filters'), TASK_FILTER_KEYS);
  return { windowExecutionId, filters, ...paging(input), tokenQuery: { windowExecutionId, filters: input['Filters'] ?? null } };
}

export function readDescribeMaintenanceWindowExecutionTaskInvocations(input: JsonObject): TaskInvocationListing {
  const windowExecutionId = requiredString(input, 'WindowExecutionId');
  const taskId = requiredString(input, 'TaskId');
  checkMaintenanceWindowUuid('WindowExecutionId', windowExecutionId);
  checkMaintenanceWindowUuid('TaskId', taskId);
  const filters = parseFilters(optionalArray(input, 'Filters'), TASK_FILTER_KEYS);
  return {
    windowExecutionId,
    taskId,
    filters,
    ...paging(input),
    tokenQuery: { windowExecutionId, taskId, filters: input['Filters'] ?? null },
  };
}

/** True when the subject passes every filter (values ORed within a filter, filters ANDed). */
export function matchesMaintenanceWindowFilters(filters: readonly MaintenanceWindowFilter[], subject: MaintenanceWindowFilterSubject): boolean {
  return filters.every((filter) => matchesOne(filter, subject));
}

function matchesOne(filter: MaintenanceWindowFilter, s: MaintenanceWindowFilterSubject): boolean {
  switch (filter.key) {
    case 'Name':
      return s.name !== undefined && filter.values.includes(s.name);
    case 'Enabled':
      return s.enabled !== undefined && filter.values.includes(s.enabled);
    case 'ExecutedAfter':
      return s.startTime !== undefined && filter.times.some((t) => (s.startTime as number) >= t);
    case 'ExecutedBefore':
      return s.startTime !== undefined && filter.times.some((t) => (s.startTime as number) < t);
    case 'STATUS':
      return s.status !== undefined && (filter.values as readonly string[]).includes(s.status);
  }
}

/**
 * The StartTime range the ExecutedAfter/ExecutedBefore filters allow, as epoch ms: from
 * (inclusive) and before (exclusive), for a key condition. Several values in one filter are
 * ORed, so the loosest value of each filter counts; several filters are ANDed, so the
 * tightest filter counts.
 */
export function executedTimeRange(filters: readonly MaintenanceWindowFilter[]): { from?: number; before?: number } {
  let from: number | undefined;
  let before: number | undefined;
  for (const filter of filters) {
    if (filter.key === 'ExecutedAfter') {
      const loosest = Math.min(...filter.times);
      from = from === undefined ? loosest : Math.max(from, loosest);
    }
    if (filter.key === 'ExecutedBefore') {
      const loosest = Math.max(...filter.times);
      before = before === undefined ? loosest : Math.min(before, loosest);
    }
  }
  return { ...(from !== undefined ? { from } : {}), ...(before !== undefined ? { before } : {}) };
}

/** WindowId: ^mw-[0-9a-f]{17}$ (length 20). */
export function checkWindowId(member: string, value: string): void {
  if (value.length !== 20) {
    throw validationError(`Value '${value}' at '${camel(member)}' failed to satisfy constraint: Member must have length equal to 20`);
  }
  if (!WINDOW_ID_PATTERN.test(value)) {
    throw validationError(`Value '${value}' at '${camel(member)}' failed to satisfy constraint: Member must satisfy regular expression pattern: ${WINDOW_ID_PATTERN.source}`);
  }
}

/** WindowExecutionId / TaskId: fixed length 36, SSM's UUID pattern (or an AWS documentation placeholder). */
export function checkMaintenanceWindowUuid(member: string, value: string): void {
  if (value.length !== 36) {
    throw validationError(`Value '${value}' at '${camel(member)}' failed to satisfy constraint: Member must have length equal to 36`);
  }
  if (!MW_UUID_PATTERN.test(value) && !AWS_EXAMPLE_UUID_PATTERN.test(value)) {
    throw validationError(`Value '${value}' at '${camel(member)}' failed to satisfy constraint: Member must satisfy regular expression pattern: ${MW_UUID_PATTERN.source}`);
  }
}

function paging(input: JsonObject): { maxResults: number; nextToken: string | undefined } {
  return {
    maxResults: optionalInteger(input, 'MaxResults', MW_MIN_MAX_RESULTS, MW_MAX_MAX_RESULTS) ?? MW_DEFAULT_MAX_RESULTS,
    nextToken: optionalString(input, 'NextToken'),
  };
}

function parseFilters(raw: readonly unknown[] | undefined, keys: readonly string[]): MaintenanceWindowFilter[] {
  if (raw === undefined) return [];
  if (raw.length > MW_MAX_FILTERS) {
    throw validationError(`Value at 'filters' failed to satisfy constraint: Member must have length less than or equal to ${MW_MAX_FILTERS}`);
  }
  return raw.map((filter, index) => parseOne(filter, index, keys));
}

function parseOne(filter: unknown, index: number, keys: readonly string[]): MaintenanceWindowFilter {
  const at = `filters.${index + 1}.member`;
  if (!isJsonObject(filter)) throw validationError(`Value at '${at}' failed to satisfy constraint: Member must be a MaintenanceWindowFilter`);
  const key = filter['Key'];
  const rawValues = filter['Values'] ?? [];
  if (typeof key !== 'string' || key.length < 1) {
    throw validationError(`Value at '${at}.key' failed to satisfy constraint: Member must have length greater than or equal to 1`);
  }
  if (key.length > MAX_KEY_LENGTH) {
    throw validationError(`Value '${key}' at '${at}.key' failed to satisfy constraint: Member must have length less than or equal to ${MAX_KEY_LENGTH}`);
  }
  if (!Array.isArray(rawValues) || !rawValues.every((value): value is string => typeof value === 'string')) {
    throw validationError(`Value at '${at}.values' failed to satisfy constraint: Member must be a list of strings`);
  }
  rawValues.forEach((value, v) => {
    if (value.length < 1 || value.length > MAX_VALUE_LENGTH) {
      throw validationError(
        `Value '${value}' at '${at}.values.${v + 1}.member' failed to satisfy constraint: Member must have length ${value.length < 1 ? 'greater than or equal to 1' : `less than or equal to ${MAX_VALUE_LENGTH}`}`,
      );
    }
  });
  if (!keys.includes(key)) {
    throw validationError(`Invalid filter key: ${key}. Supported filter keys: ${keys.join(', ')}`);
  }
  if (rawValues.length === 0) throw validationError(`Filter ${key} needs at least one value`);
  const values: readonly string[] = rawValues;
  switch (key) {
    case 'Name':
      return { key, values };
    case 'Enabled':
      return {
        key,
        values: values.map((value) => {
          const lower = value.toLowerCase();
          if (lower !== 'true' && lower !== 'false') throw validationError(`Invalid value ${value} for filter Enabled: must be true or false`);
          return lower === 'true';
        }),
      };
    case 'ExecutedBefore':
    case 'ExecutedAfter':
      return {
        key,
        values,
        times: values.map((value) => {
          const ms = parseIsoTimestamp(value);
          if (ms === undefined) throw validationError(`Invalid value ${value} for filter ${key}: must be an ISO 8601 date/time such as 2021-11-04T05:00:00Z`);
          return ms;
        }),
      };
    default:
      return {
        key: 'STATUS',
        values: values.map((value) => {
          if (!(MW_STATUS_FILTER_VALUES as readonly string[]).includes(value)) {
            throw validationError(`Invalid value ${value} for filter STATUS. Supported values: ${MW_STATUS_FILTER_VALUES.join(', ')}`);
          }
          return value as MaintenanceWindowStatusFilterValue;
        }),
      };
  }
}

