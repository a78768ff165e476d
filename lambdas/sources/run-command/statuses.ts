import { failureStatus, runningStatus, successStatus, type StatusInfo } from '../../core/status';

/**
 * Run Command: the Status values of commands and invocations (the API enums), the
 * StatusDetails values SSM also accepts as Status filters, and the command-level ones
 * (ListCommands' Status filter). See ListCommandInvocations' API reference.
 */
export const runCommandStatuses: Readonly<Record<string, StatusInfo>> = {
  Pending: runningStatus(1),
  Delayed: runningStatus(2),
  InProgress: runningStatus(3),
  Cancelling: runningStatus(4),
  Success: successStatus,
  Failed: failureStatus,
  TimedOut: failureStatus,
  Cancelled: failureStatus,
  DeliveryTimedOut: failureStatus,
  ExecutionTimedOut: failureStatus,
  Undeliverable: failureStatus,
  Terminated: failureStatus,
  InvalidPlatform: failureStatus,
  AccessDenied: failureStatus,
  Incomplete: failureStatus,
  NoInstancesInTag: failureStatus,
  LimitExceeded: failureStatus,
};
