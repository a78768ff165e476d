import * as iam from 'aws-cdk-lib/aws-iam';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

export interface RunCommandNotificationsProps {
  /** Where notifications go, in their SNS envelope. */
  readonly queue: sqs.IQueue;
  /** Where notifications go that SNS could not deliver to the queue. */
  readonly deadLetterQueue: sqs.IQueue;
  /**
   * Roles, besides the one this construct creates, that SendCommand callers already pass as
   * ServiceRoleArn: SSM publishes as them, so the topic lets them (and nobody else) publish.
   * @default - none
   */
  readonly publisherRoleArns?: readonly string[];
}

/**
 * Run Command's second ingest path: an SNS topic that users name in SendCommand's
 * NotificationConfig, delivered to the work queue, and the service role SSM publishes with
 * (SendCommand's ServiceRoleArn).
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

    this.topic = new sns.Topic(this, 'Topic', {
      displayName: 'ssm-history Run Command notifications',
      enforceSSL: true,
    });
    this.topic.addSubscription(
      new subscriptions.SqsSubscription(props.queue, {
        // The envelope stays: it is how the collector tells a notification from an event.
        rawMessageDelivery: false,
        deadLetterQueue: props.deadLetterQueue,
      }),
    );

    this.publisherRole = new iam.Role(this, 'PublisherRole', {
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
