import type { DescribeSessionsResponse } from '@aws-sdk/client-ssm';
import { SsmError } from '../../lambdas/ssm-protocol/errors';
import type { JsonObject } from '../../lambdas/ssm-protocol/input';
import { matchesSessionFilters, readDescribeSessions } from '../../lambdas/sources/session/requests';
import type { KindOperations, OperationContext } from './operations';
import type { SessionState } from './session';
import { sessionEnded, sessionRecord, type SessionRun } from './session';

/** Session Manager's read API: DescribeSessions, Active or History, filtered, newest first. */
const subjectOf = (run: SessionRun) => ({
  sessionId: run.id,
  target: run.spec.target,
  owner: run.owner,
  status: run.status,
  accessType: 'Standard',
  startDate: run.startedAt,
});

export function describeSessions(input: JsonObject, ctx: OperationContext<SessionState>): DescribeSessionsResponse {
  const { state, filters, maxResults, nextToken, tokenQuery } = readDescribeSessions(input);
  const runs = ctx.state.list().filter((run) => sessionEnded(run) === (state === 'History') && matchesSessionFilters(filters, subjectOf(run)));
  let start = 0;
  if (nextToken !== undefined) {
    const [startedAt, id] = ctx.tokens.read('DescribeSessions', tokenQuery, nextToken);
    if (typeof startedAt !== 'number' || typeof id !== 'string') throw new SsmError('InvalidNextToken', 'The specified token is not valid.');
    start = runs.findIndex((run) => run.startedAt < startedAt || (run.startedAt === startedAt && run.id > id));
    if (start < 0) start = runs.length;
  }
  const page = runs.slice(start, start + maxResults);
  const last = page[page.length - 1];
  return {
    Sessions: page.map(sessionRecord),
    ...(start + maxResults < runs.length && last !== undefined ? { NextToken: ctx.tokens.issue('DescribeSessions', tokenQuery, [last.startedAt, last.id]) } : {}),
  };
}

/** The SSM operations the simulator answers for this kind, over its state. */
export const sessionOperations: KindOperations<SessionState> = {
  DescribeSessions: describeSessions,
};
