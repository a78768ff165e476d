import { Duration } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { terminalDeadLetterQueue } from './work-queue';

export interface PollQueueProps {
  /**
   * Timeout of the poller that consumes the queue. The visibility timeout is six times this,
   * as Lambda recommends for SQS event sources, so that one account and Region is not handed
   * to a second poller while the first may still be polling it.
   */
  readonly consumerTimeout: Duration;
}

/** Receives of a poll message before it is dead-lettered: a scope whose polls keep failing waits for the next schedule. */
export const POLL_QUEUE_MAX_RECEIVES = 3;

/**
 * With an organization, the scheduled poll (the dispatcher) sends one message per account and
 * Region here, and the poller polls each apart, several at once. Its dead-letter queue holds
 * the messages whose polls failed every receive; they need no redrive (the next schedule
 * sends that account and Region again), only a look at why.
 */
export class PollQueue extends Construct {
  public readonly queue: sqs.Queue;
  public readonly deadLetterQueue: sqs.Queue;

  constructor(scope: Construct, id: string, props: PollQueueProps) {
    super(scope, id);

    this.deadLetterQueue = terminalDeadLetterQueue(
      this,
      'This is the terminal dead-letter queue of the poll queue: a poll message that failed every receive waits ' +
        'here to be inspected; the next schedule polls its account and Region again, so it needs no further queue.',
    );

    this.queue = new sqs.Queue(this, 'Queue', {
      // SSE-SQS: encrypted at rest, no key policy for the poller to need.
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      visibilityTimeout: Duration.seconds(6 * props.consumerTimeout.toSeconds()),
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: POLL_QUEUE_MAX_RECEIVES },
    });
  }

  /**
   * Denies sqs:SendMessage to every principal but the given role (the poller's, which
   * dispatches), whatever its identity policy allows: nobody else chooses what is polled.
   */
  public allowSenderOnly(role: iam.IRole): void {
    this.queue.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'OnlyThePollerSends',
        effect: iam.Effect.DENY,
        principals: [new iam.AnyPrincipal()],
        actions: ['sqs:SendMessage'],
        resources: [this.queue.queueArn],
        conditions: { ArnNotEquals: { 'aws:PrincipalArn': role.roleArn } },
      }),
    );
  }
}
