import { AWS_EXAMPLE_UUID_PATTERN, INSTANCE_ID_PATTERN, MW_UUID_PATTERN, WINDOW_ID_PATTERN } from '../ssm-protocol/input';

/**
 * The identifiers SSM's events and notifications carry, each with SSM's documented form (API
 * reference: InstanceId's pattern; CommandId and AutomationExecutionId, 36 characters, which
 * SSM fills with a UUID; AssociationId's and ExecutionId's UUID pattern; WindowId's "mw-" and
 * 17 hex digits; window and task execution ids, UUIDs). An id becomes a table key and part of
 * every query: anything else (a path, a 200 KB string, 18 emoji) is refused before it is stored.
 */
const UUID = MW_UUID_PATTERN;
/** AWS's documentation writes some sample ids as a UUID ending in "EXAMPLE"; its samples stay readable. */
const uuidOrExample = { test: (value: string): boolean => UUID.test(value) || AWS_EXAMPLE_UUID_PATTERN.test(value) };

/** An id's documented form: what it must match, and how a reason names it. */
export interface IdForm {
  readonly pattern: Pick<RegExp, 'test'>;
  readonly what: string;
}

/** The forms several kinds share; a kind with an id of its own declares its form in its folder. */
export const ssmIds = {
  instanceId: { pattern: INSTANCE_ID_PATTERN, what: 'a managed node id (i- or mi- form)' },
  commandId: { pattern: uuidOrExample, what: 'a command id (a UUID)' },
  automationExecutionId: { pattern: uuidOrExample, what: 'an automation execution id (a UUID)' },
  associationId: { pattern: uuidOrExample, what: 'an association id (a UUID)' },
  associationExecutionId: { pattern: uuidOrExample, what: 'an association execution id (a UUID)' },
  windowId: { pattern: WINDOW_ID_PATTERN, what: 'a maintenance window id (mw- and 17 hex digits)' },
  windowExecutionId: { pattern: uuidOrExample, what: 'a window execution id (a UUID)' },
  taskExecutionId: { pattern: uuidOrExample, what: 'a task execution id (a UUID)' },
} as const satisfies Record<string, IdForm>;


/** The longest value a reason quotes: a 200 KB id is named, not copied into the log. */
const QUOTED = 80;
export const quoted = (value: string): string => JSON.stringify(value.length > QUOTED ? `${value.slice(0, QUOTED)}…` : value);

export function isSsmId(form: IdForm, value: string): boolean {
  return form.pattern.test(value);
}
