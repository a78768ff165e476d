import type { DescribeAssociationExecutionsResult, DescribeAssociationExecutionTargetsResult } from '@aws-sdk/client-ssm';
import {
  readDescribeAssociationExecutions,
  readDescribeAssociationExecutionTargets,
  type AssociationExecutionFilter,
  type AssociationExecutionListing,
  type TargetFilter,
} from './requests';
import { SsmError } from '../../ssm-protocol/errors';
import type { JsonObject } from '../../ssm-protocol/input';
import { associationExecutionFromItem, associationExecutionTargetFromItem } from './records';
import type { StoredItem } from '../../store/record-store';
import { compareText, type ItemFilter } from '../../core/archive-reads';
import { readSize, takePage, type ListingPosition } from '../../ssm-protocol/paging';
import type { EndpointContext, SsmOperations } from '../../query/ssm-endpoint/endpoint-context';
import { associationExists, associationTargets, executionsOfAssociation, getAssociationExecution } from './reads';

/**
 * State Manager's read API answered from the archive as SSM (and the simulator) answers it:
 * the same request checks (sources/association/requests), the same filters, the
 * same order (an association's executions newest CreatedTime first, then ExecutionId; an
 * execution's targets by ResourceId), a NextToken only when more follows, and SSM's errors
 * for an association or execution the archive holds nothing of. An association whose
 * definition a poller archived exists, executions or not: its listing is then empty, as SSM's
 * is, and only an association the archive knows neither way is AssociationDoesNotExist.
 *
 * Reads: an association's executions are Query pages on the byAssociation index, newest
 * CreatedTime first, as SSM lists them; an ExecutionId filter is a GetItem. An execution's targets are one Query on the targets table's key (ExecutionId,
 * then ResourceId), after a GetItem that checks the execution belongs to the association.
 *
 * Tokens reuse ListingPosition: an execution's is (CreatedTime, ExecutionId), a target's
 * is ('', ResourceId).
 */
const EXECUTIONS = 'DescribeAssociationExecutions';
const TARGETS = 'DescribeAssociationExecutionTargets';
/** DynamoDB's Limit when an association's executions are all read. */
const EXECUTION_READ = 500;

const invalidToken = (): SsmError => new SsmError('InvalidNextToken', 'The specified token is not valid.');
const associationNotFound = (id: string): SsmError => new SsmError('AssociationDoesNotExist', `Association ${id} does not exist`);
const executionNotFound = (id: string): SsmError => new SsmError('AssociationExecutionDoesNotExist', `Association execution ${id} does not exist`);

const text = (item: StoredItem, name: string): string => (typeof item[name] === 'string' ? (item[name] as string) : '');

export function associationExecutionMatches(filter: AssociationExecutionFilter, item: StoredItem): boolean {
  switch (filter.key) {
    case 'ExecutionId':
      return text(item, 'ExecutionId') === filter.value;
    case 'Status':
      return text(item, 'Status') === filter.value;
    case 'CreatedTime': {
      const created = Date.parse(text(item, 'CreatedTime'));
      const at = filter.at ?? Number.NaN;
      if (filter.type === 'GREATER_THAN') return created > at;
      if (filter.type === 'LESS_THAN') return created < at;
      return created === at;
    }
    default:
      return false;
  }
}

export function associationTargetMatches(filter: TargetFilter, item: StoredItem): boolean {
  switch (filter.key) {
    case 'Status':
      return text(item, 'Status') === filter.value;
    case 'ResourceId':
      return text(item, 'ResourceId') === filter.value;
    case 'ResourceType':
      return text(item, 'ResourceType') === filter.value;
    default:
      return false;
  }
}

/** Newest CreatedTime first, then ExecutionId: DescribeAssociationExecutions' order. */
export function compareAssociationExecutions(a: StoredItem, b: StoredItem): number {
  const ta = text(a, 'CreatedTime');
  const tb = text(b, 'CreatedTime');
  if (ta !== tb) return ta < tb ? 1 : -1;
  return compareText(text(a, 'ExecutionId'), text(b, 'ExecutionId'));
}

function isAfter(item: StoredItem, after: ListingPosition): boolean {
  const time = text(item, 'CreatedTime');
  if (time !== after.time) return time < after.time;
  return text(item, 'ExecutionId') > after.id;
}

function readPosition(request: AssociationExecutionListing, ctx: EndpointContext): ListingPosition | undefined {
  const after = request.nextToken === undefined ? undefined : ctx.tokens.read(EXECUTIONS, request.tokenQuery, request.nextToken);
  if (after !== undefined && after.time === '') throw invalidToken();
  return after;
}

/**
 * The executions a page needs, newest first from the token's position: enough to fill the
 * page and tell whether more follow, plus every execution sharing the last one's CreatedTime
 * (the index does not order those; the page orders them by ExecutionId).
 */
