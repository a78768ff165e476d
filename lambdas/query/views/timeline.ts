import type { RecordKind } from '../../core/model';
import type { StoredItem } from '../../store/record-store';
import type { NewestFirstOptions } from '../../core/archive-reads';
import { readSize, takePage, type ListingPosition } from '../../ssm-protocol/paging';
import { CHILD_LISTINGS } from './child-views';
import { EXECUTION_KINDS, executionKinds } from './execution-items';
import { describeEntries } from './failure-excerpts';
import { mergedViewPage } from './merged-view-page';
import { NODE_VIEWS, PARENT_VIEWS } from '../../sources/views';
import { viewEntryMatches, viewFilter, type ParentView } from './parent-views';
import {
  checkParameterNames,
  readDocumentName,
  readInstanceId,
  readLimit,
  readPosition,
  readScopeSelection,
  readSingle,
  readStatuses,
  readTimeWindow,
  SCOPE_PARAMETERS,
  ViewRequestError,
  type ViewQuery,
} from './parameters';
import type { ViewContext, ViewPage } from './view-context';
import { filtersAsQueried, filtersReads, namesMatch, scopedContext, withScope, type ViewFilters } from './view-filters';

/**
 * GET /executions: the archive's timeline, newest first, across the history it holds.
 * `kind` picks what is listed: omitted, the parent kinds merged newest first (commands by
 * RequestedDateTime, Automation executions by ExecutionStartTime, association executions by
 * CreatedTime, maintenance window executions by StartTime, sessions by StartDate; at one time,
 * in that order of kinds, then by id); a parent kind alone (`command`,
 * `automation-execution`, `association-execution`, `maintenance-window-execution`,
 * `session`), newest first; or a kind listed under its parents (`command-invocation`: each
 * command's invocations newest first; `automation-step`: each execution's steps in step
 * order; `association-target`: each execution's targets by ResourceId;
 * `maintenance-window-task`: each window execution's tasks in the order they ran;
 * `maintenance-window-task-invocation`: each of those tasks' invocations), since/until
 * selecting by the parent's time. Each kind is described once: the parents in parent-views,
 * the others in child-views.
 *
 * `documentName` and `instanceId` keep the entries whose record names that document or node;
 * a listing of one kind whose records name none is refused, and a merged listing leaves such
 * kinds out. With `kind` omitted, `instanceId` therefore lists the node's sessions (the only
 * parents whose record names a node); a node's commands, targets and task invocations are
 * children: `kind=command-invocation&instanceId=...`, or the node's own history.
 *
 * `account` and `region` keep the records of one account, one Region, or both (the archive's
 * home for records stored before it collected others); every read is kept to them.
 */
const PARAMETERS = ['kind', 'status', 'documentName', 'instanceId', 'since', 'until', ...SCOPE_PARAMETERS, 'limit', 'nextToken'];
const TOKEN_SCOPE = 'executions';
/** kind omitted: the parent kinds, merged. */
const PARENTS = 'parents';
const PARENT_STATUSES: ReadonlySet<string> = new Set(PARENT_VIEWS.flatMap((view) => Object.keys(view.statuses)));
const parentViewOf = (kind: string): ParentView | undefined => PARENT_VIEWS.find((view) => view.kind === kind);
const childListingOf = (kind: string) => CHILD_LISTINGS.find((listing) => listing.kind === kind);

/** The kinds whose records name a document (a node): where documentName (instanceId) applies. */
const kindsNaming = (name: 'document' | 'node'): RecordKind[] => [
  ...PARENT_VIEWS.filter((view) => (name === 'document' ? view.documentAttribute : view.nodeAttribute) !== undefined).map((view) => view.kind),
  ...CHILD_LISTINGS.filter((listing) => listing.names[name]).map((listing) => listing.kind),
];

