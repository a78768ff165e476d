import { DescribeSessionsCommand, type Session, type SessionState, type SSMClient } from '@aws-sdk/client-ssm';
import { ParentNotFoundError } from '../eventual-consistency';

/**
 * The one read the collector makes for a session: DescribeSessions filtered by SessionId in
 * one State, then the other when the first does not hold it (SSM lists a session under Active
 * while it is connected or disconnected, under History once it ended). A finished session
 * costs one call when History is asked first, a running one when Active is.
 */
export async function getSession(ssm: SSMClient, sessionId: string, firstState: SessionState): Promise<Session> {
  const states: SessionState[] = firstState === 'Active' ? ['Active', 'History'] : ['History', 'Active'];
  for (const State of states) {
    const { Sessions = [] } = await ssm.send(new DescribeSessionsCommand({ State, Filters: [{ key: 'SessionId', value: sessionId }] }));
    const session = Sessions.find((candidate) => candidate.SessionId === sessionId);
    if (session !== undefined) return session;
  }
  throw new ParentNotFoundError(`session ${sessionId}`);
}
