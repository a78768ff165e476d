import { INSTANCE_ID_PATTERN } from '../ssm-protocol/input';
import { AWS_EXAMPLE_UUID_PATTERN, MW_UUID_PATTERN, WINDOW_ID_PATTERN } from '../ssm-protocol/maintenance-window-requests';

/**
 * The identifiers SSM's events and notifications carry, each with SSM's documented form (API
 * reference: InstanceId's pattern; CommandId and AutomationExecutionId, 36 characters, which
 * SSM fills with a UUID; AssociationId's and ExecutionId's UUID pattern; WindowId's "mw-" and
 * 17 hex digits; window and task execution ids, UUIDs; SessionId, a name and a suffix). An id becomes a table key and part of
 * every query: anything else (a path, a 200 KB string, 18 emoji) is refused before it is stored.
 */
const UUID = MW_UUID_PATTERN;
/** AWS's documentation writes some sample ids as a UUID ending in "EXAMPLE"; its samples stay readable. */
const uuidOrExample = { test: (value: string): boolean => UUID.test(value) || AWS_EXAMPLE_UUID_PATTERN.test(value) };

export const ssmIds = {
  instanceId: { pattern: INSTANCE_ID_PATTERN, what: 'a managed node id (i- or mi- form)' },
  commandId: { pattern: uuidOrExample, what: 'a command id (a UUID)' },
  automationExecutionId: { pattern: uuidOrExample, what: 'an automation execution id (a UUID)' },
  associationId: { pattern: uuidOrExample, what: 'an association id (a UUID)' },
  associationExecutionId: { pattern: uuidOrExample, what: 'an association execution id (a UUID)' },
  windowId: { pattern: WINDOW_ID_PATTERN, what: 'a maintenance window id (mw- and 17 hex digits)' },
  windowExecutionId: { pattern: uuidOrExample, what: 'a window execution id (a UUID)' },
  taskExecutionId: { pattern: uuidOrExample, what: 'a task execution id (a UUID)' },
  // SessionId: at most 96 characters (API reference); SSM builds it from the caller's name
  // (a user or role session name: word characters and +=,.@-) and a random suffix.
  sessionId: { pattern: /^[\w+=,.@-]{1,96}$/, what: 'a session id (at most 96 of A-Z a-z 0-9 _+=,.@-)' },
} as const satisfies Record<string, { pattern: Pick<RegExp, 'test'>; what: string }>;

export type SsmIdKind = keyof typeof ssmIds;

/** The longest value a reason quotes: a 200 KB id is named, not copied into the log. */
const QUOTED = 80;
export const quoted = (value: string): string => JSON.stringify(value.length > QUOTED ? `${value.slice(0, QUOTED)}…` : value);

export function isSsmId(kind: SsmIdKind, value: string): boolean {
  return ssmIds[kind].pattern.test(value);
}
