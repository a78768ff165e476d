import { ssmIds } from '../../core/ssm-ids';
import { windowExecutionAlert } from './alert';
import { maintenanceWindowStatuses } from './statuses';
import type {
  MaintenanceWindowExecution,
  MaintenanceWindowExecutionTaskIdentity,
  MaintenanceWindowExecutionTaskInvocationIdentity,
} from '@aws-sdk/client-ssm';
import { mayNotBeVisibleYet, ParentNotFoundError } from '../eventual-consistency';
import { withLister, type ArchiveLookup, type HistorySource, type ListedSource, type Observation, type Producer, type SourceClients, type WorkItem } from '../../core/model';
import { isFailure } from '../../core/alert-content';
import { statusInfo } from '../../core/status';
import { forEachBounded } from '../../concurrency';
import { archiveAttributes } from '../../store/record-store';
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

type Task = MaintenanceWindowExecutionTaskIdentity;

/** The window execution's item as the archive holds it, read once per pass (undefined: none, or not read). */
type StoredExecution = Awaited<ReturnType<ArchiveLookup['get']>>;

const isTerminal = (status: string | undefined): boolean => status !== undefined && statusInfo(maintenanceWindowStatuses, status).terminal;

/** The statuses of a failed invocation: the ones the window execution's alert lists. */
const FAILURE_STATUSES: readonly string[] = Object.keys(maintenanceWindowStatuses).filter((status) => isFailure(maintenanceWindowStatuses, status));

/** Archive reads of one pass at once. */
const READS_AT_ONCE = 8;

/**
 * One window execution's collection, however many events named it in a batch:
 * - when one of them asks for the parent (the execution ended): one
 *   DescribeMaintenanceWindowExecutions page for its record (skipped if no item says which
 *   window it belongs to), ceil(tasks/100) DescribeMaintenanceWindowExecutionTasks pages,
 *   and ceil(invocations/100) DescribeMaintenanceWindowExecutionTaskInvocations pages per
 *   task; that pass also serves every failed task's request;
 * - otherwise, for each task a failure event named: its failed invocations, from a
 *   STATUS-filtered listing (one page unless over 100 failed).
 * A finished task is written with all its invocations, then marked settled; a task the archive
 * holds settled costs no SSM call and no write. Only while its window execution's failure alert
 * is due is a settled failed task read again, for the alert's text: its record and its failed
 * invocations (a STATUS-filtered page, usually one). A pass that finds another one storing the
 * same ended execution waits a little for that one's settle marks (awaitHandover).
 */
