import { allOf } from '../../core/archive-reads';
import { itemText, type LineageLink } from '../../core/execution-item';
import { takePage } from '../../ssm-protocol/paging';
import type { ArchiveReader } from '../../query/archive-reader';
import type { FoundExecution, KindLineage } from '../../query/views/execution-detail';
import type { StoredItem } from '../../store/record-store';

/**
 * An association execution in GET /executions/{id} (by its ExecutionId): its record, its
 * targets, and the commands that ran it on each node (a target's OutputSource).
 */
const text = (item: StoredItem, name: string): string => itemText(item, name) ?? '';

/** A target's command: OutputSource's id when its type is RunCommand (the table derives it for its index). */
function commandOf(target: StoredItem): string | undefined {
  const source = target['OutputSource'];
  if (source === null || typeof source !== 'object') return undefined;
  const { OutputSourceId: id, OutputSourceType: type } = source as Record<string, unknown>;
  return typeof id === 'string' && id !== '' && type === 'RunCommand' ? id : undefined;
}

export const associationLineage: KindLineage = {
  kind: 'association-execution',
  async find(reader: ArchiveReader, id: string, childLimit: number): Promise<FoundExecution | undefined> {
    // The targets' table is keyed by ExecutionId alone; the execution's own by (AssociationId, ExecutionId).
    const targets = await takePage(reader.keyPartition('associationExecutionTargets', id, { pageSize: childLimit + 1 }), childLimit);
    const first = targets.items[0];
    if (first === undefined) return undefined;
    const record = await reader.getRecord('associationExecutions', { AssociationId: text(first, 'AssociationId'), ExecutionId: id });
    if (record === undefined) return undefined;
    const started: LineageLink[] = targets.items.flatMap((target) => {
      const commandId = commandOf(target);
      return commandId === undefined ? [] : [{ kind: 'command' as const, id: commandId, ids: { CommandId: commandId, ResourceId: text(target, 'ResourceId') } }];
    });
    return { kind: 'association-execution', record, childKind: 'association-target', children: targets.items, moreChildren: targets.more, started, startedBy: [] };
  },
  async startersOf(reader: ArchiveReader, commandId: string): Promise<LineageLink[]> {
    const keys = await allOf(reader.indexPartitionNewestFirst('associationExecutionTargets', 'byOutputSource', commandId, { pageSize: 10 }));
    // By key, with the Query the table already grants (a command has one starter).
    const targets = (
      await Promise.all(keys.map((key) => allOf(reader.keyPartition('associationExecutionTargets', text(key, 'ExecutionId'), { equals: text(key, 'ResourceId'), pageSize: 1 }))))
    ).flat();
    return targets.map((target) => ({
      kind: 'association-target' as const,
      id: text(target, 'ExecutionId'),
      ids: { AssociationId: text(target, 'AssociationId'), ExecutionId: text(target, 'ExecutionId'), ResourceId: text(target, 'ResourceId') },
    }));
  },
};
