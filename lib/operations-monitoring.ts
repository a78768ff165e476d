import { Duration, Token } from 'aws-cdk-lib';
import type * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import {
  DefaultDashboardFactory,
  MonitoringFacade,
  SnsAlarmActionStrategy,
  type CustomMetric,
  type CustomMetricGroup,
} from 'cdk-monitoring-constructs';
import { Construct } from 'constructs';
import {
  KIND_DIMENSION,
  METRICS_NAMESPACE,
  operationalMetrics,
  perKindMetrics,
  SERVICE_DIMENSION,
  type OperationalMetricName,
} from '../lambdas/operational-metrics';
import type { HistoryKind } from '../lambdas/core/model';

/** Throttling and lag are judged over this period, in `SUSTAINED_PERIODS` consecutive periods. */
const JUDGEMENT_PERIOD = Duration.minutes(5);
const SUSTAINED_PERIODS = 3;

/** Accounts and Regions whose poll failed: published by the poller with the `service` dimension only. */
export const MEMBER_POLL_FAILURES = operationalMetrics.memberPollFailures;

/** The dashboard's titles, shared with the tests. */
export const dashboardWidgetTitles = {
  collectionRate: 'Collection rate (records stored per kind)',
  failures: 'Failures by kind (alerts published)',
  collectionLag: 'Collection lag (event time to stored)',
  ssmCalls: 'SSM calls and throttles',
  throttlingShare: 'SSM throttling share',
  missedByEvents: 'Missed by events (found only by the pollers)',
  pollsSucceeded: 'Polls succeeded',
  alertPublishFailures: 'Alerts SNS refused (retried)',
} as const;

/** The dashboard's titles of an organization's archive, besides dashboardWidgetTitles. */
export const memberPollingWidgetTitles = {
  memberPollFailures: 'Member polls failed',
} as const;

/** The queue the poller takes member accounts and Regions from, with an organization. */
export interface MemberPollingMonitoring {
  readonly pollQueue: sqs.IQueue;
  readonly pollDeadLetterQueue: sqs.IQueue;
}

export interface OperationsMonitoringProps {
  /** Every alarm notifies this topic. */
  readonly alarmTopic: sns.ITopic;
  /** Every alarm's name starts with `<alarmNamePrefix>-` (the alarm topic's key policy relies on it). */
  readonly alarmNamePrefix: string;
  /** CloudWatch dashboards are per account, not per Region: include the Region if it may repeat. */
  readonly dashboardName: string;
  /** The functions' Powertools service name: the `service` dimension of every operational metric. */
  readonly serviceName: string;
  /** The history kinds: the `kind` dimension of the per-kind metrics. */
  readonly kinds: readonly HistoryKind[];
  /** The pollers' interval: a kind with no successful poll for three of them is stale. */
  readonly pollInterval: Duration;
  /**
   * p99 collection lag (event time to stored) above which, for 3 consecutive 5-minute periods, it alarms.
   * @default Duration.minutes(10)
   */
  readonly collectionLagAlarm?: Duration;
  /**
   * Share of SSM calls throttled (percent) above which, for 3 consecutive 5-minute periods, it alarms.
   * @default 10
   */
  readonly throttleAlarmPercent?: number;
  readonly collector: lambda.IFunction;
  readonly poller: lambda.IFunction;
  readonly queryFunction: lambda.IFunction;
  readonly queryApi: apigwv2.IHttpApi;
  readonly workQueue: sqs.IQueue;
  /** The dead-letter queue of the work queue, the ingestion hops and the poller's schedule. */
  readonly workDeadLetterQueue: sqs.IQueue;
  /**
   * The dead-letter queue of the alert topics' email subscriptions.
   * @default - none to watch
   */
  readonly subscriptionDeadLetterQueue?: sqs.IQueue;
  /**
   * With an organization: alarms on failed member polls and on the poll queue's dead letters.
   * @default - no member polling to watch
   */
  readonly memberPolling?: MemberPollingMonitoring;
}

