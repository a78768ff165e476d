import { FAILURE_INDEX, indexAttributes, type TableSchema } from '../../core/table-schema';

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

/**
 * The tables this kind keeps, with their indexes and what the query function reads of them: its
 * history (written by the collector) and its definitions (written by the poller).
 */
export const associationTables = {
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
      FAILURE_INDEX,
    ],
    derived: [{ name: 'createdYear', from: 'CreatedTime', length: 4 }],
    queryReads: ['GetItem', 'Query'],
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
      // What started a command: the target whose run on its node the command is (its
      // OutputSource names the command). Keys only, and the key never changes: one index
      // write per target.
      {
        name: 'byOutputSource',
        partitionKey: { name: 'outputSourceId', type: 'S' },
        include: [],
      },
    ],
    derived: [{ name: 'outputSourceId', from: 'OutputSource.OutputSourceId' }],
    queryReads: ['Query'],
    description: 'State Manager association execution targets (DescribeAssociationExecutionTargets records) of each execution.',
  },
  associationDefinitions: {
    logicalName: 'AssociationDefinitions',
    envVar: 'ASSOCIATION_DEFINITIONS_TABLE',
    // The association as ListAssociations last listed it; no recordTime: definitions never expire.
    partitionKey: { name: 'AssociationId', type: 'S' },
    indexes: [],
    // An association with no archived execution is known by its definition (one GetItem).
    queryReads: ['GetItem'],
    description: 'State Manager associations (ListAssociations records) as the poller last listed them, one item per AssociationId.',
  },
} as const satisfies Record<string, TableSchema>;

type AssociationTableId = keyof typeof associationTables;

/** The tables of this kind's history: the collector writes these (HistorySource.tables). */
export const ASSOCIATION_HISTORY_TABLES: readonly AssociationTableId[] = ['associationExecutions', 'associationExecutionTargets'];

/** The tables of the definitions its poller lists: the poller writes these (ParentLister.definitionTables). */
export const ASSOCIATION_DEFINITION_TABLES: readonly AssociationTableId[] = ['associationDefinitions'];

/** What the byResource index holds of an association target: its summary, its keys, its time. */
export const TARGET_INDEX_ATTRIBUTES: readonly string[] = indexAttributes(associationTables.associationExecutionTargets, 'byResource') ?? [];
