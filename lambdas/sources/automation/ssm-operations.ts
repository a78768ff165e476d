import type { DescribeAutomationExecutionsResult, DescribeAutomationStepExecutionsResult } from '@aws-sdk/client-ssm';
import {
  matchesStartTime,
  readDescribeAutomationExecutions,
  readDescribeAutomationStepExecutions,
  type AutomationFilter,
} from './requests';
import { SsmError } from '../../ssm-protocol/errors';
import type { JsonObject } from '../../ssm-protocol/input';
import { automationExecutionFromItem, automationStepFromItem, LISTED_POSITION } from './records';
import type { StoredItem } from '../../store/record-store';
import { compareText, storedTimeRange, type ItemFilter } from '../../core/archive-reads';
import { readSize, takePage, type ListingPosition, type Page } from '../../ssm-protocol/paging';
import type { EndpointContext, SsmOperations } from '../../query/ssm-endpoint/endpoint-context';
import { automationExecutionsNewestFirst, automationSteps, getAutomationExecution, getAutomationExecutions } from './reads';

/**
 * Automation's read API answered from the archive as SSM (and the simulator) answers it:
 * the same request checks (sources/automation/requests), the same filters, the
 * same order (executions newest ExecutionStartTime first, then AutomationExecutionId; an
 * execution's steps as SSM listed them, reversed with ReverseOrder), a NextToken only when
 * more follows.
 *
 * Tokens reuse ListingPosition: an execution's is (ExecutionStartTime, AutomationExecutionId),
 * a step's is ('', StepExecutionId).
 */
const EXECUTIONS = 'DescribeAutomationExecutions';
const STEPS = 'DescribeAutomationStepExecutions';
const STEP_READ = 100;

function notFound(id: string): SsmError {
  return new SsmError('AutomationExecutionNotFoundException', `Automation execution ${id} does not exist`);
}

const text = (item: StoredItem, name: string): string | undefined => (typeof item[name] === 'string' ? (item[name] as string) : undefined);
const timeOf = (item: StoredItem): number | undefined => {
  const time = text(item, 'ExecutionStartTime');
  return time === undefined ? undefined : Date.parse(time);
};

function executionMatches(filter: AutomationFilter, item: StoredItem): boolean {
  const byTime = matchesStartTime(filter, timeOf(item));
  if (byTime !== undefined) return byTime;
  const has = (name: string): boolean => {
    const value = text(item, name);
    return value !== undefined && filter.values.includes(value);
  };
  switch (filter.key) {
    case 'ExecutionId':
      return has('AutomationExecutionId');
    case 'ParentExecutionId':
      return has('ParentAutomationExecutionId');
    case 'ExecutionStatus':
      return has('AutomationExecutionStatus');
    case 'DocumentNamePrefix':
      return filter.values.some((prefix) => (text(item, 'DocumentName') ?? '').startsWith(prefix));
    case 'CurrentAction':
      return has('CurrentAction');
    case 'AutomationType':
      return has('AutomationType');
    default:
      return false;
  }
}

function stepMatches(filter: AutomationFilter, item: StoredItem): boolean {
  const byTime = matchesStartTime(filter, timeOf(item));
  if (byTime !== undefined) return byTime;
  const value = (name: string): string => text(item, name) ?? '';
  switch (filter.key) {
    case 'StepExecutionStatus':
      return filter.values.some((v) => v.toLowerCase() === value('StepStatus').toLowerCase());
    case 'StepExecutionId':
      return filter.values.includes(value('StepExecutionId'));
    case 'StepName':
      return filter.values.includes(value('StepName'));
    case 'Action':
      return filter.values.includes(value('Action'));
    default:
      return false;
  }
}

/** StartTimeAfter (inclusive, any value: the earliest) and StartTimeBefore (exclusive, the latest) as a key range. */
function startRange(filters: readonly AutomationFilter[]): ReturnType<typeof storedTimeRange> {
  let from: number | undefined;
  let before: number | undefined;
  for (const filter of filters) {
    const times = filter.times ?? [];
    if (times.length === 0) continue;
    if (filter.key === 'StartTimeAfter') from = Math.max(from ?? -Infinity, Math.min(...times));
    if (filter.key === 'StartTimeBefore') before = Math.min(before ?? Infinity, Math.max(...times));
  }
  return storedTimeRange(from, before);
}

