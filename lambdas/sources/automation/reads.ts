import type { NewestFirstOptions } from '../../core/archive-reads';
import type { ArchiveReader } from '../../query/archive-reader';
import type { StoredItem } from '../../store/record-store';

/**
 * What the archive's reads are for Automation: its executions and steps, over the reader's
 * generic walks. DescribeAutomationExecutions orders by ExecutionStartTime (newest first),
 * then AutomationExecutionId.
 */
export const EXECUTION_ORDER = { time: 'ExecutionStartTime', id: 'AutomationExecutionId' } as const;

/** Executions newest ExecutionStartTime first, then AutomationExecutionId (byStartYear, down the years). */
export function automationExecutionsNewestFirst(reader: ArchiveReader, options: NewestFirstOptions): AsyncGenerator<StoredItem> {
  return reader.byYearNewestFirst('automationExecutions', 'byStartYear', EXECUTION_ORDER, options);
}

export function getAutomationExecution(reader: ArchiveReader, executionId: string, attributes?: readonly string[]): Promise<StoredItem | undefined> {
  return reader.getRecord('automationExecutions', { AutomationExecutionId: executionId }, attributes);
}

export function getAutomationExecutions(reader: ArchiveReader, executionIds: readonly string[], attributes?: readonly string[]): Promise<StoredItem[]> {
  return reader.getRecords('automationExecutions', executionIds.map((id) => ({ AutomationExecutionId: id })), attributes);
}

/** Every step of one execution (a Query on the table's key), in StepExecutionId order. */
export function automationSteps(reader: ArchiveReader, executionId: string, options: { readonly attributes?: readonly string[]; readonly pageSize: number }): AsyncGenerator<StoredItem> {
  return reader.keyPartition('automationSteps', executionId, options);
}
