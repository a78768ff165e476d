import type {
  DescribeAutomationExecutionsResult,
  DescribeAutomationStepExecutionsResult,
  GetAutomationExecutionResult,
} from '@aws-sdk/client-ssm';
import {
  matchesStartTime,
  readDescribeAutomationExecutions,
  readDescribeAutomationStepExecutions,
  readGetAutomationExecution,
  type AutomationFilter,
} from '../../lambdas/sources/automation/requests';
import { SsmError } from '../../lambdas/ssm-protocol/errors';
import type { JsonObject } from '../../lambdas/ssm-protocol/input';
import { executionMetadataRecord, executionRecord, stepRecord, type AutomationRun, type StepRun } from './automation';
import type { KindOperations, OperationContext } from './operations';
import type { AutomationState } from './automation';

/** Automation's read API: DescribeAutomationExecutions, DescribeAutomationStepExecutions, GetAutomationExecution. */

function notFound(id: string): SsmError {
  return new SsmError('AutomationExecutionNotFoundException', `Automation execution ${id} does not exist`);
}

function executionMatches(filter: AutomationFilter, run: AutomationRun): boolean {
  const byTime = matchesStartTime(filter, run.startedAt);
  if (byTime !== undefined) return byTime;
  switch (filter.key) {
    case 'ExecutionId':
      return filter.values.includes(run.id);
    case 'ParentExecutionId':
      return run.spec.parentAutomationExecutionId !== undefined && filter.values.includes(run.spec.parentAutomationExecutionId);
    case 'ExecutionStatus':
      return filter.values.includes(run.status);
    case 'DocumentNamePrefix':
      return filter.values.some((prefix) => run.documentName.startsWith(prefix));
    case 'CurrentAction':
      return run.current !== undefined && filter.values.includes(run.current.action);
    case 'AutomationType':
      return filter.values.includes(run.spec.targetLocation ? 'CrossAccount' : 'Local');
    default:
      return false;
  }
}

function stepMatches(filter: AutomationFilter, step: StepRun): boolean {
  const byTime = matchesStartTime(filter, step.startedAt);
  if (byTime !== undefined) return byTime;
  switch (filter.key) {
    case 'StepExecutionStatus':
      return filter.values.some((value) => value.toLowerCase() === step.status.toLowerCase());
    case 'StepExecutionId':
      return filter.values.includes(step.id);
    case 'StepName':
      return filter.values.includes(step.name);
    case 'Action':
      return filter.values.includes(step.action);
    default:
      return false;
  }
}

export function describeAutomationExecutions(input: JsonObject, ctx: OperationContext<AutomationState>): DescribeAutomationExecutionsResult {
  const { filters, maxResults, nextToken, tokenQuery } = readDescribeAutomationExecutions(input);
  const runs = ctx.state.list().filter((run) => filters.every((filter) => executionMatches(filter, run)));
  let start = 0;
  if (nextToken !== undefined) {
    const [startedAt, id] = ctx.tokens.read('DescribeAutomationExecutions', tokenQuery, nextToken);
    if (typeof startedAt !== 'number' || typeof id !== 'string') throw new SsmError('InvalidNextToken', 'The specified token is not valid.');
    // Keyset: the first execution ordered after the last one returned (newest first, then id).
    start = runs.findIndex((run) => run.startedAt < startedAt || (run.startedAt === startedAt && run.id > id));
    if (start < 0) start = runs.length;
  }
  const page = runs.slice(start, start + maxResults);
  const last = page[page.length - 1];
  const more = start + maxResults < runs.length;
  return {
    AutomationExecutionMetadataList: page.map(executionMetadataRecord),
    ...(more && last !== undefined
      ? { NextToken: ctx.tokens.issue('DescribeAutomationExecutions', tokenQuery, [last.startedAt, last.id]) }
      : {}),
  };
}

export function describeAutomationStepExecutions(input: JsonObject, ctx: OperationContext<AutomationState>): DescribeAutomationStepExecutionsResult {
  const { executionId, filters, maxResults, nextToken, reverseOrder, tokenQuery } = readDescribeAutomationStepExecutions(input);
  const run = ctx.state.get(executionId);
  if (run === undefined) throw notFound(executionId);
  const ordered = reverseOrder ? [...run.steps].reverse() : run.steps;
  const steps = ordered.filter((step) => filters.every((filter) => stepMatches(filter, step)));
  let start = 0;
  if (nextToken !== undefined) {
    const [index] = ctx.tokens.read('DescribeAutomationStepExecutions', tokenQuery, nextToken);
    if (typeof index !== 'number') throw new SsmError('InvalidNextToken', 'The specified token is not valid.');
    start = steps.findIndex((step) => (reverseOrder ? step.index < index : step.index > index));
    if (start < 0) start = steps.length;
  }
  const page = steps.slice(start, start + maxResults);
  const last = page[page.length - 1];
  const more = start + maxResults < steps.length;
  return {
    StepExecutions: page.map((step) => stepRecord(run, step)),
    ...(more && last !== undefined ? { NextToken: ctx.tokens.issue('DescribeAutomationStepExecutions', tokenQuery, [last.index]) } : {}),
  };
}

export function getAutomationExecution(input: JsonObject, ctx: OperationContext<AutomationState>): GetAutomationExecutionResult {
  const executionId = readGetAutomationExecution(input);
  const run = ctx.state.get(executionId);
  if (run === undefined) throw notFound(executionId);
  return { AutomationExecution: executionRecord(run) };
}

/** The SSM operations the simulator answers for this kind, over its state. */
export const automationOperations: KindOperations<AutomationState> = {
  DescribeAutomationExecutions: describeAutomationExecutions,
  DescribeAutomationStepExecutions: describeAutomationStepExecutions,
  GetAutomationExecution: getAutomationExecution,
};
