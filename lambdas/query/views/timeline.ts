import type { RecordKind } from '../../core/model';
import { readSize, takePage, type ListingPosition } from '../../ssm-protocol/paging';
import { CHILD_LISTINGS } from './child-views';
import { EXECUTION_KINDS, executionKinds } from './execution-items';
import { mergedWalks, positionOfEntry, type MergedWalk } from './merged-walks';
import { PARENT_VIEWS } from '../../sources/views';
import { viewEntryMatches, viewStatusFilter, viewWalk, type ParentView } from './parent-views';
import { checkParameterNames, readLimit, readPosition, readStatus, readTimeWindow, ViewRequestError, type TimeWindow, type ViewQuery } from './parameters';
import type { ViewContext, ViewPage } from './view-context';

/**
 * GET /executions: the archive's timeline, newest first, across the history it holds.
 * `kind` picks what is listed: omitted, the parent kinds merged newest first (commands by
 * RequestedDateTime, Automation executions by ExecutionStartTime, association executions by
 * CreatedTime, maintenance window executions by StartTime, sessions by StartDate; at one time,
 * in that order of kinds, then by id); a parent kind alone (`command`,
 * `automation-execution`, `association-execution`, `maintenance-window-execution` with SSM's
 * upper-case statuses, `session`), newest first; or a kind listed under its parents
 * (`command-invocation`: each command's invocations by InstanceId; `automation-step`: each
 * execution's steps in step order; `association-target`: each execution's targets by
 * ResourceId), since/until selecting by the parent's time. Each kind is described once: the
 * parents in parent-views, the others in child-views.
 */
const PARAMETERS = ['kind', 'status', 'since', 'until', 'limit', 'nextToken'];
const TOKEN_SCOPE = 'executions';
/** kind omitted: the parent kinds, merged. */
const PARENTS = 'parents';
const PARENT_STATUSES: ReadonlySet<string> = new Set(PARENT_VIEWS.flatMap((view) => Object.keys(view.statuses)));
const parentViewOf = (kind: string): ParentView | undefined => PARENT_VIEWS.find((view) => view.kind === kind);
const childListingOf = (kind: string) => CHILD_LISTINGS.find((listing) => listing.kind === kind);

export async function timeline(query: ViewQuery, ctx: ViewContext): Promise<ViewPage> {
  checkParameterNames(query, PARAMETERS);
  const kind = readKind(query);
  const status = readStatus(query, statusesOf(kind));
  const window = readTimeWindow(query);
  const limit = readLimit(query);
  const tokenQuery = { kind, status: status ?? null, since: window.since ?? null, until: window.until ?? null };
  const after = readPosition(ctx.tokens, TOKEN_SCOPE, tokenQuery, query);
  if (kind === PARENTS) return parentTimeline(ctx, window, status, limit, tokenQuery, after);

  const mapping = executionKinds[kind];
  const pageSize = readSize(limit, status !== undefined);
  const view = parentViewOf(kind);
  if (view !== undefined) {
    const entries = view.newestFirst(ctx.reader, {
      range: window.range,
      ...(after !== undefined ? { start: { time: after.time, id: after.id, inclusive: false } } : {}),
      filter: viewStatusFilter(view, status),
      attributes: mapping.attributes,
      pageSize,
    });
    const page = await takePage(entries, limit, (item) => viewEntryMatches(view, item, window, status));
    const last = page.items[page.items.length - 1];
    return {
      items: page.items.map(mapping.toItem),
      ...(page.more && last !== undefined
        ? { nextToken: ctx.tokens.issue(TOKEN_SCOPE, tokenQuery, { time: String(last[view.time]), id: String(last[view.id]), within: '' }) }
        : {}),
    };
  }
  const listing = childListingOf(kind);
  if (listing === undefined) throw new ViewRequestError('kind', `kind "${kind}" is not listed on its own`);
  const entries = listing.entries(ctx, { range: window.range, status, after, pageSize, attributes: mapping.attributes });
  const page = await takePage(entries, limit, (item) => listing.matches(item, window, status));
  const last = page.items[page.items.length - 1];
  return {
    items: page.items.map(mapping.toItem),
    ...(page.more && last !== undefined ? { nextToken: ctx.tokens.issue(TOKEN_SCOPE, tokenQuery, listing.positionOf(last)) } : {}),
  };
}

function statusesOf(kind: RecordKind | typeof PARENTS): ReadonlySet<string> {
  if (kind === PARENTS) return PARENT_STATUSES;
  const statuses = parentViewOf(kind)?.statuses ?? childListingOf(kind)?.statuses ?? {};
  return new Set(Object.keys(statuses));
}

function readKind(query: ViewQuery): RecordKind | typeof PARENTS {
  const kind = query['kind'];
  if (kind === undefined) return PARENTS;
  if (!(EXECUTION_KINDS as string[]).includes(kind)) {
    throw new ViewRequestError('kind', `kind "${kind}" is not one of ${EXECUTION_KINDS.join(', ')}`);
  }
  return kind as RecordKind;
}

/**
 * kind omitted: every parent kind newest first; at one time, in PARENT_VIEWS' order of kinds,
 * then by id. The token holds one position, (time, id, kind) of the last entry, which places
 * every walk (mergedWalks).
 */
async function parentTimeline(
  ctx: ViewContext,
  window: TimeWindow,
  status: string | undefined,
  limit: number,
  tokenQuery: object,
  after: ListingPosition | undefined,
): Promise<ViewPage> {
  const pageSize = readSize(limit, status !== undefined);
  if (after !== undefined && parentViewOf(after.within) === undefined) {
    throw new ViewRequestError('nextToken', 'nextToken is not valid: it was issued for another query');
  }
  const walks: MergedWalk<RecordKind>[] = PARENT_VIEWS.map((view) =>
    viewWalk(view, (options) => view.newestFirst(ctx.reader, options), {
      range: window.range,
      filter: viewStatusFilter(view, status),
      attributes: executionKinds[view.kind].attributes,
      pageSize,
    }),
  );
  const entries = mergedWalks(walks, after as (ListingPosition & { within: RecordKind }) | undefined);
  const page = await takePage(entries, limit, (entry) => {
    const view = parentViewOf(entry.kind);
    return view !== undefined && viewEntryMatches(view, entry.item, window, status);
  });
  const last = page.items[page.items.length - 1];
  return {
    items: page.items.map((entry) => executionKinds[entry.kind].toItem(entry.item)),
    ...(page.more && last !== undefined ? { nextToken: ctx.tokens.issue(TOKEN_SCOPE, tokenQuery, positionOfEntry(last)) } : {}),
  };
}