/** Newest first, then id: SSM's DescribeAutomationExecutions order. */
function compareExecutions(a: StoredItem, b: StoredItem): number {
  const ta = text(a, 'ExecutionStartTime') ?? '';
  const tb = text(b, 'ExecutionStartTime') ?? '';
  if (ta !== tb) return ta < tb ? 1 : -1;
  return compareText(text(a, 'AutomationExecutionId') ?? '', text(b, 'AutomationExecutionId') ?? '');
}

function executionIsAfter(item: StoredItem, after: ListingPosition): boolean {
  const time = text(item, 'ExecutionStartTime') ?? '';
  if (time !== after.time) return time < after.time;
  return (text(item, 'AutomationExecutionId') ?? '') > after.id;
}

export async function describeAutomationExecutions(input: JsonObject, ctx: EndpointContext): Promise<DescribeAutomationExecutionsResult> {
  const request = readDescribeAutomationExecutions(input);
  const after = request.nextToken === undefined ? undefined : ctx.tokens.read(EXECUTIONS, request.tokenQuery, request.nextToken);
  if (after !== undefined && after.time === '') throw new SsmError('InvalidNextToken', 'The specified token is not valid.');
  const keep = (item: StoredItem): boolean => request.filters.every((filter) => executionMatches(filter, item));
  const range = startRange(request.filters);
  let page: Page<StoredItem>;
  const ids = request.filters.filter((f) => f.key === 'ExecutionId');
  if (range === 'empty') {
    page = { items: [], more: false };
  } else if (ids.length > 0) {
    // By id: read those executions by key (every ExecutionId filter must hold, so the first's values suffice).
    const found = await getAutomationExecutions(ctx.reader, [...new Set(ids[0]?.values ?? [])]);
    const ordered = found.sort(compareExecutions).filter((item) => after === undefined || executionIsAfter(item, after));
    page = await takePage(ordered, request.maxResults, keep);
  } else {
    const statuses = request.filters.filter((f) => f.key === 'ExecutionStatus');
    const filter: ItemFilter = statuses.map((f) => ({ anyOf: [{ attribute: 'AutomationExecutionStatus', oneOf: f.values }] }));
    const filtered = request.filters.some((f) => f.key !== 'StartTimeAfter' && f.key !== 'StartTimeBefore');
    const executions = automationExecutionsNewestFirst(ctx.reader, {
      range,
      ...(after !== undefined ? { start: { time: after.time, id: after.id, inclusive: false } } : {}),
      filter,
      pageSize: readSize(request.maxResults, filtered),
    });
    page = await takePage(executions, request.maxResults, keep);
  }
  const last = page.items[page.items.length - 1];
  return {
    AutomationExecutionMetadataList: page.items.map(automationExecutionFromItem),
    ...(page.more && last !== undefined
      ? {
          NextToken: ctx.tokens.issue(EXECUTIONS, request.tokenQuery, {
            time: text(last, 'ExecutionStartTime') ?? '',
            id: text(last, 'AutomationExecutionId') ?? '',
            within: '',
          }),
        }
      : {}),
  };
}

/**
 * An execution's steps in SSM's DescribeAutomationStepExecutions order. The table keys steps
 * by StepExecutionId (random), so the order comes from each step's LISTED_POSITION, where
 * SSM's own listing placed it when the collector last read the execution's steps whole.
 * Steps stored without one (before the archive kept it, or read alone through a StepName
 * filter until the execution's next whole read) put the whole execution in rebuiltStepOrder.
 */
export function inStepOrder(items: readonly StoredItem[]): StoredItem[] {
  const positions = new Map<StoredItem, number>();
  for (const item of items) {
    const position = item[LISTED_POSITION];
    if (typeof position !== 'number') return rebuiltStepOrder(items);
    positions.set(item, position);
  }
  return [...items].sort(
    (a, b) => (positions.get(a) ?? 0) - (positions.get(b) ?? 0) || compareText(text(a, 'StepExecutionId') ?? '', text(b, 'StepExecutionId') ?? ''),
  );
}

