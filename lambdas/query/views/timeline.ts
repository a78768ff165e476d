import type { StoredItem } from '../../store/record-store';
import { readSize, takePage } from '../paging';
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
 * `kind` picks what is listed: `command` (the default: the parent kinds, Run Command's
 * commands being the only one so far) or `command-invocation` (each command's invocations,
 * commands newest first, then by InstanceId).
 */
const PARAMETERS = ['kind', 'status', 'since', 'until', 'limit', 'nextToken'];
const TOKEN_SCOPE = 'executions';
const DEFAULT_KIND: ExecutionKind = 'command';

export async function timeline(query: ViewQuery, ctx: ViewContext): Promise<ViewPage> {
  checkParameterNames(query, PARAMETERS);
  const kind = readKind(query);
  const status = readStatus(query);
  const window = readTimeWindow(query);
  const limit = readLimit(query);
  const tokenQuery = { kind, status: status ?? null, since: window.since ?? null, until: window.until ?? null };
  const after = readPosition(ctx.tokens, TOKEN_SCOPE, tokenQuery, query);

  const mapping = executionKinds[kind];
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

function readKind(query: ViewQuery): ExecutionKind {
  const kind = query['kind'] ?? DEFAULT_KIND;
  if (!(EXECUTION_KINDS as string[]).includes(kind)) {
    throw new ViewRequestError('kind', `kind "${kind}" is not one of ${EXECUTION_KINDS.join(', ')}`);
  }
  return kind as ExecutionKind;
}
