import type { RecordKind } from '../../core/model';
import type { StoredItem } from '../../store/record-store';
import { INSTANCE_INDEX_ATTRIBUTES, RESOURCE_INDEX_ATTRIBUTES } from '../archive-reader';

/**
 * What the archive views list: one entry per execution, whatever its record kind (core's
 * RecordKind), with the same camelCase fields. Each record kind maps its stored items here.
 */

export interface ExecutionItem {
  readonly kind: RecordKind;
  readonly status?: string;
  readonly statusDetails?: string;
  /** When the execution was requested or started: the views' newest-first order. */
  readonly time: string;
  readonly requestedDateTime?: string;
  readonly commandId?: string;
  readonly instanceId?: string;
  readonly instanceName?: string;
  readonly documentName?: string;
  readonly automationExecutionId?: string;
  readonly stepExecutionId?: string;
  readonly stepName?: string;
  /** A child automation's parent execution. */
  readonly parentAutomationExecutionId?: string;
  /** State Manager: the association, its version, and its execution (ExecutionId). */
  readonly associationId?: string;
  readonly associationVersion?: string;
  readonly executionId?: string;
  readonly detailedStatus?: string;
  /** An association target's ResourceType (its node is instanceId). */
  readonly resourceType?: string;
  /** An association execution's targets by status, as SSM writes it: "{Failed=1, Success=59}". */
  readonly resourceCountByStatus?: string;
  readonly lastExecutionDate?: string;
  /** Maintenance Windows: the window and its execution. */
  readonly windowId?: string;
  readonly windowExecutionId?: string;
  readonly endTime?: string;
  /** Session Manager: the session, who opened it and why (its node is instanceId). */
  readonly sessionId?: string;
  readonly owner?: string;
  readonly reason?: string;
  /** When the archive first heard of it, and when it last observed it. */
  readonly firstSeenAt?: string;
  readonly observedAt?: string;
  /**
   * True while its status is only what an event or notification said: SSM's read has not
   * confirmed it (yet, or ever: a record SSM does not know). Absent once SSM's read has.
   */
  readonly unconfirmed?: boolean;
  readonly targetCount?: number;
  readonly completedCount?: number;
  readonly errorCount?: number;
}

export interface ExecutionKindMapping {
  /** The stored attributes an entry is built from (all in the kind's indexes). */
  readonly attributes: readonly string[];
  readonly toItem: (stored: StoredItem) => ExecutionItem;
}

const text = (item: StoredItem, name: string): string | undefined => (typeof item[name] === 'string' ? (item[name] as string) : undefined);
const count = (item: StoredItem, name: string): number | undefined => (typeof item[name] === 'number' ? (item[name] as number) : undefined);

/** The archive's own attributes every entry shows: its times, and whether SSM's read confirmed its status. */
const ARCHIVE_MARKS = ['firstSeenAt', 'observedAt', 'confirmed'] as const;

function archiveMarks(item: StoredItem): { firstSeenAt?: string; observedAt?: string; unconfirmed?: true } {
  return {
    firstSeenAt: text(item, 'firstSeenAt'),
    observedAt: text(item, 'observedAt'),
    ...(item.confirmed === false ? { unconfirmed: true } : {}),
  };
}

/** Drops absent fields, so an entry never shows `null` for something the archive does not know. */
function entry(fields: Record<string, string | number | boolean | undefined> & { kind: RecordKind; time: string }): ExecutionItem {
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined)) as unknown as ExecutionItem;
}

