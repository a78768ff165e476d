import type { Command, CommandInvocation, GetCommandInvocationCommandOutput } from '@aws-sdk/client-ssm';
import { OUTPUT_TRUNCATED_MARKER } from '../../lambdas/sources/run-command/output-limits';

/** A small Run Command "final truth" for collector tests that mock SSM. */
export const TRUTH_COMMAND_ID = '0b6a2f3e-1c4d-4e5f-8a9b-0c1d2e3f4a5b';
export const REQUESTED = new Date('2026-11-20T10:00:00.000Z');

export function truthInvocation(instanceId: string, status: string, output = `ok on ${instanceId}`): CommandInvocation {
  return {
    CommandId: TRUTH_COMMAND_ID,
    InstanceId: instanceId,
    InstanceName: `${instanceId}.ec2.internal`,
    Comment: '',
    DocumentName: 'AWS-RunShellScript',
    DocumentVersion: '$DEFAULT',
    RequestedDateTime: REQUESTED,
    Status: status as CommandInvocation['Status'],
    StatusDetails: status,
    TraceOutput: '',
    StandardOutputUrl: '',
    StandardErrorUrl: '',
    CommandPlugins: [
      {
        Name: 'aws:runShellScript',
        Status: status as NonNullable<CommandInvocation['CommandPlugins']>[number]['Status'],
        StatusDetails: status,
        ResponseCode: status === 'Success' ? 0 : 1,
        ResponseStartDateTime: new Date(REQUESTED.getTime() + 1000),
        ResponseFinishDateTime: new Date(REQUESTED.getTime() + 3000),
        Output: output,
        StandardOutputUrl: '',
        StandardErrorUrl: '',
        OutputS3Region: 'us-east-1',
        OutputS3BucketName: '',
        OutputS3KeyPrefix: '',
      },
    ],
    ServiceRole: '',
    NotificationConfig: { NotificationArn: '', NotificationEvents: [], NotificationType: 'Command' },
    CloudWatchOutputConfig: { CloudWatchLogGroupName: '', CloudWatchOutputEnabled: false },
  };
}

export const cutOutput = (fill: string): string => fill.repeat(2500 - OUTPUT_TRUNCATED_MARKER.length) + OUTPUT_TRUNCATED_MARKER;

export function truthCommand(status: string, invocations: readonly CommandInvocation[]): Command {
  return {
    CommandId: TRUTH_COMMAND_ID,
    DocumentName: 'AWS-RunShellScript',
    DocumentVersion: '$DEFAULT',
    Comment: '',
    ExpiresAfter: new Date(REQUESTED.getTime() + 3_600_000),
    Parameters: { commands: ['uptime'] },
    InstanceIds: invocations.map((invocation) => invocation.InstanceId as string),
    Targets: [],
    RequestedDateTime: REQUESTED,
    Status: status as Command['Status'],
    StatusDetails: status,
    MaxConcurrency: '50',
    MaxErrors: '0',
    TargetCount: invocations.length,
    CompletedCount: invocations.length,
    ErrorCount: invocations.filter((invocation) => invocation.Status !== 'Success').length,
    DeliveryTimedOutCount: 0,
    TimeoutSeconds: 3600,
  };
}

export function truthPluginOutput(invocation: CommandInvocation, stdout: string): GetCommandInvocationCommandOutput {
  return {
    $metadata: {},
    CommandId: invocation.CommandId,
    InstanceId: invocation.InstanceId,
    Comment: '',
    DocumentName: invocation.DocumentName,
    DocumentVersion: invocation.DocumentVersion,
    PluginName: 'aws:runShellScript',
    ResponseCode: 0,
    ExecutionStartDateTime: '2026-11-20T10:00:01.000Z',
    ExecutionElapsedTime: 'PT2S',
    ExecutionEndDateTime: '2026-11-20T10:00:03.000Z',
    Status: invocation.Status,
    StatusDetails: invocation.StatusDetails,
    StandardOutputContent: stdout,
    StandardOutputUrl: '',
    StandardErrorContent: '',
    StandardErrorUrl: '',
    CloudWatchOutputConfig: { CloudWatchLogGroupName: '', CloudWatchOutputEnabled: false },
  };
}

/** EventBridge events as SSM emits them, for the truth command. */
export function invocationEvent(instanceId: string, status: string, time: string): object {
  return {
    version: '0',
    id: `${instanceId}-${status}-${time}`,
    'detail-type': 'EC2 Command Invocation Status-change Notification',
    source: 'aws.ssm',
    account: '123456789012',
    time,
    region: 'us-east-1',
    resources: [`arn:aws:ec2:us-east-1:123456789012:instance/${instanceId}`],
    detail: {
      'command-id': TRUTH_COMMAND_ID,
      'document-name': 'AWS-RunShellScript',
      'instance-id': instanceId,
      'requested-date-time': REQUESTED.toISOString(),
      status,
    },
  };
}

export function commandEvent(status: string, time: string): object {
  return {
    version: '0',
    id: `command-${status}-${time}`,
    'detail-type': 'EC2 Command Status-change Notification',
    source: 'aws.ssm',
    account: '123456789012',
    time,
    region: 'us-east-1',
    resources: [],
    detail: {
      'command-id': TRUTH_COMMAND_ID,
      'document-name': 'AWS-RunShellScript',
      'expire-after': new Date(REQUESTED.getTime() + 3_600_000).toISOString(),
      parameters: { commands: ['uptime'] },
      'requested-date-time': REQUESTED.toISOString(),
      status,
    },
  };
}