async function collect(items: readonly WorkItem[], { ssm, archive }: SourceClients, now: () => Date): Promise<Observation[]> {
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
  const parentPass = parentProducers.size > 0;

  let execution: MaintenanceWindowExecution | undefined;
  let tasks: readonly Task[] = [];
  const invocations: Fetched<MaintenanceWindowExecutionTaskInvocationIdentity>[] = [];
  let settled: ReadonlySet<string> = new Set();
  /** Tasks whose invocations this pass read in full, every one of them ended. */
  const whole = new Set<string>();
  /** Settled failed tasks read again for the window execution's alert. */
  const retold = new Set<string>();
  const producersOf = new Map<string, ReadonlySet<Producer>>();
  try {
    if (parentPass) {
      const [found, listed] = await Promise.all([
        listedBy ? getWindowExecution(ssm, listedBy.ownerId, windowExecutionId, listedBy.startedAt) : Promise.resolve(undefined),
        listWindowTasks(ssm, windowExecutionId),
      ]);
      execution = found;
      tasks = listed;
      for (const task of listed) {
        if (task.TaskExecutionId === undefined) continue;
        producersOf.set(task.TaskExecutionId, new Set([...parentProducers, ...(taskProducers.get(task.TaskExecutionId) ?? [])]));
      }
    }
    // Failed tasks the listing did not show (yet), or every one when the parent is not fetched.
    for (const [taskExecutionId, producers] of taskProducers) if (!producersOf.has(taskExecutionId)) producersOf.set(taskExecutionId, producers);
    const listedTask = (taskExecutionId: string): Task | undefined => tasks.find((task) => task.TaskExecutionId === taskExecutionId);
    const settledBefore = await settledTasks(archive, windowExecutionId, [...producersOf.keys()], listedTask);
    const read = new Map<string, readonly MaintenanceWindowExecutionTaskInvocationIdentity[]>();
    for (const taskExecutionId of producersOf.keys()) {
      if (settledBefore.has(taskExecutionId)) continue;
      // A failure event alone wants the task's failures stored now; the window execution's own
      // pass reads all its invocations once it ends. So duplicated and concurrent failure events
      // do not each rewrite every invocation.
      const records = await listTaskInvocations(ssm, windowExecutionId, taskExecutionId, parentPass ? undefined : FAILURE_STATUSES);
      read.set(taskExecutionId, records);
      // None listed may be a listing that lags behind the task: such a task is read again, at one call.
      if (isTerminal(listedTask(taskExecutionId)?.Status) && records.length > 0 && records.every((record) => isTerminal(record.Status))) {
        whole.add(taskExecutionId);
      }
    }
    // Only after this pass's own reads: a concurrent pass begun a moment earlier has had that
    // long to store its read of the window execution, which is what tells of it. One read of
    // the stored execution serves the handover and the alert's state.
    const storedExecution =
      archive !== undefined && (whole.size > 0 || execution !== undefined)
        ? await archive.get('maintenanceWindowExecutions', { WindowExecutionId: windowExecutionId })
        : undefined;
    settled = new Set([...settledBefore, ...(await awaitHandover(archive, storedExecution, windowExecutionId, [...whole], listedTask, now))]);
    const alertWantsSettled =
      execution !== undefined &&
      isFailure(maintenanceWindowStatuses, execution.Status) &&
      [...settled].some((taskExecutionId) => isFailure(maintenanceWindowStatuses, listedTask(taskExecutionId)?.Status)) &&
      windowAlertDue(archive, storedExecution);
    for (const [taskExecutionId, producers] of producersOf) {
      let records = read.get(taskExecutionId) ?? [];
      if (settled.has(taskExecutionId)) {
        if (!alertWantsSettled || !isFailure(maintenanceWindowStatuses, listedTask(taskExecutionId)?.Status)) continue;
        retold.add(taskExecutionId);
        records = read.has(taskExecutionId)
          ? records.filter((record) => isFailure(maintenanceWindowStatuses, record.Status))
          : await listTaskInvocations(ssm, windowExecutionId, taskExecutionId, FAILURE_STATUSES);
      }
      for (const record of records) invocations.push({ record, producers });
    }
  } catch (error) {
    if (!(error instanceof ParentNotFoundError) || mayNotBeVisibleYet(items, now())) throw error;
    // Deleted, or older than SSM's memory: what the events said is all there is to keep.
    return observations;
  }

  const observedAt = now();
  // A settled task's record is terminal: what an event says of it cannot be written, so it is not tried.
  const gathered = observations.filter(
    (observation) => observation.table !== 'maintenanceWindowTasks' || !settled.has(observation.key.TaskExecutionId ?? ''),
  );
  if (execution) gathered.push(windowExecutionObservation(execution, { observedAt, producers: parentProducers }));
  for (const task of tasks) {
    const taskExecutionId = task.TaskExecutionId ?? '';
    const settles = whole.has(taskExecutionId) && !settled.has(taskExecutionId);
    if (settled.has(taskExecutionId) && !retold.has(taskExecutionId)) continue;
    const observation = windowTaskObservation(task, { observedAt, producers: producersOf.get(taskExecutionId) ?? parentProducers });
    // Written after its invocations (the collector writes settling observations last).
    gathered.push(settles ? { ...observation, settlesChildren: true } : observation);
  }
  for (const { record, producers } of invocations) gathered.push(windowTaskInvocationObservation(record, { observedAt, producers }));
  return gathered;
}

/**
 * The tasks the archive holds settled: ended, and stored from SSM's read after every one of
 * their invocations. Without this, each failure event about a task (its own, each failed
 * invocation's, the window execution's, and their duplicates) would read and rewrite all its
 * invocations again. Eventually consistent: a settle mark and a terminal status never move
 * back, so a stale answer only costs a read done again.
 */
async function settledTasks(
  archive: ArchiveLookup | undefined,
  windowExecutionId: string,
  taskExecutionIds: readonly string[],
  listedTask: (taskExecutionId: string) => Task | undefined,
): Promise<ReadonlySet<string>> {
  const settled = new Set<string>();
  if (archive === undefined) return settled;
  await forEachBounded(taskExecutionIds, READS_AT_ONCE, async (taskExecutionId) => {
    const stored = await archive.get('maintenanceWindowTasks', { WindowExecutionId: windowExecutionId, TaskExecutionId: taskExecutionId });
    if (stored?.[archiveAttributes.childrenComplete] !== true || typeof stored.Status !== 'string' || !isTerminal(stored.Status)) return;
    // When SSM's listing was read, it must still say what was settled.
    const listed = listedTask(taskExecutionId);
    if (listed !== undefined && listed.Status !== stored.Status) return;
    settled.add(taskExecutionId);
  });
  return settled;
}

