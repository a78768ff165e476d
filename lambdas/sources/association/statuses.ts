import { failureStatus, runningStatus, successStatus, type StatusInfo } from '../../core/status';

/**
 * State Manager: association executions and their targets (DescribeAssociationExecutions'
 * and DescribeAssociationExecutionTargets' Status; the association events' status, which is
 * the association's AssociationStatusName Pending/Success/Failed). An execution or target
 * waits (Pending), runs (InProgress), then ends. Skipped (the target was not run, e.g. it
 * did not match or ApplyOnlyAtCronInterval) is not a failure.
 */
export const associationStatuses: Readonly<Record<string, StatusInfo>> = {
  Pending: runningStatus(1),
  InProgress: runningStatus(3),
  Success: successStatus,
  Skipped: successStatus,
  Failed: failureStatus,
  TimedOut: failureStatus,
  Cancelled: failureStatus,
};
