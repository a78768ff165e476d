import { alertText as text, alertTime as iso, isFailure, type RecordAlert } from '../../core/alert-content';
import { windowExecutionFromItem, windowTaskFromItem, windowTaskInvocationFromItem } from './records';
import { maintenanceWindowStatuses } from './statuses';

/**
 * Maintenance Windows alert per window execution, with its failed tasks (the document of a
 * RUN_COMMAND or AUTOMATION task) and their failed invocations. Tasks and task invocations do
 * not alert: a failed task fails its window execution. Console:
 * /maintenance-windows/<WindowId>/history/<WindowExecutionId>.
 */

/** A task's TaskArn is a document name for these task types, an ARN for the others. */
const DOCUMENT_TASK_TYPES: ReadonlySet<string> = new Set(['RUN_COMMAND', 'AUTOMATION']);

export const windowExecutionAlert: RecordAlert = {
  table: 'maintenanceWindowExecutions',
  recordKind: 'maintenance-window-execution',
  content(item, { alerting, related }) {
    const execution = windowExecutionFromItem(item);
    const status = text(execution.Status);
    // Before the tasks are looked at: most executions do not alert.
    if (!alerting(status, undefined)) return undefined;
    const windowExecutionId = execution.WindowExecutionId ?? '';
    const failedTasks = related('maintenanceWindowTasks')
      .filter((task) => task.WindowExecutionId === windowExecutionId)
      .map(windowTaskFromItem)
      .filter((task) => isFailure(maintenanceWindowStatuses, task.Status))
      .sort((a, b) => (iso(a.StartTime) ?? '').localeCompare(iso(b.StartTime) ?? ''));
    const firstTask = failedTasks[0];
    const document = firstTask !== undefined && DOCUMENT_TASK_TYPES.has(firstTask.TaskType ?? '') ? text(firstTask.TaskArn) : undefined;
    if (!alerting(status, document)) return undefined;
    const windowId = execution.WindowId ?? '';
    const details = text(execution.StatusDetails);
    const failedInvocations = related('maintenanceWindowTaskInvocations')
      .filter((invocation) => invocation.WindowExecutionId === windowExecutionId)
      .map(windowTaskInvocationFromItem)
      .filter((invocation) => isFailure(maintenanceWindowStatuses, invocation.Status));
    // The window's own details, then each failed task and its failed invocations (a command's id is its ExecutionId).
    const lines = [
      ...(details === undefined ? [] : [details]),
      ...failedTasks.flatMap((task) => [
        `task ${task.TaskArn ?? ''} (${task.TaskExecutionId ?? ''}): ${task.Status ?? ''}${text(task.StatusDetails) !== undefined ? `: ${task.StatusDetails}` : ''}`,
        ...failedInvocations
          .filter((invocation) => invocation.TaskExecutionId === task.TaskExecutionId)
          .map(
            (invocation) =>
              `  ${invocation.ExecutionId ?? invocation.InvocationId ?? ''}: ${invocation.Status ?? ''}${text(invocation.StatusDetails) !== undefined ? `: ${invocation.StatusDetails}` : ''}`,
          ),
      ]),
    ];
    return {
      kind: 'maintenance-window-execution',
      status,
      statusDetails: details,
      subject: `SSM Maintenance Window ${status}: ${windowId}${document === undefined ? '' : ` (${document})`}`,
      fields: { windowId, windowExecutionId, taskExecutionId: text(firstTask?.TaskExecutionId), documentName: document },
      times: { started: iso(execution.StartTime), ended: iso(execution.EndTime) },
      errorText: lines.length > 0 ? lines.join('\n') : undefined,
      consolePath: ['maintenance-windows', windowId, 'history', windowExecutionId],
    };
  },
};
