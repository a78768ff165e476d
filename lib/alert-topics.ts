import { Duration, Stack, Token, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

export interface AlertTopicsProps {
  /**
   * Email addresses subscribed to both topics (each must confirm the subscription SNS mails).
   * @default - no subscriptions
   */
  readonly alertEmails?: readonly string[];
  /**
   * The prefix of every CloudWatch alarm that notifies the operations topic: the key policy
   * lets CloudWatch use the key only on behalf of alarms named `<prefix>-*` in this account
   * and Region.
   */
  readonly alarmNamePrefix: string;
}

/** Loose on purpose (SNS validates the address): catches a list split wrongly or a name given instead. */
const EMAIL = /^[^\s@,]+@[^\s@,]+\.[^\s@,]+$/;

/**
 * Where people hear about things: the **alerts topic** (one message per failed execution,
 * published by the collector) and the **operations topic** (the archive's own CloudWatch
 * alarms), both encrypted at rest with one customer managed key, with rotation.
 *
 * A customer managed key rather than alias/aws/sns: CloudWatch alarms cannot publish to a
 * topic under the AWS managed key, whose policy cannot grant cloudwatch.amazonaws.com
 * kms:GenerateDataKey* and kms:Decrypt; here the key policy grants exactly those, scoped by
 * aws:SourceAccount and aws:SourceArn to this stack's alarms (AWS Knowledge Center,
 * "cloudwatch-configure-alarm-sns"; SNS developer guide, "Key management", compatibility of
 * AWS service event sources with encrypted topics).
 *
 * Email subscriptions get a dead-letter queue. Email is a customer managed endpoint: SNS
 * retries it 50 times over 6 hours and then discards the message unless the subscription has
 * a DLQ (SNS developer guide, "Message delivery retries"). An alert is the one message of a
 * failure (the collector never resends it), so it is kept for 14 days instead, and the DLQ
 * has its own alarm (lib/operations-monitoring.ts).
 */
export class AlertTopics extends Construct {
  public readonly key: kms.Key;
  /** One message per execution that reached an alerting status. */
  public readonly alertsTopic: sns.Topic;
  /** The archive's operational alarms. */
  public readonly operationsTopic: sns.Topic;
  /** Alerts and alarm notifications SNS could not deliver by email; absent without subscriptions. */
  public readonly subscriptionDeadLetterQueue?: sqs.Queue;

  constructor(scope: Construct, id: string, props: AlertTopicsProps) {
    super(scope, id);
    const emails = props.alertEmails ?? [];
    for (const email of emails) {
      if (!Token.isUnresolved(email) && !EMAIL.test(email)) {
        throw new Error(`Alert email must be one email address, got ${JSON.stringify(email)}`);
      }
    }

    this.key = new kms.Key(this, 'Key', {
      description: 'ssm-history: encrypts the failure alerts and operations SNS topics',
      enableKeyRotation: true,
    });
    const stack = Stack.of(this);
    this.key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'CloudWatchAlarmsPublishToEncryptedTopics',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: alarmSourceConditions(stack, props.alarmNamePrefix),
      }),
    );

    this.alertsTopic = new sns.Topic(this, 'AlertsTopic', {
      displayName: 'ssm-history failure alerts',
      masterKey: this.key,
      enforceSSL: true,
    });
    this.operationsTopic = new sns.Topic(this, 'OperationsTopic', {
      displayName: 'ssm-history operational alarms',
      masterKey: this.key,
      enforceSSL: true,
    });
    // enforceSSL gives the topic a policy of its own, which replaces SNS's default one, so
    // CloudWatch is let in explicitly, for this stack's alarms only.
    this.operationsTopic.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'CloudWatchAlarmsPublish',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [this.operationsTopic.topicArn],
        conditions: alarmSourceConditions(stack, props.alarmNamePrefix),
      }),
    );

    if (emails.length === 0) return;
    this.subscriptionDeadLetterQueue = new sqs.Queue(this, 'SubscriptionDeadLetterQueue', {
      // SSE-SQS, like the work queue's DLQ: SNS can deliver to it with no key policy grant.
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    Validations.of(this.subscriptionDeadLetterQueue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason:
        'This queue is itself a dead-letter queue, of SNS email subscriptions (their RedrivePolicy), which ' +
        'cdk-nag only recognizes for SQS queues. Nothing consumes it, so it needs no DLQ of its own.',
    });
    Validations.of(this.subscriptionDeadLetterQueue).acknowledge({
      id: 'Serverless-SQSRedrivePolicy',
      reason:
        'This is the terminal dead-letter queue of the email subscriptions of the alerts and operations ' +
        'topics. Its messages (undeliverable alerts) wait here 14 days for someone to read them; nothing ' +
        'consumes it, so a further DLQ would only move them.',
    });
    for (const email of emails) {
      for (const topic of [this.alertsTopic, this.operationsTopic]) {
        topic.addSubscription(new subscriptions.EmailSubscription(email, { deadLetterQueue: this.subscriptionDeadLetterQueue }));
      }
    }
  }
}

/** CloudWatch acts for this account's and Region's alarms named `<prefix>-*`, and no others (confused deputy). */
function alarmSourceConditions(stack: Stack, alarmNamePrefix: string): Record<string, Record<string, string>> {
  return {
    StringEquals: { 'aws:SourceAccount': stack.account },
    ArnLike: { 'aws:SourceArn': `arn:${stack.partition}:cloudwatch:${stack.region}:${stack.account}:alarm:${alarmNamePrefix}-*` },
  };
}
