/**
 * The archive's tables, defined once. The CDK construct (lib/history-tables.ts) and local
 * mode both create their tables from these definitions, so what tests run against is what
 * the stack deploys.
 *
 * Keys use SSM's own field names: a command invocation is keyed by (CommandId, InstanceId)
 * exactly as SSM identifies it.
 */
export interface KeyAttribute {
  readonly name: string;
  readonly type: 'S' | 'N';
}

/**
 * A global secondary index. The archive's queries are all Queries on a key or one of these:
 * none scans. CloudFormation adds or removes at most one index per table per update, so
 * indexes are added one at a time, in separate releases.
 */
export interface IndexSchema {
  readonly name: string;
  readonly partitionKey: KeyAttribute;
  readonly sortKey?: KeyAttribute;
  /** Attributes copied into the index besides the keys; omitted: all of them. */
  readonly include?: readonly string[];
}

/**
 * An archive attribute computed from an SSM field at write time, for an index key:
 * the first `length` characters of `from` (e.g. the year of an ISO time).
 */
export interface DerivedAttribute {
  readonly name: string;
  readonly from: string;
  readonly length: number;
}

export interface TableSchema {
  /** Logical name, also the CDK construct id. Never change it: it keeps the table's identity. */
  readonly logicalName: string;
  /** Environment variable through which a Lambda learns the physical table name. */
  readonly envVar: string;
  readonly partitionKey: KeyAttribute;
  readonly sortKey?: KeyAttribute;
  readonly indexes?: readonly IndexSchema[];
  readonly derived?: readonly DerivedAttribute[];
  /**
   * The SSM field (an ISO time) a record's retention counts from, when retention is set; the
   * observation's time when the record lacks it. Absent: the table's items never expire.
   */
  readonly recordTime?: string;
  readonly description: string;
}

/**
 * The tables' DynamoDB TTL attribute (epoch seconds): set on every history record when a
 * retention is configured, never otherwise; DynamoDB deletes an item within days of it.
 */
export const EXPIRES_AT = 'expiresAt';

/** What a listing of invocations shows without the plugins and their output. */
export const COMMAND_INVOCATION_SUMMARY = [
  'InstanceName',
  'Comment',
  'DocumentName',
  'DocumentVersion',
  'Status',
  'StatusDetails',
  'observedAt',
  'firstSeenAt',
  'confirmed',
] as const;

/** What a node's history shows of an association execution target (the byResource index). */
export const ASSOCIATION_TARGET_SUMMARY = [
  'AssociationId',
  'AssociationVersion',
  'ResourceType',
  'Status',
  'DetailedStatus',
  'observedAt',
  'firstSeenAt',
  'confirmed',
] as const;

