import { excerpt, isFailure, type RecordAlert } from '../../core/alert-content';
import { allOf } from '../../core/archive-reads';
import type { RecordKind } from '../../core/model';
import type { StatusInfo } from '../../core/status';
import type { TableId } from '../../core/table-schema';
import { forEachBounded } from '../../concurrency';
import type { StoredItem } from '../../store/record-store';
import type { ArchiveReader } from '../archive-reader';
import { associationExecutionAlert } from '../../sources/association/alert';
import { associationTargets } from '../../sources/association/reads';
import { associationStatuses } from '../../sources/association/statuses';
import { automationExecutionAlert } from '../../sources/automation/alert';
import { automationSteps } from '../../sources/automation/reads';
import { automationStatuses } from '../../sources/automation/statuses';
import { windowExecutionAlert } from '../../sources/maintenance-window/alert';
import { taskInvocations, windowTasks } from '../../sources/maintenance-window/reads';
import { maintenanceWindowStatuses } from '../../sources/maintenance-window/statuses';
import { commandAlert, commandInvocationAlert } from '../../sources/run-command/alert';
import { runCommandStatuses } from '../../sources/run-command/statuses';
import { sessionAlert } from '../../sources/session/alert';
import { sessionStatuses } from '../../sources/session/statuses';
import { executionKinds, type ExecutionItem } from './execution-items';
import type { ViewContext } from './view-context';

/**
 * A page's entries as their kinds map them (sources/<kind>/view.ts), each failed one with its
 * `error`: the text its failure alert carries. The kind's alert (sources/<kind>/alert.ts) says
 * what the error is (a failed invocation's plugin errors, an execution's failure message, its
 * failed targets or tasks) and core's `excerpt` cuts it, as the alerts engine does; nothing
 * here writes a second version of either. A failed entry of a kind that does not alert (a
 * step, a target, a window task) shows its statusDetails alone.
 *
 * What the alert reads that a listing does not (an invocation's plugins and outputs, which no
 * index holds; an execution's steps, failed targets, tasks) is read for the page's failed
 * entries only, by key: one BatchGetItem of the page's failed invocations, one Query of a
 * failed execution's children. Never a Scan.
 */
export interface ListedEntry {
  readonly kind: RecordKind;
  readonly item: StoredItem;
}

/** The records the collector hands an alert with the alerting one, by table. */
type RelatedByTable = Partial<Record<TableId, readonly StoredItem[]>>;

interface FailureDetail {
  readonly alert: RecordAlert;
  readonly statuses: Readonly<Record<string, StatusInfo>>;
  /** The failed items with what the alert reads that their listing did not, in the same order. */
  readonly complete?: (reader: ArchiveReader, items: readonly StoredItem[]) => Promise<readonly StoredItem[]>;
  /** The records the alert's text is built from besides the item itself. */
  readonly related?: (reader: ArchiveReader, item: StoredItem) => Promise<RelatedByTable>;
}

/** A failed execution's children are read this many executions at a time. */
const RELATED_READS = 4;
/** DynamoDB's Limit when a failed execution's children are read. */
const CHILD_READ = 500;

const failureStatuses = (statuses: Readonly<Record<string, StatusInfo>>): string[] => Object.keys(statuses).filter((status) => isFailure(statuses, status));

/** The listings read an invocation's summary (the byInstance index holds no more): its plugins and their full outputs are read by key. */
async function withPluginOutputs(reader: ArchiveReader, items: readonly StoredItem[]): Promise<readonly StoredItem[]> {
  const keyOf = (item: StoredItem) => ({ CommandId: String(item['CommandId']), InstanceId: String(item['InstanceId']) });
  const full = await reader.getInvocations(items.map(keyOf), ['CommandPlugins', 'pluginOutputs']);
  const text = (item: StoredItem): string => `${String(item['CommandId'])}\u0000${String(item['InstanceId'])}`;
  const byKey = new Map(full.map((item) => [text(item), item]));
  return items.map((item) => ({ ...item, ...byKey.get(text(item)) }));
}

