import { FAILURE_INDEX, type TableSchema } from '../../core/table-schema';

/** The tables this kind writes, with their indexes and what the query function reads of them. */
export const sessionTables = {
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
      FAILURE_INDEX,
    ],
    derived: [{ name: 'startYear', from: 'StartDate', length: 4 }],
    // DescribeSessions with a SessionId filter; listings read the indexes, which hold every field.
    queryReads: ['GetItem'],
    description: 'Session Manager sessions (DescribeSessions records), one item per SessionId.',
  },
} as const satisfies Record<string, TableSchema>;
