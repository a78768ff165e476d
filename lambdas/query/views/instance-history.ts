import { INSTANCE_ID_PATTERN } from '../../ssm-protocol/input';
import type { RecordKind } from '../../core/model';
import { readSize, takePage } from '../../ssm-protocol/paging';
import { executionKinds } from './execution-items';
import { mergedWalks, positionOfEntry, type MergedWalk } from './merged-walks';
import { NODE_VIEWS } from '../../sources/views';
import { viewEntryMatches, viewStatusFilter, viewWalk } from './parent-views';
import { checkParameterNames, readLimit, readPosition, readStatus, readTimeWindow, ViewRequestError, type ViewQuery } from './parameters';
import type { ViewContext, ViewPage } from './view-context';

/**
 * GET /instances/{instanceId}/history: everything that ran on one node, newest first: each
 * kind with a node index (NODE_VIEWS: command invocations by RequestedDateTime, association
 * targets by their LastExecutionDate, sessions by StartDate), merged; at one time in that
 * order of kinds, then by id. Each is read from its index alone (the index holds every field
 * an entry shows). The token holds the last entry's (time, id, kind).
 */
const PARAMETERS = ['status', 'since', 'until', 'limit', 'nextToken'];
const TOKEN_SCOPE = 'instanceHistory';
const HISTORY_STATUSES: ReadonlySet<string> = new Set(NODE_VIEWS.flatMap((view) => Object.keys(view.statuses)));
const nodeViewOf = (kind: string) => NODE_VIEWS.find((view) => view.kind === kind);

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
  // Tokens issued before other kinds joined the history carry the node's id: an invocation's position.
  const after = position && { ...position, within: (nodeViewOf(position.within)?.kind ?? 'command-invocation') as RecordKind };

  const pageSize = readSize(limit, status !== undefined);
  const walks: MergedWalk<RecordKind>[] = NODE_VIEWS.map((view) =>
    viewWalk(view, (options) => view.ofNode(ctx.reader, instanceId, options), {
      range: window.range,
      filter: viewStatusFilter(view, status),
      attributes: executionKinds[view.kind].attributes,
      pageSize,
    }),
  );
  const page = await takePage(mergedWalks(walks, after), limit, (entry) => {
    const view = nodeViewOf(entry.kind);
    return view !== undefined && viewEntryMatches(view, entry.item, window, status);
  });

  const last = page.items[page.items.length - 1];
  return {
    items: page.items.map((entry) => executionKinds[entry.kind].toItem(entry.item)),
    ...(page.more && last !== undefined ? { nextToken: ctx.tokens.issue(TOKEN_SCOPE, tokenQuery, positionOfEntry(last)) } : {}),
  };
}
