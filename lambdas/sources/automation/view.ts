import { ARCHIVE_MARKS, archiveMarks, entry, itemText, type RecordView } from '../../core/execution-item';
import type { ParentView } from '../../query/views/parent-views';
import { automationStatuses } from './statuses';
import { automationExecutionsNewestFirst, EXECUTION_ORDER } from './reads';

/** Attributes of a step's execution that the step listing copies onto each step item (lower case: not SSM fields). */
export const STEP_CONTEXT = {
  executionStartTime: 'executionStartTime',
  documentName: 'executionDocumentName',
  parentAutomationExecutionId: 'executionParentAutomationExecutionId',
} as const;

/** Automation executions and their steps as the archive views list them. */
export const automationExecutionEntry: RecordView = {
  recordKind: 'automation-execution',
  attributes: [
    'AutomationExecutionId', 'ExecutionStartTime', 'DocumentName', 'AutomationExecutionStatus', 'ParentAutomationExecutionId',
    'FailureMessage', ...ARCHIVE_MARKS,
  ],
  toItem: (item) =>
    entry({
      kind: 'automation-execution',
      status: itemText(item, 'AutomationExecutionStatus'),
      statusDetails: itemText(item, 'FailureMessage'),
      time: itemText(item, 'ExecutionStartTime') ?? '',
      automationExecutionId: itemText(item, 'AutomationExecutionId'),
      documentName: itemText(item, 'DocumentName'),
      parentAutomationExecutionId: itemText(item, 'ParentAutomationExecutionId'),
      ...archiveMarks(item),
    }),
};

export const automationStepEntry: RecordView = {
  recordKind: 'automation-step',
  // A step's own record; its execution's start and runbook are added by the listing (STEP_CONTEXT).
  attributes: [
    'AutomationExecutionId', 'StepExecutionId', 'StepName', 'StepStatus', 'ExecutionStartTime', 'FailureMessage', 'NextStep',
    ...ARCHIVE_MARKS,
  ],
  toItem: (item) =>
    entry({
      kind: 'automation-step',
      status: itemText(item, 'StepStatus'),
      statusDetails: itemText(item, 'FailureMessage'),
      // A step not started yet has no time of its own: its execution's start places it.
      time: itemText(item, 'ExecutionStartTime') ?? itemText(item, STEP_CONTEXT.executionStartTime) ?? '',
      automationExecutionId: itemText(item, 'AutomationExecutionId'),
      stepExecutionId: itemText(item, 'StepExecutionId'),
      stepName: itemText(item, 'StepName'),
      documentName: itemText(item, STEP_CONTEXT.documentName),
      parentAutomationExecutionId: itemText(item, STEP_CONTEXT.parentAutomationExecutionId),
      ...archiveMarks(item),
    }),
};

export const automationExecutionView: ParentView<'automation-execution'> = {
  kind: 'automation-execution',
  ...EXECUTION_ORDER,
  statusAttributes: ['AutomationExecutionStatus'],
  statuses: automationStatuses,
  documentAttribute: 'DocumentName',
  newestFirst: automationExecutionsNewestFirst,
};
