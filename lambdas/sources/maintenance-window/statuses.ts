import { failureStatus, runningStatus, successStatus, type StatusInfo } from '../../core/status';

/**
 * Maintenance Windows: window executions, task executions and task invocations share one
 * status enum (MaintenanceWindowExecutionStatus, upper case; DescribeMaintenanceWindowExecutionTasks' API reference).
 * SKIPPED_OVERLAPPING (the window's previous run had not ended) is terminal and not a failure.
 */
export const maintenanceWindowStatuses: Readonly<Record<string, StatusInfo>> = {
  PENDING: runningStatus(1),
  IN_PROGRESS: runningStatus(3),
  CANCELLING: runningStatus(4),
  SUCCESS: successStatus,
  SKIPPED_OVERLAPPING: successStatus,
  FAILED: failureStatus,
  TIMED_OUT: failureStatus,
  CANCELLED: failureStatus,
};
