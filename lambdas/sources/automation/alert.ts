import { alertText as text, alertTime as iso, isFailure, type RecordAlert } from '../../core/alert-content';
import { automationExecutionFromItem, automationStepFromItem } from './records';
import { automationStatuses } from './statuses';

/**
 * Automation alerts per execution, with the step it stopped at (CurrentStepName, else its
 * failed step) and its FailureMessage (else the failed step's). Steps never alert (their
 * failure fails the execution), nor does a child automation (ParentAutomationExecutionId
 * set): its parent's failure is the alert. Console: /automation/execution/<id>.
 */
export const automationExecutionAlert: RecordAlert = {
  table: 'automationExecutions',
  recordKind: 'automation-execution',
  content(item, { alerting, related }) {
    const execution = automationExecutionFromItem(item);
    if (text(execution.ParentAutomationExecutionId) !== undefined) return undefined;
    const status = text(execution.AutomationExecutionStatus);
    const document = text(execution.DocumentName);
    if (!alerting(status, document)) return undefined;
    const id = execution.AutomationExecutionId ?? '';
    // CurrentStepName is "the step that is currently running": a finished execution may not name it.
    const failedStep = related('automationSteps')
      .filter((step) => step.AutomationExecutionId === id)
      .map(automationStepFromItem)
      .find((step) => isFailure(automationStatuses, step.StepStatus));
    const stepName = text(execution.CurrentStepName) ?? text(failedStep?.StepName);
    const failure = text(execution.FailureMessage) ?? text(failedStep?.FailureMessage);
    return {
      kind: 'automation-execution',
      status,
      statusDetails: failure,
      subject: `SSM Automation ${status}: ${document ?? id}${stepName === undefined ? '' : ` at step ${stepName}`}`,
      fields: { automationExecutionId: id, stepName, documentName: document, documentVersion: text(execution.DocumentVersion) },
      times: { requested: iso(execution.ScheduledTime), started: iso(execution.ExecutionStartTime), ended: iso(execution.ExecutionEndTime) },
      errorText: failure,
      consolePath: ['automation', 'execution', id],
    };
  },
};
