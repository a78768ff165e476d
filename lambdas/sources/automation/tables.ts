import { FAILURE_INDEX, type TableSchema } from '../../core/table-schema';

/** The tables this kind writes, with their indexes and what the query function reads of them. */
export const automationTables = {
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
      // The child executions an execution started (aws:executeAutomation, or one per account
      // and Region): sparse, keys only, the key never changes.
      {
        name: 'byParent',
        partitionKey: { name: 'ParentAutomationExecutionId', type: 'S' },
        include: [],
      },
      FAILURE_INDEX,
    ],
    derived: [{ name: 'startYear', from: 'ExecutionStartTime', length: 4 }],
    queryReads: ['GetItem', 'BatchGetItem'],
    description: 'Automation executions (DescribeAutomationExecutions AutomationExecutionMetadata records), one item per AutomationExecutionId.',
  },
  automationSteps: {
    logicalName: 'AutomationSteps',
    recordTime: 'ExecutionStartTime',
    envVar: 'AUTOMATION_STEPS_TABLE',
    partitionKey: { name: 'AutomationExecutionId', type: 'S' },
    sortKey: { name: 'StepExecutionId', type: 'S' },
    // What started a command: the aws:runCommand step whose CommandId output names it. Sparse
    // (only such steps have one) and keys only: one index write per such step.
    indexes: [
      {
        name: 'byCommandOutput',
        partitionKey: { name: 'outputCommandId', type: 'S' },
        include: [],
      },
    ],
    derived: [{ name: 'outputCommandId', from: 'Outputs.CommandId.0' }],
    queryReads: ['Query'],
    description: 'Automation step executions (DescribeAutomationStepExecutions records) of each execution.',
  },
} as const satisfies Record<string, TableSchema>;
