import type { NewestFirstOptions } from '../../core/archive-reads';
import type { RecordKind } from '../../core/model';
import { takePage, type ListingPosition } from '../../ssm-protocol/paging';
import type { StoredItem } from '../../store/record-store';
import { executionKinds } from './execution-items';
import { describeEntries } from './failure-excerpts';
import { mergedWalks, positionOfEntry, type MergedWalk } from './merged-walks';
import { viewEntryMatches, viewWalk, type ListedKind } from './parent-views';
import type { ViewContext, ViewPage } from './view-context';
import type { ViewFilters } from './view-filters';

export interface MergedViewRequest {
  readonly filters: ViewFilters;
  readonly limit: number;
  /** Items each walk reads a request. */
  readonly pageSize: number;
  /** Where the previous page ended: after this entry, of one of the views' kinds. */
  readonly after: (ListingPosition & { readonly within: RecordKind }) | undefined;
  /** The page token's scope and the query it is bound to. */
  readonly tokenScope: string;
  readonly tokenQuery: object;
}

/**
 * One page of several kinds merged newest first (the timeline's executions, a node's history):
 * each view's walk, opened by `open`, merged by time, then kind, then id; the entries the
 * filters keep, described (a failed one with its error); and a token after the last when more
 * follow.
 */
export async function mergedViewPage<V extends ListedKind>(
  ctx: ViewContext,
  views: readonly V[],
  open: (view: V) => (options: NewestFirstOptions) => AsyncGenerator<StoredItem>,
  request: MergedViewRequest,
): Promise<ViewPage> {
  const { filters, limit, pageSize, after, tokenScope, tokenQuery } = request;
  const walks: MergedWalk<RecordKind>[] = views.map((view) => viewWalk(view, open(view), filters, { attributes: executionKinds[view.kind].attributes, pageSize }));
  const page = await takePage(mergedWalks(walks, after), limit, (entry) => {
    const view = views.find((candidate) => candidate.kind === entry.kind);
    return view !== undefined && viewEntryMatches(view, entry.item, filters);
  });
  const last = page.items[page.items.length - 1];
  return {
    items: await describeEntries(ctx, page.items),
    ...(page.more && last !== undefined ? { nextToken: ctx.tokens.issue(tokenScope, tokenQuery, positionOfEntry(last)) } : {}),
  };
}