async function executionsForPage(request: AssociationExecutionListing, ctx: EndpointContext): Promise<StoredItem[]> {
  let after: ListingPosition | undefined;
  try {
    after = readPosition(request, ctx);
  } catch (error) {
    if (!(await associationExists(ctx.reader, request.associationId))) throw associationNotFound(request.associationId);
    throw error;
  }
  const executions: StoredItem[] = [];
  let matched = 0;
  let boundary: string | undefined;
  const pageSize = Math.min(EXECUTION_READ, request.maxResults + 1);
  for await (const item of executionsOfAssociation(ctx.reader, request.associationId, { pageSize, createdAtOrBefore: after?.time })) {
    const time = text(item, 'CreatedTime');
    if (boundary !== undefined && time !== boundary) break;
    executions.push(item);
    if (boundary === undefined && (after === undefined || isAfter(item, after)) && request.filters.every((filter) => associationExecutionMatches(filter, item))) {
      if (++matched > request.maxResults) boundary = time;
    }
  }
  if (executions.length === 0 && !(await associationExists(ctx.reader, request.associationId))) throw associationNotFound(request.associationId);
  return executions;
}

export async function describeAssociationExecutions(input: JsonObject, ctx: EndpointContext): Promise<DescribeAssociationExecutionsResult> {
  const request = readDescribeAssociationExecutions(input);
  const ids = [...new Set(request.filters.filter((f) => f.key === 'ExecutionId').map((f) => f.value))];
  let executions: StoredItem[];
  if (ids.length > 0) {
    // Every filter must hold: two different ExecutionIds match nothing; one is a GetItem.
    const found = ids.length === 1 && ids[0] !== undefined ? await getAssociationExecution(ctx.reader, request.associationId, ids[0]) : undefined;
    if (found === undefined && !(await associationExists(ctx.reader, request.associationId))) throw associationNotFound(request.associationId);
    executions = found === undefined ? [] : [found];
  } else {
    executions = await executionsForPage(request, ctx);
  }
  // As SSM: the association is checked before the token.
  const after = readPosition(request, ctx);
  const listed = executions
    .filter((item) => text(item, 'AssociationId') === request.associationId)
    .sort(compareAssociationExecutions)
    .filter((item) => after === undefined || isAfter(item, after));
  const page = await takePage(listed, request.maxResults, (item) => request.filters.every((filter) => associationExecutionMatches(filter, item)));
  const last = page.items[page.items.length - 1];
  return {
    AssociationExecutions: page.items.map(associationExecutionFromItem),
    ...(page.more && last !== undefined
      ? {
          NextToken: ctx.tokens.issue(EXECUTIONS, request.tokenQuery, {
            time: text(last, 'CreatedTime'),
            id: text(last, 'ExecutionId'),
            within: '',
          }),
        }
      : {}),
  };
}

export async function describeAssociationExecutionTargets(input: JsonObject, ctx: EndpointContext): Promise<DescribeAssociationExecutionTargetsResult> {
  const request = readDescribeAssociationExecutionTargets(input);
  const execution = await getAssociationExecution(ctx.reader, request.associationId, request.executionId, ['ExecutionId']);
  if (execution === undefined) {
    throw (await associationExists(ctx.reader, request.associationId)) ? executionNotFound(request.executionId) : associationNotFound(request.associationId);
  }
  const after = request.nextToken === undefined ? undefined : ctx.tokens.read(TARGETS, request.tokenQuery, request.nextToken);
  if (after !== undefined && after.time !== '') throw invalidToken();

  // ResourceId filters narrow the key; Status and ResourceType go to DynamoDB as filters.
  const resourceIds = [...new Set(request.filters.filter((f) => f.key === 'ResourceId').map((f) => f.value))];
  if (resourceIds.length > 1) return { AssociationExecutionTargets: [] };
  const filter: ItemFilter = request.filters
    .filter((f) => f.key === 'Status' || f.key === 'ResourceType')
    .map((f) => ({ anyOf: [{ attribute: f.key, oneOf: [f.value] }] }));
  const targets = associationTargets(ctx.reader, request.executionId, {
    ...(after !== undefined ? { afterResourceId: after.id } : {}),
    ...(resourceIds[0] !== undefined ? { resourceId: resourceIds[0] } : {}),
    filter,
    pageSize: readSize(request.maxResults, filter.length > 0),
  });
  const page = await takePage(
    targets,
    request.maxResults,
    (item) => text(item, 'AssociationId') === request.associationId && request.filters.every((f) => associationTargetMatches(f, item)),
  );
  const last = page.items[page.items.length - 1];
  return {
    AssociationExecutionTargets: page.items.map(associationExecutionTargetFromItem),
    ...(page.more && last !== undefined
      ? { NextToken: ctx.tokens.issue(TARGETS, request.tokenQuery, { time: '', id: text(last, 'ResourceId'), within: '' }) }
      : {}),
  };
}

/** The SSM operations this kind answers from the archive. */
export const associationSsmOperations: SsmOperations = {
  DescribeAssociationExecutions: describeAssociationExecutions,
  DescribeAssociationExecutionTargets: describeAssociationExecutionTargets,
};
