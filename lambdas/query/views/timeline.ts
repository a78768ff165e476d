import type { StoredItem } from '../../store/record-store';
import { associationStatuses } from '../../sources/association/statuses';
import { automationStatuses } from '../../sources/automation/statuses';
import { runCommandStatuses } from '../../sources/run-command/statuses';
import { readSize, takePage, type ListingPosition } from '../paging';
import { associationEntryMatches, associationExecutions, associationPositionOf, associationStatusFilter, associationTargets } from './association-timeline';
import { automationEntryMatches, automationExecutions, automationPositionOf, automationSteps } from './automation-timeline';
import type { RecordKind } from '../../core/model';
import { EXECUTION_KINDS, executionKinds, TARGET_CONTEXT } from './execution-items';
import { mergedWalks, positionOfEntry, type MergedWalk } from './merged-walks';
import { sessionView, viewEntryMatches, viewStatusFilter, viewWalk, windowView, type ParentView } from './parent-views';
import {
  checkParameterNames,
  readLimit,
  readPosition,
  readStatus,
  readTimeWindow,
  statusFilter,
  ViewRequestError,
  type TimeWindow,
  type ViewQuery,
} from './parameters';
import { entryMatches, type ViewContext, type ViewPage } from './view-context';

/**
 * GET /executions: the archive's timeline, newest first, across the history it holds.
 * `kind` picks what is listed: omitted, the parent kinds merged newest first (commands by
 * RequestedDateTime, Automation executions by ExecutionStartTime, association executions by
 * CreatedTime, maintenance window executions by StartTime, sessions by StartDate; at one time, in that order of
 * kinds, then by id); `command`;
 * `command-invocation` (each command's invocations, commands newest first, then by
 * InstanceId), `automation-execution` (Automation executions, newest ExecutionStartTime
 * first), `automation-step` (their steps, each execution's in step order),
 * `association-execution` (State Manager executions, newest CreatedTime first),
 * `association-target` (their targets, each execution's by ResourceId) or
 * `maintenance-window-execution` (window executions, newest StartTime first; their status is
 * upper case, as SSM's: status=FAILED) or `session` (Session Manager sessions, newest
 * StartDate first). Kinds that list on their own are described once, in parent-views.
 */
