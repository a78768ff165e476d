import { Aws, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { MEMBER_NOTIFICATION_TOPIC_NAME, scopesOf, type SsmScope } from '../lambdas/core/scope';

export interface MemberNotificationSubscriptionsProps {
  /** The listed member accounts. */
  readonly accounts: readonly string[];
  /** The Regions collected in each. */
  readonly regions: readonly string[];
  /** The archive's work queue, which the member topics deliver to in their SNS envelope. */
  readonly queue: sqs.IQueue;
}

/** A member's Run Command notifications topic (SsmHistoryMember creates it by this name). */
export const memberNotificationTopicArn = (scope: SsmScope, partition: string): string =>
  `arn:${partition}:sns:${scope.region}:${scope.account}:${MEMBER_NOTIFICATION_TOPIC_NAME}`;

/**
 * The work queue subscribed to each listed member account's notifications topic in each
 * Region. The archive, the queue's owner, subscribes: such a subscription needs no
 * confirmation message, only the member topic's leave (its ArchiveSubscribes statement),
 * so the member stacks must be deployed first. A topic in another Region is subscribed in
 * that Region (the subscription's Region property).
 *
 * No dead-letter queue: SNS keeps a subscription's dead-letter queue in the subscription's
 * own account and Region, which for a member's topic in another Region is not the work
 * queue's. SNS retries a queue it cannot reach for days (its delivery policy for AWS
 * endpoints), and a member topic that is missing fails the deployment instead.
 *
 * A topic in an opt-in Region delivers as that Region's SNS principal (sns.<region>.amazonaws.com,
 * SNS developer guide, "Sending Amazon SNS messages to an Amazon SQS queue or AWS Lambda function
 * in a different Region"), which the queue policy does not name: list only Regions enabled by default.
 *
 * Only listed accounts: an organization's accounts change without a deployment, so its
 * members' notifications are not subscribed (their events and the pollers still collect
 * their commands).
 */
export class MemberNotificationSubscriptions extends Construct {
  /** The member topics subscribed: the collector trusts notifications from exactly these. */
  public readonly topicArns: readonly string[];

  constructor(scope: Construct, id: string, props: MemberNotificationSubscriptionsProps) {
    super(scope, id);
    const topicArns: string[] = [];
    for (const member of scopesOf(props.accounts, props.regions)) {
      const topicArn = memberNotificationTopicArn(member, Aws.PARTITION);
      topicArns.push(topicArn);
      const subscription = new sns.Subscription(this, `${member.account}-${member.region}`, {
        topic: sns.Topic.fromTopicArn(this, `Topic-${member.account}-${member.region}`, topicArn),
        endpoint: props.queue.queueArn,
        protocol: sns.SubscriptionProtocol.SQS,
        // The envelope stays: it is how the collector tells a notification from an event.
        rawMessageDelivery: false,
        region: member.region,
      });
      Validations.of(subscription).acknowledge({
        id: 'Serverless-SNSRedrivePolicy',
        reason:
          "SNS requires a subscription's dead-letter queue in the subscription's own account and Region (SNS developer " +
          "guide, \"Amazon SNS dead-letter queues\"): for a member's topic that is the member's Region, where the archive " +
          'has no queue. SNS retries an SQS endpoint it cannot reach for days, and the pollers collect the commands anyway.',
      });
    }
    this.topicArns = topicArns;

    // SNS delivers as its service principal, naming the topic (aws:SourceArn), as for the archive's own topic.
    props.queue.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'MemberNotificationTopics',
        principals: [new iam.ServicePrincipal('sns.amazonaws.com')],
        actions: ['sqs:SendMessage'],
        resources: [props.queue.queueArn],
        conditions: { ArnEquals: { 'aws:SourceArn': topicArns } },
      }),
    );
  }
}
