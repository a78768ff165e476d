import { ssmIds } from '../../core/ssm-ids';
import { windowExecutionAlert } from './alert';
import { maintenanceWindowStatuses } from './statuses';
import type {
  MaintenanceWindowExecution,
  MaintenanceWindowExecutionTaskIdentity,
  MaintenanceWindowExecutionTaskInvocationIdentity,
} from '@aws-sdk/client-ssm';
import { mayNotBeVisibleYet, ParentNotFoundError } from '../eventual-consistency';
import type { HistorySource, Observation, Producer, SourceClients, WorkItem } from '../../core/model';
import {
  parseMaintenanceWindowEvent,
  TASK_EXECUTION_DETAIL_TYPE,
  TASK_INVOCATION_DETAIL_TYPE,
  WINDOW_EXECUTION_DETAIL_TYPE,
} from './events';
import { getWindowExecution, listTaskInvocations, listWindowTasks } from './fetch';
import { maintenanceWindowLister } from './listing';
import { windowExecutionObservation, windowTaskInvocationObservation, windowTaskObservation } from './records';
import { MAINTENANCE_WINDOW_HISTORY_TABLES } from './tables';

interface Fetched<T> {
  readonly record: T;
  readonly producers: ReadonlySet<Producer>;
}

/**
 * One window execution's collection, however many events named it in a batch:
 * - when one of them asks for the parent (the execution ended): one
 *   DescribeMaintenanceWindowExecutions page for its record (skipped if no item says which
 *   window it belongs to), ceil(tasks/100) DescribeMaintenanceWindowExecutionTasks pages,
 *   and ceil(invocations/100) DescribeMaintenanceWindowExecutionTaskInvocations pages per
 *   task; that pass also serves every failed task's request;
 * - otherwise, for each task a failure event named: ceil(invocations/100) invocation pages.
 */
async function collect(items: readonly WorkItem[], { ssm }: SourceClients, now: () => Date): Promise<Observation[]> {
  const first = items[0];
  if (!first) return [];
  const windowExecutionId = first.parentId;
  const observations: Observation[] = items.flatMap((item) => item.observations);

  const parentProducers = new Set<Producer>();
  let listedBy: { readonly ownerId: string; readonly startedAt?: string } | undefined;
  const taskProducers = new Map<string, Set<Producer>>();
  for (const item of items) {
    if (item.fetch.scope === 'parent') {
      parentProducers.add(item.producer);
      const candidate = item.fetch.listedBy;
      if (candidate && (listedBy === undefined || (listedBy.startedAt === undefined && candidate.startedAt !== undefined))) {
        listedBy = candidate;
      }
    }
    if (item.fetch.scope === 'children') {
      for (const taskExecutionId of item.fetch.childIds) {
        const producers = taskProducers.get(taskExecutionId) ?? new Set<Producer>();
        producers.add(item.producer);
        taskProducers.set(taskExecutionId, producers);
      }
    }
  }
  if (parentProducers.size === 0 && taskProducers.size === 0) return observations;

  let execution: MaintenanceWindowExecution | undefined;
  const tasks: MaintenanceWindowExecutionTaskIdentity[] = [];
  const invocations: Fetched<MaintenanceWindowExecutionTaskInvocationIdentity>[] = [];
  try {
    const invocationsOf = new Map<string, ReadonlySet<Producer>>();
    if (parentProducers.size > 0) {
      const [found, listed] = await Promise.all([
        listedBy ? getWindowExecution(ssm, listedBy.ownerId, windowExecutionId, listedBy.startedAt) : Promise.resolve(undefined),
        listWindowTasks(ssm, windowExecutionId),
      ]);
      execution = found;
      tasks.push(...listed);
      for (const task of listed) {
        if (task.TaskExecutionId === undefined) continue;
        invocationsOf.set(task.TaskExecutionId, new Set([...parentProducers, ...(taskProducers.get(task.TaskExecutionId) ?? [])]));
      }
    }
    // Failed tasks the listing did not show (yet), or every one when the parent is not fetched.
    for (const [taskExecutionId, producers] of taskProducers) if (!invocationsOf.has(taskExecutionId)) invocationsOf.set(taskExecutionId, producers);
    for (const [taskExecutionId, producers] of invocationsOf) {
      for (const record of await listTaskInvocations(ssm, windowExecutionId, taskExecutionId)) invocations.push({ record, producers });
    }
  } catch (error) {
    if (!(error instanceof ParentNotFoundError) || mayNotBeVisibleYet(items, now())) throw error;
    // Deleted, or older than SSM's memory: what the events said is all there is to keep.
    return observations;
  }

  const observedAt = now();
  if (execution) observations.push(windowExecutionObservation(execution, { observedAt, producers: parentProducers }));
  for (const task of tasks) observations.push(windowTaskObservation(task, { observedAt, producers: parentProducers }));
  for (const { record, producers } of invocations) observations.push(windowTaskInvocationObservation(record, { observedAt, producers }));
  return observations;
}

export const maintenanceWindowSource: HistorySource = {
  kind: 'maintenance-window',
  statuses: maintenanceWindowStatuses,
  alerts: [windowExecutionAlert],
  parentId: ssmIds.windowExecutionId,
  childId: ssmIds.taskExecutionId,
  eventDetailTypes: [WINDOW_EXECUTION_DETAIL_TYPE, TASK_EXECUTION_DETAIL_TYPE, TASK_INVOCATION_DETAIL_TYPE],
  tables: MAINTENANCE_WINDOW_HISTORY_TABLES,
  collectorActions: ['ssm:DescribeMaintenanceWindowExecutionTasks', 'ssm:DescribeMaintenanceWindowExecutionTaskInvocations'],
  scopedCollectorActions: [
    {
      action: 'ssm:DescribeMaintenanceWindowExecutions',
      resource: 'arn:${Partition}:ssm:${Region}:${Account}:maintenancewindow/*',
    },
  ],
  parseEvent: parseMaintenanceWindowEvent,
  collect,
  lister: maintenanceWindowLister,
};
