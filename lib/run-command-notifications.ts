import { Aws } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

/** The work queue in the topic's own stack, which the topic delivers to. */
export interface NotificationDelivery {
  /** Where notifications go, in their SNS envelope. */
  readonly queue: sqs.IQueue;
  /** Where notifications go that SNS could not deliver to the queue. */
  readonly deadLetterQueue: sqs.IQueue;
}

/** The archive in another account and Region, which subscribes its work queue to the topic itself. */
export interface NotificationSubscriber {
  readonly account: string;
  readonly region: string;
}

export interface RunCommandNotificationsProps {
  /**
   * The archive's work queue, when it is in this stack: the topic subscribes it.
   * @default - none: give `subscriber`
   */
  readonly delivery?: NotificationDelivery;
  /**
   * The archive's account and Region, when its work queue is elsewhere (a member account):
   * the topic lets that account subscribe one of its queues in that Region, and nothing
   * else. (The queue owner's subscription needs no confirmation message.)
   * @default - none: give `delivery`
   */
  readonly subscriber?: NotificationSubscriber;
  /**
   * Roles, besides the one this construct creates, that SendCommand callers already pass as
   * ServiceRoleArn: SSM publishes as them, so the topic lets them (and nobody else) publish.
   * @default - none
   */
  readonly publisherRoleArns?: readonly string[];
  /**
   * The topic's name, for one that others find by name (a member's, which the archive subscribes to).
   * @default - a name CloudFormation generates
   */
  readonly topicName?: string;
  /**
   * The publisher role's name, for one that SendCommand callers find by name in every member account.
   * @default - a name CloudFormation generates
   */
  readonly publisherRoleName?: string;
}

/**
 * Run Command's second ingest path: an SNS topic that users name in SendCommand's
 * NotificationConfig, delivered to the work queue, and the service role SSM publishes with
 * (SendCommand's ServiceRoleArn). The archive's own topic delivers to its work queue; a
 * member account's topic lets the archive's account subscribe its work queue.
 *
 * Encryption: in transit only (enforceSSL denies sns:Publish without TLS, which is what
 * cdk-nag AwsSolutions-SNS3 checks), no KMS key at rest. SSM publishes with the credentials of
 * whichever ServiceRoleArn the caller passes; with a customer managed key, every such role
 * would also need kms:GenerateDataKey* and kms:Decrypt through the key policy, and a role that
 * lacked them would lose notifications silently; the AWS managed key alias/aws/sns has a key
 * policy nobody can edit, so a publisher it does not cover cannot be let in. The messages
 * carry command and instance IDs, statuses and times (no parameters, no output), and SNS
 * holds them only until the work queue, encrypted at rest with SSE-SQS, has them.
 */
export class RunCommandNotifications extends Construct {
  public readonly topic: sns.Topic;
  /** The role to pass as SendCommand's ServiceRoleArn: SSM may publish to this topic only. */
  public readonly publisherRole: iam.Role;

  constructor(scope: Construct, id: string, props: RunCommandNotificationsProps) {
    super(scope, id);
    if ((props.delivery === undefined) === (props.subscriber === undefined)) {
      throw new Error('RunCommandNotifications needs either delivery (the work queue in this stack) or subscriber (the archive elsewhere)');
    }

    this.topic = new sns.Topic(this, 'Topic', {
      topicName: props.topicName,
      displayName: 'ssm-history Run Command notifications',
      enforceSSL: true,
    });
    if (props.delivery) {
      this.topic.addSubscription(
        new subscriptions.SqsSubscription(props.delivery.queue, {
          // The envelope stays: it is how the collector tells a notification from an event.
          rawMessageDelivery: false,
          deadLetterQueue: props.delivery.deadLetterQueue,
        }),
      );
    }
    if (props.subscriber) {
      const { account, region } = props.subscriber;
      this.topic.addToResourcePolicy(
        new iam.PolicyStatement({
          sid: 'ArchiveSubscribes',
          principals: [new iam.AccountPrincipal(account)],
          actions: ['sns:Subscribe'],
          resources: [this.topic.topicArn],
          // Only an SQS queue of the archive's account, in the archive's Region.
          conditions: {
            StringEquals: { 'sns:Protocol': 'sqs' },
            StringLike: { 'sns:Endpoint': `arn:${Aws.PARTITION}:sqs:${region}:${account}:*` },
          },
        }),
      );
    }

    this.publisherRole = new iam.Role(this, 'PublisherRole', {
      roleName: props.publisherRoleName,
      // Only principals of this account with iam:PassRole on it can name it in SendCommand.
      assumedBy: new iam.ServicePrincipal('ssm.amazonaws.com'),
      description: 'SendCommand ServiceRoleArn: lets Run Command publish status notifications to the ssm-history topic',
    });
    this.topic.grantPublish(this.publisherRole);

    // SSM publishes a notification as the ServiceRoleArn its SendCommand named (aws:PrincipalArn
    // is that role's ARN): only those roles may publish, whatever else an identity policy in the
    // account allows, so nobody can write a notification the collector would take for SSM's.
    const others = props.publisherRoleArns ?? [];
    if (others.length > 0) {
      this.topic.addToResourcePolicy(
        new iam.PolicyStatement({
          sid: 'NamedPublishers',
          principals: others.map((arn) => new iam.ArnPrincipal(arn)),
          actions: ['sns:Publish'],
          resources: [this.topic.topicArn],
        }),
      );
    }
    this.topic.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'OnlySsmPublishers',
        effect: iam.Effect.DENY,
        principals: [new iam.AnyPrincipal()],
        actions: ['sns:Publish'],
        resources: [this.topic.topicArn],
        conditions: { ArnNotEquals: { 'aws:PrincipalArn': [this.publisherRole.roleArn, ...others] } },
      }),
    );
  }
}
