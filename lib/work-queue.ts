import { Duration, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

export interface WorkQueueProps {
  /**
   * Timeout of the function that consumes the queue. The visibility timeout is six times
   * this, as Lambda recommends for SQS event sources, so that a message is not handed to a
   * second invocation while the first (with its retries) may still be working on it.
   */
  readonly consumerTimeout: Duration;
  /**
   * How long each message waits after it is sent before it can be received (SQS's delivery
   * delay, at most 15 minutes): a gathered kind's events (HistorySource.gathering).
   * @default - none
   */
  readonly deliveryDelay?: Duration;
  /**
   * The dead-letter queue to redrive into, when another queue's is shared.
   * @default - a terminal dead-letter queue of its own
   */
  readonly deadLetterQueue?: sqs.IQueue;
}

/**
 * Work items ("parent X of kind K changed") from every producer, and the dead-letter queue
 * every ingestion hop fails into: the work queue's redrive, the EventBridge target and the
 * SNS subscription. One DLQ means one place to alarm on and to redrive from; its messages are
 * the same events and notifications the work queue carries, so they replay unchanged.
 */
/** Receives of a work-queue message before it is dead-lettered (why three: see the queue below). */
export const WORK_QUEUE_MAX_RECEIVES = 3;

/**
 * A queue's last stop (construct id `DeadLetterQueue` under `scope`): encrypted, TLS only, its
 * messages kept 14 days, the longest SQS allows (time to notice the alarm, fix the cause and
 * redrive); `why` tells cdk-nag why it has no dead-letter queue of its own.
 */
export function terminalDeadLetterQueue(scope: Construct, why: string): sqs.Queue {
  const queue = new sqs.Queue(scope, 'DeadLetterQueue', {
    encryption: sqs.QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
    retentionPeriod: Duration.days(14),
  });
  Validations.of(queue).acknowledge({ id: 'Serverless-SQSRedrivePolicy', reason: why });
  return queue;
}

export class WorkQueue extends Construct {
  public readonly queue: sqs.Queue;
  public readonly deadLetterQueue: sqs.IQueue;

  constructor(scope: Construct, id: string, props: WorkQueueProps) {
    super(scope, id);

    this.deadLetterQueue =
      props.deadLetterQueue ??
      terminalDeadLetterQueue(
        this,
        'This is the terminal dead-letter queue of the work queue, the EventBridge target and ' +
          'the SNS subscription. Its messages wait here (14 days) to be inspected and redriven ' +
          'to the work queue; a further DLQ would only move them.',
      );

    this.queue = new sqs.Queue(this, 'Queue', {
      // SSE-SQS: encrypted at rest with no KMS key policy to grant EventBridge and SNS.
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      visibilityTimeout: Duration.seconds(6 * props.consumerTimeout.toSeconds()),
      ...(props.deliveryDelay !== undefined ? { deliveryDelay: props.deliveryDelay } : {}),
      deadLetterQueue: {
        queue: this.deadLetterQueue,
        // Three receives, because every receive is already a retried attempt: the collector's
        // SDK retries each throttled SSM call (adaptive mode) inside the invocation, and the
        // event source's maxConcurrency (not reserved concurrency) keeps throttled invocations
        // from counting as receives. A message failing three whole invocations is poison
        // (malformed, or SSM no longer knows the parent); more tries would only spend the SSM
        // rate that healthy items need. Nothing is lost: the DLQ keeps it for a redrive, and
        // the reconciliation pollers of DESIGN.md re-list any parent whose work went missing.
        maxReceiveCount: WORK_QUEUE_MAX_RECEIVES,
      },
    });
  }

  /**
   * Denies sqs:SendMessage on the work queue to everyone but its producers: the services that
   * deliver from the given sources (the EventBridge rule, the notifications topic: their
   * requests carry the source's ARN as aws:SourceArn) and the given roles (the poller's). Any
   * other principal of the account, whatever its identity policy allows, cannot write a
   * message the collector would take for SSM's.
   */
  public allowSendersOnly(senders: { readonly sourceArns: readonly string[]; readonly roles: readonly iam.IRole[] }): void {
    this.queue.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'OnlyTheProducersSend',
        effect: iam.Effect.DENY,
        principals: [new iam.AnyPrincipal()],
        actions: ['sqs:SendMessage'],
        resources: [this.queue.queueArn],
        // Both must hold to deny: a request from a listed source, or by a listed role, is let through.
        conditions: {
          ArnNotEquals: {
            'aws:SourceArn': [...senders.sourceArns],
            ...(senders.roles.length > 0 ? { 'aws:PrincipalArn': senders.roles.map((role) => role.roleArn) } : {}),
          },
        },
      }),
    );
  }
}
