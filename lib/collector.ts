import { Aws, Duration, Fn, Token, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { INVOCATION_DETAILS, type InvocationDetail } from '../lambdas/core/model';
import { tableIds } from '../lambdas/sources/tables';
import { alertContentEnvironment, type AlertContentSettings } from './alert-content-settings';
import { ArchiveFunction } from './archive-function';
import { collectorRoleName } from './archive-names';
import type { HistoryTables } from './history-tables';
import { collectorEntry, organizationCollectorEntry } from './lambda-bundling';
import { addMemberReadPolicy } from './member-read-access';
import { organizationEnvironment, type SsmHistoryOrganization } from './organization';
import { addSsmReadPolicies } from './ssm-read-policies';
import {
  collectorActionsOf,
  scopedCollectorActionsOf,
  tablesReadBy,
  tablesWrittenBy,
  type SourceInfrastructure,
} from './source-infrastructure';

/** Lambda's bounds for an SQS event source's ScalingConfig.MaximumConcurrency. */
const MIN_MAX_CONCURRENCY = 2;
const MAX_MAX_CONCURRENCY = 1000;

/** What the collector alerts on, and where it publishes (lambdas/alerts). */
export interface CollectorAlerts extends AlertContentSettings {
  /** The topic each failure's one alert is published to. */
  readonly topic: sns.ITopic;
  /**
   * Failures that ended longer ago than this are archived without an alert, so that a first
   * backfill does not send a month of alerts.
   * @default Duration.hours(24)
   */
  readonly maxAge?: Duration;
}

export interface CollectorProps {
  /** The history kinds the collector's bundle handles; they decide its SSM actions and tables. */
  readonly sources: readonly SourceInfrastructure[];
  readonly tables: HistoryTables;
  /** The work queue it consumes. Its visibility timeout must be at least 6x `timeout`. */
  readonly queue: sqs.IQueue;
  /**
   * The queue of the gathered kinds' events (HistorySource.gathering), which it consumes too.
   * Its visibility timeout must be at least 6x `timeout`.
   * @default - none: every event arrives on `queue`
   */
  readonly gatheringQueue?: sqs.IQueue;
  /** Longest invocation: one batch, with its SSM retries. */
  readonly timeout: Duration;
  /**
   * Most concurrent collector invocations the queue may drive, which bounds the SSM call rate
   * (SSM throttles its read APIs per account and Region, shared with every other SSM client).
   * Unlike reserved concurrency, this does not make Lambda return messages to the queue as
   * throttled, so they do not burn receives towards the DLQ. Lambda's minimum is 2.
   * @default 5
   */
  readonly maxConcurrency?: number;
  /**
   * Which finished invocations it reads every plugin's GetCommandInvocation answer for.
   * @default 'failures'
   */
  readonly invocationDetail?: InvocationDetail;
  /** @default - ArchiveFunction's default */
  readonly logRetention?: logs.RetentionDays;
  /**
   * Failure alerts: the collector publishes one per failed execution when it first stores it.
   * @default - no alerts
   */
  readonly alerts?: CollectorAlerts;
  /** Whose messages the collector reads; anything else is dead-lettered with the reason. */
  readonly senders: CollectorSenders;
  /**
   * Days each record is kept after its own time (a DynamoDB TTL on every record it writes).
   * @default - forever
   */
  readonly retentionDays?: number;
  /**
   * The member accounts and Regions whose SSM it also reads, each through its read role.
   * @default - it reads the archive's own account and Region only
   */
  readonly organization?: SsmHistoryOrganization;
}

/** The senders the collector trusts, checked against each message's envelope. */
export interface CollectorSenders {
  /** The topics whose Run Command notifications it reads (their envelope's TopicArn). */
  readonly notificationTopics: readonly sns.ITopic[];
  /**
   * More such topics, by ARN: the member accounts' notification topics.
   * @default - none
   */
  readonly notificationTopicArns?: readonly string[];
  /**
   * Accounts whose SSM events it reads (the event's `account`), or 'organization': any
   * account, for an archive whose event bus admits only its organization's accounts.
   * @default - this stack's account
   */
  readonly accounts?: readonly string[] | 'organization';
  /**
   * Regions whose SSM events it reads (the event's `region`).
   * @default - this stack's Region
   */
  readonly regions?: readonly string[];
}

/**
 * The only writer of history records: consumes the work queue in batches, fetches details
 * from SSM and upserts them into the tables.
 *
 * Its role holds exactly: the sources' SSM read actions, dynamodb:UpdateItem on the tables
 * the sources write, dynamodb:GetItem on the tables they read by key (`tablesRead`), consuming the work queue, publishing to the alerts topic (and using its
 * key), and ArchiveFunction's logs and X-Ray. It cannot send to a queue. With an organization,
 * its role is named so that the member read roles can trust it, and may also assume them.
 */
export class Collector extends Construct {
  public readonly function: lambda.Function;
  public readonly role: iam.Role;
  public readonly eventSourceMapping: lambda.EventSourceMapping;
  /** Its mapping from the gathering queue, when it has one. */
  public readonly gatheringSourceMapping?: lambda.EventSourceMapping;

  constructor(scope: Construct, id: string, props: CollectorProps) {
    super(scope, id);
    const maxConcurrency = props.maxConcurrency ?? 5;
    if (
      !Token.isUnresolved(maxConcurrency) &&
      (!Number.isInteger(maxConcurrency) || maxConcurrency < MIN_MAX_CONCURRENCY || maxConcurrency > MAX_MAX_CONCURRENCY)
    ) {
      throw new Error(
        `Collector maxConcurrency must be an integer from ${MIN_MAX_CONCURRENCY} to ${MAX_MAX_CONCURRENCY}, got ${maxConcurrency}`,
      );
    }

    const archiveFunction = new ArchiveFunction(this, 'Handler', {
      // Only an organization's collector carries STS and the member clients in its bundle.
      entry: props.organization === undefined ? collectorEntry : organizationCollectorEntry,
      description: 'ssm-history collector: work queue -> SSM read APIs -> history tables',
      timeout: props.timeout,
      logRetention: props.logRetention,
      // The member read roles trust this role by name.
      roleName: props.organization === undefined ? undefined : collectorRoleName(Aws.REGION),
      environment: {
        ...(props.alerts ? alertEnvironment(this, props.alerts) : {}),
        ...(props.organization ? organizationEnvironment(props.organization) : {}),
      },
    });
    this.function = archiveFunction.function;
    this.role = archiveFunction.role;
    const { senders } = props;
    if (props.retentionDays !== undefined) {
      if (!Number.isInteger(props.retentionDays) || props.retentionDays < 1) throw new Error(`Collector retentionDays must be a whole number of days, at least 1, got ${props.retentionDays}`);
      this.function.addEnvironment('RETENTION_DAYS', String(props.retentionDays));
    }
    if (props.invocationDetail !== undefined) {
      if (!INVOCATION_DETAILS.includes(props.invocationDetail)) {
        throw new Error(`Collector invocationDetail must be one of ${INVOCATION_DETAILS.join(', ')}, got ${String(props.invocationDetail)}`);
      }
      this.function.addEnvironment('INVOCATION_DETAIL', props.invocationDetail);
    }
    const accounts = senders.accounts ?? [Aws.ACCOUNT_ID];
    this.function.addEnvironment('SOURCE_ACCOUNTS', accounts === 'organization' ? 'organization' : Fn.join(',', [...accounts]));
    this.function.addEnvironment('SOURCE_REGIONS', Fn.join(',', [...(senders.regions ?? [Aws.REGION])]));
    this.function.addEnvironment(
      'NOTIFICATION_TOPIC_ARNS',
      Fn.join(',', [...senders.notificationTopics.map((topic) => topic.topicArn), ...(senders.notificationTopicArns ?? [])]),
    );

    // The collector's configuration requires every table's name; it writes only the sources' tables.
    for (const tableId of tableIds) props.tables.bindName(this.function, tableId);
    for (const tableId of tablesWrittenBy(props.sources)) props.tables.bindWriter(this.function, tableId);
    for (const tableId of tablesReadBy(props.sources)) props.tables.bindKeyReader(this.function, tableId);
    // Its counters per kind (records stored, missed by events) live beside the pollers' checkpoints,
    // and so do the passes over gathered kinds' parents, which it reads before passing again.
    props.tables.bindWriter(this.function, 'pollCheckpoints');
    if (props.sources.some((source) => source.gathering !== undefined)) props.tables.bindKeyReader(this.function, 'pollCheckpoints');
    // And each failure that alerts is counted on its day (the console's failures per day).
    if (props.alerts) props.tables.bindWriter(this.function, 'failureDays');

    // Its own policies, so that their acknowledgements cover these actions and nothing else.
    const ssmRead = addSsmReadPolicies(
      this,
      this.role,
      collectorActionsOf(props.sources),
      scopedCollectorActionsOf(props.sources),
      'collectorActionsOf() / scopedCollectorActionsOf()',
    );

    // What Lambda's SQS poller calls with the function's role (Lambda developer guide, "Using
    // Lambda with Amazon SQS"): not grantConsumeMessages, whose ChangeMessageVisibility and
    // GetQueueUrl nothing calls.
    iam.Grant.addToPrincipal({
      grantee: this.function,
      actions: ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes'],
      resourceArns: [props.queue.queueArn, ...(props.gatheringQueue !== undefined ? [props.gatheringQueue.queueArn] : [])],
    });
    // sns:Publish on the topic, and kms:GenerateDataKey* / kms:Decrypt on its key.
    if (props.alerts) {
      props.alerts.topic.grantPublish(this.function);
      const defaultPolicy = this.role.node.tryFindChild('DefaultPolicy');
      if (defaultPolicy && props.alerts.topic.masterKey) {
        Validations.of(defaultPolicy).acknowledge({
          id: 'AwsSolutions-IAM5[Action::kms:GenerateDataKey*]',
          reason:
            "kms:GenerateDataKey* comes from ITopic.grantPublish for the alerts topic's customer managed key and " +
            'is granted on that one key ARN only: publishing to a KMS-encrypted topic needs a data key, and ' +
            'the wildcard only spans the GenerateDataKey variants.',
        });
      }
    }
    const memberRead = props.organization ? addMemberReadPolicy(this, this.role, props.organization) : undefined;
    const consume = (mappingId: string, queue: sqs.IQueue): lambda.EventSourceMapping => {
      const mapping = new lambda.EventSourceMapping(this, mappingId, {
        target: this.function,
        eventSourceArn: queue.queueArn,
        batchSize: 10,
        // A short wait lets the several events of one command arrive in one batch, where the
        // collector coalesces them into one SSM pass.
        maxBatchingWindow: Duration.seconds(5),
        // Only the failed messages return to the queue; the rest of the batch is done.
        reportBatchItemFailures: true,
        maxConcurrency,
      });
      // Start polling only once the role can call SSM, or the first batches would fail on
      // AccessDenied and spend their receives. (The default policy is already a dependency of
      // the function, and so of the mapping.)
      mapping.node.addDependency(ssmRead.unscoped);
      if (ssmRead.scoped) mapping.node.addDependency(ssmRead.scoped);
      if (memberRead) mapping.node.addDependency(memberRead);
      Validations.of(mapping).acknowledge({
        id: 'Serverless-LambdaEventSourceMappingDestination',
        reason:
          'SQS event source mappings take no on-failure destination (Lambda supports DestinationConfig ' +
          'only for stream and Kafka sources). Failed messages reach the DLQ through the ' +
          "queue's redrive policy (maxReceiveCount 3), which is where this check's concern is met.",
      });
      return mapping;
    };
    this.eventSourceMapping = consume('WorkQueueSource', props.queue);
    this.gatheringSourceMapping = props.gatheringQueue === undefined ? undefined : consume('GatheringQueueSource', props.gatheringQueue);
    Validations.of(this.function).acknowledge({
      id: 'Serverless-LambdaDLQ',
      reason:
        'A function DLQ only catches asynchronous invocations; the collector is invoked only ' +
        "synchronously by its SQS event source, whose failures go to the work queue's DLQ. A " +
        'function DLQ would also give the collector sqs:SendMessage, which it must not have.',
    });
  }
}

/** The collector's alert settings as the runtime reads them: what alerts say, where they go, from what age on not. */
function alertEnvironment(scope: Construct, alerts: CollectorAlerts): Record<string, string> {
  const maxAge = alerts.maxAge ?? Duration.hours(24);
  const maxAgeHours = maxAge.toHours({ integral: false });
  if (!Token.isUnresolved(maxAgeHours) && !(maxAgeHours > 0)) {
    throw new Error(`Alert max age must be above zero, got ${maxAge.toHumanString()}`);
  }
  return { ALERT_TOPIC_ARN: alerts.topic.topicArn, ALERT_MAX_AGE_HOURS: String(maxAgeHours), ...alertContentEnvironment(scope, alerts) };
}