export const tableSchemas = {
  commands: {
    logicalName: 'Commands',
    recordTime: 'RequestedDateTime',
    envVar: 'COMMANDS_TABLE',
    partitionKey: { name: 'CommandId', type: 'S' },
    indexes: [
      // Commands newest first, a year per partition key: few enough writes per key for any
      // fleet (commands, not invocations), and a full listing walks at most a key per year.
      {
        name: 'byRequestedYear',
        partitionKey: { name: 'requestedYear', type: 'S' },
        sortKey: { name: 'RequestedDateTime', type: 'S' },
      },
    ],
    derived: [{ name: 'requestedYear', from: 'RequestedDateTime', length: 4 }],
    description: 'Run Command commands (ListCommands records), one item per CommandId.',
  },
  commandInvocations: {
    logicalName: 'CommandInvocations',
    recordTime: 'RequestedDateTime',
    envVar: 'COMMAND_INVOCATIONS_TABLE',
    partitionKey: { name: 'CommandId', type: 'S' },
    sortKey: { name: 'InstanceId', type: 'S' },
    indexes: [
      // One node's history, newest first. Summaries only: outputs stay in the table, and a
      // listing with Details reads them from there by key.
      {
        name: 'byInstance',
        partitionKey: { name: 'InstanceId', type: 'S' },
        sortKey: { name: 'RequestedDateTime', type: 'S' },
        include: COMMAND_INVOCATION_SUMMARY,
      },
    ],
    description: 'Run Command invocations (ListCommandInvocations records with plugins and outputs).',
  },
  automationExecutions: {
    logicalName: 'AutomationExecutions',
    recordTime: 'ExecutionStartTime',
    envVar: 'AUTOMATION_EXECUTIONS_TABLE',
    partitionKey: { name: 'AutomationExecutionId', type: 'S' },
    indexes: [
      // Executions newest first, a year per partition key, as commands' byRequestedYear.
      {
        name: 'byStartYear',
        partitionKey: { name: 'startYear', type: 'S' },
        sortKey: { name: 'ExecutionStartTime', type: 'S' },
      },
    ],
    derived: [{ name: 'startYear', from: 'ExecutionStartTime', length: 4 }],
    description: 'Automation executions (DescribeAutomationExecutions AutomationExecutionMetadata records), one item per AutomationExecutionId.',
  },
  automationSteps: {
    logicalName: 'AutomationSteps',
    recordTime: 'ExecutionStartTime',
    envVar: 'AUTOMATION_STEPS_TABLE',
    partitionKey: { name: 'AutomationExecutionId', type: 'S' },
    sortKey: { name: 'StepExecutionId', type: 'S' },
    // Read by key only (an execution's steps); no index.
    indexes: [],
    description: 'Automation step executions (DescribeAutomationStepExecutions records) of each execution.',
  },
  associationExecutions: {
    logicalName: 'AssociationExecutions',
    recordTime: 'CreatedTime',
    envVar: 'ASSOCIATION_EXECUTIONS_TABLE',
    partitionKey: { name: 'AssociationId', type: 'S' },
    sortKey: { name: 'ExecutionId', type: 'S' },
    indexes: [
      // Executions newest first, a year per partition key, as commands' byRequestedYear.
      {
        name: 'byCreatedYear',
        partitionKey: { name: 'createdYear', type: 'S' },
        sortKey: { name: 'CreatedTime', type: 'S' },
      },
      // One association's executions, newest first: DescribeAssociationExecutions' order and
      // paging without reading an association's whole history (the key orders by ExecutionId).
      {
        name: 'byAssociation',
        partitionKey: { name: 'AssociationId', type: 'S' },
        sortKey: { name: 'CreatedTime', type: 'S' },
      },
    ],
    derived: [{ name: 'createdYear', from: 'CreatedTime', length: 4 }],
    description: 'State Manager association executions (DescribeAssociationExecutions records), one item per (AssociationId, ExecutionId).',
  },
  associationExecutionTargets: {
    logicalName: 'AssociationExecutionTargets',
    recordTime: 'LastExecutionDate',
    envVar: 'ASSOCIATION_EXECUTION_TARGETS_TABLE',
    // ExecutionId is a UUID SSM gives each execution: all targets of one execution are one Query.
    partitionKey: { name: 'ExecutionId', type: 'S' },
    sortKey: { name: 'ResourceId', type: 'S' },
    indexes: [
      // One node's State Manager history, newest first (ResourceId is the managed node's ID
      // for ResourceType ManagedInstance). Summaries only, as commandInvocations' byInstance.
      {
        name: 'byResource',
        partitionKey: { name: 'ResourceId', type: 'S' },
        sortKey: { name: 'LastExecutionDate', type: 'S' },
        include: ASSOCIATION_TARGET_SUMMARY,
      },
    ],
    description: 'State Manager association execution targets (DescribeAssociationExecutionTargets records) of each execution.',
  },
  maintenanceWindowExecutions: {
    logicalName: 'MaintenanceWindowExecutions',
    recordTime: 'StartTime',
    envVar: 'MAINTENANCE_WINDOW_EXECUTIONS_TABLE',
    // A UUID SSM gives each run of a window; WindowId is a field (and the SSM listing's filter).
    partitionKey: { name: 'WindowExecutionId', type: 'S' },
    indexes: [
      // Window executions newest first, a year per partition key, as commands' byRequestedYear.
      {
        name: 'byStartYear',
        partitionKey: { name: 'startYear', type: 'S' },
        sortKey: { name: 'StartTime', type: 'S' },
      },
      // One window's executions, newest first: DescribeMaintenanceWindowExecutions' WindowId.
      {
        name: 'byWindow',
        partitionKey: { name: 'WindowId', type: 'S' },
        sortKey: { name: 'StartTime', type: 'S' },
      },
    ],
    derived: [{ name: 'startYear', from: 'StartTime', length: 4 }],
    description: 'Maintenance window executions (DescribeMaintenanceWindowExecutions records), one item per WindowExecutionId.',
  },
  maintenanceWindowTasks: {
    logicalName: 'MaintenanceWindowTasks',
    recordTime: 'StartTime',
    envVar: 'MAINTENANCE_WINDOW_TASKS_TABLE',
    partitionKey: { name: 'WindowExecutionId', type: 'S' },
    sortKey: { name: 'TaskExecutionId', type: 'S' },
    // Read by key only (a window execution's tasks); no index.
    indexes: [],
    description: 'Maintenance window task executions (DescribeMaintenanceWindowExecutionTasks records) of each window execution.',
  },
  maintenanceWindowTaskInvocations: {
    logicalName: 'MaintenanceWindowTaskInvocations',
    recordTime: 'StartTime',
    envVar: 'MAINTENANCE_WINDOW_TASK_INVOCATIONS_TABLE',
    // TaskExecutionId is a UUID: all per-target invocations of one task execution are one Query.
    partitionKey: { name: 'TaskExecutionId', type: 'S' },
    sortKey: { name: 'InvocationId', type: 'S' },
    // Read by key only. The records name a WindowTargetId, not a node: a RUN_COMMAND task's
    // nodes are in its command's invocations (ExecutionId is the CommandId).
    indexes: [],
    description: 'Maintenance window task invocations (DescribeMaintenanceWindowExecutionTaskInvocations records), one per target.',
  },
  sessions: {
    logicalName: 'Sessions',
    recordTime: 'StartDate',
    envVar: 'SESSIONS_TABLE',
    partitionKey: { name: 'SessionId', type: 'S' },
    indexes: [
      // Sessions newest first, a year per partition key, as commands' byRequestedYear.
      {
        name: 'byStartYear',
        partitionKey: { name: 'startYear', type: 'S' },
        sortKey: { name: 'StartDate', type: 'S' },
      },
      // One node's sessions, newest first (Target is the node's id for a node's session).
      // Whole records: a session is small, and DescribeSessions' Target filter answers from it.
      {
        name: 'byTarget',
        partitionKey: { name: 'Target', type: 'S' },
        sortKey: { name: 'StartDate', type: 'S' },
      },
    ],
    derived: [{ name: 'startYear', from: 'StartDate', length: 4 }],
    description: 'Session Manager sessions (DescribeSessions records), one item per SessionId.',
  },
  pollCheckpoints: {
    logicalName: 'PollCheckpoints',
    envVar: 'POLL_CHECKPOINTS_TABLE',
    // One item per history kind: its watermark, the listing in flight, and its counters.
    partitionKey: { name: 'kind', type: 'S' },
    indexes: [],
    description: 'Pollers\' checkpoints per history kind: watermark, in-flight listing position, last poll, counters (records stored, missed by events, throttles), oldest record SSM still returns.',
  },
} as const satisfies Record<string, TableSchema>;