export async function timeline(query: ViewQuery, viewContext: ViewContext): Promise<ViewPage> {
  checkParameterNames(query, PARAMETERS);
  const kind = readKind(query);
  const status = readStatuses(query, statusesOf(kind));
  const documentName = readDocumentName(query);
  const instanceId = readInstanceId(query);
  const filters: ViewFilters = withScope(
    {
      window: readTimeWindow(query, viewContext.now()),
      ...(status !== undefined ? { status } : {}),
      ...(documentName !== undefined ? { documentName } : {}),
      ...(instanceId !== undefined ? { instanceId } : {}),
    },
    readScopeSelection(query),
  );
  const ctx = scopedContext(viewContext, filters);
  const limit = readLimit(query);
  if (kind !== PARENTS) requireNames(kind, filters);
  const tokenQuery = { kind, ...filtersAsQueried(filters) };
  const after = readPosition(ctx.tokens, TOKEN_SCOPE, tokenQuery, query);
  const pageSize = readSize(limit, filtersReads(filters));
  if (kind === PARENTS) return parentTimeline(ctx, filters, limit, pageSize, tokenQuery, after);

  const mapping = executionKinds[kind];
  const view = parentViewOf(kind);
  if (view !== undefined) {
    const entries = walkOf(view, ctx, filters)({
      range: filters.window.range,
      ...(after !== undefined ? { start: { time: after.time, id: after.id, inclusive: false } } : {}),
      filter: viewFilter(view, filters),
      attributes: mapping.attributes,
      pageSize,
    });
    const page = await takePage(entries, limit, (item) => viewEntryMatches(view, item, filters));
    const last = page.items[page.items.length - 1];
    return {
      items: await describeEntries(ctx, page.items.map((item) => ({ kind, item }))),
      ...(page.more && last !== undefined
        ? { nextToken: ctx.tokens.issue(TOKEN_SCOPE, tokenQuery, { time: String(last[view.time]), id: String(last[view.id]), within: '' }) }
        : {}),
    };
  }
  const listing = childListingOf(kind);
  if (listing === undefined) throw new ViewRequestError('kind', `kind "${kind}" is not listed on its own`);
  const entries = listing.entries(ctx, { filters, after, pageSize, attributes: mapping.attributes });
  const page = await takePage(entries, limit, (item) => listing.matches(item, filters) && namesMatch(mapping.toItem(item), filters));
  const last = page.items[page.items.length - 1];
  return {
    items: await describeEntries(ctx, page.items.map((item) => ({ kind, item }))),
    ...(page.more && last !== undefined ? { nextToken: ctx.tokens.issue(TOKEN_SCOPE, tokenQuery, listing.positionOf(last)) } : {}),
  };
}

function statusesOf(kind: RecordKind | typeof PARENTS): ReadonlySet<string> {
  if (kind === PARENTS) return PARENT_STATUSES;
  const statuses = parentViewOf(kind)?.statuses ?? childListingOf(kind)?.statuses ?? {};
  return new Set(Object.keys(statuses));
}

function readKind(query: ViewQuery): RecordKind | typeof PARENTS {
  const kind = readSingle(query, 'kind');
  if (kind === undefined) return PARENTS;
  if (!(EXECUTION_KINDS as string[]).includes(kind)) {
    throw new ViewRequestError('kind', `kind "${kind}" is not one of ${EXECUTION_KINDS.join(', ')}`);
  }
  return kind as RecordKind;
}

/** A listing of one kind whose records never name the document or node asked for is a mistake to say so about, not an empty page. */
function requireNames(kind: RecordKind, filters: ViewFilters): void {
  const view = parentViewOf(kind);
  const listing = childListingOf(kind);
  const names = view !== undefined ? { document: view.documentAttribute !== undefined, node: view.nodeAttribute !== undefined } : (listing?.names ?? { document: false, node: false });
  if (filters.documentName !== undefined && !names.document) {
    throw new ViewRequestError('documentName', `documentName does not apply to kind ${kind}: its records name no document. It applies to ${kindsNaming('document').join(', ')}`);
  }
  if (filters.instanceId !== undefined && !names.node) {
    throw new ViewRequestError('instanceId', `instanceId does not apply to kind ${kind}: its records name no node. It applies to ${kindsNaming('node').join(', ')}`);
  }
}

/** A parent kind's walk: one node's records through its node index when a node is asked for (sessions by Target), else all of them. */
function walkOf(view: ParentView, ctx: ViewContext, filters: ViewFilters): (options: NewestFirstOptions) => AsyncGenerator<StoredItem> {
  const nodeView = NODE_VIEWS.find((candidate) => candidate.kind === view.kind);
  const node = filters.instanceId;
  if (node !== undefined && nodeView !== undefined) return (options) => nodeView.ofNode(ctx.reader, node, options);
  return (options) => view.newestFirst(ctx.reader, options);
}

/**
 * kind omitted: every parent kind newest first; at one time, in PARENT_VIEWS' order of kinds,
 * then by id. The token holds one position, (time, id, kind) of the last entry, which places
 * every walk (mergedWalks). A kind whose records cannot pass the filters is not read.
 */
async function parentTimeline(
  ctx: ViewContext,
  filters: ViewFilters,
  limit: number,
  pageSize: number,
  tokenQuery: object,
  after: ListingPosition | undefined,
): Promise<ViewPage> {
  if (after !== undefined && parentViewOf(after.within) === undefined) {
    throw new ViewRequestError('nextToken', 'nextToken is not valid: it was issued for another query');
  }
  return mergedViewPage(ctx, PARENT_VIEWS, (view) => walkOf(view, ctx, filters), {
    filters,
    limit,
    pageSize,
    after: after as (ListingPosition & { within: RecordKind }) | undefined,
    tokenScope: TOKEN_SCOPE,
    tokenQuery,
  });
}
