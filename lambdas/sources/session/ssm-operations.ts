import type { DescribeSessionsResponse } from '@aws-sdk/client-ssm';
import { SsmError } from '../../ssm-protocol/errors';
import type { JsonObject } from '../../ssm-protocol/input';
import { invokedRange, matchesSessionFilters, readDescribeSessions, type SessionFilterSubject, type SessionListing } from './requests';
import { statusInfo } from '../../core/status';
import { sessionFromItem } from './records';
import { sessionStatuses } from './statuses';
import type { StoredItem } from '../../store/record-store';
import { storedTimeRange, type FilterClause, type ItemFilter } from '../../core/archive-reads';
import { readSize, takePage } from '../../ssm-protocol/paging';
import { sessionView } from './view';
import type { EndpointContext, SsmOperations } from '../../query/ssm-endpoint/endpoint-context';

/**
 * DescribeSessions answered from the archive as the simulator answers it (the request checks
 * of sources/session/requests): State Active lists sessions not ended yet
 * (connecting, connected, disconnected, terminating), History the ended ones; the filters are
 * ANDed; newest StartDate first, then SessionId; a NextToken only when more follows. Unlike
 * SSM, History goes back as far as the archive does, not 30 days.
 *
 * Reads: a SessionId filter is one GetItem; a Target filter pages the byTarget index; anything
 * else the byStartYear index, newest year first. InvokedAfter and InvokedBefore narrow the key;
 * the State, Owner and Status are DynamoDB filters, and every filter is checked again here.
 * The token holds the last session's (StartDate, SessionId).
 */
const OPERATION = 'DescribeSessions';

const text = (item: StoredItem, name: string): string | undefined => (typeof item[name] === 'string' ? (item[name] as string) : undefined);

function subjectOf(item: StoredItem): SessionFilterSubject {
  const start = text(item, 'StartDate');
  return {
    sessionId: text(item, 'SessionId'),
    target: text(item, 'Target'),
    owner: text(item, 'Owner'),
    status: text(item, 'Status'),
    accessType: text(item, 'AccessType'),
    ...(start !== undefined ? { startDate: Date.parse(start) } : {}),
  };
}

const ended = (item: StoredItem): boolean => statusInfo(sessionStatuses, text(item, 'Status') ?? 'Connecting').terminal;
const ENDED_STATUSES = Object.entries(sessionStatuses)
  .filter(([, info]) => info.terminal)
  .map(([status]) => status);

/**
 * DynamoDB's part of the filtering, so that a listing that keeps few sessions (State Active,
 * one Owner) costs few round trips: the State, and the filters that are plain equalities.
 * AccessType is not among them: a record without it counts as Standard.
 */
function itemFilterOf(request: SessionListing): ItemFilter {
  const state: FilterClause = { anyOf: [{ attribute: 'Status', oneOf: ENDED_STATUSES }], ...(request.state === 'Active' ? { negate: true } : {}) };
  const equalities = request.filters
    .filter((filter) => filter.key === 'Owner' || filter.key === 'Status')
    .map((filter): FilterClause => ({ anyOf: [{ attribute: filter.key, oneOf: [filter.value] }] }));
  return [state, ...equalities];
}

export async function describeSessions(input: JsonObject, ctx: EndpointContext): Promise<DescribeSessionsResponse> {
  const request = readDescribeSessions(input);
  const after = request.nextToken === undefined ? undefined : ctx.tokens.read(OPERATION, request.tokenQuery, request.nextToken);
  if (after !== undefined && after.time === '') throw new SsmError('InvalidNextToken', 'The specified token is not valid.');
  const inState = (item: StoredItem): boolean => ended(item) === (request.state === 'History');
  const keep = (item: StoredItem): boolean => inState(item) && matchesSessionFilters(request.filters, subjectOf(item));
  const sessionId = request.filters.find((filter) => filter.key === 'SessionId')?.value;
  const target = request.filters.find((filter) => filter.key === 'Target')?.value;
  const { from, before } = invokedRange(request.filters);
  const range = storedTimeRange(from, before);
  let sessions: AsyncIterable<StoredItem> | StoredItem[];
  if (sessionId !== undefined) {
    // One session at most: a token never follows it.
    const session = after === undefined ? await ctx.reader.getRecord('sessions', { SessionId: sessionId }) : undefined;
    sessions = session === undefined ? [] : [session];
  } else if (range === 'empty') {
    sessions = [];
  } else {
    const options = {
      range,
      ...(after !== undefined ? { start: { time: after.time, id: after.id, inclusive: false } } : {}),
      filter: itemFilterOf(request),
      // Every listing filters at least by State.
      pageSize: readSize(request.maxResults, true),
    };
    sessions = target !== undefined ? sessionView.ofNode(ctx.reader, target, options) : sessionView.newestFirst(ctx.reader, options);
  }
  const page = await takePage(sessions, request.maxResults, keep);
  const last = page.items[page.items.length - 1];
  return {
    Sessions: page.items.map(sessionFromItem),
    ...(page.more && last !== undefined
      ? { NextToken: ctx.tokens.issue(OPERATION, request.tokenQuery, { time: text(last, 'StartDate') ?? '', id: text(last, 'SessionId') ?? '', within: '' }) }
      : {}),
  };
}

/** The SSM operations this kind answers from the archive. */
export const sessionSsmOperations: SsmOperations = {
  DescribeSessions: describeSessions,
};
