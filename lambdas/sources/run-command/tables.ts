import { FAILURE_INDEX, indexAttributes, type TableSchema } from '../../core/table-schema';

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

/** The tables this kind writes, with their indexes and what the query function reads of them. */
export const runCommandTables = {
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
      FAILURE_INDEX,
    ],
    derived: [{ name: 'requestedYear', from: 'RequestedDateTime', length: 4 }],
    // GetCommand, and ListCommands' index entries mapped to full records.
    queryReads: ['GetItem', 'BatchGetItem'],
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
      // One command's invocations newest first, SSM's ListCommandInvocations order (the table
      // sorts them by InstanceId). Keys only: DynamoDB writes an index entry when its keys
      // change, and an invocation's never do, so it costs one write per invocation, not one
      // per status change; a page's records are then read from the table by key.
      {
        name: 'byCommand',
        partitionKey: { name: 'CommandId', type: 'S' },
        sortKey: { name: 'RequestedDateTime', type: 'S' },
        include: [],
      },
      FAILURE_INDEX,
    ],
    // One invocation by key, and the records of the index entries a listing found (a
    // command's invocations are listed from byCommand, a node's from byInstance).
    queryReads: ['GetItem', 'BatchGetItem'],
    description: 'Run Command invocations (ListCommandInvocations records with plugins and outputs).',
  },
} as const satisfies Record<string, TableSchema>;

/** What the byInstance index holds of an invocation: its summary, its keys, its time. */
export const INVOCATION_INDEX_ATTRIBUTES: readonly string[] = indexAttributes(runCommandTables.commandInvocations, 'byInstance') ?? [];
