import type { TableSchema } from '../../core/table-schema';

/** The tables this kind writes, with their indexes and what the query function reads of them. */
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
    // Read by key only. The records name a WindowTargetId, not a node: a RUN_COMMAND task's
    // nodes are in its command's invocations (ExecutionId is the CommandId).
    indexes: [],
    queryReads: ['Query'],
    description: 'Maintenance window task invocations (DescribeMaintenanceWindowExecutionTaskInvocations records), one per target.',
  },
} as const satisfies Record<string, TableSchema>;
