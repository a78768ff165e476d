import { takePage } from '../../ssm-protocol/paging';
import type { ArchiveReader } from '../../query/archive-reader';
import type { FoundExecution, KindLineage } from '../../query/views/execution-detail';
import { INVOCATION_INDEX_ATTRIBUTES } from './tables';

/**
 * A command in GET /executions/{id}: its record and its invocations (newest first, as
 * ListCommandInvocations lists them). What started it is named by the kinds that start
 * commands (their startersOf), not by the command's own record.
 */
export const runCommandLineage: KindLineage = {
  kind: 'command',
  async find(reader: ArchiveReader, id: string, childLimit: number): Promise<FoundExecution | undefined> {
    const record = await reader.getCommand(id);
    if (record === undefined) return undefined;
    const { items, more } = await takePage(reader.invocationsOfCommand(id, { attributes: INVOCATION_INDEX_ATTRIBUTES, pageSize: childLimit + 1 }), childLimit);
    return { kind: 'command', record, childKind: 'command-invocation', children: items, moreChildren: more, started: [], startedBy: [] };
  },
};