/**
 * The archive's operational alarms and its dashboard, through cdk-monitoring-constructs: the
 * library's Lambda, SQS and API Gateway monitoring for the AWS metrics, and custom monitoring
 * for the app's own EMF metrics (lambdas/operational-metrics.ts). Every alarm notifies the
 * operations topic.
 *
 * Alarms:
 * - a dead-letter queue is not empty (work, and email subscriptions): max visible > 0;
 * - collector or poller errors: Lambda Errors > 0 in 5 minutes;
 * - failure alerts SNS refused: AlertPublishFailures > 0 in 5 minutes (the collector reports
 *   them as failed messages, which Lambda's Errors metric does not count; they are retried,
 *   but an alert is late and may end in the DLQ);
 * - a kind's polls are stale: no PollsSucceeded in each of 3 consecutive poll intervals,
 *   missing data breaching (a poller that does not run publishes nothing);
 * - SSM throttling: 100 x SsmThrottles / SsmCalls > throttleAlarmPercent in 3 consecutive 5-minute periods;
 * - a kind's collection lag: p99 > collectionLagAlarm in 3 consecutive 5-minute periods, missing
 *   data not breaching (no events, no lag);
 * - with an organization, member polls failing: MemberPollFailures >= 1 in 2 of 3 5-minute
 *   periods (a member whose role is gone fails every poll; one failure alone may be a
 *   throttle the next poll gets past), and the poll queue's DLQ not empty.
 */
export class OperationsMonitoring extends Construct {
  public readonly dashboard: cloudwatch.Dashboard;
  public readonly facade: MonitoringFacade;

