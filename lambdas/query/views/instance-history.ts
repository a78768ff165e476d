import { INSTANCE_ID_PATTERN } from '../../ssm-protocol/input';
import { associationStatuses } from '../../sources/association/statuses';
import { runCommandStatuses } from '../../sources/run-command/statuses';
import { readSize, takePage } from '../paging';
import { associationEntryMatches, associationStatusFilter } from './association-timeline';
import { executionKinds } from './execution-items';
import { mergedWalks, positionOfEntry, type MergedWalk } from './merged-walks';
import { sessionView, viewEntryMatches, viewStatusFilter, viewWalk, type NodeView } from './parent-views';
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
 * (byResource, by LastExecutionDate) and its sessions (byTarget, by StartDate), merged; at one
 * time, invocations first, then targets, then sessions, then by id.
 * Each is read from its index alone (the index holds every field an entry shows).
 * The token holds the last entry's (time, id, kind).
 */
const PARAMETERS = ['status', 'since', 'until', 'limit', 'nextToken'];
const TOKEN_SCOPE = 'instanceHistory';
type HistoryKind = 'command-invocation' | 'association-target' | 'session';
/** Kinds with a node index, described once (parent-views): the node's sessions. */
const NODE_VIEWS: readonly NodeView<'session'>[] = [sessionView];
const HISTORY_STATUSES: ReadonlySet<string> = new Set([
  ...Object.keys(runCommandStatuses),
  ...Object.keys(associationStatuses),
  ...NODE_VIEWS.flatMap((view) => Object.keys(view.statuses)),
]);

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
  const within: HistoryKind = position?.within === 'association-target' || position?.within === 'session' ? position.within : 'command-invocation';
  const after = position && { ...position, within };

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
    ...NODE_VIEWS.map((view) =>
      viewWalk(view, (options) => view.ofNode(ctx.reader, instanceId, options), {
        range: window.range,
        filter: viewStatusFilter(view, status),
        attributes: executionKinds[view.kind].attributes,
        pageSize,
      }),
    ),
  ];
  const page = await takePage(mergedWalks(walks, after), limit, (entry) => {
    switch (entry.kind) {
      case 'command-invocation':
        return entryMatches(entry.item, window, status);
      case 'association-target':
        return associationEntryMatches(entry.item, 'LastExecutionDate', window, status);
      default: {
        const view = NODE_VIEWS.find((candidate) => candidate.kind === entry.kind);
        return view !== undefined && viewEntryMatches(view, entry.item, window, status);
      }
    }
  });

  const last = page.items[page.items.length - 1];
  return {
    items: page.items.map((entry) => executionKinds[entry.kind].toItem(entry.item)),
    ...(page.more && last !== undefined ? { nextToken: ctx.tokens.issue(TOKEN_SCOPE, tokenQuery, positionOfEntry(last)) } : {}),
  };
}
