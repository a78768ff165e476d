/**
 * Every status the archive knows, with its order, in one table. A record's status only moves
 * forward in rank: a late "InProgress" never overwrites a terminal status, and among equal
 * ranks the newer observation wins. All terminal statuses share one rank because SSM never
 * moves from one terminal status to another.
 */
export type StatusOutcome = 'running' | 'success' | 'failure';

export interface StatusInfo {
  readonly rank: number;
  readonly terminal: boolean;
  readonly outcome: StatusOutcome;
}

/** The building blocks of a kind's status table: running ones rank below every terminal one. */
export const runningStatus = (rank: number): StatusInfo => ({ rank, terminal: false, outcome: 'running' });
const TERMINAL_RANK = 9;
export const successStatus: StatusInfo = { rank: TERMINAL_RANK, terminal: true, outcome: 'success' };
export const failureStatus: StatusInfo = { rank: TERMINAL_RANK, terminal: true, outcome: 'failure' };
const running = runningStatus;
const success = successStatus;
const failure = failureStatus;

/**
 * Run Command: the Status values of commands and invocations (the API enums), the
 * StatusDetails values SSM also accepts as Status filters, and the command-level ones
 * (ListCommands' Status filter). See ListCommandInvocations' API reference.
 */
export const runCommandStatuses: Readonly<Record<string, StatusInfo>> = {
  Pending: running(1),
  Delayed: running(2),
  InProgress: running(3),
  Cancelling: running(4),
  Success: success,
  Failed: failure,
  TimedOut: failure,
  Cancelled: failure,
  DeliveryTimedOut: failure,
  ExecutionTimedOut: failure,
  Undeliverable: failure,
  Terminated: failure,
  InvalidPlatform: failure,
  AccessDenied: failure,
  Incomplete: failure,
  NoInstancesInTag: failure,
  LimitExceeded: failure,
};

/**
 * Automation: executions and steps share one status enum (AutomationExecutionStatus; the step
 * list in DescribeAutomationStepExecutions' API reference is the same values without Exited, which executions and the SDK's
 * StepStatus also have). Statuses an execution can move between in either direction (it waits
 * for an approval, a change calendar or an aws:sleep, then runs again) share one rank, so the
 * newer sighting wins; every waiting or running status ranks below every terminal one, and
 * Cancelling below the Cancelled it leads to.
 */
export const automationStatuses: Readonly<Record<string, StatusInfo>> = {
  Scheduled: running(1),
  Pending: running(1),
  PendingApproval: running(3),
  Approved: running(3),
  PendingChangeCalendarOverride: running(3),
  ChangeCalendarOverrideApproved: running(3),
  Waiting: running(3),
  InProgress: running(3),
  RunbookInProgress: running(3),
  Cancelling: running(4),
  Success: success,
  CompletedWithSuccess: success,
  // The runbook ended on purpose before its last step (aws:branch or isEnd): not a failure.
  Exited: success,
  Failed: failure,
  TimedOut: failure,
  Cancelled: failure,
  Rejected: failure,
  ChangeCalendarOverrideRejected: failure,
  CompletedWithFailure: failure,
};

/**
 * State Manager: association executions and their targets (DescribeAssociationExecutions'
 * and DescribeAssociationExecutionTargets' Status; the association events' status, which is
 * the association's AssociationStatusName Pending/Success/Failed). An execution or target
 * waits (Pending), runs (InProgress), then ends. Skipped (the target was not run, e.g. it
 * did not match or ApplyOnlyAtCronInterval) is not a failure.
 */
export const associationStatuses: Readonly<Record<string, StatusInfo>> = {
  Pending: running(1),
  InProgress: running(3),
  Success: success,
  Skipped: success,
  Failed: failure,
  TimedOut: failure,
  Cancelled: failure,
};

/**
 * Maintenance Windows: window executions, task executions and task invocations share one
 * status enum (MaintenanceWindowExecutionStatus, upper case; DescribeMaintenanceWindowExecutionTasks' API reference).
 * SKIPPED_OVERLAPPING (the window's previous run had not ended) is terminal and not a failure.
 */
export const maintenanceWindowStatuses: Readonly<Record<string, StatusInfo>> = {
  PENDING: running(1),
  IN_PROGRESS: running(3),
  CANCELLING: running(4),
  SUCCESS: success,
  SKIPPED_OVERLAPPING: success,
  FAILED: failure,
  TIMED_OUT: failure,
  CANCELLED: failure,
};

/**
 * A status SSM may add after this table was written ranks with the running ones: a later
 * observation with a known status still replaces it, so nothing gets stuck.
 */
const UNKNOWN_STATUS: StatusInfo = running(3);

export function statusInfo(table: Readonly<Record<string, StatusInfo>>, status: string): StatusInfo {
  return table[status] ?? UNKNOWN_STATUS;
}
