import { failureStatus, runningStatus, successStatus, type StatusInfo } from '../../core/status';

/**
 * Automation: executions and steps share one status enum (AutomationExecutionStatus; the step
 * list in DescribeAutomationStepExecutions' API reference is the same values without Exited, which executions and the SDK's
 * StepStatus also have). Statuses an execution can move between in either direction (it waits
 * for an approval, a change calendar or an aws:sleep, then runs again) share one rank, so the
 * newer sighting wins; every waiting or running status ranks below every terminal one, and
 * Cancelling below the Cancelled it leads to.
 */
export const automationStatuses: Readonly<Record<string, StatusInfo>> = {
  Scheduled: runningStatus(1),
  Pending: runningStatus(1),
  PendingApproval: runningStatus(3),
  Approved: runningStatus(3),
  PendingChangeCalendarOverride: runningStatus(3),
  ChangeCalendarOverrideApproved: runningStatus(3),
  Waiting: runningStatus(3),
  InProgress: runningStatus(3),
  RunbookInProgress: runningStatus(3),
  Cancelling: runningStatus(4),
  Success: successStatus,
  CompletedWithSuccess: successStatus,
  // The runbook ended on purpose before its last step (aws:branch or isEnd): not a failure.
  Exited: successStatus,
  Failed: failureStatus,
  TimedOut: failureStatus,
  Cancelled: failureStatus,
  Rejected: failureStatus,
  ChangeCalendarOverrideRejected: failureStatus,
  CompletedWithFailure: failureStatus,
};
