import { INSTANCE_ID_PATTERN } from '../../ssm-protocol/input';
import { readSize, takePage } from '../paging';
import { executionKinds } from './execution-items';
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
 * GET /instances/{instanceId}/history: everything that ran on one node, newest first, read
 * from the byInstance index alone (it holds every field an entry shows).
 */
const PARAMETERS = ['status', 'since', 'until', 'limit', 'nextToken'];
const TOKEN_SCOPE = 'instanceHistory';

export async function instanceHistory(instanceId: string, query: ViewQuery, ctx: ViewContext): Promise<ViewPage> {
  if (!INSTANCE_ID_PATTERN.test(instanceId)) {
    throw new ViewRequestError('instanceId', `instanceId "${instanceId}" is not a managed node id (i-... or mi-...)`);
  }
  checkParameterNames(query, PARAMETERS);
  const status = readStatus(query);
  const window = readTimeWindow(query);
  const limit = readLimit(query);
  const tokenQuery = { instanceId, status: status ?? null, since: window.since ?? null, until: window.until ?? null };
  const after = readPosition(ctx.tokens, TOKEN_SCOPE, tokenQuery, query);

  const mapping = executionKinds['command-invocation'];
  const entries = ctx.reader.invocationsOfInstance(instanceId, {
    range: window.range,
    ...(after !== undefined ? { start: { time: after.time, commandId: after.commandId, inclusive: false } } : {}),
    filter: statusFilter(status),
    attributes: mapping.attributes,
    pageSize: readSize(limit, status !== undefined),
  });
  const page = await takePage(entries, limit, (item) => entryMatches(item, window, status));

  const last = page.items[page.items.length - 1];
  return {
    items: page.items.map(mapping.toItem),
    ...(page.more && last !== undefined
      ? { nextToken: ctx.tokens.issue(TOKEN_SCOPE, tokenQuery, { time: String(last['RequestedDateTime']), commandId: String(last['CommandId']), instanceId }) }
      : {}),
  };
}
