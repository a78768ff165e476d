import { Duration } from 'aws-cdk-lib';
import type * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { historySources } from '../lambdas/sources';
import type { TableId } from '../lambdas/store/schema';
import { Collector } from './collector';
import { HistoryTables } from './history-tables';
import { Poller } from './poller';
import { QueryApi } from './query-api';
import { RunCommandNotifications } from './run-command-notifications';
import { SsmEventRule } from './ssm-event-rule';
import { WorkQueue } from './work-queue';

export interface SsmHistoryProps {
  /**
   * Most concurrent collector invocations (the event source's MaximumConcurrency), which
   * bounds how hard the archive calls SSM's read APIs. At least 2.
   * @default 5
   */
  readonly collectorMaxConcurrency?: number;
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
 * The history kinds come from the runtime's `historySources`, the same list the collector
 * bundle is generic over, so routing and permissions always match the deployed code.
 */
export class SsmHistory extends Construct {
  public readonly tables: Readonly<Record<TableId, dynamodb.ITableV2>>;
  public readonly queue: sqs.IQueue;
  public readonly deadLetterQueue: sqs.IQueue;
  /** The topic to name in SendCommand's NotificationConfig (NotificationArn). */
  public readonly notificationTopic: sns.ITopic;
  /** The role to pass as SendCommand's ServiceRoleArn, so that SSM may publish to the topic. */
  public readonly notificationRole: iam.IRole;
  public readonly collector: lambda.IFunction;
  /** The query API's base URL; every route needs a SigV4 signature for `execute-api`. */
  public readonly queryApiUrl: string;
  /** The query API's handler: it may only read the tables. */
  public readonly queryFunction: lambda.IFunction;
  /** The query API (HTTP API, IAM authorization on every route). */
  public readonly queryApi: apigwv2.IHttpApi;
  private readonly query: QueryApi;

  constructor(scope: Construct, id: string, props: SsmHistoryProps = {}) {
    super(scope, id);

    const tables = new HistoryTables(this, 'Tables');
    const workQueue = new WorkQueue(this, 'WorkQueue', { consumerTimeout: COLLECTOR_TIMEOUT });
    const ingestion = { queue: workQueue.queue, deadLetterQueue: workQueue.deadLetterQueue };
    new SsmEventRule(this, 'SsmEvents', { sources: historySources, ...ingestion });
    const notifications = new RunCommandNotifications(this, 'RunCommandNotifications', ingestion);
    const collector = new Collector(this, 'Collector', {
      sources: historySources,
      tables,
      queue: workQueue.queue,
      timeout: COLLECTOR_TIMEOUT,
      maxConcurrency: props.collectorMaxConcurrency,
      logRetention: props.logRetention,
    });
    new Poller(this, 'Poller', {
      sources: historySources,
      tables,
      queue: workQueue.queue,
      deadLetterQueue: workQueue.deadLetterQueue,
      interval: props.pollInterval,
      backfillDays: props.backfillDays,
      logRetention: props.logRetention,
    });
    this.query = new QueryApi(this, 'QueryApi', {
      tables,
      rateLimit: props.queryApiRateLimit,
      burstLimit: props.queryApiBurstLimit,
      logRetention: props.logRetention,
    });

    this.tables = tables.tables;
    this.queue = workQueue.queue;
    this.deadLetterQueue = workQueue.deadLetterQueue;
    this.notificationTopic = notifications.topic;
    this.notificationRole = notifications.publisherRole;
    this.collector = collector.function;
    this.queryApi = this.query.api;
    this.queryApiUrl = this.query.url;
    this.queryFunction = this.query.function;
  }

  /** Lets a principal call the query API's routes (execute-api:Invoke on each route). */
  public grantQuery(grantee: iam.IGrantable): iam.Grant {
    return this.query.grantInvoke(grantee);
  }
}
