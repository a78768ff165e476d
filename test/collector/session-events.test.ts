import startSession from '../fixtures/cloudtrail-start-session.json';
import { MessageReader } from '../../lambdas/collector/messages';
import { historySources } from '../../lambdas/sources';
import { MalformedMessageError } from '../../lambdas/core/model';

/**
 * Session Manager's calls as CloudTrail delivers them to EventBridge ("AWS API Call via
 * CloudTrail", source aws.ssm). The fixture follows CloudTrail's record contents reference
 * (eventSource, eventName, userIdentity, requestParameters, responseElements, errorCode); AWS
 * publishes no StartSession sample for EventBridge, and the SSM events reference lists no
 * session events of SSM's own.
 */
const reader = new MessageReader(historySources);
const read = (body: object) => reader.read(JSON.stringify(body));
const SESSION_ID = 'jane-roe-0a1b2c3d4e5f67890';
type Detail = Record<string, unknown>;
const withDetail = (detail: Detail) => ({ ...startSession, detail: { ...startSession.detail, ...detail } });

describe('reading Session Manager calls from CloudTrail', () => {
  it('reads StartSession into an unconfirmed Connecting session with its target, owner and reason, and asks for SSM\'s record', () => {
    const item = read(startSession);
    expect(item).toMatchObject({ kind: 'session', parentId: SESSION_ID, producer: 'event', fetch: { scope: 'parent' } });
    expect(item.observations).toHaveLength(1);
    expect(item.observations[0]).toMatchObject({
      table: 'sessions',
      key: { SessionId: SESSION_ID },
      status: 'Connecting',
      complete: false,
      observedAt: '2024-06-11T09:15:41.000Z',
      fields: {
        SessionId: SESSION_ID,
        Status: 'Connecting',
        Target: 'i-02573cafcfEXAMPLE',
        Owner: 'arn:aws:sts::123456789012:assumed-role/Operators/jane-roe',
        Reason: 'restart nginx after the config change',
        StartDate: '2024-06-11T09:15:41.000Z',
      },
    });
    // The session token CloudTrail hides is never stored.
    expect(JSON.stringify(item.observations[0]?.fields)).not.toContain('tokenValue');
  });

  it('reads TerminateSession (the id in the request and the response) as Terminating, claiming nothing else', () => {
    const item = read(
      withDetail({ eventName: 'TerminateSession', requestParameters: { sessionId: SESSION_ID }, responseElements: { sessionId: SESSION_ID } }),
    );
    expect(item.observations[0]).toMatchObject({ status: 'Terminating', fields: { SessionId: SESSION_ID, Status: 'Terminating' } });
    expect(Object.keys(item.observations[0]?.fields ?? {}).sort()).toEqual(['SessionId', 'Status']);
    expect(read(withDetail({ eventName: 'ResumeSession', requestParameters: { sessionId: SESSION_ID }, responseElements: null })).observations[0]?.status).toBe(
      'Connecting',
    );
  });

  it.each([
    ['another service', { eventSource: 'ec2.amazonaws.com' }, 'eventSource is not ssm.amazonaws.com'],
    ['another SSM call', { eventName: 'GetParameter' }, 'not a session call'],
    ['a failed call', { errorCode: 'AccessDenied', responseElements: null }, 'StartSession failed ("AccessDenied")'],
    ['no session id', { responseElements: {} }, '"sessionId" must be a non-empty string'],
    ['a session id that is a path', { responseElements: { sessionId: '../../etc/passwd' } }, 'is not a session id'],
    ['a request that is not an object', { requestParameters: 'i-1' }, '"requestParameters" must be an object'],
    ['a bad time', { eventTime: 'yesterday' }, '"eventTime" is not a time'],
  ])('refuses %s, with the reason', (_name, detail, reason) => {
    expect(() => read(withDetail(detail))).toThrow(MalformedMessageError);
    expect(() => read(withDetail(detail))).toThrow(reason);
  });
});
