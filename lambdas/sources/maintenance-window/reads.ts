import type { NewestFirstOptions } from '../../core/archive-reads';
import type { ArchiveReader } from '../../query/archive-reader';
import type { StoredItem } from '../../store/record-store';

/**
 * What the archive's reads are for Maintenance Windows: window executions, their tasks and
 * the tasks' invocations, and the windows' definitions, over the reader's generic walks.
 * DescribeMaintenanceWindowExecutions orders by StartTime (newest first), then WindowExecutionId.
 */
export const EXECUTION_ORDER = { time: 'StartTime', id: 'WindowExecutionId' } as const;

/** Window executions of every window, newest StartTime first, then WindowExecutionId (byStartYear, down the years). */
export function windowExecutionsNewestFirst(reader: ArchiveReader, options: NewestFirstOptions): AsyncGenerator<StoredItem> {
  return reader.byYearNewestFirst('maintenanceWindowExecutions', 'byStartYear', EXECUTION_ORDER, options);
}

/** One window's executions, newest StartTime first, then WindowExecutionId (byWindow). */
export function executionsOfWindow(reader: ArchiveReader, windowId: string, options: NewestFirstOptions): AsyncGenerator<StoredItem> {
  return reader.partitionNewestFirst('maintenanceWindowExecutions', 'byWindow', windowId, EXECUTION_ORDER, options);
}

/** Whether the archive holds any execution of this window: one index read of one item. */
export function hasWindow(reader: ArchiveReader, windowId: string): Promise<boolean> {
  return reader.hasPartition('maintenanceWindowExecutions', windowId, 'byWindow');
}

/**
 * The window as DescribeMaintenanceWindows last listed it (Name, Schedule, Duration, Cutoff,
 * Enabled, ...; maintenanceWindowFromItem gives SSM's record), when a poller has listed it:
 * one GetItem.
 */
export function maintenanceWindowDefinition(reader: ArchiveReader, windowId: string, attributes?: readonly string[]): Promise<StoredItem | undefined> {
  return reader.getRecord('maintenanceWindowDefinitions', { WindowId: windowId }, attributes);
}

/** Whether the window's definition is archived (a poller listed it): one GetItem of its key. */
export async function hasWindowDefinition(reader: ArchiveReader, windowId: string): Promise<boolean> {
  return (await maintenanceWindowDefinition(reader, windowId, ['WindowId'])) !== undefined;
}

/**
 * Whether SSM knows this window, as far as the archive can tell: its definition is archived,
 * or an execution of it is. One or two key reads.
 */
export async function windowExists(reader: ArchiveReader, windowId: string): Promise<boolean> {
  return (await hasWindowDefinition(reader, windowId)) || hasWindow(reader, windowId);
}

export function getWindowExecution(reader: ArchiveReader, windowExecutionId: string, attributes?: readonly string[]): Promise<StoredItem | undefined> {
  return reader.getRecord('maintenanceWindowExecutions', { WindowExecutionId: windowExecutionId }, attributes);
}

export function getWindowTask(reader: ArchiveReader, windowExecutionId: string, taskExecutionId: string, attributes?: readonly string[]): Promise<StoredItem | undefined> {
  return reader.getRecord('maintenanceWindowTasks', { WindowExecutionId: windowExecutionId, TaskExecutionId: taskExecutionId }, attributes);
}

/** Every task execution of one window execution (a Query on the table's key), in TaskExecutionId order. */
export function windowTasks(reader: ArchiveReader, windowExecutionId: string, options: { readonly attributes?: readonly string[]; readonly pageSize: number }): AsyncGenerator<StoredItem> {
  return reader.keyPartition('maintenanceWindowTasks', windowExecutionId, options);
}

/** Every invocation of one task execution (a Query on the table's key), in InvocationId order. */
export function taskInvocations(reader: ArchiveReader, taskExecutionId: string, options: { readonly attributes?: readonly string[]; readonly pageSize: number }): AsyncGenerator<StoredItem> {
  return reader.keyPartition('maintenanceWindowTaskInvocations', taskExecutionId, options);
}
