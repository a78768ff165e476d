import { ssmIds } from '../../core/ssm-ids';
import { statusInfo } from '../../core/status';
import { maintenanceWindowStatuses } from './statuses';
import { definedFields, envelopeTime, optionalString, optionalTime, type Fields, idField, statusField } from '../event-fields';
import {
  MalformedMessageError,
  type FetchRequest,
  type Observation,
  type SsmEvent,
  type WorkItem,
} from '../../core/model';

/**
 * Maintenance Windows' EventBridge events (source aws.ssm; shapes: SSM user guide, "Amazon
 * EventBridge event examples for Systems Manager", Maintenance Windows events) read into work
 * items. Every one names its window execution, the parent (parentId = WindowExecutionId).
 *
 * What an event stores by itself, without any SSM call:
 * - a window execution event: the execution's record as far as it goes (WindowId,
 *   WindowExecutionId, Status, StartTime, EndTime);
 * - a task execution event: the task's record as far as it goes (WindowExecutionId,
 *   TaskExecutionId, Status, StartTime, EndTime);
 * - a task target invocation event: nothing. It carries no InvocationId, the invocations
 *   table's sort key.
 *
 * What it asks to fetch, for the fewest SSM calls:
 * - a window execution that ended: the parent, once for all its records. Its own record
 *   (DescribeMaintenanceWindowExecutions needs the WindowId, so the request carries it,
 *   with the StartTime the listing is bracketed around: one page of 10 holds it), every page
 *   of its tasks at 100 a page, every page of each task's invocations at 100 a page. So a
 *   window execution of T tasks and N invocations costs 1 + ceil(T/100) + sum ceil(n/100)
 *   calls (1 + 1 + T in the usual case), less the invocation pages of the tasks the archive
 *   already holds settled with all their invocations;
 * - a task or an invocation that ended in failure (FAILED, TIMED_OUT, CANCELLED): that
 *   task's failed invocations now, at once, the others with the parent: one STATUS-filtered
 *   call per task, none when the same batch also fetches the whole parent or the task is
 *   settled already;
 * - anything else (PENDING, IN_PROGRESS, CANCELLING; SUCCESS of a task or an invocation,
 *   SKIPPED_OVERLAPPING): nothing. The window execution's own terminal event fetches it all.
 */
export const WINDOW_EXECUTION_DETAIL_TYPE = 'Maintenance Window Execution State-change Notification';
export const TASK_EXECUTION_DETAIL_TYPE = 'Maintenance Window Task Execution State-change Notification';
export const TASK_INVOCATION_DETAIL_TYPE = 'Maintenance Window Task Target Invocation State-change Notification';

function eventObservation(
  table: Observation['table'],
  key: Readonly<Record<string, string>>,
  status: string,
  observedAt: string,
  fields: Readonly<Record<string, string | undefined>>,
): Observation {
  return {
    table,
    key,
    status,
    statuses: maintenanceWindowStatuses,
    observedAt,
    fields: { ...definedFields(fields), ...key, Status: status },
    complete: false,
    producers: new Set(['event']),
    timeline: [{ status, at: observedAt }],
  };
}

export function parseMaintenanceWindowEvent(event: SsmEvent): WorkItem {
  const detailType = event['detail-type'];
  const where = `${detailType} event ${event.id}`;
  if (detailType !== WINDOW_EXECUTION_DETAIL_TYPE && detailType !== TASK_EXECUTION_DETAIL_TYPE && detailType !== TASK_INVOCATION_DETAIL_TYPE) {
    throw new MalformedMessageError(`${where}: not a Maintenance Windows detail-type`);
  }
  const detail: unknown = event.detail;
  if (typeof detail !== 'object' || detail === null || Array.isArray(detail)) {
    throw new MalformedMessageError(`${where}: "detail" is not an object`);
  }
  const fields = detail as Fields;
  const sentAt = envelopeTime(event, where);
  const windowId = idField(fields, 'window-id', ssmIds.windowId, where);
  const windowExecutionId = idField(fields, 'window-execution-id', ssmIds.windowExecutionId, where);
  const status = statusField(fields, 'status', maintenanceWindowStatuses, 'a maintenance window status', where);
  const startTime = optionalTime(fields, 'start-time', where);
  const endTime = optionalTime(fields, 'end-time', where);
  const info = statusInfo(maintenanceWindowStatuses, status);
  const failed = info.terminal && info.outcome === 'failure';
  const item = { kind: 'maintenance-window', parentId: windowExecutionId, producer: 'event', sentAt } as const;

  if (detailType === WINDOW_EXECUTION_DETAIL_TYPE) {
    const fetch: FetchRequest = info.terminal
      ? { scope: 'parent', listedBy: { ownerId: windowId, ...(startTime !== undefined ? { startedAt: startTime } : {}) } }
      : { scope: 'none' };
    const observation = eventObservation('maintenanceWindowExecutions', { WindowExecutionId: windowExecutionId }, status, sentAt, {
      WindowId: windowId,
      StartTime: startTime,
      EndTime: endTime,
    });
    return { ...item, observations: [observation], fetch };
  }

  const taskExecutionId = idField(fields, 'task-execution-id', ssmIds.taskExecutionId, where);
  const fetch: FetchRequest = failed ? { scope: 'children', childIds: [taskExecutionId] } : { scope: 'none' };
  if (detailType === TASK_EXECUTION_DETAIL_TYPE) {
    const key = { WindowExecutionId: windowExecutionId, TaskExecutionId: taskExecutionId };
    const observation = eventObservation('maintenanceWindowTasks', key, status, sentAt, { StartTime: startTime, EndTime: endTime });
    return { ...item, observations: [observation], fetch };
  }
  // A target invocation: validated, but nothing to store without its InvocationId.
  optionalString(fields, 'window-target-id', where);
  optionalString(fields, 'owner-information', where);
  return { ...item, observations: [], fetch };
}
