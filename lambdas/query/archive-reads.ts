import type { TableId } from '../store/schema';

/** A read the query function makes on a table itself (an index takes Query only). */
export type TableRead = 'Query' | 'GetItem' | 'BatchGetItem';

/**
 * What the query function reads on each table, and so all its role is granted there (Query
 * on each of the table's indexes besides). The IAM conformance check after the suite holds
 * this list to the calls the reader and the views really make, both ways: a read missing here
 * is denied, a read here that no route makes fails as an unused grant.
 *
 * A table reached through its indexes only is listed with nothing on the table itself.
 */
export const archiveReads: Readonly<Record<TableId, readonly TableRead[]>> = {
  // GetCommand, and ListCommands' index entries mapped to full records.
  commands: ['GetItem', 'BatchGetItem'],
  // One invocation by key, a command's invocations, and ListCommandInvocations' index entries.
  commandInvocations: ['GetItem', 'BatchGetItem', 'Query'],
  automationExecutions: ['GetItem', 'BatchGetItem'],
  automationSteps: ['Query'],
  associationExecutions: ['GetItem', 'Query'],
  associationExecutionTargets: ['Query'],
  maintenanceWindowExecutions: ['GetItem'],
  maintenanceWindowTasks: ['GetItem', 'Query'],
  maintenanceWindowTaskInvocations: ['Query'],
  // DescribeSessions with a SessionId filter; listings read the indexes, which hold every field.
  sessions: ['GetItem'],
  // GET /status: every kind's checkpoint in one BatchGetItem.
  pollCheckpoints: ['BatchGetItem'],
};