const PARAMETERS = ['kind', 'status', 'since', 'until', 'limit', 'nextToken'];
const TOKEN_SCOPE = 'executions';
/** kind omitted: the parent kinds, merged. */
const PARENTS = 'parents';
const AUTOMATION_STATUSES: ReadonlySet<string> = new Set(Object.keys(automationStatuses));
const ASSOCIATION_STATUSES: ReadonlySet<string> = new Set(Object.keys(associationStatuses));
/** The kinds that list on their own through their view descriptor. */
const PARENT_VIEWS: readonly ParentView[] = [windowView, sessionView];
const viewOf = (kind: RecordKind | typeof PARENTS): ParentView | undefined => PARENT_VIEWS.find((view) => view.kind === kind);
const PARENT_STATUSES: ReadonlySet<string> = new Set([
  ...Object.keys(runCommandStatuses),
  ...AUTOMATION_STATUSES,
  ...ASSOCIATION_STATUSES,
  ...PARENT_VIEWS.flatMap((view) => Object.keys(view.statuses)),
]);

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
  const view = viewOf(kind);
  if (view !== undefined) {
    const entries = view.newestFirst(ctx.reader, {
      range: window.range,
      ...(after !== undefined ? { start: { time: after.time, id: after.id, inclusive: false } } : {}),
      filter: viewStatusFilter(view, status),
      attributes: mapping.attributes,
      pageSize: readSize(limit, status !== undefined),
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
  if (kind === 'association-execution' || kind === 'association-target') {
    const pageSize = readSize(limit, status !== undefined);
    const entries =
      kind === 'association-execution'
        ? associationExecutions(ctx, window.range, status, after, pageSize, mapping.attributes)
        : associationTargets(ctx, window.range, status, after, pageSize, mapping.attributes);
    const timeAttribute = kind === 'association-execution' ? 'CreatedTime' : TARGET_CONTEXT.executionCreatedTime;
    const page = await takePage(entries, limit, (item) => associationEntryMatches(item, timeAttribute, window, status));
    const last = page.items[page.items.length - 1];
    return {
      items: page.items.map(mapping.toItem),
      ...(page.more && last !== undefined ? { nextToken: ctx.tokens.issue(TOKEN_SCOPE, tokenQuery, associationPositionOf(last, kind)) } : {}),
    };
  }
  if (kind === 'automation-execution' || kind === 'automation-step') {
    const pageSize = readSize(limit, status !== undefined);
    const entries =
      kind === 'automation-execution'
        ? automationExecutions(ctx, window.range, status, after, pageSize, mapping.attributes)
        : automationSteps(ctx, window.range, after, pageSize);
    const page = await takePage(entries, limit, (item) => automationEntryMatches(item, kind, window, status));
    const last = page.items[page.items.length - 1];
    return {
      items: page.items.map(mapping.toItem),
      ...(page.more && last !== undefined ? { nextToken: ctx.tokens.issue(TOKEN_SCOPE, tokenQuery, automationPositionOf(last, kind)) } : {}),
    };
  }
  const common = { range: window.range, filter: statusFilter(status), attributes: mapping.attributes, pageSize: readSize(limit, status !== undefined) };
  const entries: AsyncIterable<StoredItem> =
    kind === 'command'
      ? ctx.reader.commandsNewestFirst({ ...common, ...(after !== undefined ? { start: { time: after.time, id: after.id, inclusive: false } } : {}) })
      : ctx.reader.invocationsNewestFirst({ ...common, ...(after !== undefined ? { start: after } : {}) });
  const page = await takePage(entries, limit, (item) => entryMatches(item, window, status));

  const last = page.items[page.items.length - 1];
  return {
    items: page.items.map(mapping.toItem),
    ...(page.more && last !== undefined
      ? {
          nextToken: ctx.tokens.issue(TOKEN_SCOPE, tokenQuery, {
            time: String(last['RequestedDateTime']),
            id: String(last['CommandId']),
            within: kind === 'command' ? '' : String(last['InstanceId']),
          }),
        }
      : {}),
  };
}

function statusesOf(kind: RecordKind | typeof PARENTS): ReadonlySet<string> | undefined {
  switch (kind) {
    case PARENTS:
      return PARENT_STATUSES;
    case 'automation-execution':
    case 'automation-step':
      return AUTOMATION_STATUSES;
    case 'association-execution':
    case 'association-target':
      return ASSOCIATION_STATUSES;
    default: {
      const view = viewOf(kind);
      return view === undefined ? undefined : new Set(Object.keys(view.statuses));
    }
  }
}

function readKind(query: ViewQuery): RecordKind | typeof PARENTS {
  const kind = query['kind'];
  if (kind === undefined) return PARENTS;
  if (!(EXECUTION_KINDS as string[]).includes(kind)) {
    throw new ViewRequestError('kind', `kind "${kind}" is not one of ${EXECUTION_KINDS.join(', ')}`);
  }
  return kind as RecordKind;
}

type ParentKind = 'command' | 'automation-execution' | 'association-execution' | 'maintenance-window-execution' | 'session';
const PARENT_KINDS: readonly ParentKind[] = ['command', 'automation-execution', 'association-execution', ...PARENT_VIEWS.map((view) => view.kind as ParentKind)];

/**
 * kind omitted: commands, Automation executions, association executions and maintenance
 * window executions, newest first; at one time, in that order of kinds, then by id. The token holds one position, (time, id,
 * kind) of the last entry, which places every walk (mergedWalks).
 */
async function parentTimeline(
  ctx: ViewContext,
  window: ReturnType<typeof readTimeWindow>,
  status: string | undefined,
  limit: number,
  tokenQuery: object,
  after: ListingPosition | undefined,
): Promise<ViewPage> {
  const pageSize = readSize(limit, status !== undefined);
  if (after !== undefined && !(PARENT_KINDS as readonly string[]).includes(after.within)) {
    throw new ViewRequestError('nextToken', 'nextToken is not valid: it was issued for another query');
  }
  const walks: MergedWalk<ParentKind>[] = [
    {
      kind: 'command',
      time: 'RequestedDateTime',
      id: 'CommandId',
      open: (start) =>
        ctx.reader.commandsNewestFirst({
          range: window.range,
          filter: statusFilter(status),
          attributes: executionKinds.command.attributes,
          pageSize,
          ...(start !== undefined ? { start } : {}),
        }),
    },
    {
      kind: 'automation-execution',
      time: 'ExecutionStartTime',
      id: 'AutomationExecutionId',
      open: (start) =>
        ctx.reader.automationExecutionsNewestFirst({
          range: window.range,
          filter: status === undefined ? [] : [{ anyOf: [{ attribute: 'AutomationExecutionStatus', oneOf: [status] }] }],
          attributes: executionKinds['automation-execution'].attributes,
          pageSize,
          ...(start !== undefined ? { start } : {}),
        }),
    },
    {
      kind: 'association-execution',
      time: 'CreatedTime',
      id: 'ExecutionId',
      open: (start) =>
        ctx.reader.associationExecutionsNewestFirst({
          range: window.range,
          filter: associationStatusFilter(status),
          attributes: executionKinds['association-execution'].attributes,
          pageSize,
          ...(start !== undefined ? { start } : {}),
        }),
    },
    ...PARENT_VIEWS.map((view) =>
      viewWalk(view as ParentView<ParentKind>, (options) => view.newestFirst(ctx.reader, options), {
        range: window.range,
        filter: viewStatusFilter(view, status),
        attributes: executionKinds[view.kind].attributes,
        pageSize,
      }),
    ),
  ];
  const entries = mergedWalks(walks, after as (ListingPosition & { within: ParentKind }) | undefined);
  const page = await takePage(entries, limit, (entry) => parentMatches(entry.kind, entry.item, window, status));
  const last = page.items[page.items.length - 1];
  return {
    items: page.items.map((entry) => executionKinds[entry.kind].toItem(entry.item)),
    ...(page.more && last !== undefined ? { nextToken: ctx.tokens.issue(TOKEN_SCOPE, tokenQuery, positionOfEntry(last)) } : {}),
  };
}

function parentMatches(kind: ParentKind, item: StoredItem, window: TimeWindow, status: string | undefined): boolean {
  switch (kind) {
    case 'command':
      return entryMatches(item, window, status);
    case 'automation-execution':
      return automationEntryMatches(item, 'automation-execution', window, status);
    case 'association-execution':
      return associationEntryMatches(item, 'CreatedTime', window, status);
    default: {
      const view = viewOf(kind);
      return view !== undefined && viewEntryMatches(view, item, window, status);
    }
  }
}
