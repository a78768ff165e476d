import {
  paginateDescribeMaintenanceWindowExecutions,
  paginateDescribeMaintenanceWindowExecutionTaskInvocations,
  paginateDescribeMaintenanceWindowExecutionTasks,
  type MaintenanceWindowExecution,
  type MaintenanceWindowExecutionTaskIdentity,
  type MaintenanceWindowExecutionTaskInvocationIdentity,
  type SSMClient,
} from '@aws-sdk/client-ssm';
import { ParentNotFoundError } from '../eventual-consistency';
import { secondsFilterValue } from '../listed-parents';

/**
 * The Maintenance Windows read calls the collector makes, each the cheapest form that answers:
 * - DescribeMaintenanceWindowExecutions for the window (WindowId is required: no call reads a
 *   window execution's MaintenanceWindowExecution record by its own id), filtered
 *   ExecutedAfter/ExecutedBefore to BRACKET_MS either side of the execution's StartTime, at
 *   the smallest page size (10), page after page until the execution is found: one call in
 *   practice. GetMaintenanceWindowExecution would take the id alone, but answers another
 *   shape without the WindowId.
 * - DescribeMaintenanceWindowExecutionTasks at its maximum page size (100), every page.
 * - DescribeMaintenanceWindowExecutionTaskInvocations per task at its maximum page size
 *   (100), every page; filtered on STATUS when only the task's failures are wanted.
 * SSM answers DoesNotExistException for a window or window execution it does not know.
 */
export const EXECUTION_PAGE_SIZE = 10;
export const TASK_PAGE_SIZE = 100;
export const INVOCATION_PAGE_SIZE = 100;

/** Margin of the listing's time filter either side of the start: filter values are to the second. */
export const BRACKET_MS = 60 * 1000;

const isNotFound = (error: unknown): boolean => error instanceof Error && error.name === 'DoesNotExistException';

/** The window execution's record, found in its window's executions around its start (all of them without one). */
export async function getWindowExecution(
  ssm: SSMClient,
  windowId: string,
  windowExecutionId: string,
  startedAt?: string,
): Promise<MaintenanceWindowExecution> {
  const start = startedAt === undefined ? undefined : Date.parse(startedAt);
  try {
    const pages = paginateDescribeMaintenanceWindowExecutions(
      { client: ssm, pageSize: EXECUTION_PAGE_SIZE },
      {
        WindowId: windowId,
        ...(start !== undefined
          ? {
              Filters: [
                { Key: 'ExecutedAfter', Values: [secondsFilterValue(start - BRACKET_MS)] },
                { Key: 'ExecutedBefore', Values: [secondsFilterValue(start + BRACKET_MS + 1000)] },
              ],
            }
          : {}),
      },
    );
    for await (const page of pages) {
      const found = page.WindowExecutions?.find((execution) => execution.WindowExecutionId === windowExecutionId);
      if (found) return found;
    }
  } catch (error) {
    if (isNotFound(error)) throw new ParentNotFoundError(`maintenance window ${windowId}`, { cause: error });
    throw error;
  }
  throw new ParentNotFoundError(`maintenance window execution ${windowExecutionId} of ${windowId}`);
}

export async function listWindowTasks(ssm: SSMClient, windowExecutionId: string): Promise<MaintenanceWindowExecutionTaskIdentity[]> {
  const tasks: MaintenanceWindowExecutionTaskIdentity[] = [];
  try {
    const pages = paginateDescribeMaintenanceWindowExecutionTasks(
      { client: ssm, pageSize: TASK_PAGE_SIZE },
      { WindowExecutionId: windowExecutionId },
    );
    for await (const page of pages) tasks.push(...(page.WindowExecutionTaskIdentities ?? []));
  } catch (error) {
    if (isNotFound(error)) throw new ParentNotFoundError(`maintenance window execution ${windowExecutionId}`, { cause: error });
    throw error;
  }
  return tasks;
}

/** The task's invocations: all of them, or only those with one of `statuses`. */
export async function listTaskInvocations(
  ssm: SSMClient,
  windowExecutionId: string,
  taskExecutionId: string,
  statuses?: readonly string[],
): Promise<MaintenanceWindowExecutionTaskInvocationIdentity[]> {
  const invocations: MaintenanceWindowExecutionTaskInvocationIdentity[] = [];
  try {
    const pages = paginateDescribeMaintenanceWindowExecutionTaskInvocations(
      { client: ssm, pageSize: INVOCATION_PAGE_SIZE },
      {
        WindowExecutionId: windowExecutionId,
        TaskId: taskExecutionId,
        ...(statuses !== undefined ? { Filters: [{ Key: 'STATUS', Values: [...statuses] }] } : {}),
      },
    );
    for await (const page of pages) invocations.push(...(page.WindowExecutionTaskInvocationIdentities ?? []));
  } catch (error) {
    if (isNotFound(error)) {
      throw new ParentNotFoundError(`maintenance window task execution ${taskExecutionId} of ${windowExecutionId}`, { cause: error });
    }
    throw error;
  }
  return invocations;
}
