import { INSTANCE_ID_PATTERN } from '../../ssm-protocol/input';
import type { RecordKind } from '../../core/model';
import { readSize } from '../../ssm-protocol/paging';
import { mergedViewPage } from './merged-view-page';
import { NODE_VIEWS } from '../../sources/views';
import {
  checkParameterNames,
  readDocumentName,
  readLimit,
  readPosition,
  readScopeSelection,
  readStatuses,
  readTimeWindow,
  SCOPE_PARAMETERS,
  ViewRequestError,
  type ViewQuery,
} from './parameters';
import type { ViewContext, ViewPage } from './view-context';
import { filtersAsQueried, filtersReads, scopedContext, withScope, type ViewFilters } from './view-filters';

/**
 * GET /instances/{instanceId}/history: everything that ran on one node, newest first: each
 * kind with a node index (NODE_VIEWS: command invocations by RequestedDateTime, association
 * targets by their LastExecutionDate, sessions by StartDate), merged; at one time in that
 * order of kinds, then by id. Each is read from its index (the index holds every field an
 * entry shows); a failed entry's error is read by key (failure-excerpts). `status`, `since`,
 * `until` and `documentName` filter as on the timeline; a kind whose records name no document
 * (association targets) is left out when one is asked for. `account` and `region` keep the
 * records of one account, one Region or both (a node's id is its account's, but nothing
 * stops two accounts' records naming one). The token holds the last entry's (time, id, kind).
 */
const PARAMETERS = ['status', 'documentName', 'since', 'until', ...SCOPE_PARAMETERS, 'limit', 'nextToken'];
const TOKEN_SCOPE = 'instanceHistory';
const HISTORY_STATUSES: ReadonlySet<string> = new Set(NODE_VIEWS.flatMap((view) => Object.keys(view.statuses)));
const nodeViewOf = (kind: string) => NODE_VIEWS.find((view) => view.kind === kind);

export async function instanceHistory(instanceId: string, query: ViewQuery, viewContext: ViewContext): Promise<ViewPage> {
  if (!INSTANCE_ID_PATTERN.test(instanceId)) {
    throw new ViewRequestError('instanceId', `instanceId "${instanceId}" is not a managed node id (i-... or mi-...)`);
  }
  checkParameterNames(query, PARAMETERS);
  const status = readStatuses(query, HISTORY_STATUSES);
  const documentName = readDocumentName(query);
  const filters: ViewFilters = withScope(
    {
      window: readTimeWindow(query, viewContext.now()),
      ...(status !== undefined ? { status } : {}),
      ...(documentName !== undefined ? { documentName } : {}),
    },
    readScopeSelection(query),
  );
  const ctx = scopedContext(viewContext, filters);
  const limit = readLimit(query);
  const tokenQuery = { instanceId, ...filtersAsQueried(filters) };
  const position = readPosition(ctx.tokens, TOKEN_SCOPE, tokenQuery, query);
  // Tokens issued before other kinds joined the history carry the node's id: an invocation's position.
  const after = position && { ...position, within: (nodeViewOf(position.within)?.kind ?? 'command-invocation') as RecordKind };

  const pageSize = readSize(limit, filtersReads(filters));
  return mergedViewPage(ctx, NODE_VIEWS, (view) => (options) => view.ofNode(ctx.reader, instanceId, options), {
    filters,
    limit,
    pageSize,
    after,
    tokenScope: TOKEN_SCOPE,
    tokenQuery,
  });
}
