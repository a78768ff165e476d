import { FAILURE_INDEX, type TableSchema } from '../../core/table-schema';

/**
 * The tables this kind keeps, with their indexes and what the query function reads of them: its
 * history (written by the collector) and its definitions (written by the poller).
 */
export const maintenanceWindowTables = {
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
      FAILURE_INDEX,
    ],
    derived: [{ name: 'startYear', from: 'StartTime', length: 4 }],
    queryReads: ['GetItem'],
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
    queryReads: ['GetItem', 'Query'],
    description: 'Maintenance window task executions (DescribeMaintenanceWindowExecutionTasks records) of each window execution.',
  },
  maintenanceWindowTaskInvocations: {
    logicalName: 'MaintenanceWindowTaskInvocations',
    recordTime: 'StartTime',
    envVar: 'MAINTENANCE_WINDOW_TASK_INVOCATIONS_TABLE',
    // TaskExecutionId is a UUID: all per-target invocations of one task execution are one Query.
    partitionKey: { name: 'TaskExecutionId', type: 'S' },
    sortKey: { name: 'InvocationId', type: 'S' },
    // The records name a WindowTargetId, not a node: a RUN_COMMAND task's nodes are in its
    // command's invocations (ExecutionId is the CommandId). What started a command is found
    // by that id; keys only, and the key never changes: one index write per invocation.
    indexes: [
      {
        name: 'byExecutionId',
        partitionKey: { name: 'ExecutionId', type: 'S' },
        include: [],
      },
    ],
    queryReads: ['Query'],
    description: 'Maintenance window task invocations (DescribeMaintenanceWindowExecutionTaskInvocations records), one per target.',
  },
  maintenanceWindowDefinitions: {
    logicalName: 'MaintenanceWindowDefinitions',
    envVar: 'MAINTENANCE_WINDOW_DEFINITIONS_TABLE',
    // The window as DescribeMaintenanceWindows last listed it; no recordTime: definitions never expire.
    partitionKey: { name: 'WindowId', type: 'S' },
    indexes: [],
    // A window with no archived execution is known by its definition (one GetItem).
    queryReads: ['GetItem'],
    description: 'Maintenance windows (DescribeMaintenanceWindows records) as the poller last listed them, one item per WindowId.',
  },
} as const satisfies Record<string, TableSchema>;

type MaintenanceWindowTableId = keyof typeof maintenanceWindowTables;

/** The tables of this kind's history: the collector writes these (HistorySource.tables). */
export const MAINTENANCE_WINDOW_HISTORY_TABLES: readonly MaintenanceWindowTableId[] = ['maintenanceWindowExecutions', 'maintenanceWindowTasks', 'maintenanceWindowTaskInvocations'];

/** The tables of the definitions its poller lists: the poller writes these (ParentLister.definitionTables). */
export const MAINTENANCE_WINDOW_DEFINITION_TABLES: readonly MaintenanceWindowTableId[] = ['maintenanceWindowDefinitions'];
