import type {
  MaintenanceWindowExecution,
  MaintenanceWindowExecutionTaskIdentity,
  MaintenanceWindowExecutionTaskInvocationIdentity,
} from '@aws-sdk/client-ssm';
import { maintenanceWindowStatuses } from './statuses';
import { toSsmRecord, toStoredFields } from '../../store/stored-fields';
import type { TableId } from '../../core/table-schema';
import type { Observation, Producer, StoredFields } from '../../core/model';

/**
 * Maintenance Windows records as the archive stores them, field for field:
 * DescribeMaintenanceWindowExecutions' MaintenanceWindowExecution,
 * DescribeMaintenanceWindowExecutionTasks' MaintenanceWindowExecutionTaskIdentity
 * (DescribeMaintenanceWindowExecutionTasks' API reference) and DescribeMaintenanceWindowExecutionTaskInvocations'
 * MaintenanceWindowExecutionTaskInvocationIdentity. Each carries its keys as SSM fields.
 */
export const windowExecutionFields = ['WindowId', 'WindowExecutionId', 'Status', 'StatusDetails', 'StartTime', 'EndTime'] as const;

export const windowTaskFields = [
  'WindowExecutionId', 'TaskExecutionId', 'Status', 'StatusDetails', 'StartTime', 'EndTime', 'TaskArn', 'TaskType',
  'AlarmConfiguration', 'TriggeredAlarms',
] as const;

export const windowTaskInvocationFields = [
  'WindowExecutionId', 'TaskExecutionId', 'InvocationId', 'ExecutionId', 'TaskType', 'Parameters', 'Status', 'StatusDetails',
  'StartTime', 'EndTime', 'OwnerInformation', 'WindowTargetId',
] as const;

/** The Date fields of all three records. */
export const maintenanceWindowDatePaths = ['StartTime', 'EndTime'] as const;

interface DetailContext {
  readonly observedAt: Date;
  readonly producers: ReadonlySet<Producer>;
}

function requireId(value: string | undefined, name: string): string {
  if (!value) throw new Error(`SSM returned a Maintenance Windows record without ${name}`);
  return value;
}

function detailed(
  table: TableId,
  key: Readonly<Record<string, string>>,
  record: object & { Status?: string | undefined },
  fieldNames: readonly string[],
  context: DetailContext,
): Observation {
  const fields: StoredFields = toStoredFields(record);
  const status = record.Status ?? 'PENDING';
  const observedAt = context.observedAt.toISOString();
  return {
    table,
    key,
    status,
    statuses: maintenanceWindowStatuses,
    observedAt,
    fields,
    complete: true,
    absentFields: fieldNames.filter((name) => !(name in fields)),
    producers: context.producers,
    timeline: [{ status, at: observedAt }],
  };
}

export const windowExecutionObservation = (execution: MaintenanceWindowExecution, context: DetailContext): Observation =>
  detailed(
    'maintenanceWindowExecutions',
    { WindowExecutionId: requireId(execution.WindowExecutionId, 'WindowExecutionId') },
    execution,
    windowExecutionFields,
    context,
  );

export const windowTaskObservation = (task: MaintenanceWindowExecutionTaskIdentity, context: DetailContext): Observation =>
  detailed(
    'maintenanceWindowTasks',
    {
      WindowExecutionId: requireId(task.WindowExecutionId, 'WindowExecutionId'),
      TaskExecutionId: requireId(task.TaskExecutionId, 'TaskExecutionId'),
    },
    task,
    windowTaskFields,
    context,
  );

export const windowTaskInvocationObservation = (
  invocation: MaintenanceWindowExecutionTaskInvocationIdentity,
  context: DetailContext,
): Observation =>
  detailed(
    'maintenanceWindowTaskInvocations',
    {
      TaskExecutionId: requireId(invocation.TaskExecutionId, 'TaskExecutionId'),
      InvocationId: requireId(invocation.InvocationId, 'InvocationId'),
    },
    invocation,
    windowTaskInvocationFields,
    context,
  );

/** The SSM shapes back from stored items. */
export const windowExecutionFromItem = (item: Readonly<Record<string, unknown>>): MaintenanceWindowExecution =>
  toSsmRecord<MaintenanceWindowExecution>(item, maintenanceWindowDatePaths);

export const windowTaskFromItem = (item: Readonly<Record<string, unknown>>): MaintenanceWindowExecutionTaskIdentity =>
  toSsmRecord<MaintenanceWindowExecutionTaskIdentity>(item, maintenanceWindowDatePaths);

export const windowTaskInvocationFromItem = (
  item: Readonly<Record<string, unknown>>,
): MaintenanceWindowExecutionTaskInvocationIdentity =>
  toSsmRecord<MaintenanceWindowExecutionTaskInvocationIdentity>(item, maintenanceWindowDatePaths);
