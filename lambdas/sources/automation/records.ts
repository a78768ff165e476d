import type { AutomationExecutionMetadata, StepExecution } from '@aws-sdk/client-ssm';
import { automationStatuses } from './statuses';
import { toSsmRecord, toStoredFields } from '../../store/stored-fields';
import type { Observation, Producer, StoredFields } from '../../core/model';

/**
 * Automation records as the archive stores them: DescribeAutomationExecutions'
 * AutomationExecutionMetadata and DescribeAutomationStepExecutions' StepExecution, field for
 * field (Inputs, Outputs, FailureDetails, Targets, TargetLocation, TriggeredAlarms included),
 * each step under its execution's AutomationExecutionId. A child automation's record keeps
 * ParentAutomationExecutionId, which links it to its parent.
 */
export const automationExecutionFields = [
  'AutomationExecutionId', 'DocumentName', 'DocumentVersion', 'AutomationExecutionStatus', 'ExecutionStartTime',
  'ExecutionEndTime', 'ExecutedBy', 'LogFile', 'Outputs', 'Mode', 'ParentAutomationExecutionId', 'CurrentStepName',
  'CurrentAction', 'FailureMessage', 'WarningMessage', 'TargetParameterName', 'Targets', 'TargetMaps',
  'ResolvedTargets', 'MaxConcurrency', 'MaxErrors', 'Target', 'AutomationType', 'AlarmConfiguration',
  'TriggeredAlarms', 'TargetLocationsURL', 'AutomationSubtype', 'ScheduledTime', 'Runbooks', 'OpsItemId',
  'AssociationId', 'ChangeRequestName',
] as const;

/** Every field of StepExecution in the DescribeAutomationStepExecutions API reference, plus the SDK's newer WarningMessage and ParentStepDetails. */
export const automationStepFields = [
  'StepName', 'Action', 'TimeoutSeconds', 'OnFailure', 'MaxAttempts', 'ExecutionStartTime', 'ExecutionEndTime',
  'StepStatus', 'ResponseCode', 'Inputs', 'Outputs', 'Response', 'FailureMessage', 'WarningMessage',
  'FailureDetails', 'StepExecutionId', 'OverriddenParameters', 'IsEnd', 'NextStep', 'IsCritical',
  'ValidNextSteps', 'Targets', 'TargetLocation', 'TriggeredAlarms', 'ParentStepDetails',
] as const;

/**
 * The archive's own attribute on a step (lower case: not an SSM field, so the SSM-compatible
 * answer leaves it out): the step's place in SSM's forward DescribeAutomationStepExecutions
 * listing when the collector last read all the execution's steps, 0 first.
 */
export const LISTED_POSITION = 'listedPosition';

export const automationExecutionDatePaths = ['ExecutionStartTime', 'ExecutionEndTime', 'ScheduledTime'] as const;
export const automationStepDatePaths = ['ExecutionStartTime', 'ExecutionEndTime'] as const;

const absent = (fields: readonly string[], record: StoredFields): string[] => fields.filter((name) => !(name in record));

interface DetailContext {
  readonly observedAt: Date;
  readonly producers: ReadonlySet<Producer>;
}

function requireId(value: string | undefined, name: string): string {
  if (!value) throw new Error(`SSM returned an Automation record without ${name}`);
  return value;
}

export function automationExecutionObservation(execution: AutomationExecutionMetadata, context: DetailContext): Observation {
  const fields = toStoredFields(execution);
  const status = execution.AutomationExecutionStatus ?? 'Pending';
  const observedAt = context.observedAt.toISOString();
  return {
    table: 'automationExecutions',
    key: { AutomationExecutionId: requireId(execution.AutomationExecutionId, 'AutomationExecutionId') },
    status,
    statuses: automationStatuses,
    observedAt,
    fields,
    complete: true,
    absentFields: absent(automationExecutionFields, fields),
    producers: context.producers,
    timeline: [{ status, at: observedAt }],
  };
}

/** A step's record; `listedPosition` when it was read with all its execution's steps (kept otherwise). */
export function automationStepObservation(executionId: string, step: StepExecution, context: DetailContext, listedPosition?: number): Observation {
  const key = { AutomationExecutionId: executionId, StepExecutionId: requireId(step.StepExecutionId, 'StepExecutionId') };
  const fields = {
    ...toStoredFields(step),
    AutomationExecutionId: executionId,
    ...(listedPosition !== undefined ? { [LISTED_POSITION]: listedPosition } : {}),
  };
  const status = step.StepStatus ?? 'Pending';
  const observedAt = context.observedAt.toISOString();
  return {
    table: 'automationSteps',
    key,
    status,
    statuses: automationStatuses,
    observedAt,
    fields,
    complete: true,
    absentFields: absent(automationStepFields, fields),
    producers: context.producers,
    timeline: [{ status, at: observedAt }],
  };
}

/** The SSM shapes back from stored items. A step item also holds its AutomationExecutionId (the key), not a StepExecution field. */
export const automationExecutionFromItem = (item: Readonly<Record<string, unknown>>): AutomationExecutionMetadata =>
  toSsmRecord<AutomationExecutionMetadata>(item, automationExecutionDatePaths);

export function automationStepFromItem(item: Readonly<Record<string, unknown>>): StepExecution {
  const record = toSsmRecord<StepExecution & { AutomationExecutionId?: string }>(item, automationStepDatePaths);
  delete record.AutomationExecutionId;
  return record;
}
