import { ARCHIVE_MARKS, archiveMarks, entry, itemCount, itemText, SCOPE_MARKS, type RecordView } from '../../core/execution-item';
import { INVOCATION_INDEX_ATTRIBUTES } from './tables';
import type { NodeView, ParentView } from '../../query/views/parent-views';
import { runCommandStatuses } from './statuses';

/** Commands and command invocations as the archive views list them. */
export const commandEntry: RecordView = {
  recordKind: 'command',
  attributes: [
    'CommandId', 'RequestedDateTime', 'DocumentName', 'Status', 'StatusDetails',
    'TargetCount', 'CompletedCount', 'ErrorCount', ...ARCHIVE_MARKS,
  ],
  toItem: (item) =>
    entry({
      kind: 'command',
      status: itemText(item, 'Status'),
      statusDetails: itemText(item, 'StatusDetails'),
      time: itemText(item, 'RequestedDateTime') ?? '',
      requestedDateTime: itemText(item, 'RequestedDateTime'),
      commandId: itemText(item, 'CommandId'),
      documentName: itemText(item, 'DocumentName'),
      ...archiveMarks(item),
      targetCount: itemCount(item, 'TargetCount'),
      completedCount: itemCount(item, 'CompletedCount'),
      errorCount: itemCount(item, 'ErrorCount'),
    }),
};

export const commandInvocationEntry: RecordView = {
  recordKind: 'command-invocation',
  // What the byInstance index holds, so a node's history reads no outputs; where each lives,
  // which the index does not hold, the reader reads by key when the archive collects others.
  attributes: [...INVOCATION_INDEX_ATTRIBUTES, ...SCOPE_MARKS],
  toItem: (item) =>
    entry({
      kind: 'command-invocation',
      status: itemText(item, 'Status'),
      statusDetails: itemText(item, 'StatusDetails'),
      time: itemText(item, 'RequestedDateTime') ?? '',
      requestedDateTime: itemText(item, 'RequestedDateTime'),
      commandId: itemText(item, 'CommandId'),
      instanceId: itemText(item, 'InstanceId'),
      instanceName: itemText(item, 'InstanceName'),
      documentName: itemText(item, 'DocumentName'),
      ...archiveMarks(item),
    }),
};

export const commandView: ParentView<'command'> = {
  kind: 'command',
  time: 'RequestedDateTime',
  id: 'CommandId',
  statusAttributes: ['Status', 'StatusDetails'],
  statuses: runCommandStatuses,
  documentAttribute: 'DocumentName',
  newestFirst: (reader, options) => reader.commandsNewestFirst(options),
};

/** A node's command invocations (byInstance) and association targets (byResource, by their last run). */
export const invocationNodeView: NodeView<'command-invocation'> = {
  kind: 'command-invocation',
  time: 'RequestedDateTime',
  id: 'CommandId',
  statusAttributes: ['Status', 'StatusDetails'],
  statuses: runCommandStatuses,
  documentAttribute: 'DocumentName',
  nodeAttribute: 'InstanceId',
  ofNode: (reader, node, options) => reader.invocationsOfInstance(node, options),
};