export type TableId = keyof typeof tableSchemas;

/** Physical table names, resolved per environment (CDK tokens in AWS, plain names locally). */
export type TableNames = Record<TableId, string>;

export const tableIds = Object.keys(tableSchemas) as TableId[];

/** The key of one item in a table, by SSM field name. */
export type RecordKey = Readonly<Record<string, string>>;

/** The index attributes a record's fields yield (e.g. requestedYear from RequestedDateTime). */
export function derivedAttributes(table: TableId, fields: Readonly<Record<string, unknown>>): Record<string, string> {
  const derived: Record<string, string> = {};
  for (const attribute of (tableSchemas[table] as TableSchema).derived ?? []) {
    const source = fields[attribute.from];
    if (typeof source === 'string' && source.length >= attribute.length) {
      derived[attribute.name] = source.slice(0, attribute.length);
    }
  }
  return derived;
}

/** The names of a table's key attributes: partition key, then sort key if any. */
export function keyNames(table: TableId): string[] {
  const schema: TableSchema = tableSchemas[table];
  return schema.sortKey ? [schema.partitionKey.name, schema.sortKey.name] : [schema.partitionKey.name];
}

/**
 * What an index holds of each item: its INCLUDE attributes and every key (the table's and the
 * index's); undefined for an index that projects everything.
 */
export function indexAttributes(table: TableId, indexName: string): readonly string[] | undefined {
  const schema: TableSchema = tableSchemas[table];
  const index = (schema.indexes ?? []).find((candidate) => candidate.name === indexName);
  if (index === undefined) throw new Error(`${table} has no index ${indexName}`);
  if (index.include === undefined) return undefined;
  const keys = [schema.partitionKey, schema.sortKey, index.partitionKey, index.sortKey].flatMap((key) => (key === undefined ? [] : [key.name]));
  return [...new Set([...index.include, ...keys])];
}
