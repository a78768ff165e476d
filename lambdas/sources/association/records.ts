import type { AssociationExecution, AssociationExecutionTarget } from '@aws-sdk/client-ssm';
import { associationStatuses } from './statuses';
import { toSsmRecord, toStoredFields } from '../../store/stored-fields';
import type { Observation, Producer, StoredFields } from '../../core/model';

/**
 * State Manager records as the archive stores them: DescribeAssociationExecutions'
 * AssociationExecution (every field of DescribeAssociationExecutions' API reference) and
 * DescribeAssociationExecutionTargets' AssociationExecutionTarget, field for field. Both
 * carry their keys (AssociationId, ExecutionId; ExecutionId, ResourceId) as SSM fields.
 */
export const associationExecutionFields = [
  'AssociationId', 'AssociationVersion', 'ExecutionId', 'Status', 'DetailedStatus', 'CreatedTime',
  'LastExecutionDate', 'ResourceCountByStatus', 'AlarmConfiguration', 'TriggeredAlarms',
] as const;

export const associationExecutionTargetFields = [
  'AssociationId', 'AssociationVersion', 'ExecutionId', 'ResourceId', 'ResourceType', 'Status', 'DetailedStatus',
  'LastExecutionDate', 'OutputSource',
] as const;

export const associationExecutionDatePaths = ['CreatedTime', 'LastExecutionDate'] as const;
export const associationExecutionTargetDatePaths = ['LastExecutionDate'] as const;

const absent = (fields: readonly string[], record: StoredFields): string[] => fields.filter((name) => !(name in record));

interface DetailContext {
  readonly observedAt: Date;
  readonly producers: ReadonlySet<Producer>;
}

function requireId(value: string | undefined, name: string): string {
  if (!value) throw new Error(`SSM returned a State Manager record without ${name}`);
  return value;
}

export function associationExecutionObservation(execution: AssociationExecution, context: DetailContext): Observation {
  const fields = toStoredFields(execution);
  const status = execution.Status ?? 'Pending';
  const observedAt = context.observedAt.toISOString();
  return {
    table: 'associationExecutions',
    key: {
      AssociationId: requireId(execution.AssociationId, 'AssociationId'),
      ExecutionId: requireId(execution.ExecutionId, 'ExecutionId'),
    },
    status,
    statuses: associationStatuses,
    observedAt,
    fields,
    complete: true,
    absentFields: absent(associationExecutionFields, fields),
    producers: context.producers,
    timeline: [{ status, at: observedAt }],
  };
}

export function associationExecutionTargetObservation(target: AssociationExecutionTarget, context: DetailContext): Observation {
  const fields = toStoredFields(target);
  const status = target.Status ?? 'Pending';
  const observedAt = context.observedAt.toISOString();
  return {
    table: 'associationExecutionTargets',
    key: { ExecutionId: requireId(target.ExecutionId, 'ExecutionId'), ResourceId: requireId(target.ResourceId, 'ResourceId') },
    status,
    statuses: associationStatuses,
    observedAt,
    fields,
    complete: true,
    absentFields: absent(associationExecutionTargetFields, fields),
    producers: context.producers,
    timeline: [{ status, at: observedAt }],
  };
}

/** The SSM shapes back from stored items. */
export const associationExecutionFromItem = (item: Readonly<Record<string, unknown>>): AssociationExecution =>
  toSsmRecord<AssociationExecution>(item, associationExecutionDatePaths);

export const associationExecutionTargetFromItem = (item: Readonly<Record<string, unknown>>): AssociationExecutionTarget =>
  toSsmRecord<AssociationExecutionTarget>(item, associationExecutionTargetDatePaths);
