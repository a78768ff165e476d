import type { ArchiveReader } from '../../query/archive-reader';
import type { FoundExecution, KindLineage } from '../../query/views/execution-detail';

/** A session in GET /executions/{id}: its record; it has no children, and starts nothing the archive sees. */
export const sessionLineage: KindLineage = {
  kind: 'session',
  async find(reader: ArchiveReader, id: string): Promise<FoundExecution | undefined> {
    const record = await reader.getRecord('sessions', { SessionId: id });
    return record === undefined ? undefined : { kind: 'session', record, children: [], moreChildren: false, started: [], startedBy: [] };
  },
};
