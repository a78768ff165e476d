import type { StoredItem } from '../../store/record-store';
import { automationStatuses, runCommandStatuses } from '../../status';
import { readSize, takePage, type ListingPosition } from '../paging';
import { automationEntryMatches, automationExecutions, automationPositionOf, automationSteps } from './automation-timeline';
import { EXECUTION_KINDS, executionKinds, type ExecutionKind } from './execution-items';
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
 * GET /executions: the archive's timeline, newest first, across the history it holds.
 * `kind` picks what is listed: omitted, the parent kinds merged newest first (commands by
 * RequestedDateTime and Automation executions by ExecutionStartTime; at one time, commands
 * first, then by id); `command`; `command-invocation` (each command's invocations,
 * commands newest first, then by InstanceId), `automation-execution` (Automation executions,
 * newest ExecutionStartTime first) or `automation-step` (their steps, each execution's in
 * step order).
 */
const PARAMETERS = ['kind', 'status', 'since', 'until', 'limit', 'nextToken'];
const TOKEN_SCOPE = 'executions';
/** kind omitted: the parent kinds, merged. */
const PARENTS = 'parents';
const AUTOMATION_STATUSES: ReadonlySet<string> = new Set(Object.keys(automationStatuses));
const PARENT_STATUSES: ReadonlySet<string> = new Set([...Object.keys(runCommandStatuses), ...AUTOMATION_STATUSES]);

export async function timeline(query: ViewQuery, ctx: ViewContext): Promise<ViewPage> {
  checkParameterNames(query, PARAMETERS);
  const kind = readKind(query);
  const automation = kind === 'automation-execution' || kind === 'automation-step';
  const status = readStatus(query, automation ? AUTOMATION_STATUSES : kind === PARENTS ? PARENT_STATUSES : undefined);
  const window = readTimeWindow(query);
  const limit = readLimit(query);
  const tokenQuery = { kind, status: status ?? null, since: window.since ?? null, until: window.until ?? null };
  const after = readPosition(ctx.tokens, TOKEN_SCOPE, tokenQuery, query);

  if (kind === PARENTS) return parentTimeline(ctx, window, status, limit, tokenQuery, after);
  const mapping = executionKinds[kind];
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
      ? ctx.reader.commandsNewestFirst({ ...common, ...(after !== undefined ? { start: { time: after.time, commandId: after.commandId, inclusive: false } } : {}) })
      : ctx.reader.invocationsNewestFirst({ ...common, ...(after !== undefined ? { start: after } : {}) });
  const page = await takePage(entries, limit, (item) => entryMatches(item, window, status));

  const last = page.items[page.items.length - 1];
  return {
    items: page.items.map(mapping.toItem),
    ...(page.more && last !== undefined
      ? {
          nextToken: ctx.tokens.issue(TOKEN_SCOPE, tokenQuery, {
            time: String(last['RequestedDateTime']),
            commandId: String(last['CommandId']),
            instanceId: kind === 'command' ? '' : String(last['InstanceId']),
          }),
        }
      : {}),
  };
}

function readKind(query: ViewQuery): ExecutionKind | typeof PARENTS {
  const kind = query['kind'];
  if (kind === undefined) return PARENTS;
  if (!(EXECUTION_KINDS as string[]).includes(kind)) {
    throw new ViewRequestError('kind', `kind "${kind}" is not one of ${EXECUTION_KINDS.join(', ')}`);
  }
  return kind as ExecutionKind;
}

type ParentKind = 'command' | 'automation-execution';
interface ParentEntry {
  readonly kind: ParentKind;
  readonly item: StoredItem;
  readonly time: string;
  readonly id: string;
}

/** Parent kinds at one time: commands first. */
const PARENT_RANK: Record<ParentKind, number> = { command: 0, 'automation-execution': 1 };

/** Newest first; at one time, by kind, then id: the order both walks already keep within their kind. */
function before(a: ParentEntry, b: ParentEntry): boolean {
  if (a.time !== b.time) return a.time > b.time;
  if (a.kind !== b.kind) return PARENT_RANK[a.kind] < PARENT_RANK[b.kind];
  return a.id < b.id;
}

async function* tagged(kind: ParentKind, items: AsyncIterable<StoredItem>, time: string, id: string): AsyncGenerator<ParentEntry> {
  for await (const item of items) yield { kind, item, time: String(item[time]), id: String(item[id]) };
}

/** Two ordered walks as one, pulling each only as far as the page needs. */
async function* merged(a: AsyncGenerator<ParentEntry>, b: AsyncGenerator<ParentEntry>): AsyncGenerator<ParentEntry> {
  try {
    let [x, y] = await Promise.all([a.next(), b.next()]);
    while (!x.done || !y.done) {
      if (!x.done && (y.done || before(x.value, y.value))) {
        yield x.value;
        x = await a.next();
      } else if (!y.done) {
        yield y.value;
        y = await b.next();
      }
    }
  } finally {
    await Promise.allSettled([a.return(undefined), b.return(undefined)]);
  }
}

/**
 * kind omitted: commands and Automation executions, newest first. The token holds one
 * position, (time, id, kind) of the last entry, which places both walks: the kind ranked
 * first at that time resumes after it, the other at (or just past) that time.
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
  const afterKind = after?.instanceId as ParentKind | undefined;
  if (after !== undefined && afterKind !== 'command' && afterKind !== 'automation-execution') {
    throw new ViewRequestError('nextToken', 'nextToken is not valid: it was issued for another query');
  }
  const startOf = (kind: ParentKind) =>
    after === undefined
      ? undefined
      : afterKind === kind
        ? { time: after.time, commandId: after.commandId, inclusive: false }
        : PARENT_RANK[kind] < PARENT_RANK[afterKind as ParentKind]
          ? // This kind's entries at that time all came before the position: resume past them.
            { time: after.time, commandId: '\uffff', inclusive: false }
          : { time: after.time, commandId: '', inclusive: true };
  const commandStart = startOf('command');
  const commands = ctx.reader.commandsNewestFirst({
    range: window.range,
    filter: statusFilter(status),
    attributes: executionKinds.command.attributes,
    pageSize,
    ...(commandStart !== undefined ? { start: commandStart } : {}),
  });
  const automationStart = startOf('automation-execution');
  const executions = ctx.reader.automationExecutionsNewestFirst({
    range: window.range,
    filter: status === undefined ? [] : [{ anyOf: [{ attribute: 'AutomationExecutionStatus', oneOf: [status] }] }],
    attributes: executionKinds['automation-execution'].attributes,
    pageSize,
    ...(automationStart !== undefined ? { start: automationStart } : {}),
  });
  const entries = merged(
    tagged('command', commands, 'RequestedDateTime', 'CommandId'),
    tagged('automation-execution', executions, 'ExecutionStartTime', 'AutomationExecutionId'),
  );
  const page = await takePage(entries, limit, (entry) =>
    entry.kind === 'command' ? entryMatches(entry.item, window, status) : automationEntryMatches(entry.item, 'automation-execution', window, status),
  );
  const last = page.items[page.items.length - 1];
  return {
    items: page.items.map((entry) => executionKinds[entry.kind].toItem(entry.item)),
    ...(page.more && last !== undefined
      ? { nextToken: ctx.tokens.issue(TOKEN_SCOPE, tokenQuery, { time: last.time, commandId: last.id, instanceId: last.kind }) }
      : {}),
  };
}
