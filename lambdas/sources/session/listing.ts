import { DescribeSessionsCommand, type Session, type SessionState, type SSMClient } from '@aws-sdk/client-ssm';
import type { ListedPage, ParentLister } from '../../core/model';
import { statusInfo } from '../../core/status';
import { ListedParents, secondsFilterValue } from '../listed-parents';
import { sessionStatuses } from './statuses';

/**
 * Session Manager's poller listing: DescribeSessions, State Active (sessions still connected
 * or disconnected) then State History (ended ones, which SSM keeps 30 days), each filtered
 * InvokedAfter `since` (cut to the second), at its maximum page size (MaxResults 1..200).
 * One listPage call is one DescribeSessions call, or two when the running sessions fit one
 * page: then the first page of ended ones comes with them, so a quiet account is listed in
 * one page. A running session holds the watermark at
 * its start, so its end is listed under History later. The position is the JSON
 * `{"state": "Active" | "History", "nextToken"?: "<SSM NextToken>"}`.
 */
export const SESSION_LISTING_PAGE_SIZE = 200;

interface SessionListingPosition {
  readonly state: SessionState;
  readonly nextToken?: string;
}

function readPosition(position: string | undefined): SessionListingPosition {
  if (position === undefined) return { state: 'Active' };
  let parsed: unknown;
  try {
    parsed = JSON.parse(position);
  } catch (error) {
    throw new RangeError('session listing position is not JSON', { cause: error });
  }
  const { state, nextToken } = (typeof parsed === 'object' && parsed !== null ? parsed : {}) as Record<string, unknown>;
  if (state !== 'Active' && state !== 'History') throw new RangeError('session listing position has no state');
  if (nextToken !== undefined && (typeof nextToken !== 'string' || nextToken === '')) throw new RangeError('session listing position has a bad nextToken');
  return { state, ...(nextToken !== undefined ? { nextToken } : {}) };
}

async function describe(ssm: SSMClient, state: SessionState, since: string, nextToken: string | undefined): Promise<{ sessions: Session[]; next?: string }> {
  const { Sessions = [], NextToken } = await ssm.send(
    new DescribeSessionsCommand({
      State: state,
      MaxResults: SESSION_LISTING_PAGE_SIZE,
      Filters: [{ key: 'InvokedAfter', value: secondsFilterValue(since) }],
      NextToken: nextToken,
    }),
  );
  return { sessions: Sessions, ...(NextToken ? { next: NextToken } : {}) };
}

async function listPage(ssm: SSMClient, since: string, position: string | undefined, now: Date): Promise<ListedPage> {
  const { state, nextToken } = readPosition(position);
  const first = await describe(ssm, state, since, nextToken);
  let sessions = first.sessions;
  let next: SessionListingPosition | undefined = first.next !== undefined ? { state, nextToken: first.next } : undefined;
  if (state === 'Active' && next === undefined) {
    const history = await describe(ssm, 'History', since, undefined);
    sessions = [...sessions, ...history.sessions];
    next = history.next !== undefined ? { state: 'History', nextToken: history.next } : undefined;
  }
  const sentAt = now.toISOString();
  const listed = new ListedParents();
  for (const session of sessions) {
    const id = session.SessionId;
    if (id === undefined || id === '') continue;
    listed.add(
      { kind: 'session', parentId: id, producer: 'poll', sentAt, observations: [], fetch: { scope: 'parent' } },
      session.StartDate?.toISOString(),
      statusInfo(sessionStatuses, session.Status ?? 'Connecting').terminal,
    );
  }
  return listed.page(next && JSON.stringify(next));
}

export const sessionLister: ParentLister = {
  listingActions: ['ssm:DescribeSessions'],
  listPage,
};
