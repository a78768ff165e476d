import type {
  DescribeAssociationExecutionsResult,
  DescribeAssociationExecutionTargetsResult,
  ListAssociationsResult,
} from '@aws-sdk/client-ssm';
import {
  readDescribeAssociationExecutions,
  readDescribeAssociationExecutionTargets,
  readListAssociations,
  type AssociationExecutionFilter,
  type TargetFilter,
} from '../../lambdas/sources/association/requests';
import { SsmError } from '../../lambdas/ssm-protocol/errors';
import type { JsonObject } from '../../lambdas/ssm-protocol/input';
import { associationExecutionRecord, associationRecord, associationTargetRecord, type AssociationExecutionRun, type AssociationTargetRun } from './association';
import type { KindOperations, OperationContext } from './operations';
import type { AssociationState } from './association';

/** State Manager's read API: DescribeAssociationExecutions, DescribeAssociationExecutionTargets, ListAssociations. */

const invalidToken = (): SsmError => new SsmError('InvalidNextToken', 'The specified token is not valid.');

function executionMatches(filter: AssociationExecutionFilter, execution: AssociationExecutionRun): boolean {
  switch (filter.key) {
    case 'ExecutionId':
      return execution.id === filter.value;
    case 'Status':
      return execution.status === filter.value;
    case 'CreatedTime': {
      const at = filter.at ?? NaN;
      if (filter.type === 'GREATER_THAN') return execution.createdAt > at;
      if (filter.type === 'LESS_THAN') return execution.createdAt < at;
      return execution.createdAt === at;
    }
    default:
      return false;
  }
}

function targetMatches(filter: TargetFilter, target: AssociationTargetRun): boolean {
  switch (filter.key) {
    case 'Status':
      return target.status === filter.value;
    case 'ResourceId':
      return target.resourceId === filter.value;
    case 'ResourceType':
      return filter.value === 'ManagedInstance';
    default:
      return false;
  }
}

export function describeAssociationExecutions(input: JsonObject, ctx: OperationContext<AssociationState>): DescribeAssociationExecutionsResult {
  const { associationId, filters, maxResults, nextToken, tokenQuery } = readDescribeAssociationExecutions(input);
  const run = ctx.state.get(associationId);
  if (run === undefined) throw new SsmError('AssociationDoesNotExist', `Association ${associationId} does not exist`);
  const executions = run.executions.filter((execution) => filters.every((filter) => executionMatches(filter, execution)));
  let start = 0;
  if (nextToken !== undefined) {
    const [createdAt, id] = ctx.tokens.read('DescribeAssociationExecutions', tokenQuery, nextToken);
    if (typeof createdAt !== 'number' || typeof id !== 'string') throw invalidToken();
    // Keyset: the first execution after the last one returned (newest first, then id).
    start = executions.findIndex((e) => e.createdAt < createdAt || (e.createdAt === createdAt && e.id > id));
    if (start < 0) start = executions.length;
  }
  const page = executions.slice(start, start + maxResults);
  const last = page[page.length - 1];
  const more = start + maxResults < executions.length;
  return {
    AssociationExecutions: page.map((execution) => associationExecutionRecord(run, execution)),
    ...(more && last !== undefined ? { NextToken: ctx.tokens.issue('DescribeAssociationExecutions', tokenQuery, [last.createdAt, last.id]) } : {}),
  };
}

export function describeAssociationExecutionTargets(input: JsonObject, ctx: OperationContext<AssociationState>): DescribeAssociationExecutionTargetsResult {
  const { associationId, executionId, filters, maxResults, nextToken, tokenQuery } = readDescribeAssociationExecutionTargets(input);
  const run = ctx.state.get(associationId);
  if (run === undefined) throw new SsmError('AssociationDoesNotExist', `Association ${associationId} does not exist`);
  const execution = run.executions.find((candidate) => candidate.id === executionId);
  if (execution === undefined) throw new SsmError('AssociationExecutionDoesNotExist', `Association execution ${executionId} does not exist`);
  const targets = [...execution.targets]
    .sort((a, b) => (a.resourceId < b.resourceId ? -1 : a.resourceId > b.resourceId ? 1 : 0))
    .filter((target) => filters.every((filter) => targetMatches(filter, target)));
  let start = 0;
  if (nextToken !== undefined) {
    const [resourceId] = ctx.tokens.read('DescribeAssociationExecutionTargets', tokenQuery, nextToken);
    if (typeof resourceId !== 'string') throw invalidToken();
    start = targets.findIndex((target) => target.resourceId > resourceId);
    if (start < 0) start = targets.length;
  }
  const page = targets.slice(start, start + maxResults);
  const last = page[page.length - 1];
  const more = start + maxResults < targets.length;
  return {
    AssociationExecutionTargets: page.map((target) => associationTargetRecord(run, execution, target)),
    ...(more && last !== undefined ? { NextToken: ctx.tokens.issue('DescribeAssociationExecutionTargets', tokenQuery, [last.resourceId]) } : {}),
  };
}

export function listAssociations(input: JsonObject, ctx: OperationContext<AssociationState>): ListAssociationsResult {
  const { maxResults, nextToken } = readListAssociations(input);
  const runs = ctx.state.list();
  let start = 0;
  if (nextToken !== undefined) {
    const [index] = ctx.tokens.read('ListAssociations', {}, nextToken);
    if (typeof index !== 'number') throw invalidToken();
    start = index;
  }
  const page = runs.slice(start, start + maxResults);
  const more = start + maxResults < runs.length;
  return {
    Associations: page.map(associationRecord),
    ...(more ? { NextToken: ctx.tokens.issue('ListAssociations', {}, [start + maxResults]) } : {}),
  };
}

/** The SSM operations the simulator answers for this kind, over its state. */
export const associationOperations: KindOperations<AssociationState> = {
  DescribeAssociationExecutions: describeAssociationExecutions,
  DescribeAssociationExecutionTargets: describeAssociationExecutionTargets,
  ListAssociations: listAssociations,
};
