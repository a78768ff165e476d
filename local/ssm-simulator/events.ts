import type { NotificationEvent } from '@aws-sdk/client-ssm';
import type { SeededRandom } from './random';
import { invocationStep, type CommandRun, type InvocationRun, type Transition } from './runs';
import { isoMillis, isoSeconds, isoTrimmed } from './time-format';

/**
 * What SSM publishes when a status changes, byte for byte as an SQS queue subscribed to it
 * would receive the message body: EventBridge events (always) and, when the command asked
 * for them, SNS notifications in the SNS envelope.
 */
export interface SimulatorEvent {
  readonly channel: 'eventbridge' | 'sns';
  readonly time: Date;
  readonly body: string;
}

export const COMMAND_DETAIL_TYPE = 'EC2 Command Status-change Notification';
export const INVOCATION_DETAIL_TYPE = 'EC2 Command Invocation Status-change Notification';

/** Maintenance Windows' three detail-types (maintenance-window.ts emits them). */
export const MW_WINDOW_EXECUTION_DETAIL_TYPE = 'Maintenance Window Execution State-change Notification';
export const MW_TASK_EXECUTION_DETAIL_TYPE = 'Maintenance Window Task Execution State-change Notification';
export const MW_TASK_INVOCATION_DETAIL_TYPE = 'Maintenance Window Task Target Invocation State-change Notification';

/** SNS carries only these statuses (the SSM user guide: Pending and Cancelling are not sent). */
const SNS_STATUSES: ReadonlySet<string> = new Set(['InProgress', 'Success', 'TimedOut', 'Cancelled', 'Failed']);

export interface EventContext {
  readonly region: string;
  readonly accountId: string;
  readonly random: SeededRandom;
}

/** An EventBridge event from source aws.ssm, its body as a queue subscribed to the bus receives it. */
export function eventBridgeEvent(ctx: EventContext, detailType: string, time: Date, resources: readonly string[], detail: Record<string, unknown>): SimulatorEvent {
  const event = {
    version: '0',
    id: ctx.random.uuid(),
    'detail-type': detailType,
    source: 'aws.ssm',
    account: ctx.accountId,
    time: isoSeconds(time),
    region: ctx.region,
    resources,
    detail,
  };
  return { channel: 'eventbridge', time, body: JSON.stringify(event) };
}

/** The events one transition produces, EventBridge first. */
export function eventsFor(transition: Transition, ctx: EventContext): SimulatorEvent[] {
  const time = new Date(transition.at);
  const out: SimulatorEvent[] = [];
  const command = transition.command;
  const config = command.request.notificationConfig;
  if (transition.kind === 'command') {
    out.push(commandEvent(command, time, ctx));
    if (config?.NotificationType === 'Command' && wants(config.NotificationEvents, command.status)) {
      out.push({ channel: 'sns', time, body: JSON.stringify(snsEnvelope(config.NotificationArn ?? '', COMMAND_DETAIL_TYPE, commandMessage(command, time), time, ctx)) });
    }
  } else {
    const status = invocationStep(transition.invocation).status;
    out.push(invocationEvent(transition.invocation, time, ctx));
    if (config?.NotificationType === 'Invocation' && wants(config.NotificationEvents, status)) {
      out.push({
        channel: 'sns',
        time,
        body: JSON.stringify(snsEnvelope(config.NotificationArn ?? '', INVOCATION_DETAIL_TYPE, invocationMessage(transition.invocation, time), time, ctx)),
      });
    }
  }
  return out;
}

function wants(events: NotificationEvent[] | undefined, status: string): boolean {
  if (!SNS_STATUSES.has(status)) return false;
  const list = events ?? [];
  return list.includes('All') || list.includes(status as NotificationEvent);
}

function instanceArn(ctx: EventContext, instanceId: string): string {
  return `arn:aws:ec2:${ctx.region}:${ctx.accountId}:instance/${instanceId}`;
}

function commandEvent(command: CommandRun, time: Date, ctx: EventContext): SimulatorEvent {
  return eventBridgeEvent(ctx, COMMAND_DETAIL_TYPE, time, command.invocations.map((inv) => instanceArn(ctx, inv.instanceId)), {
    'command-id': command.id,
    'document-name': command.request.documentName,
    'expire-after': isoMillis(new Date(command.expiresAt)),
    parameters: command.request.parameters,
    'requested-date-time': isoMillis(new Date(command.requestedAt)),
    status: command.status,
  });
}

function invocationEvent(invocation: InvocationRun, time: Date, ctx: EventContext): SimulatorEvent {
  const command = invocation.command;
  return eventBridgeEvent(ctx, INVOCATION_DETAIL_TYPE, time, [instanceArn(ctx, invocation.instanceId)], {
    'command-id': command.id,
    'document-name': command.request.documentName,
    'instance-id': invocation.instanceId,
    'requested-date-time': isoMillis(new Date(invocation.requestedAt)),
    status: invocationStep(invocation).status,
  });
}

function commandMessage(command: CommandRun, time: Date): Record<string, unknown> {
  const r = command.request;
  return {
    commandId: command.id,
    documentName: r.documentName,
    instanceIds: r.instanceIds,
    requestedDateTime: isoTrimmed(new Date(command.requestedAt)),
    expiresAfter: isoTrimmed(new Date(command.expiresAt)),
    outputS3BucketName: r.outputS3BucketName,
    outputS3KeyPrefix: r.outputS3KeyPrefix,
    status: command.status,
    eventTime: isoTrimmed(time),
  };
}

function invocationMessage(invocation: InvocationRun, time: Date): Record<string, unknown> {
  const command = invocation.command;
  return {
    commandId: command.id,
    documentName: command.request.documentName,
    instanceId: invocation.instanceId,
    requestedDateTime: isoTrimmed(new Date(invocation.requestedAt)),
    status: invocationStep(invocation).status,
    eventTime: isoTrimmed(time),
  };
}

/**
 * The envelope SNS wraps a message in for SQS (raw delivery off). The signature is
 * random bytes of the right size: nothing downstream can verify it without AWS's key.
 */
function snsEnvelope(topicArn: string, subject: string, message: Record<string, unknown>, time: Date, ctx: EventContext): Record<string, string> {
  return {
    Type: 'Notification',
    MessageId: ctx.random.uuid(),
    TopicArn: topicArn,
    Subject: subject,
    Message: JSON.stringify(message),
    Timestamp: isoMillis(time),
    SignatureVersion: '1',
    Signature: ctx.random.base64(256),
    SigningCertURL: `https://sns.${ctx.region}.amazonaws.com/SimpleNotificationService-${ctx.random.hex(32)}.pem`,
    UnsubscribeURL: `https://sns.${ctx.region}.amazonaws.com/?Action=Unsubscribe&SubscriptionArn=${topicArn}:${ctx.random.uuid()}`,
  };
}
