import { ARCHIVE_MARKS, archiveMarks, entry, itemText, SCOPE_MARKS, type RecordView } from '../../core/execution-item';
import { TARGET_INDEX_ATTRIBUTES } from './tables';
import type { NodeView, ParentView } from '../../query/views/parent-views';
import { associationStatuses } from './statuses';
import { associationExecutionsNewestFirst, associationTargetsOfResource, EXECUTION_ORDER, TARGET_ORDER } from './reads';

/** The attribute on which the timeline's association-target listing copies each target's execution CreatedTime. */
export const TARGET_CONTEXT = { executionCreatedTime: 'executionCreatedTime' } as const;

/** Association executions and their targets as the archive views list them. */
export const associationExecutionEntry: RecordView = {
  recordKind: 'association-execution',
  attributes: [
    'AssociationId', 'AssociationVersion', 'ExecutionId', 'Status', 'DetailedStatus', 'CreatedTime', 'LastExecutionDate',
    'ResourceCountByStatus', ...ARCHIVE_MARKS,
  ],
  toItem: (item) =>
    entry({
      kind: 'association-execution',
      status: itemText(item, 'Status'),
      detailedStatus: itemText(item, 'DetailedStatus'),
      time: itemText(item, 'CreatedTime') ?? '',
      associationId: itemText(item, 'AssociationId'),
      associationVersion: itemText(item, 'AssociationVersion'),
      executionId: itemText(item, 'ExecutionId'),
      lastExecutionDate: itemText(item, 'LastExecutionDate'),
      resourceCountByStatus: itemText(item, 'ResourceCountByStatus'),
      ...archiveMarks(item),
    }),
};

export const associationTargetEntry: RecordView = {
  recordKind: 'association-target',
  // What the byResource index holds, so a node's history reads no more of a target; where
  // each lives, which the index does not hold, the reader reads by key when the archive
  // collects others.
  attributes: [...TARGET_INDEX_ATTRIBUTES, ...SCOPE_MARKS],
  toItem: (item) =>
    entry({
      kind: 'association-target',
      status: itemText(item, 'Status'),
      detailedStatus: itemText(item, 'DetailedStatus'),
      // A target is placed by when it last ran; the timeline lists it under its execution.
      time: itemText(item, 'LastExecutionDate') ?? itemText(item, TARGET_CONTEXT.executionCreatedTime) ?? '',
      associationId: itemText(item, 'AssociationId'),
      associationVersion: itemText(item, 'AssociationVersion'),
      executionId: itemText(item, 'ExecutionId'),
      instanceId: itemText(item, 'ResourceId'),
      resourceType: itemText(item, 'ResourceType'),
      lastExecutionDate: itemText(item, 'LastExecutionDate'),
      ...archiveMarks(item),
    }),
};

export const associationExecutionView: ParentView<'association-execution'> = {
  kind: 'association-execution',
  ...EXECUTION_ORDER,
  statusAttributes: ['Status', 'DetailedStatus'],
  statuses: associationStatuses,
  newestFirst: associationExecutionsNewestFirst,
};

export const targetNodeView: NodeView<'association-target'> = {
  kind: 'association-target',
  ...TARGET_ORDER,
  statusAttributes: ['Status', 'DetailedStatus'],
  statuses: associationStatuses,
  // An execution's and a target's records name no document (the association's definition does).
  nodeAttribute: 'ResourceId',
  ofNode: associationTargetsOfResource,
};
