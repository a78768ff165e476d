import { SsmError, validationError } from '../../ssm-protocol/errors';
import { parseIsoTimestamp } from '../../ssm-protocol/filters';
import { checkCommandIdLength, isJsonObject, optionalArray, optionalBoolean, optionalInteger, optionalString, requiredString, type JsonObject } from '../../ssm-protocol/input';

/**
 * The requests of Automation's read API (DescribeAutomationExecutions,
 * DescribeAutomationStepExecutions, GetAutomationExecution), read and checked. Filters are
 * { Key, Values[] }: values of one key are ORed, keys ANDed.
 */

/** MaxResults' range in SSM's model for both Describe operations; also the default page size. */
const AUTOMATION_PAGE_MAX = 50;
const MAX_FILTER_VALUES = 10;

export const EXECUTION_FILTER_KEYS = [
  'DocumentNamePrefix', 'ExecutionStatus', 'ExecutionId', 'ParentExecutionId', 'CurrentAction', 'StartTimeBefore',
  'StartTimeAfter', 'AutomationType', 'TagKey', 'TargetResourceGroup', 'AutomationSubtype', 'OpsItemId',
] as const;
export const STEP_FILTER_KEYS = ['StartTimeBefore', 'StartTimeAfter', 'StepExecutionStatus', 'StepExecutionId', 'StepName', 'Action'] as const;

/** Filter keys the simulator evaluates; the others are valid in SSM but refused here, not ignored. */
const SUPPORTED_EXECUTION_KEYS: ReadonlySet<string> = new Set([
  'DocumentNamePrefix', 'ExecutionStatus', 'ExecutionId', 'ParentExecutionId', 'CurrentAction', 'StartTimeBefore',
  'StartTimeAfter', 'AutomationType',
]);

export interface AutomationFilter {
  readonly key: string;
  readonly values: readonly string[];
  /** For the time keys: the values as epoch ms. */
  readonly times?: readonly number[];
}

export interface AutomationExecutionListing {
  readonly filters: readonly AutomationFilter[];
  readonly maxResults: number;
  readonly nextToken: string | undefined;
  readonly tokenQuery: object;
}

export interface StepExecutionListing extends AutomationExecutionListing {
  readonly executionId: string;
  readonly reverseOrder: boolean;
}

function parseFilters(raw: readonly unknown[] | undefined, keys: readonly string[], supported: ReadonlySet<string>): AutomationFilter[] {
  if (raw === undefined) return [];
  if (raw.length < 1 || raw.length > keys.length) {
    throw validationError(
      `Value at 'filters' failed to satisfy constraint: Member must have length ${raw.length < 1 ? 'greater than or equal to 1' : `less than or equal to ${keys.length}`}`,
    );
  }
  return raw.map((filter, index) => {
    if (!isJsonObject(filter)) throw new SsmError('InvalidFilterKey', 'Each filter must be an object with Key and Values');
    const key = filter['Key'];
    const values = filter['Values'];
    if (typeof key !== 'string' || !keys.includes(key)) {
      throw validationError(
        `Value '${String(key)}' at 'filters.${index + 1}.member.key' failed to satisfy constraint: Member must satisfy enum value set: [${keys.join(', ')}]`,
      );
    }
    if (!supported.has(key)) throw new SsmError('InvalidFilterKey', `The SSM simulator does not evaluate the ${key} filter`);
    if (!Array.isArray(values) || values.length < 1 || values.length > MAX_FILTER_VALUES || !values.every((v) => typeof v === 'string' && v.length > 0)) {
      throw new SsmError('InvalidFilterValue', `Filter ${key} needs 1 to ${MAX_FILTER_VALUES} non-empty string values`);
    }
    const strings = values as string[];
    if (key === 'StartTimeBefore' || key === 'StartTimeAfter') {
      const times = strings.map((value) => {
        const ms = parseIsoTimestamp(value);
        if (ms === undefined) throw new SsmError('InvalidFilterValue', `${key} value ${value} is not an ISO 8601 timestamp`);
        return ms;
      });
      return { key, values: strings, times };
    }
    return { key, values: strings };
  });
}

export function readDescribeAutomationExecutions(input: JsonObject): AutomationExecutionListing {
  const filters = parseFilters(optionalArray(input, 'Filters'), EXECUTION_FILTER_KEYS, SUPPORTED_EXECUTION_KEYS);
  const maxResults = optionalInteger(input, 'MaxResults', 1, AUTOMATION_PAGE_MAX) ?? AUTOMATION_PAGE_MAX;
  const nextToken = optionalString(input, 'NextToken');
  return { filters, maxResults, nextToken, tokenQuery: { filters: input['Filters'] ?? null } };
}

export function readDescribeAutomationStepExecutions(input: JsonObject): StepExecutionListing {
  const executionId = requiredString(input, 'AutomationExecutionId');
  checkCommandIdLength('AutomationExecutionId', executionId);
  const filters = parseFilters(optionalArray(input, 'Filters'), STEP_FILTER_KEYS, new Set(STEP_FILTER_KEYS));
  const maxResults = optionalInteger(input, 'MaxResults', 1, AUTOMATION_PAGE_MAX) ?? AUTOMATION_PAGE_MAX;
  const nextToken = optionalString(input, 'NextToken');
  const reverseOrder = optionalBoolean(input, 'ReverseOrder') ?? false;
  return {
    executionId,
    filters,
    maxResults,
    nextToken,
    reverseOrder,
    tokenQuery: { executionId, filters: input['Filters'] ?? null, reverseOrder },
  };
}

export function readGetAutomationExecution(input: JsonObject): string {
  const executionId = requiredString(input, 'AutomationExecutionId');
  checkCommandIdLength('AutomationExecutionId', executionId);
  return executionId;
}

/** A subject's start time against the StartTimeBefore/After filters (inclusive After, exclusive Before, as Run Command's). */
export function matchesStartTime(filter: AutomationFilter, startedAt: number | undefined): boolean | undefined {
  if (filter.key === 'StartTimeAfter') return startedAt !== undefined && (filter.times ?? []).some((t) => startedAt >= t);
  if (filter.key === 'StartTimeBefore') return startedAt !== undefined && (filter.times ?? []).some((t) => startedAt < t);
  return undefined;
}
