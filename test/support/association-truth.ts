import type { AssociationExecution, AssociationExecutionTarget } from '@aws-sdk/client-ssm';

/**
 * A small State Manager "final truth" for collector tests that mock SSM: one association,
 * executions `spacing` seconds apart (10 minutes unless a test needs them further apart).
 */
export const ASSOCIATION_ID = '6e37940a-23ba-4ab0-9b96-5d0a1a05464f';
export const STARTED = Date.parse('2026-11-20T10:00:00.000Z');
export const at = (seconds: number) => new Date(STARTED + seconds * 1000).toISOString();
export const executionId = (e: number) => `ae${e}00000-1111-4222-8333-${String(e).padStart(12, '0')}`;
export const instanceId = (t: number) => `i-0${String(t).padStart(16, '0')}`;

export function truthTarget(e: number, t: number, status: string, spacing = 600): AssociationExecutionTarget {
  return {
    AssociationId: ASSOCIATION_ID,
    AssociationVersion: '1',
    ExecutionId: executionId(e),
    ResourceId: instanceId(t),
    ResourceType: 'ManagedInstance',
    Status: status,
    DetailedStatus: status,
    LastExecutionDate: new Date(at(e * spacing + 2 + t)),
    OutputSource: { OutputSourceId: `0${e}${t}00000-aaaa-4bbb-8ccc-000000000000`, OutputSourceType: 'RunCommand' },
  };
}

export function truthExecution(e: number, targets: readonly AssociationExecutionTarget[], spacing = 600): AssociationExecution {
  const failed = targets.some((target) => target.Status === 'Failed' || target.Status === 'TimedOut');
  return {
    AssociationId: ASSOCIATION_ID,
    AssociationVersion: '1',
    ExecutionId: executionId(e),
    Status: failed ? 'Failed' : 'Success',
    DetailedStatus: failed ? 'Failed' : 'Success',
    CreatedTime: new Date(at(e * spacing)),
    LastExecutionDate: new Date(at(e * spacing + 2 + targets.length)),
    ResourceCountByStatus: `{Success=${targets.filter((target) => target.Status === 'Success').length}}`,
    AlarmConfiguration: { IgnorePollAlarmFailure: false, Alarms: [{ Name: 'association-failures' }] },
    TriggeredAlarms: failed ? [{ Name: 'association-failures', State: 'ALARM' }] : [],
  };
}

export function event(detailType: string, time: string, detail: Record<string, unknown>): string {
  return JSON.stringify({ version: '0', id: `${detailType}-${time}-${String(detail.status)}`, 'detail-type': detailType, source: 'aws.ssm', time, detail });
}
