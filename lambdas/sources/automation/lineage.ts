import { allOf } from '../../core/archive-reads';
import { itemText, type LineageLink } from '../../core/execution-item';
import { takePage } from '../../ssm-protocol/paging';
import type { ArchiveReader } from '../../query/archive-reader';
import type { FoundExecution, KindLineage } from '../../query/views/execution-detail';
import type { StoredItem } from '../../store/record-store';
import { getAutomationExecution } from './reads';
import { inStepOrder } from './ssm-operations';

/**
 * An Automation execution in GET /executions/{id}: its record, its steps in step order, the
 * commands its aws:runCommand steps started (their CommandId output) and its child
 * executions (their ParentAutomationExecutionId); what started it, when it is a child.
 */
const text = (item: StoredItem, name: string): string => itemText(item, name) ?? '';

/** An aws:runCommand step's command: its CommandId output, which the table derives for its index. */
const OUTPUT_COMMAND_ID = 'outputCommandId';

export const automationLineage: KindLineage = {
  kind: 'automation-execution',
  async find(reader: ArchiveReader, id: string, childLimit: number): Promise<FoundExecution | undefined> {
    const record = await getAutomationExecution(reader, id);
    if (record === undefined) return undefined;
    const [steps, children] = await Promise.all([
      allOf(reader.keyPartition('automationSteps', id, { pageSize: 100 })),
      allOf(reader.indexPartitionNewestFirst('automationExecutions', 'byParent', id, { pageSize: 100 })),
    ]);
    const ordered = inStepOrder(steps);
    const commands: LineageLink[] = ordered.flatMap((step) =>
      text(step, OUTPUT_COMMAND_ID) === '' ? [] : [{ kind: 'command', id: text(step, OUTPUT_COMMAND_ID), ids: { CommandId: text(step, OUTPUT_COMMAND_ID), startedByStep: text(step, 'StepExecutionId') } }],
    );
    const executions: LineageLink[] = children.map((child) => ({ kind: 'automation-execution', id: text(child, 'AutomationExecutionId'), ids: { AutomationExecutionId: text(child, 'AutomationExecutionId') } }));
    const parent = text(record, 'ParentAutomationExecutionId');
    const { items, more } = await takePage(ordered, childLimit);
    return {
      kind: 'automation-execution',
      record,
      childKind: 'automation-step',
      children: items,
      moreChildren: more,
      started: [...commands, ...executions],
      startedBy: parent === '' ? [] : [{ kind: 'automation-execution', id: parent, ids: { AutomationExecutionId: parent } }],
    };
  },
  async startersOf(reader: ArchiveReader, commandId: string): Promise<LineageLink[]> {
    const steps = await allOf(reader.indexPartitionNewestFirst('automationSteps', 'byCommandOutput', commandId, { pageSize: 10 }));
    return steps.map((step) => ({
      kind: 'automation-step',
      id: text(step, 'AutomationExecutionId'),
      ids: { AutomationExecutionId: text(step, 'AutomationExecutionId'), StepExecutionId: text(step, 'StepExecutionId') },
    }));
  },
};