/**
 * Step order rebuilt from the records alone: each chain of NextStep links from a step no
 * other step names as its next, chains ordered by their first step's start; steps outside
 * any chain (a loop, a partial record) follow by ExecutionStartTime, then StepExecutionId.
 * Steps that never ran (no start time) and are in no chain land in StepExecutionId order.
 */
export function rebuiltStepOrder(items: readonly StoredItem[]): StoredItem[] {
  const byStart = (a: StoredItem, b: StoredItem): number => {
    const ta = text(a, 'ExecutionStartTime') ?? '\uffff';
    const tb = text(b, 'ExecutionStartTime') ?? '\uffff';
    if (ta !== tb) return ta < tb ? -1 : 1;
    return compareText(text(a, 'StepExecutionId') ?? '', text(b, 'StepExecutionId') ?? '');
  };
  const byName = new Map<string, StoredItem[]>();
  for (const item of items) {
    const name = text(item, 'StepName') ?? '';
    byName.set(name, [...(byName.get(name) ?? []), item]);
  }
  const named = new Set(items.map((item) => text(item, 'NextStep')).filter((name): name is string => name !== undefined));
  const heads = items.filter((item) => !named.has(text(item, 'StepName') ?? '')).sort(byStart);
  const ordered: StoredItem[] = [];
  const placed = new Set<StoredItem>();
  for (const head of heads) {
    for (let step: StoredItem | undefined = head; step !== undefined && !placed.has(step); ) {
      ordered.push(step);
      placed.add(step);
      const next = text(step, 'NextStep');
      const candidates: StoredItem[] = next === undefined ? [] : (byName.get(next) ?? []).filter((c) => !placed.has(c));
      // A step name seen once is the next step; a repeated one (a loop) is left to the fallback order.
      step = candidates.length === 1 ? candidates[0] : undefined;
    }
  }
  ordered.push(...items.filter((item) => !placed.has(item)).sort(byStart));
  return ordered;
}

export async function describeAutomationStepExecutions(input: JsonObject, ctx: EndpointContext): Promise<DescribeAutomationStepExecutionsResult> {
  const request = readDescribeAutomationStepExecutions(input);
  const stored: StoredItem[] = [];
  for await (const item of automationSteps(ctx.reader, request.executionId, { pageSize: STEP_READ })) stored.push(item);
  if (stored.length === 0 && (await getAutomationExecution(ctx.reader, request.executionId, ['AutomationExecutionId'])) === undefined) {
    throw notFound(request.executionId);
  }
  const ordered = inStepOrder(stored);
  if (request.reverseOrder) ordered.reverse();
  const steps = ordered.filter((item) => request.filters.every((filter) => stepMatches(filter, item)));
  let start = 0;
  if (request.nextToken !== undefined) {
    const after = ctx.tokens.read(STEPS, request.tokenQuery, request.nextToken);
    const position = ordered.findIndex((item) => text(item, 'StepExecutionId') === after.id);
    if (after.time !== '' || position < 0) throw new SsmError('InvalidNextToken', 'The specified token is not valid.');
    const rank = new Map(ordered.map((item, index) => [item, index]));
    start = steps.findIndex((item) => (rank.get(item) ?? -1) > position);
    if (start < 0) start = steps.length;
  }
  const page = steps.slice(start, start + request.maxResults);
  const last = page[page.length - 1];
  const more = start + request.maxResults < steps.length;
  return {
    StepExecutions: page.map(automationStepFromItem),
    ...(more && last !== undefined
      ? { NextToken: ctx.tokens.issue(STEPS, request.tokenQuery, { time: '', id: text(last, 'StepExecutionId') ?? '', within: '' }) }
      : {}),
  };
}

/** The SSM operations this kind answers from the archive. */
export const automationSsmOperations: SsmOperations = {
  DescribeAutomationExecutions: describeAutomationExecutions,
  DescribeAutomationStepExecutions: describeAutomationStepExecutions,
};
