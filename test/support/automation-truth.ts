import type { AutomationExecutionMetadata, StepExecution } from '@aws-sdk/client-ssm';
import {
  AUTOMATION_EXECUTION_DETAIL_TYPE,
  AUTOMATION_STEP_DETAIL_TYPE,
  formatAutomationEventTime,
} from '../../lambdas/sources/automation/events';

/** A small Automation "final truth" for collector tests that mock SSM. */
export const TRUTH_EXECUTION_ID = '7a1c2d3e-4f50-4617-8829-3a4b5c6d7e8f';
export const PARENT_EXECUTION_ID = '1b2c3d4e-5f60-4718-9a2b-3c4d5e6f7a8b';
export const STARTED = new Date('2026-11-20T10:00:00.000Z');

const second = (n: number): Date => new Date(STARTED.getTime() + n * 1000);
export const stepExecutionId = (i: number): string => `5e0d${String(i).padStart(4, '0')}-aaaa-4bbb-8ccc-${String(i).padStart(12, '0')}`;
export const stepName = (i: number): string => `step${i}`;

export function truthStep(i: number, status: string): StepExecution {
  const failed = status !== 'Success';
  return {
    StepName: stepName(i),
    Action: 'aws:runCommand',
    TimeoutSeconds: 600,
    OnFailure: 'Abort',
    MaxAttempts: 1,
    ExecutionStartTime: second(1 + i),
    ExecutionEndTime: second(2 + i),
    StepStatus: status as StepExecution['StepStatus'],
    ResponseCode: failed ? '1' : '0',
    Inputs: { DocumentName: '"AWS-RunShellScript"', InstanceIds: '["i-0123456789abcdef0"]' },
    Outputs: { CommandId: [`c-${i}`], Status: [status] },
    Response: failed ? 'Step fails' : 'Step succeeded',
    ...(failed
      ? {
          FailureMessage: `Step ${stepName(i)} ended ${status}`,
          FailureDetails: { FailureStage: 'Invocation', FailureType: 'Action', Details: { ExceptionType: ['Execution'] } },
        }
      : {}),
    StepExecutionId: stepExecutionId(i),
    OverriddenParameters: {},
    IsEnd: false,
    NextStep: stepName(i + 1),
    IsCritical: true,
    ValidNextSteps: [stepName(i + 1)],
    Targets: [{ Key: 'InstanceIds', Values: ['i-0123456789abcdef0'] }],
    TargetLocation: {
      Accounts: ['123456789012'],
      Regions: ['us-east-1'],
      TargetLocationMaxConcurrency: '1',
      TargetLocationMaxErrors: '0',
      ExecutionRoleName: 'AWS-SystemsManager-AutomationExecutionRole',
      TargetLocationAlarmConfiguration: { IgnorePollAlarmFailure: false, Alarms: [{ Name: 'cpu-high' }] },
    },
    TriggeredAlarms: failed ? [{ Name: 'cpu-high', State: 'ALARM' }] : [],
  };
}

export function truthExecution(status: string, steps: readonly StepExecution[]): AutomationExecutionMetadata {
  return {
    AutomationExecutionId: TRUTH_EXECUTION_ID,
    DocumentName: 'Example-Runbook',
    DocumentVersion: '1',
    AutomationExecutionStatus: status as AutomationExecutionMetadata['AutomationExecutionStatus'],
    ExecutionStartTime: STARTED,
    ExecutionEndTime: second(steps.length + 3),
    ExecutedBy: 'arn:aws:iam::123456789012:user/userName',
    LogFile: '',
    Outputs: {},
    Mode: 'Auto',
    ParentAutomationExecutionId: PARENT_EXECUTION_ID,
    FailureMessage: status === 'Success' ? undefined : 'Step failed',
    Targets: [],
    TargetMaps: [],
    ResolvedTargets: { ParameterValues: [], Truncated: false },
    AutomationType: 'Local',
    TriggeredAlarms: [],
  };
}

export function executionEvent(status: string, time: string, id = TRUTH_EXECUTION_ID): object {
  return {
    version: '0',
    id: `e-${status}-${time}`,
    'detail-type': AUTOMATION_EXECUTION_DETAIL_TYPE,
    source: 'aws.ssm',
    account: '123456789012',
    time,
    region: 'us-east-1',
    resources: [`arn:aws:ssm:us-east-1:123456789012:automation-execution/${id}`],
    detail: {
      ExecutionId: id,
      Definition: 'Example-Runbook',
      DefinitionVersion: 1.0,
      Status: status,
      StartTime: formatAutomationEventTime(STARTED),
      ...(status === 'InProgress' ? {} : { EndTime: formatAutomationEventTime(new Date(time)) }),
      Time: 1000,
      ExecutedBy: 'arn:aws:iam::123456789012:user/userName',
    },
  };
}

export function stepEvent(i: number, status: string, time: string, id = TRUTH_EXECUTION_ID): object {
  return {
    version: '0',
    id: `s-${i}-${status}-${time}`,
    'detail-type': AUTOMATION_STEP_DETAIL_TYPE,
    source: 'aws.ssm',
    account: '123456789012',
    time,
    region: 'us-east-1',
    resources: [`arn:aws:ssm:us-east-1:123456789012:automation-execution/${id}`],
    detail: {
      ExecutionId: id,
      Definition: 'Example-Runbook',
      DefinitionVersion: 1.0,
      Status: status,
      StartTime: formatAutomationEventTime(second(1 + i)),
      EndTime: formatAutomationEventTime(second(2 + i)),
      Time: 1000,
      StepName: stepName(i),
      Action: 'aws:runCommand',
    },
  };
}