/**
 * How long after another pass read the window execution this one waits for that pass to settle
 * the tasks (it has every task's invocations to write first), and how often it looks. A quarter
 * of the collector's timeout: ample for a pass's writes, and it leaves this pass time for its own.
 */
export const HANDOVER_MS = 30_000;
export const HANDOVER_POLL_MS = 250;

/**
 * Of `tasks` (ended, with every invocation this pass read ended too), those another pass
 * settles meanwhile, when that pass read this window execution, ended, moments ago: SSM's read
 * of the execution is among its first writes, the tasks' settle marks its last. So a duplicated
 * or concurrent terminal event costs a few archive reads instead of every invocation written
 * again. Bounded: when that pass failed, or cannot settle a task, this one writes it all once
 * the wait is over.
 */
async function awaitHandover(
  archive: ArchiveLookup | undefined,
  stored: StoredExecution,
  windowExecutionId: string,
  tasks: readonly string[],
  listedTask: (taskExecutionId: string) => Task | undefined,
  now: () => Date,
): Promise<ReadonlySet<string>> {
  const settled = new Set<string>();
  if (archive === undefined || tasks.length === 0) return settled;
  const readAt = stored?.[archiveAttributes.confirmedAt];
  const ended = stored?.[archiveAttributes.confirmed] === true && typeof stored.Status === 'string' && isTerminal(stored.Status);
  // A pending alert on it is a pass that failed to publish it: that pass settles nothing, its retry is due.
  if (stored?.[archiveAttributes.alertState] === 'pending') return settled;
  // A read a few milliseconds ahead is another collector's clock: taken as just now.
  const sinceRead = typeof readAt === 'string' ? Math.max(0, now().getTime() - Date.parse(readAt)) : Number.NaN;
  if (!ended || !(sinceRead < HANDOVER_MS)) return settled;
  // Timed on the clock, not on `now`: this is time actually waited.
  const deadline = Date.now() + HANDOVER_MS - sinceRead;
  const unsettled = () => tasks.filter((taskExecutionId) => !settled.has(taskExecutionId));
  while (unsettled().length > 0 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, HANDOVER_POLL_MS));
    for (const taskExecutionId of await settledTasks(archive, windowExecutionId, unsettled(), listedTask)) settled.add(taskExecutionId);
  }
  return settled;
}

/**
 * Is the window execution's failure alert still to go out, or to be retried (pending, or a
 * claim in flight)? Its text is built from the same pass's records: the failed tasks and their
 * failed invocations must be among them, settled or not.
 */
function windowAlertDue(archive: ArchiveLookup | undefined, stored: StoredExecution): boolean {
  if (archive === undefined) return true;
  const state = stored?.[archiveAttributes.alertState];
  return state !== 'sent' && state !== 'skipped';
}

/** Maintenance Windows as the collector needs it: everything but the pollers' lister, which its bundle leaves out. */
export const maintenanceWindowCollection: HistorySource = {
  kind: 'maintenance-window',
  statuses: maintenanceWindowStatuses,
  alerts: [windowExecutionAlert],
  parentId: ssmIds.windowExecutionId,
  childId: ssmIds.taskExecutionId,
  eventDetailTypes: [WINDOW_EXECUTION_DETAIL_TYPE, TASK_EXECUTION_DETAIL_TYPE, TASK_INVOCATION_DETAIL_TYPE],
  tables: MAINTENANCE_WINDOW_HISTORY_TABLES,
  // settledTasks reads the stored task before its invocations; windowAlertDue, the execution's alert state.
  tablesRead: ['maintenanceWindowTasks', 'maintenanceWindowExecutions'],
  collectorActions: ['ssm:DescribeMaintenanceWindowExecutionTasks', 'ssm:DescribeMaintenanceWindowExecutionTaskInvocations'],
  scopedCollectorActions: [
    {
      action: 'ssm:DescribeMaintenanceWindowExecutions',
      resource: 'arn:${Partition}:ssm:${Region}:${Account}:maintenancewindow/*',
    },
  ],
  parseEvent: parseMaintenanceWindowEvent,
  collect,
};

/** Maintenance Windows, listed by the pollers too. Pure, so that a bundle that never reads it drops the lister. */
export const maintenanceWindowSource: ListedSource = /* @__PURE__ */ withLister(maintenanceWindowCollection, maintenanceWindowLister);
