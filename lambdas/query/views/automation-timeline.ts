import type { StoredItem } from '../../store/record-store';
import type { ListingPosition } from '../../ssm-protocol/paging';
import { inStepOrder } from '../../sources/automation/ssm-operations';
import type { ViewContext } from './view-context';
import { STEP_CONTEXT } from './execution-items';
import { documentFilter } from './parent-views';
import { inWindow, statusMatches, type ViewFilters } from './view-filters';
import { automationExecutionsNewestFirst, automationSteps as stepsOfExecution } from '../../sources/automation/reads';
import { automationExecutionView } from '../../sources/automation/view';

/**
 * The timeline's `automation-step` listing (executions themselves list through their parent
 * view): the executions' steps, executions newest ExecutionStartTime first, then
 * AutomationExecutionId, each execution's steps in step order (as
 * DescribeAutomationStepExecutions lists them); since/until select by the execution's start,
 * as command invocations by their command's, and documentName by its runbook. Positions:
 * (ExecutionStartTime, AutomationExecutionId, StepExecutionId).
 */
const EXECUTION_ATTRIBUTES = ['AutomationExecutionId', 'ExecutionStartTime', 'DocumentName', 'ParentAutomationExecutionId'];
const STEP_READ = 100;

export async function* automationSteps(
  ctx: ViewContext,
  filters: ViewFilters,
  after: ListingPosition | undefined,
  pageSize: number,
): AsyncGenerator<StoredItem> {
  const executions = automationExecutionsNewestFirst(ctx.reader, {
    range: filters.window.range,
    ...(after !== undefined ? { start: { time: after.time, id: after.id, inclusive: true } } : {}),
    // The runbook is the execution's: a step's status is its own, tested on the steps.
    filter: documentFilter(automationExecutionView, filters.documentName),
    attributes: EXECUTION_ATTRIBUTES,
    pageSize,
  });
  for await (const execution of executions) {
    const executionId = String(execution['AutomationExecutionId']);
    const stored: StoredItem[] = [];
    for await (const step of stepsOfExecution(ctx.reader, executionId, { pageSize: STEP_READ })) stored.push(step);
    let steps = inStepOrder(stored);
    if (after !== undefined && after.id === executionId) {
      const position = steps.findIndex((step) => step['StepExecutionId'] === after.within);
      steps = steps.slice(position + 1);
    }
    for (const step of steps) {
      yield {
        ...step,
        [STEP_CONTEXT.executionStartTime]: execution['ExecutionStartTime'],
        [STEP_CONTEXT.documentName]: execution['DocumentName'],
        ...(execution['ParentAutomationExecutionId'] !== undefined
          ? { [STEP_CONTEXT.parentAutomationExecutionId]: execution['ParentAutomationExecutionId'] }
          : {}),
      };
    }
  }
}

/** The last word on a step's time and status: its execution's start in the window, its own StepStatus. */
export function stepEntryMatches(item: StoredItem, filters: ViewFilters): boolean {
  return inWindow(item[STEP_CONTEXT.executionStartTime], filters.window) && statusMatches(item, ['StepStatus'], filters.status);
}

export function stepPositionOf(item: StoredItem): ListingPosition {
  return { time: String(item[STEP_CONTEXT.executionStartTime]), id: String(item['AutomationExecutionId']), within: String(item['StepExecutionId']) };
}
