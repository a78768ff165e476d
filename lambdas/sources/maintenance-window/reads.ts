import type { NewestFirstOptions } from '../../core/archive-reads';
import type { ArchiveReader } from '../../query/archive-reader';
import type { StoredItem } from '../../store/record-store';

/**
 * What the archive's reads are for Maintenance Windows: window executions, their tasks and
 * the tasks' invocations, over the reader's generic walks. DescribeMaintenanceWindowExecutions
 * orders by StartTime (newest first), then WindowExecutionId.
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
