import { SsmError, validationError } from '../../ssm-protocol/errors';
import { parseIsoTimestamp } from '../../ssm-protocol/filters';
import { isJsonObject, optionalArray, optionalInteger, optionalString, requiredString, type JsonObject } from '../../ssm-protocol/input';

/**
 * The requests of State Manager's read API (DescribeAssociationExecutions,
 * DescribeAssociationExecutionTargets, ListAssociations), read and checked. Execution filters
 * are { Key, Value, Type } (DescribeAssociationExecutions' API reference): ExecutionId (EQUAL), Status (EQUAL),
 * CreatedTime (EQUAL, GREATER_THAN, LESS_THAN); target filters { Key, Value } on Status,
 * ResourceId, ResourceType. Filters are ANDed.
 */
const ASSOCIATION_PAGE_MAX = 50;

export const EXECUTION_FILTER_TYPES: Readonly<Record<string, readonly string[]>> = {
  ExecutionId: ['EQUAL'],
  Status: ['EQUAL'],
  CreatedTime: ['EQUAL', 'GREATER_THAN', 'LESS_THAN'],
};
export const TARGET_FILTER_KEYS = ['Status', 'ResourceId', 'ResourceType'] as const;

export interface AssociationExecutionFilter {
  readonly key: string;
  readonly value: string;
  readonly type: string;
  /** For CreatedTime: the value as epoch ms. */
  readonly at?: number;
}

export interface TargetFilter {
  readonly key: string;
  readonly value: string;
}

export interface AssociationExecutionListing {
  readonly associationId: string;
  readonly filters: readonly AssociationExecutionFilter[];
  readonly maxResults: number;
  readonly nextToken: string | undefined;
  readonly tokenQuery: object;
}

export interface AssociationTargetListing {
  readonly associationId: string;
  readonly executionId: string;
  readonly filters: readonly TargetFilter[];
  readonly maxResults: number;
  readonly nextToken: string | undefined;
  readonly tokenQuery: object;
}

function checkFilterCount(raw: readonly unknown[]): void {
  if (raw.length < 1) throw validationError("Value at 'filters' failed to satisfy constraint: Member must have length greater than or equal to 1");
}

export function readDescribeAssociationExecutions(input: JsonObject): AssociationExecutionListing {
  const associationId = requiredString(input, 'AssociationId');
  const raw = optionalArray(input, 'Filters');
  if (raw !== undefined) checkFilterCount(raw);
  const filters = (raw ?? []).map((filter, index): AssociationExecutionFilter => {
    if (!isJsonObject(filter)) throw new SsmError('InvalidFilterKey', 'Each filter must be an object with Key, Value and Type');
    const { Key: key, Value: value, Type: type } = filter;
    const types = typeof key === 'string' ? EXECUTION_FILTER_TYPES[key] : undefined;
    if (types === undefined) {
      throw validationError(
        `Value '${String(key)}' at 'filters.${index + 1}.member.key' failed to satisfy constraint: Member must satisfy enum value set: [ExecutionId, Status, CreatedTime]`,
      );
    }
    if (typeof type !== 'string' || !['EQUAL', 'LESS_THAN', 'GREATER_THAN'].includes(type)) {
      throw validationError(
        `Value '${String(type)}' at 'filters.${index + 1}.member.type' failed to satisfy constraint: Member must satisfy enum value set: [EQUAL, LESS_THAN, GREATER_THAN]`,
      );
    }
    if (typeof value !== 'string' || value.length === 0) throw validationError(`Value at 'filters.${index + 1}.member.value' failed to satisfy constraint: Member must have length greater than or equal to 1`);
    if (!types.includes(type)) throw new SsmError('InvalidFilterValue', `Filter ${String(key)} does not take the ${type} type`);
    if (key === 'CreatedTime') {
      const at = parseIsoTimestamp(value);
      if (at === undefined) throw new SsmError('InvalidFilterValue', `CreatedTime value ${value} is not an ISO 8601 timestamp`);
      return { key: key as string, value, type, at };
    }
    return { key: key as string, value, type };
  });
  return {
    associationId,
    filters,
    maxResults: optionalInteger(input, 'MaxResults', 1, ASSOCIATION_PAGE_MAX) ?? ASSOCIATION_PAGE_MAX,
    nextToken: optionalString(input, 'NextToken'),
    tokenQuery: { associationId, filters: input['Filters'] ?? null },
  };
}

export function readDescribeAssociationExecutionTargets(input: JsonObject): AssociationTargetListing {
  const associationId = requiredString(input, 'AssociationId');
  const executionId = requiredString(input, 'ExecutionId');
  const raw = optionalArray(input, 'Filters');
  if (raw !== undefined) checkFilterCount(raw);
  const filters = (raw ?? []).map((filter, index): TargetFilter => {
    if (!isJsonObject(filter)) throw new SsmError('InvalidFilterKey', 'Each filter must be an object with Key and Value');
    const { Key: key, Value: value } = filter;
    if (typeof key !== 'string' || !(TARGET_FILTER_KEYS as readonly string[]).includes(key)) {
      throw validationError(
        `Value '${String(key)}' at 'filters.${index + 1}.member.key' failed to satisfy constraint: Member must satisfy enum value set: [${TARGET_FILTER_KEYS.join(', ')}]`,
      );
    }
    if (typeof value !== 'string' || value.length === 0) throw validationError(`Value at 'filters.${index + 1}.member.value' failed to satisfy constraint: Member must have length greater than or equal to 1`);
    return { key, value };
  });
  return {
    associationId,
    executionId,
    filters,
    maxResults: optionalInteger(input, 'MaxResults', 1, ASSOCIATION_PAGE_MAX) ?? ASSOCIATION_PAGE_MAX,
    nextToken: optionalString(input, 'NextToken'),
    tokenQuery: { associationId, executionId, filters: input['Filters'] ?? null },
  };
}

/** ListAssociations: paging only; the simulator refuses AssociationFilterList rather than ignore it. */
export function readListAssociations(input: JsonObject): { maxResults: number; nextToken: string | undefined } {
  const filters = optionalArray(input, 'AssociationFilterList');
  if (filters !== undefined && filters.length > 0) throw new SsmError('InvalidFilterKey', 'The SSM simulator does not evaluate AssociationFilterList');
  return { maxResults: optionalInteger(input, 'MaxResults', 1, ASSOCIATION_PAGE_MAX) ?? ASSOCIATION_PAGE_MAX, nextToken: optionalString(input, 'NextToken') };
}