export const executionKinds: Readonly<Record<RecordKind, ExecutionKindMapping>> = {
  command: {
    attributes: [
      'CommandId', 'RequestedDateTime', 'DocumentName', 'Status', 'StatusDetails',
      'TargetCount', 'CompletedCount', 'ErrorCount', ...ARCHIVE_MARKS,
    ],
    toItem: (item) =>
      entry({
        kind: 'command',
        status: text(item, 'Status'),
        statusDetails: text(item, 'StatusDetails'),
        time: text(item, 'RequestedDateTime') ?? '',
        requestedDateTime: text(item, 'RequestedDateTime'),
        commandId: text(item, 'CommandId'),
        documentName: text(item, 'DocumentName'),
        ...archiveMarks(item),
        targetCount: count(item, 'TargetCount'),
        completedCount: count(item, 'CompletedCount'),
        errorCount: count(item, 'ErrorCount'),
      }),
  },
  'command-invocation': {
    // Exactly what the byInstance index holds, so a node's history needs no second read.
    attributes: INSTANCE_INDEX_ATTRIBUTES,
    toItem: (item) =>
      entry({
        kind: 'command-invocation',
        status: text(item, 'Status'),
        statusDetails: text(item, 'StatusDetails'),
        time: text(item, 'RequestedDateTime') ?? '',
        requestedDateTime: text(item, 'RequestedDateTime'),
        commandId: text(item, 'CommandId'),
        instanceId: text(item, 'InstanceId'),
        instanceName: text(item, 'InstanceName'),
        documentName: text(item, 'DocumentName'),
        ...archiveMarks(item),
      }),
  },
  'automation-execution': {
    attributes: [
      'AutomationExecutionId', 'ExecutionStartTime', 'DocumentName', 'AutomationExecutionStatus', 'ParentAutomationExecutionId',
      'FailureMessage', ...ARCHIVE_MARKS,
    ],
    toItem: (item) =>
      entry({
        kind: 'automation-execution',
        status: text(item, 'AutomationExecutionStatus'),
        statusDetails: text(item, 'FailureMessage'),
        time: text(item, 'ExecutionStartTime') ?? '',
        automationExecutionId: text(item, 'AutomationExecutionId'),
        documentName: text(item, 'DocumentName'),
        parentAutomationExecutionId: text(item, 'ParentAutomationExecutionId'),
        ...archiveMarks(item),
      }),
  },
  'automation-step': {
    // A step's own record; its execution's start and runbook are added by the listing (STEP_CONTEXT).
    attributes: [
      'AutomationExecutionId', 'StepExecutionId', 'StepName', 'StepStatus', 'ExecutionStartTime', 'FailureMessage', 'NextStep',
      ...ARCHIVE_MARKS,
    ],
    toItem: (item) =>
      entry({
        kind: 'automation-step',
        status: text(item, 'StepStatus'),
        statusDetails: text(item, 'FailureMessage'),
        // A step not started yet has no time of its own: its execution's start places it.
        time: text(item, 'ExecutionStartTime') ?? text(item, STEP_CONTEXT.executionStartTime) ?? '',
        automationExecutionId: text(item, 'AutomationExecutionId'),
        stepExecutionId: text(item, 'StepExecutionId'),
        stepName: text(item, 'StepName'),
        documentName: text(item, STEP_CONTEXT.documentName),
        parentAutomationExecutionId: text(item, STEP_CONTEXT.parentAutomationExecutionId),
        ...archiveMarks(item),
      }),
  },
  'association-execution': {
    attributes: [
      'AssociationId', 'AssociationVersion', 'ExecutionId', 'Status', 'DetailedStatus', 'CreatedTime', 'LastExecutionDate',
      'ResourceCountByStatus', ...ARCHIVE_MARKS,
    ],
    toItem: (item) =>
      entry({
        kind: 'association-execution',
        status: text(item, 'Status'),
        detailedStatus: text(item, 'DetailedStatus'),
        time: text(item, 'CreatedTime') ?? '',
        associationId: text(item, 'AssociationId'),
        associationVersion: text(item, 'AssociationVersion'),
        executionId: text(item, 'ExecutionId'),
        lastExecutionDate: text(item, 'LastExecutionDate'),
        resourceCountByStatus: text(item, 'ResourceCountByStatus'),
        ...archiveMarks(item),
      }),
  },
  'association-target': {
    // Exactly what the byResource index holds, so a node's history needs no second read.
    attributes: RESOURCE_INDEX_ATTRIBUTES,
    toItem: (item) =>
      entry({
        kind: 'association-target',
        status: text(item, 'Status'),
        detailedStatus: text(item, 'DetailedStatus'),
        // A target is placed by when it last ran; the timeline lists it under its execution.
        time: text(item, 'LastExecutionDate') ?? text(item, TARGET_CONTEXT.executionCreatedTime) ?? '',
        associationId: text(item, 'AssociationId'),
        associationVersion: text(item, 'AssociationVersion'),
        executionId: text(item, 'ExecutionId'),
        instanceId: text(item, 'ResourceId'),
        resourceType: text(item, 'ResourceType'),
        lastExecutionDate: text(item, 'LastExecutionDate'),
        ...archiveMarks(item),
      }),
  },
  'maintenance-window-execution': {
    attributes: ['WindowId', 'WindowExecutionId', 'Status', 'StatusDetails', 'StartTime', 'EndTime', ...ARCHIVE_MARKS],
    toItem: (item) =>
      entry({
        kind: 'maintenance-window-execution',
        status: text(item, 'Status'),
        statusDetails: text(item, 'StatusDetails'),
        time: text(item, 'StartTime') ?? '',
        windowId: text(item, 'WindowId'),
        windowExecutionId: text(item, 'WindowExecutionId'),
        endTime: text(item, 'EndTime'),
        ...archiveMarks(item),
      }),
  },
  session: {
    attributes: ['SessionId', 'Target', 'Owner', 'Status', 'StartDate', 'EndDate', 'DocumentName', 'Reason', ...ARCHIVE_MARKS],
    toItem: (item) =>
      entry({
        kind: 'session',
        status: text(item, 'Status'),
        time: text(item, 'StartDate') ?? '',
        sessionId: text(item, 'SessionId'),
        instanceId: text(item, 'Target'),
        owner: text(item, 'Owner'),
        documentName: text(item, 'DocumentName'),
        reason: text(item, 'Reason'),
        endTime: text(item, 'EndDate'),
        ...archiveMarks(item),
      }),
  },
};

/** The attribute on which the timeline's association-target listing copies each target's execution CreatedTime. */
export const TARGET_CONTEXT = { executionCreatedTime: 'executionCreatedTime' } as const;

/** Attributes of a step's execution that the step listing copies onto each step item (lower case: not SSM fields). */
export const STEP_CONTEXT = {
  executionStartTime: 'executionStartTime',
  documentName: 'executionDocumentName',
  parentAutomationExecutionId: 'executionParentAutomationExecutionId',
} as const;

export const EXECUTION_KINDS = Object.keys(executionKinds) as RecordKind[];
