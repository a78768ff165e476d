import type { Observation, Producer, StoredFields } from '../../lambdas/core/model';
import { runCommandStatuses } from '../../lambdas/sources/run-command/statuses';

export const COMMAND_ID = 'e8d3c0e4-71f7-4491-898f-c9b35bee5f3b';
export const INSTANCE_ID = 'i-0123456789abcdef0';

/** A Run Command invocation observation with just what a test needs to vary. */
export function invocationObservation(
  status: string,
  observedAt: string,
  options: { fields?: StoredFields; complete?: boolean; producer?: Producer; absentFields?: string[]; instanceId?: string } = {},
): Observation {
  const key = { CommandId: COMMAND_ID, InstanceId: options.instanceId ?? INSTANCE_ID };
  return {
    table: 'commandInvocations',
    key,
    status,
    statuses: runCommandStatuses,
    observedAt,
    fields: { ...key, Status: status, ...options.fields },
    complete: options.complete ?? false,
    producers: new Set([options.producer ?? 'event']),
    timeline: [{ status, at: observedAt }],
    ...(options.absentFields ? { absentFields: options.absentFields } : {}),
  };
}