async function stepsOfExecution(reader: ArchiveReader, execution: StoredItem): Promise<RelatedByTable> {
  return { automationSteps: await allOf(automationSteps(reader, String(execution['AutomationExecutionId']), { pageSize: CHILD_READ })) };
}

/** Only the failed targets: the alert names no other, and an execution may have thousands. */
async function failedTargetsOfExecution(reader: ArchiveReader, execution: StoredItem): Promise<RelatedByTable> {
  const filter = [{ anyOf: [{ attribute: 'Status', oneOf: failureStatuses(associationStatuses) }] }];
  return { associationExecutionTargets: await allOf(associationTargets(reader, String(execution['ExecutionId']), { filter, pageSize: CHILD_READ })) };
}

/** The execution's tasks, and the invocations of its failed tasks (the alert names no other). */
async function tasksOfExecution(reader: ArchiveReader, execution: StoredItem): Promise<RelatedByTable> {
  const executionId = String(execution['WindowExecutionId']);
  const tasks = await allOf(windowTasks(reader, executionId, { pageSize: CHILD_READ }));
  const failed = tasks.filter((task) => isFailure(maintenanceWindowStatuses, typeof task['Status'] === 'string' ? task['Status'] : undefined));
  const invocations: StoredItem[] = [];
  for (const task of failed) invocations.push(...(await allOf(taskInvocations(reader, String(task['TaskExecutionId']), { pageSize: CHILD_READ }))));
  return { maintenanceWindowTasks: tasks, maintenanceWindowTaskInvocations: invocations };
}

/** Every kind that alerts: how its failed records' alert text is had. */
const FAILURE_DETAILS: Partial<Record<RecordKind, FailureDetail>> = {
  command: { alert: commandAlert, statuses: runCommandStatuses },
  'command-invocation': { alert: commandInvocationAlert, statuses: runCommandStatuses, complete: withPluginOutputs },
  'automation-execution': { alert: automationExecutionAlert, statuses: automationStatuses, related: stepsOfExecution },
  'association-execution': { alert: associationExecutionAlert, statuses: associationStatuses, related: failedTargetsOfExecution },
  'maintenance-window-execution': { alert: windowExecutionAlert, statuses: maintenanceWindowStatuses, related: tasksOfExecution },
  session: { alert: sessionAlert, statuses: sessionStatuses },
};

interface FailedEntry {
  readonly index: number;
  readonly detail: FailureDetail;
  item: StoredItem;
}

export async function describeEntries(ctx: Pick<ViewContext, 'reader'>, entries: readonly ListedEntry[]): Promise<ExecutionItem[]> {
  const items = entries.map((entry) => executionKinds[entry.kind].toItem(entry.item));
  const failed: FailedEntry[] = entries.flatMap((entry, index) => {
    const detail = FAILURE_DETAILS[entry.kind];
    return detail !== undefined && isFailure(detail.statuses, items[index]?.status) ? [{ index, detail, item: entry.item }] : [];
  });
  for (const detail of new Set(failed.map((entry) => entry.detail))) {
    if (detail.complete === undefined) continue;
    const ofDetail = failed.filter((entry) => entry.detail === detail);
    const completed = await detail.complete(ctx.reader, ofDetail.map((entry) => entry.item));
    ofDetail.forEach((entry, position) => (entry.item = completed[position] ?? entry.item));
  }
  await forEachBounded(failed, RELATED_READS, async ({ index, detail, item }) => {
    const related = detail.related === undefined ? {} : await detail.related(ctx.reader, item);
    const content = detail.alert.content(item, {
      // A view is no alert: whatever the alert configuration, every failure has its text.
      alerting: (status): status is string => isFailure(detail.statuses, status),
      related: (table) => related[table] ?? [],
    });
    const cut = content?.errorText === undefined ? undefined : excerpt(content.errorText);
    const shown = items[index];
    if (cut !== undefined && shown !== undefined) items[index] = { ...shown, error: cut.text, ...(cut.truncated ? { errorTruncated: true } : {}) };
  });
  return items;
}
