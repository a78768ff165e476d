import { allOf } from '../../core/archive-reads';
import { itemText, type LineageLink } from '../../core/execution-item';
import { takePage } from '../../ssm-protocol/paging';
import type { ArchiveReader } from '../../query/archive-reader';
import type { FoundExecution, KindLineage } from '../../query/views/execution-detail';
import type { StoredItem } from '../../store/record-store';
import { getWindowExecution, windowTasks } from './reads';

/**
 * A window execution in GET /executions/{id}: its record, its tasks, and the commands its
 * RUN_COMMAND tasks started: each task invocation's ExecutionId is its command's CommandId.
 */
const text = (item: StoredItem, name: string): string => itemText(item, name) ?? '';

export const maintenanceWindowLineage: KindLineage = {
  kind: 'maintenance-window-execution',
  async find(reader: ArchiveReader, id: string, childLimit: number): Promise<FoundExecution | undefined> {
    const record = await getWindowExecution(reader, id);
    if (record === undefined) return undefined;
    const tasks = await allOf(windowTasks(reader, id, { pageSize: 100 }));
    const runCommandTasks = tasks.filter((task) => text(task, 'TaskType') === 'RUN_COMMAND');
    const invocations = (await Promise.all(runCommandTasks.map((task) => allOf(reader.keyPartition('maintenanceWindowTaskInvocations', text(task, 'TaskExecutionId'), { pageSize: 100 }))))).flat();
    const started: LineageLink[] = invocations
      .filter((invocation) => text(invocation, 'ExecutionId') !== '')
      .map((invocation) => ({
        kind: 'command',
        id: text(invocation, 'ExecutionId'),
        ids: { CommandId: text(invocation, 'ExecutionId'), TaskExecutionId: text(invocation, 'TaskExecutionId'), InvocationId: text(invocation, 'InvocationId') },
      }));
    const { items, more } = await takePage(tasks, childLimit);
    return { kind: 'maintenance-window-execution', record, childKind: 'maintenance-window-task', children: items, moreChildren: more, started, startedBy: [] };
  },
  async startersOf(reader: ArchiveReader, commandId: string): Promise<LineageLink[]> {
    const keys = await allOf(reader.indexPartitionNewestFirst('maintenanceWindowTaskInvocations', 'byExecutionId', commandId, { pageSize: 10 }));
    // By key, with the Query the table already grants (a command has one starter).
    const invocations = (
      await Promise.all(keys.map((key) => allOf(reader.keyPartition('maintenanceWindowTaskInvocations', text(key, 'TaskExecutionId'), { equals: text(key, 'InvocationId'), pageSize: 1 }))))
    ).flat();
    return invocations.map((invocation) => ({
      kind: 'maintenance-window-task-invocation',
      id: text(invocation, 'WindowExecutionId'),
      ids: { WindowExecutionId: text(invocation, 'WindowExecutionId'), TaskExecutionId: text(invocation, 'TaskExecutionId'), InvocationId: text(invocation, 'InvocationId') },
    }));
  },
};
