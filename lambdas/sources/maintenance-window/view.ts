import { ARCHIVE_MARKS, archiveMarks, entry, itemText, type RecordView } from '../../core/execution-item';
import { INSTANCE_ID_PATTERN } from '../../ssm-protocol/input';
import type { ParentView } from '../../query/views/parent-views';
import { maintenanceWindowStatuses } from './statuses';
import { windowExecutionsNewestFirst, EXECUTION_ORDER } from './reads';

/**
 * Attributes of a task's window execution (and, for a task invocation, of its task) that the
 * timeline's listings copy onto each item: the records themselves name neither the window nor,
 * for an invocation, the task's TaskArn (lower case: not SSM fields).
 */
export const TASK_CONTEXT = {
  executionStartTime: 'executionStartTime',
  windowId: 'executionWindowId',
  taskArn: 'taskTaskArn',
} as const;

/** Window executions as the archive views list them. */
export const windowExecutionEntry: RecordView = {
  recordKind: 'maintenance-window-execution',
  attributes: ['WindowId', 'WindowExecutionId', 'Status', 'StatusDetails', 'StartTime', 'EndTime', ...ARCHIVE_MARKS],
  toItem: (item) =>
    entry({
      kind: 'maintenance-window-execution',
      status: itemText(item, 'Status'),
      statusDetails: itemText(item, 'StatusDetails'),
      time: itemText(item, 'StartTime') ?? '',
      windowId: itemText(item, 'WindowId'),
      windowExecutionId: itemText(item, 'WindowExecutionId'),
      endTime: itemText(item, 'EndTime'),
      ...archiveMarks(item),
    }),
};

/** A task's TaskArn is a document (runbook) name for these task types, an ARN for the others. */
const DOCUMENT_TASK_TYPES: ReadonlySet<string> = new Set(['RUN_COMMAND', 'AUTOMATION']);

const documentOfTask = (taskType: string | undefined, taskArn: string | undefined): string | undefined =>
  taskType !== undefined && DOCUMENT_TASK_TYPES.has(taskType) ? taskArn : undefined;

/** A window execution's tasks (DescribeMaintenanceWindowExecutionTasks records). */
export const windowTaskEntry: RecordView = {
  recordKind: 'maintenance-window-task',
  attributes: ['WindowExecutionId', 'TaskExecutionId', 'Status', 'StatusDetails', 'StartTime', 'EndTime', 'TaskArn', 'TaskType', ...ARCHIVE_MARKS],
  toItem: (item) =>
    entry({
      kind: 'maintenance-window-task',
      status: itemText(item, 'Status'),
      statusDetails: itemText(item, 'StatusDetails'),
      // A task not started yet has no time of its own: its window execution's start places it.
      time: itemText(item, 'StartTime') ?? itemText(item, TASK_CONTEXT.executionStartTime) ?? '',
      windowId: itemText(item, TASK_CONTEXT.windowId),
      windowExecutionId: itemText(item, 'WindowExecutionId'),
      taskExecutionId: itemText(item, 'TaskExecutionId'),
      taskArn: itemText(item, 'TaskArn'),
      taskType: itemText(item, 'TaskType'),
      documentName: documentOfTask(itemText(item, 'TaskType'), itemText(item, 'TaskArn')),
      endTime: itemText(item, 'EndTime'),
      ...archiveMarks(item),
    }),
};

/**
 * What an invocation's Parameters (a JSON string: the request the window made) say of the
 * node and the document: a Run Command task's SendCommand request names its `instanceIds`
 * and `documentName`; an Automation task's names its `documentName` and, by the runbooks'
 * convention, the node as the `InstanceId` parameter. One node only: an invocation is one
 * target's.
 */
function invocationParameters(item: Readonly<Record<string, unknown>>): { node?: string; document?: string } {
  const raw = itemText(item, 'Parameters');
  let parsed: unknown;
  try {
    parsed = raw === undefined ? undefined : JSON.parse(raw);
  } catch {
    return {};
  }
  if (parsed === null || typeof parsed !== 'object') return {};
  const request = parsed as Record<string, unknown>;
  const runbookParameters = request['parameters'] !== null && typeof request['parameters'] === 'object' ? (request['parameters'] as Record<string, unknown>) : {};
  const named = itemText(item, 'TaskType') === 'AUTOMATION' ? runbookParameters['InstanceId'] : request['instanceIds'];
  const nodes = (Array.isArray(named) ? named : [named]).filter((node): node is string => typeof node === 'string' && INSTANCE_ID_PATTERN.test(node));
  const document = typeof request['documentName'] === 'string' ? request['documentName'] : undefined;
  return { ...(nodes.length === 1 ? { node: nodes[0] } : {}), ...(document !== undefined ? { document } : {}) };
}

/** A task's invocations, one per target (DescribeMaintenanceWindowExecutionTaskInvocations records). */
export const windowTaskInvocationEntry: RecordView = {
  recordKind: 'maintenance-window-task-invocation',
  attributes: [
    'WindowExecutionId', 'TaskExecutionId', 'InvocationId', 'ExecutionId', 'TaskType', 'Parameters', 'Status', 'StatusDetails',
    'StartTime', 'EndTime', 'OwnerInformation', 'WindowTargetId', ...ARCHIVE_MARKS,
  ],
  toItem: (item) => {
    const { node, document } = invocationParameters(item);
    return entry({
      kind: 'maintenance-window-task-invocation',
      status: itemText(item, 'Status'),
      statusDetails: itemText(item, 'StatusDetails'),
      time: itemText(item, 'StartTime') ?? itemText(item, TASK_CONTEXT.executionStartTime) ?? '',
      windowId: itemText(item, TASK_CONTEXT.windowId),
      windowExecutionId: itemText(item, 'WindowExecutionId'),
      taskExecutionId: itemText(item, 'TaskExecutionId'),
      invocationId: itemText(item, 'InvocationId'),
      // The command or Automation execution the invocation started (a CommandId for RUN_COMMAND).
      executionId: itemText(item, 'ExecutionId'),
      taskType: itemText(item, 'TaskType'),
      taskArn: itemText(item, TASK_CONTEXT.taskArn),
      documentName: documentOfTask(itemText(item, 'TaskType'), itemText(item, TASK_CONTEXT.taskArn)) ?? document,
      instanceId: node,
      windowTargetId: itemText(item, 'WindowTargetId'),
      ownerInformation: itemText(item, 'OwnerInformation'),
      endTime: itemText(item, 'EndTime'),
      ...archiveMarks(item),
    });
  },
};

export const windowView: ParentView<'maintenance-window-execution'> = {
  kind: 'maintenance-window-execution',
  ...EXECUTION_ORDER,
  statusAttributes: ['Status'],
  statuses: maintenanceWindowStatuses,
  newestFirst: windowExecutionsNewestFirst,
};