  constructor(scope: Construct, id: string, props: OperationsMonitoringProps) {
    super(scope, id);
    const collectionLagAlarm = props.collectionLagAlarm ?? Duration.minutes(10);
    const throttleAlarmPercent = props.throttleAlarmPercent ?? 10;
    const lagMillis = collectionLagAlarm.toMilliseconds();
    if (!Token.isUnresolved(lagMillis) && !(lagMillis > 0)) {
      throw new Error(`collectionLagAlarm must be above zero, got ${collectionLagAlarm.toHumanString()}`);
    }
    if (!Token.isUnresolved(throttleAlarmPercent) && !(throttleAlarmPercent >= 0 && throttleAlarmPercent < 100)) {
      throw new Error(`throttleAlarmPercent must be from 0 to below 100, got ${throttleAlarmPercent}`);
    }
    // One period per poll interval, judged over 3 of them: CloudWatch periods here are whole
    // minutes, and an alarm looks back at most one day.
    const pollPeriod = props.pollInterval;
    if (!Token.isUnresolved(pollPeriod.toSeconds()) && (pollPeriod.toSeconds() % 60 !== 0 || 3 * pollPeriod.toSeconds() > 86_400)) {
      throw new Error(`The poll interval must be whole minutes, at most 8 hours, for the staleness alarm; got ${pollPeriod.toHumanString()}`);
    }

    const dashboardFactory = new DefaultDashboardFactory(this, 'Dashboards', {
      dashboardNamePrefix: props.dashboardName,
      createDashboard: true,
      createSummaryDashboard: false,
      createAlarmDashboard: false,
    });
    this.facade = new MonitoringFacade(this, 'Facade', {
      alarmFactoryDefaults: {
        alarmNamePrefix: props.alarmNamePrefix,
        actionsEnabled: true,
        action: new SnsAlarmActionStrategy({ onAlarmTopic: props.alarmTopic }),
        // One breaching period is enough unless an alarm says otherwise: these are all "something is wrong now".
        datapointsToAlarm: 1,
        evaluationPeriods: 1,
      },
      metricFactoryDefaults: { period: JUDGEMENT_PERIOD },
      dashboardFactory,
    });
    const dashboard = dashboardFactory.dashboard;
    if (!dashboard) throw new Error('the monitoring dashboard was not created');
    this.dashboard = dashboard;

    const metric = (name: OperationalMetricName, statistic: string, period: Duration, kind?: HistoryKind): cloudwatch.Metric => {
      if ((kind !== undefined) !== perKindMetrics.has(name)) {
        throw new Error(`${name} ${perKindMetrics.has(name) ? 'needs' : 'has no'} the ${KIND_DIMENSION} dimension`);
      }
      return new cloudwatch.Metric({
        namespace: METRICS_NAMESPACE,
        metricName: name,
        dimensionsMap: { [SERVICE_DIMENSION]: props.serviceName, ...(kind !== undefined ? { [KIND_DIMENSION]: kind } : {}) },
        statistic,
        period,
        label: kind,
      });
    };
    const perKind = (name: OperationalMetricName, statistic: string): CustomMetric[] =>
      props.kinds.map((kind) => metric(name, statistic, JUDGEMENT_PERIOD, kind));

    this.facade.addLargeHeader('ssm-history');
    this.facade.monitorCustom({
      alarmFriendlyName: 'Collection',
      humanReadableName: 'Collection',
      metricGroups: [
        { title: dashboardWidgetTitles.collectionRate, metrics: perKind(operationalMetrics.recordsStored, cloudwatch.Stats.SUM) },
        { title: dashboardWidgetTitles.failures, metrics: perKind(operationalMetrics.alertsPublished, cloudwatch.Stats.SUM) },
        {
          title: dashboardWidgetTitles.collectionLag,
          metrics: props.kinds.flatMap((kind): CustomMetric[] => [
            metric(operationalMetrics.collectionLag, cloudwatch.Stats.p(50), JUDGEMENT_PERIOD, kind).with({ label: `${kind} p50` }),
            {
              metric: metric(operationalMetrics.collectionLag, cloudwatch.Stats.p(99), JUDGEMENT_PERIOD, kind).with({ label: `${kind} p99` }),
              alarmFriendlyName: `CollectionLag-${kind}`,
              addAlarm: {
                p99: {
                  threshold: lagMillis,
                  comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
                  treatMissingDataOverride: cloudwatch.TreatMissingData.NOT_BREACHING,
                  datapointsToAlarm: SUSTAINED_PERIODS,
                  evaluationPeriods: SUSTAINED_PERIODS,
                  additionalDescription:
                    `p99 collection lag of ${kind} (event time to its records stored) above ` +
                    `${collectionLagAlarm.toHumanString()} in ${SUSTAINED_PERIODS} consecutive periods of ` +
                    `${JUDGEMENT_PERIOD.toHumanString()}: the collector is falling behind (throttling, errors, too little concurrency).`,
                },
              },
            },
          ]),
        },
        { title: dashboardWidgetTitles.missedByEvents, metrics: perKind(operationalMetrics.missedByEvents, cloudwatch.Stats.SUM) },
        {
          title: dashboardWidgetTitles.alertPublishFailures,
          metrics: [
            {
              metric: metric(operationalMetrics.alertPublishFailures, cloudwatch.Stats.SUM, JUDGEMENT_PERIOD).with({ label: 'refused' }),
              alarmFriendlyName: 'AlertPublishFailures',
              addAlarm: {
                Refused: {
                  threshold: 0,
                  comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
                  treatMissingDataOverride: cloudwatch.TreatMissingData.NOT_BREACHING,
                  additionalDescription:
                    'SNS refused failure alerts: they stay pending and their messages are retried, then dead-lettered. ' +
                    "Check the alerts topic, its key and the collector's sns:Publish (collector logs).",
                },
              },
            },
          ],
        },
      ],
    });

    const ssmCalls = metric(operationalMetrics.ssmCalls, cloudwatch.Stats.SUM, JUDGEMENT_PERIOD).with({ label: 'calls' });
    const ssmThrottles = metric(operationalMetrics.ssmThrottles, cloudwatch.Stats.SUM, JUDGEMENT_PERIOD).with({ label: 'throttled' });
    const throttlingShare = new cloudwatch.MathExpression({
      expression: '100 * throttles / calls',
      usingMetrics: { throttles: ssmThrottles, calls: ssmCalls },
      period: JUDGEMENT_PERIOD,
      label: 'throttled %',
    });
    this.facade.monitorCustom({
      alarmFriendlyName: 'Ssm',
      humanReadableName: 'SSM',
      metricGroups: [
        { title: dashboardWidgetTitles.ssmCalls, metrics: [ssmCalls, ssmThrottles] },
        {
          title: dashboardWidgetTitles.throttlingShare,
          metrics: [
            {
              metric: throttlingShare,
              alarmFriendlyName: 'SsmThrottling',
              addAlarm: {
                Share: {
                  threshold: throttleAlarmPercent,
                  comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
                  treatMissingDataOverride: cloudwatch.TreatMissingData.NOT_BREACHING,
                  datapointsToAlarm: SUSTAINED_PERIODS,
                  evaluationPeriods: SUSTAINED_PERIODS,
                  additionalDescription:
                    `More than ${throttleAlarmPercent}% of the archive's SSM calls were throttled in ${SUSTAINED_PERIODS} ` +
                    `consecutive periods of ${JUDGEMENT_PERIOD.toHumanString()}: lower collectorMaxConcurrency or look ` +
                    'for another SSM client sharing the account and Region budget.',
                },
              },
            },
          ],
        },
      ],
    });

    const pollsGroup: CustomMetricGroup = {
      title: dashboardWidgetTitles.pollsSucceeded,
      metrics: props.kinds.map(
        (kind): CustomMetric => ({
          metric: metric(operationalMetrics.pollsSucceeded, cloudwatch.Stats.SUM, pollPeriod, kind),
          alarmFriendlyName: `PollsStale-${kind}`,
          addAlarm: {
            Stale: {
              threshold: 1,
              comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
              // A poller that does not run (or fails before publishing) sends no data at all.
              treatMissingDataOverride: cloudwatch.TreatMissingData.BREACHING,
              // Three intervals in a row, each without a successful poll: exactly "three intervals".
              datapointsToAlarm: 3,
              evaluationPeriods: 3,
              additionalDescription:
                `No successful ${kind} poll in 3 consecutive poll intervals (${pollPeriod.toHumanString()} each): ` +
                'what the events miss is not being archived. See the poller logs and GET /status.',
            },
          },
        }),
      ),
    };
    this.facade.monitorCustom({ alarmFriendlyName: 'Polling', humanReadableName: 'Polling', metricGroups: [pollsGroup] });
    if (props.memberPolling) {
      const memberPollFailures = new cloudwatch.Metric({
        namespace: METRICS_NAMESPACE,
        metricName: MEMBER_POLL_FAILURES,
        dimensionsMap: { [SERVICE_DIMENSION]: props.serviceName },
        statistic: cloudwatch.Stats.SUM,
        period: JUDGEMENT_PERIOD,
        label: 'failed',
      });
      this.facade.monitorCustom({
        alarmFriendlyName: 'MemberPolling',
        humanReadableName: 'Member polling',
        metricGroups: [
          {
            title: memberPollingWidgetTitles.memberPollFailures,
            metrics: [
              {
                metric: memberPollFailures,
                alarmFriendlyName: 'MemberPollFailures',
                addAlarm: {
                  Failing: {
                    threshold: 1,
                    comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
                    treatMissingDataOverride: cloudwatch.TreatMissingData.NOT_BREACHING,
                    datapointsToAlarm: 2,
                    evaluationPeriods: 3,
                    additionalDescription:
                      `Polls of member accounts and Regions failed in 2 of 3 periods of ${JUDGEMENT_PERIOD.toHumanString()}: ` +
                      'a member read role missing or not trusting the archive, a Region not enabled, SSM refusing. ' +
                      'The poller logs (and GET /status) say which account and Region, and why.',
                  },
                },
              },
            ],
          },
        ],
      });
    }

    // Standard widgets and the AWS-metric alarms.
    const dlqNotEmpty = {
      NotEmpty: {
        maxMessageCount: 0,
        // SQS stops reporting an idle queue's metrics after a while: no data is an empty DLQ.
        treatMissingDataOverride: cloudwatch.TreatMissingData.NOT_BREACHING,
      },
    };
    const anyError = { Errors: { maxErrorCount: 0 } };
    this.facade
      .monitorLambdaFunction({ lambdaFunction: props.collector, alarmFriendlyName: 'Collector', humanReadableName: 'Collector', addFaultCountAlarm: anyError })
      .monitorLambdaFunction({ lambdaFunction: props.poller, alarmFriendlyName: 'Poller', humanReadableName: 'Poller', addFaultCountAlarm: anyError })
      .monitorLambdaFunction({ lambdaFunction: props.queryFunction, alarmFriendlyName: 'Query', humanReadableName: 'Query API handler' })
      .monitorSqsQueueWithDlq({
        queue: props.workQueue,
        deadLetterQueue: props.workDeadLetterQueue,
        alarmFriendlyName: 'WorkQueue',
        humanReadableName: 'Work queue',
        addDeadLetterQueueMaxSizeAlarm: dlqNotEmpty,
      })
      .monitorApiGatewayV2HttpApi({ api: props.queryApi, alarmFriendlyName: 'QueryApi', humanReadableName: 'Query API' });
    if (props.memberPolling) {
      this.facade.monitorSqsQueueWithDlq({
        queue: props.memberPolling.pollQueue,
        deadLetterQueue: props.memberPolling.pollDeadLetterQueue,
        alarmFriendlyName: 'PollQueue',
        humanReadableName: 'Poll queue (member accounts and Regions)',
        addDeadLetterQueueMaxSizeAlarm: dlqNotEmpty,
      });
    }
    if (props.subscriptionDeadLetterQueue) {
      this.facade.monitorSqsQueue({
        queue: props.subscriptionDeadLetterQueue,
        alarmFriendlyName: 'AlertSubscriptionDLQ',
        humanReadableName: 'Undelivered alert emails (dead-letter queue)',
        addQueueMaxSizeAlarm: dlqNotEmpty,
      });
    }
  }
}

