import { MalformedMessageError, type Observation, type SsmEvent, type WorkItem } from '../../core/model';
import { quoted, type IdForm } from '../../core/ssm-ids';
import { definedFields, envelopeTime, idField, optionalString, optionalTime, type Fields } from '../event-fields';
import { sessionStatuses } from './statuses';

/**
 * Session Manager sends no status-change events of its own (the EventBridge reference lists
 * none for sessions): its API calls reach EventBridge through CloudTrail as "AWS API Call via
 * CloudTrail" (source aws.ssm, detail.eventSource ssm.amazonaws.com), in an account with a
 * trail. StartSession, ResumeSession and TerminateSession name the session
 * (responseElements.sessionId; TerminateSession and ResumeSession also in
 * requestParameters). Each is a claim about the session, stored unconfirmed until the
 * collector's DescribeSessions read; sessions that end without a call (idle timeout, a closed
 * client) are the poller's.
 */
/**
 * SessionId: at most 96 characters (API reference); SSM builds it from the caller's name (a
 * user or role session name: word characters and +=,.@-) and a random suffix.
 */
export const SESSION_ID: IdForm = { pattern: /^[\w+=,.@-]{1,96}$/, what: 'a session id (at most 96 of A-Z a-z 0-9 _+=,.@-)' };

export const CLOUDTRAIL_API_CALL_DETAIL_TYPE = 'AWS API Call via CloudTrail';
export const SESSION_EVENT_NAMES = ['StartSession', 'ResumeSession', 'TerminateSession'] as const;
type SessionEventName = (typeof SESSION_EVENT_NAMES)[number];

/** The rule's detail pattern: only successful session calls of SSM (failed calls carry errorCode). */
export const SESSION_EVENT_DETAIL_PATTERN = {
  eventSource: ['ssm.amazonaws.com'],
  eventName: SESSION_EVENT_NAMES,
  errorCode: [{ exists: false }],
} as const;

/**
 * What each call says of the session's status: one it at least reached. A started or resumed
 * session is connecting; a terminated one is terminating (SSM's read gives the end).
 */
const STATUS_CLAIMED: Readonly<Record<SessionEventName, string>> = {
  StartSession: 'Connecting',
  ResumeSession: 'Connecting',
  TerminateSession: 'Terminating',
};

const isObject = (value: unknown): value is Fields => typeof value === 'object' && value !== null && !Array.isArray(value);

function section(detail: Fields, name: string, where: string): Fields {
  const value = detail[name];
  if (value === undefined || value === null) return {};
  if (!isObject(value)) throw new MalformedMessageError(`${where}: "${name}" must be an object`);
  return value;
}

export function parseSessionEvent(event: SsmEvent): WorkItem {
  const where = `${event['detail-type']} event ${event.id}`;
  const detail = event.detail;
  if (detail.eventSource !== 'ssm.amazonaws.com') {
    throw new MalformedMessageError(`${where}: eventSource is not ssm.amazonaws.com: ${quoted(String(detail.eventSource))}`);
  }
  const eventName = detail.eventName;
  if (typeof eventName !== 'string' || !(SESSION_EVENT_NAMES as readonly string[]).includes(eventName)) {
    throw new MalformedMessageError(`${where}: not a session call (${SESSION_EVENT_NAMES.join(', ')}): ${quoted(String(eventName))}`);
  }
  if (detail.errorCode !== undefined && detail.errorCode !== null) {
    throw new MalformedMessageError(`${where}: ${eventName} failed (${quoted(String(detail.errorCode))}): no session to archive`);
  }
  const observedAt = optionalTime(detail, 'eventTime', where) ?? envelopeTime(event, where);
  const request = section(detail, 'requestParameters', where);
  const response = section(detail, 'responseElements', where);
  const named = response.sessionId !== undefined && response.sessionId !== null ? response : request;
  const sessionId = idField(named, 'sessionId', SESSION_ID, where);
  const identity = section(detail, 'userIdentity', where);
  const status = STATUS_CLAIMED[eventName as SessionEventName];
  const starts = eventName === 'StartSession';
  const key = { SessionId: sessionId };
  const observation: Observation = {
    table: 'sessions',
    key,
    status,
    statuses: sessionStatuses,
    observedAt,
    fields: {
      ...(starts
        ? definedFields({
            Target: optionalString(request, 'target', where),
            DocumentName: optionalString(request, 'documentName', where),
            Reason: optionalString(request, 'reason', where),
            Owner: optionalString(identity, 'arn', where),
            StartDate: observedAt,
          })
        : {}),
      ...key,
      Status: status,
    },
    complete: false,
    producers: new Set(['event']),
    timeline: [{ status, at: observedAt }],
  };
  return { kind: 'session', parentId: sessionId, producer: 'event', sentAt: observedAt, observations: [observation], fetch: { scope: 'parent' } };
}
