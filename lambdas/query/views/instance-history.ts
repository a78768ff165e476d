import { INSTANCE_ID_PATTERN } from '../../ssm-protocol/input';
import { associationStatuses, runCommandStatuses } from '../../core/status';
import { readSize, takePage } from '../paging';
import { associationEntryMatches, associationStatusFilter } from './association-timeline';
import { executionKinds } from './execution-items';
import { mergedWalks, positionOfEntry, type MergedWalk } from './merged-walks';
import {
  checkParameterNames,
  readLimit,
  readPosition,
  readStatus,
  readTimeWindow,
  statusFilter,
  ViewRequestError,
  type ViewQuery,
} from './parameters';
import { entryMatches, type ViewContext, type ViewPage } from './view-context';

/**
 * GET /instances/{instanceId}/history: everything that ran on one node, newest first: its
 * command invocations (byInstance, by RequestedDateTime) and its association targets
 * (byResource, by LastExecutionDate), merged; at one time, invocations first, then by id.
 * Each is read from its index alone (the index holds every field an entry shows).
 * The token holds the last entry's (time, id, kind).
 */
const PARAMETERS = ['status', 'since', 'until', 'limit', 'nextToken'];
const TOKEN_SCOPE = 'instanceHistory';
type HistoryKind = 'command-invocation' | 'association-target';
const HISTORY_STATUSES: ReadonlySet<string> = new Set([...Object.keys(runCommandStatuses), ...Object.keys(associationStatuses)]);

export async function instanceHistory(instanceId: string, query: ViewQuery, ctx: ViewContext): Promise<ViewPage> {
  if (!INSTANCE_ID_PATTERN.test(instanceId)) {
    throw new ViewRequestError('instanceId', `instanceId "${instanceId}" is not a managed node id (i-... or mi-...)`);
  }
  checkParameterNames(query, PARAMETERS);
  const status = readStatus(query, HISTORY_STATUSES);
  const window = readTimeWindow(query);
  const limit = readLimit(query);
  const tokenQuery = { instanceId, status: status ?? null, since: window.since ?? null, until: window.until ?? null };
  const position = readPosition(ctx.tokens, TOKEN_SCOPE, tokenQuery, query);
  // Tokens issued before association targets joined the history carry the node's id: an invocation's position.
  const after = position && { ...position, within: position.within === 'association-target' ? ('association-target' as const) : ('command-invocation' as const) };

  const pageSize = readSize(limit, status !== undefined);
  const walks: MergedWalk<HistoryKind>[] = [
    {
      kind: 'command-invocation',
      time: 'RequestedDateTime',
      id: 'CommandId',
      open: (start) =>
        ctx.reader.invocationsOfInstance(instanceId, {
          range: window.range,
          ...(start !== undefined ? { start } : {}),
          filter: statusFilter(status),
          attributes: executionKinds['command-invocation'].attributes,
          pageSize,
        }),
    },
    {
      kind: 'association-target',
      time: 'LastExecutionDate',
      id: 'ExecutionId',
      open: (start) =>
        ctx.reader.associationTargetsOfResource(instanceId, {
          range: window.range,
          ...(start !== undefined ? { start } : {}),
          filter: associationStatusFilter(status),
          attributes: executionKinds['association-target'].attributes,
          pageSize,
        }),
    },
  ];
  const page = await takePage(mergedWalks(walks, after), limit, (entry) =>
    entry.kind === 'command-invocation' ? entryMatches(entry.item, window, status) : associationEntryMatches(entry.item, 'LastExecutionDate', window, status),
  );

  const last = page.items[page.items.length - 1];
  return {
    items: page.items.map((entry) => executionKinds[entry.kind].toItem(entry.item)),
    ...(page.more && last !== undefined ? { nextToken: ctx.tokens.issue(TOKEN_SCOPE, tokenQuery, positionOfEntry(last)) } : {}),
  };
}
