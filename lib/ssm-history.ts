import { Aws, Duration, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import type * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as events from 'aws-cdk-lib/aws-events';
import type * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { DEFAULT_SERVICE_NAME } from '../lambdas/operational-metrics';
import type { InvocationDetail } from '../lambdas/core/model';
import { historySources } from '../lambdas/sources';
import { historyKinds } from '../lambdas/core/model';
import { AlertTopics } from './alert-topics';
import { Collector, type CollectorSenders } from './collector';
import { HistoryTables } from './history-tables';
import { MemberNotificationSubscriptions } from './member-notification-subscriptions';
import { OperationsMonitoring } from './operations-monitoring';
import { checkedOrganization, type SsmHistoryOrganization } from './organization';
import { OrganizationEventBus } from './organization-event-bus';
import { PollQueue } from './poll-queue';
import { Poller, pollerTimeout } from './poller';
import { QueryApi } from './query-api';
import { RunCommandNotifications } from './run-command-notifications';
import { SsmEventRule } from './ssm-event-rule';
import { gatheringDelayOf } from './source-infrastructure';
import { WorkQueue } from './work-queue';
import type { ArchiveTableId as TableId } from '../lambdas/sources/tables';

/** A KMS key's ARN (an alias ARN would not do: DynamoDB and the grants need the key itself). */
const KEY_ARN = /^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/(?:mrk-)?[0-9a-f-]{32,36}$/;

export interface SsmHistoryProps {
  /**
   * Encrypts every table with a customer managed key: 'create' makes one (rotated yearly,
   * kept when the stack is deleted, like the tables); or the ARN of an existing symmetric key,
   * whose key policy must let the deploying principal use it through DynamoDB and let the
   * account's IAM policies grant kms:Decrypt (the functions' roles get exactly that).
   * @default - the AWS owned key (free, no key policy)
   */
  readonly tableEncryptionKey?: string;
  /**
   * Days each record is kept after its own time (requested, started or created), then deleted
   * by DynamoDB's TTL. Command output can hold secrets SSM itself drops after 30 days.
   * @default - kept forever
   */
  readonly retentionDays?: number;
  /**
   * Roles SendCommand callers already pass as ServiceRoleArn for the notifications topic; with
   * the role the stack creates, the only principals that may publish to it.
   * @default - only the stack's own publisher role
   */
  readonly notificationPublisherRoleArns?: readonly string[];
  /**
   * Accounts whose SSM events the collector reads; an event from any other is dead-lettered.
   * Not with `organization`, which decides them.
   * @default - this stack's account
   */
  readonly sourceAccounts?: readonly string[];
  /**
   * Regions whose SSM events the collector reads. Not with `organization`, which decides them.
   * @default - this stack's Region
   */
  readonly sourceRegions?: readonly string[];
  /**
   * Member accounts and Regions to collect besides this stack's own account and Region, each
   * of which deploys `SsmHistoryMember` (first, when accounts are listed: the archive
   * subscribes to their notification topics). Adds the event bus the members forward their
   * events to, the poll queue (each account and Region polled apart), and the collector's and
   * poller's fixed role names and their grants to assume the member read roles.
   * @default - this stack's account and Region only
   */
  readonly organization?: SsmHistoryOrganization;
  /**
   * Most concurrent collector invocations (the event source's MaximumConcurrency), which
   * bounds how hard the archive calls SSM's read APIs. At least 2.
   * @default 5
   */
  readonly collectorMaxConcurrency?: number;
  /**
   * Which finished command invocations the collector reads GetCommandInvocation for, each
   * plugin, to keep SSM's own answer (ExecutionElapsedTime, output): `failures` (Failed,
   * TimedOut, Cancelled) or `all` (one more SSM call per plugin of every invocation). Any
   * other plugin's answer is rebuilt from the listed one and marked derived.
   * @default 'failures'
   */
  readonly invocationDetail?: InvocationDetail;
  /**
   * How long the functions' CloudWatch logs are kept (not the history: that is kept forever).
   * @default logs.RetentionDays.ONE_MONTH
   */
  readonly logRetention?: logs.RetentionDays;
  /**
   * Steady-state requests per second the query API accepts, across all callers.
   * @default 50
   */
  readonly queryApiRateLimit?: number;
  /**
   * Requests the query API accepts in a burst above its rate limit.
   * @default 100
   */
  readonly queryApiBurstLimit?: number;
  /**
   * How often the pollers list what SSM holds: anything the events missed is archived
   * within one interval.
   * @default Duration.minutes(5)
   */
  readonly pollInterval?: Duration;
  /**
   * How far back the first poll lists (backfill).
   * @default 30
   */
  readonly backfillDays?: number;
  /**
   * Email addresses subscribed to the alerts topic and the operations topic (each confirms
   * the subscription SNS mails to it).
   * @default - no subscriptions
   */
  readonly alertEmails?: readonly string[];
  /**
   * Which statuses alert: comma-separated `Status` (every kind that has it and alerts by
   * default), `kind:Status`, or `kind:none` (kinds: run-command, automation, association,
   * maintenance-window, session; sessions alert only when named, e.g. `session:Failed`). A kind
   * the list does not name keeps its default. Checked at synthesis.
   * @default - every terminal failure status of every kind but sessions (Failed, TimedOut, Cancelled, ...)
   */
  readonly alertStatuses?: string;
  /**
   * Documents (runbooks) whose failures do not alert.
   * @default - none
   */
  readonly alertIgnoredDocuments?: readonly string[];
  /**
   * Failures that ended longer ago than this when first archived send no alert, so that the
   * first backfill does not send a month of alerts.
   * @default Duration.hours(24)
   */
  readonly alertMaxAge?: Duration;
  /**
   * False leaves the error excerpt out of every alert (command output can hold secrets).
   * @default true
   */
  readonly alertErrorExcerpts?: boolean;
  /**
   * p99 collection lag (event time to stored) that alarms when exceeded in 3 consecutive
   * 5-minute periods.
   * @default Duration.minutes(10)
   */
  readonly collectionLagAlarm?: Duration;
  /**
   * Percentage of SSM calls throttled that alarms when exceeded in 3 consecutive 5-minute periods.
   * @default 10
   */
  readonly throttleAlarmPercent?: number;
}

/**
 * One collector invocation: a batch of up to 10 work items, a few SSM listings each, with
 * adaptive SDK retries when SSM throttles. The work queue's visibility timeout is six times this.
 */
const COLLECTOR_TIMEOUT = Duration.minutes(2);

/**
 * Keeps AWS Systems Manager execution history in DynamoDB: SSM's status-change events
 * (EventBridge), Run Command notifications (SNS) and scheduled pollers feed a work queue,
 * which the collector drains into the history tables; an IAM-authorized query API reads them. Reusable in any
 * CDK app; `SsmHistoryStack` is a thin shell around it.
 *
 * The history kinds come from the runtime's `historySources`, the kinds the pollers list; the
 * collector is generic over the same kinds without their listers (`collectedSources`, kept
 * equal to these but for the listers by a test), so routing and permissions always match the
 * deployed code.
 */
export class SsmHistory extends Construct {
  public readonly tables: Readonly<Record<TableId, dynamodb.ITableV2>>;
  public readonly queue: sqs.IQueue;
  public readonly deadLetterQueue: sqs.IQueue;
  /**
   * The gathered kinds' events (State Manager's), delivered a minute late so that one pass
   * reads what a run's events announce; it dead-letters into `deadLetterQueue` too.
   */
  public readonly gatheringQueue?: sqs.IQueue;
  /** The topic to name in SendCommand's NotificationConfig (NotificationArn). */
  public readonly notificationTopic: sns.ITopic;
  /** The role to pass as SendCommand's ServiceRoleArn, so that SSM may publish to the topic. */
  public readonly notificationRole: iam.IRole;
  public readonly collector: lambda.IFunction;
  /** The scheduled poller (one invocation at a time; with an organization, also the poll queue's consumer). */
  public readonly pollerFunction: lambda.IFunction;
  /** With an organization: the event bus the member accounts forward their SSM events to. */
  public readonly eventBus?: events.IEventBus;
  /** With an organization: one message per account and Region to poll. */
  public readonly pollQueue?: sqs.IQueue;
  /** With an organization: the poll messages whose polls failed every receive. */
  public readonly pollDeadLetterQueue?: sqs.IQueue;
  /** With listed member accounts: their notification topics, subscribed to the work queue. */
  public readonly memberNotificationTopicArns: readonly string[];
  /** The query API's base URL; every route needs a SigV4 signature for `execute-api`. */
  public readonly queryApiUrl: string;
  /** The query API's handler: it may only read the tables. */
  public readonly queryFunction: lambda.IFunction;
  /** The query API (HTTP API, IAM authorization on every route). */
  public readonly queryApi: apigwv2.IHttpApi;
  /** One message per failed execution (subscribe to it, or filter on its message attributes). */
  public readonly alertsTopic: sns.ITopic;
  /** The archive's own operational alarms notify this topic. */
  public readonly operationsTopic: sns.ITopic;
  /** The operational dashboard: collection, failures, lag, SSM throttling, polls, and the functions, queues and API. */
  public readonly dashboard: cloudwatch.Dashboard;
  private readonly query: QueryApi;

  constructor(scope: Construct, id: string, props: SsmHistoryProps = {}) {
    super(scope, id);

    const pollInterval = props.pollInterval ?? Duration.minutes(5);
    const organization = props.organization === undefined ? undefined : checkedOrganization(props.organization);
    if (organization !== undefined && (props.sourceAccounts !== undefined || props.sourceRegions !== undefined)) {
      throw new Error('SsmHistory takes sourceAccounts and sourceRegions, or organization (which decides them), not both');
    }
    // Alarm names start with the stack's name, so that the key policy can name this stack's alarms only.
    const alarmNamePrefix = Stack.of(this).stackName;
    const tables = new HistoryTables(this, 'Tables', { encryptionKey: this.tableKey(props.tableEncryptionKey) });
    const alerts = new AlertTopics(this, 'Alerts', { alertEmails: props.alertEmails, alarmNamePrefix });
    const workQueue = new WorkQueue(this, 'WorkQueue', { consumerTimeout: COLLECTOR_TIMEOUT });
    const gatheringDelay = gatheringDelayOf(historySources);
    // The gathered kinds' events wait here for their delivery delay, then go the same way.
    const gatheringQueue =
      gatheringDelay === undefined
        ? undefined
        : new WorkQueue(this, 'GatheringQueue', {
            consumerTimeout: COLLECTOR_TIMEOUT,
            deliveryDelay: Duration.seconds(gatheringDelay),
            deadLetterQueue: workQueue.deadLetterQueue,
          });
    const ingestion = {
      queue: workQueue.queue,
      deadLetterQueue: workQueue.deadLetterQueue,
      ...(gatheringQueue !== undefined ? { gatheringQueue: gatheringQueue.queue } : {}),
    };
    const ssmEvents = new SsmEventRule(this, 'SsmEvents', { sources: historySources, ...ingestion });
    const notifications = new RunCommandNotifications(this, 'RunCommandNotifications', {
      delivery: ingestion,
      publisherRoleArns: props.notificationPublisherRoleArns,
    });
    const members = organization === undefined ? undefined : this.memberIngestion(organization, ingestion);
    const pollQueue = organization === undefined ? undefined : new PollQueue(this, 'PollQueue', { consumerTimeout: pollerTimeout(pollInterval) });
    const collector = new Collector(this, 'Collector', {
      sources: historySources,
      tables,
      queue: workQueue.queue,
      ...(gatheringQueue !== undefined ? { gatheringQueue: gatheringQueue.queue } : {}),
      timeout: COLLECTOR_TIMEOUT,
      maxConcurrency: props.collectorMaxConcurrency,
      invocationDetail: props.invocationDetail,
      logRetention: props.logRetention,
      senders: this.senders(props, organization, notifications, members?.topicArns ?? []),
      organization,
      retentionDays: props.retentionDays,
      alerts: {
        topic: alerts.alertsTopic,
        statuses: props.alertStatuses,
        ignoredDocuments: props.alertIgnoredDocuments,
        maxAge: props.alertMaxAge,
        errorExcerpts: props.alertErrorExcerpts,
      },
    });
    const poller = new Poller(this, 'Poller', {
      sources: historySources,
      tables,
      queue: workQueue.queue,
      deadLetterQueue: workQueue.deadLetterQueue,
      interval: pollInterval,
      backfillDays: props.backfillDays,
      logRetention: props.logRetention,
      organization,
      pollQueue: pollQueue?.queue,
    });
    workQueue.allowSendersOnly({
      sourceArns: [
        ...ssmEvents.rules.map((rule) => rule.ruleArn),
        notifications.topic.topicArn,
        ...(members?.rules ?? []).map((rule) => rule.ruleArn),
        ...(members?.topicArns ?? []),
      ],
      roles: [poller.role],
    });
    gatheringQueue?.allowSendersOnly({
      sourceArns: [ssmEvents.gatheredRule, members?.gatheredRule].flatMap((rule) => (rule === undefined ? [] : [rule.ruleArn])),
      roles: [],
    });
    pollQueue?.allowSenderOnly(poller.role);
    this.query = new QueryApi(this, 'QueryApi', {
      tables,
      alerts: { statuses: props.alertStatuses, ignoredDocuments: props.alertIgnoredDocuments, errorExcerpts: props.alertErrorExcerpts },
      rateLimit: props.queryApiRateLimit,
      burstLimit: props.queryApiBurstLimit,
      logRetention: props.logRetention,
      organization,
    });

    const monitoring = new OperationsMonitoring(this, 'Monitoring', {
      alarmTopic: alerts.operationsTopic,
      alarmNamePrefix,
      // Dashboards are global to the account: the Region keeps two deployments of one stack apart.
      dashboardName: `${Stack.of(this).stackName}-${Aws.REGION}`,
      serviceName: DEFAULT_SERVICE_NAME,
      kinds: historyKinds,
      pollInterval,
      collectionLagAlarm: props.collectionLagAlarm,
      throttleAlarmPercent: props.throttleAlarmPercent,
      collector: collector.function,
      poller: poller.function,
      queryFunction: this.query.function,
      queryApi: this.query.api,
      workQueue: workQueue.queue,
      // Also the poller schedule's dead-letter queue.
      workDeadLetterQueue: workQueue.deadLetterQueue,
      subscriptionDeadLetterQueue: alerts.subscriptionDeadLetterQueue,
      memberPolling: pollQueue === undefined ? undefined : { pollQueue: pollQueue.queue, pollDeadLetterQueue: pollQueue.deadLetterQueue },
    });

    this.tables = tables.tables;
    this.queue = workQueue.queue;
    this.deadLetterQueue = workQueue.deadLetterQueue;
    this.gatheringQueue = gatheringQueue?.queue;
    this.notificationTopic = notifications.topic;
    this.notificationRole = notifications.publisherRole;
    this.collector = collector.function;
    this.pollerFunction = poller.function;
    this.eventBus = members?.eventBus;
    this.pollQueue = pollQueue?.queue;
    this.pollDeadLetterQueue = pollQueue?.deadLetterQueue;
    this.memberNotificationTopicArns = members?.topicArns ?? [];
    this.queryApi = this.query.api;
    this.queryApiUrl = this.query.url;
    this.queryFunction = this.query.function;
    this.alertsTopic = alerts.alertsTopic;
    this.operationsTopic = alerts.operationsTopic;
    this.dashboard = monitoring.dashboard;
  }

  /**
   * What the members send: their events, through the archive's event bus and the same rules
   * as the default bus's, and (listed accounts only) their Run Command notifications.
   */
  private memberIngestion(
    organization: SsmHistoryOrganization,
    ingestion: { readonly queue: sqs.IQueue; readonly deadLetterQueue: sqs.IQueue; readonly gatheringQueue?: sqs.IQueue },
  ): { readonly eventBus: events.IEventBus; readonly rules: readonly events.Rule[]; readonly gatheredRule?: events.Rule; readonly topicArns: readonly string[] } {
    const { organizationId, accounts } = organization;
    const bus = new OrganizationEventBus(this, 'OrganizationEventBus', organizationId !== undefined ? { organizationId } : { accounts: accounts === 'organization' ? [] : accounts });
    const memberEvents = new SsmEventRule(this, 'MemberSsmEvents', { sources: historySources, ...ingestion, eventBus: bus.eventBus });
    const subscriptions =
      accounts === 'organization'
        ? undefined
        : new MemberNotificationSubscriptions(this, 'MemberNotifications', { accounts, regions: organization.regions, queue: ingestion.queue });
    return {
      eventBus: bus.eventBus,
      rules: memberEvents.rules,
      ...(memberEvents.gatheredRule !== undefined ? { gatheredRule: memberEvents.gatheredRule } : {}),
      topicArns: subscriptions?.topicArns ?? [],
    };
  }

  /**
   * Whose events and notifications the collector reads: this account and Region's, and with an
   * organization the members' (any account, for a whole organization: its bus admits no other).
   */
  private senders(
    props: SsmHistoryProps,
    organization: SsmHistoryOrganization | undefined,
    notifications: RunCommandNotifications,
    memberTopicArns: readonly string[],
  ): CollectorSenders {
    if (organization === undefined) {
      return { notificationTopics: [notifications.topic], accounts: props.sourceAccounts, regions: props.sourceRegions };
    }
    const home = Stack.of(this).region;
    return {
      notificationTopics: [notifications.topic],
      notificationTopicArns: memberTopicArns,
      accounts: organization.accounts === 'organization' ? 'organization' : [Aws.ACCOUNT_ID, ...organization.accounts],
      regions: [home, ...organization.regions.filter((region) => Token.isUnresolved(home) || region !== home)],
    };
  }

  private tableKey(choice: string | undefined): kms.IKey | undefined {
    if (choice === undefined) return undefined;
    if (choice === 'create') {
      return new kms.Key(this, 'TableKey', {
        description: 'ssm-history: encrypts the history tables',
        enableKeyRotation: true,
        // The tables are kept when the stack goes; without their key they could not be read.
        removalPolicy: RemovalPolicy.RETAIN,
      });
    }
    if (!Token.isUnresolved(choice) && !KEY_ARN.test(choice)) {
      throw new Error(`tableEncryptionKey must be "create" or a KMS key ARN (arn:aws:kms:<region>:<account>:key/<key id>), got ${JSON.stringify(choice)}`);
    }
    return kms.Key.fromKeyArn(this, 'TableKey', choice);
  }

  /** Lets a principal call the query API's routes (execute-api:Invoke on each route). */
  public grantQuery(grantee: iam.IGrantable): iam.Grant {
    return this.query.grantInvoke(grantee);
  }
}
