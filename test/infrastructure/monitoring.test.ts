import { Duration } from 'aws-cdk-lib';
import type { Template } from 'aws-cdk-lib/assertions';
import { METRICS_NAMESPACE, operationalMetrics } from '../../lambdas/operational-metrics';
import { historyKinds } from '../../lambdas/core/model';
import { dashboardWidgetTitles } from '../../lib/operations-monitoring';
import type { SsmHistoryStack } from '../../lib/ssm-history-stack';
import { logicalIdOf, synthesizeSsmHistory } from './synthesized';

interface AlarmMetric {
  readonly Id: string;
  readonly Expression?: string;
  readonly ReturnData?: boolean;
  readonly MetricStat?: {
    readonly Metric: { readonly Namespace: string; readonly MetricName: string; readonly Dimensions: { Name: string; Value: unknown }[] };
    readonly Period: number;
    readonly Stat: string;
  };
}

interface AlarmProperties {
  readonly AlarmName: string;
  readonly AlarmActions: unknown[];
  readonly ComparisonOperator: string;
  readonly Threshold: number;
  readonly EvaluationPeriods: number;
  readonly DatapointsToAlarm: number;
  readonly TreatMissingData: string;
  readonly Metrics: AlarmMetric[];
}

function alarmsOf(template: Template): AlarmProperties[] {
  return Object.values(template.findResources('AWS::CloudWatch::Alarm') as Record<string, { Properties: AlarmProperties }>).map(
    (alarm) => alarm.Properties,
  );
}

function alarmOn(alarms: AlarmProperties[], matches: (alarm: AlarmProperties) => boolean, what: string): AlarmProperties {
  const found = alarms.filter(matches);
  if (found.length !== 1) throw new Error(`expected one alarm on ${what}, found ${found.length}`);
  return found[0] as AlarmProperties;
}

/** The one MetricStat of a single-metric alarm. */
function statOf(alarm: AlarmProperties) {
  expect(alarm.Metrics).toHaveLength(1);
  const stat = alarm.Metrics[0]?.MetricStat;
  if (!stat) throw new Error(`${alarm.AlarmName} has no metric`);
  return { ...stat, dimensions: Object.fromEntries(stat.Metric.Dimensions.map(({ Name, Value }) => [Name, Value])) };
}

const serviceDimension = { service: 'ssm-history' };
const isOperational = (name: string, kind?: string) => (alarm: AlarmProperties) => {
  const stat = alarm.Metrics.length === 1 ? alarm.Metrics[0]?.MetricStat : undefined;
  if (stat?.Metric.Namespace !== METRICS_NAMESPACE || stat.Metric.MetricName !== name) return false;
  return kind === undefined || stat.Metric.Dimensions.some((dimension) => dimension.Name === 'kind' && dimension.Value === kind);
};
const isAws = (namespace: string, name: string, dimension: string, resourceRef: unknown) => (alarm: AlarmProperties) => {
  const stat = alarm.Metrics.length === 1 ? alarm.Metrics[0]?.MetricStat : undefined;
  return (
    stat?.Metric.Namespace === namespace &&
    stat.Metric.MetricName === name &&
    JSON.stringify(stat.Metric.Dimensions) === JSON.stringify([{ Name: dimension, Value: resourceRef }])
  );
};

/** The dashboard body with its CloudFormation tokens replaced by a placeholder, parsed. */
function dashboardWidgets(template: Template, dashboardId: string): { type: string; properties: { title?: string; markdown?: string } }[] {
  const dashboard = template.findResources('AWS::CloudWatch::Dashboard')[dashboardId];
  const body = (dashboard?.Properties as { DashboardBody: { 'Fn::Join': [string, unknown[]] } }).DashboardBody['Fn::Join'][1]
    .map((part) => (typeof part === 'string' ? part : 'TOKEN'))
    .join('');
  return (JSON.parse(body) as { widgets: { type: string; properties: { title?: string; markdown?: string } }[] }).widgets;
}

describe('operational alarms, by default', () => {
  let stack: SsmHistoryStack;
  let template: Template;
  let alarms: AlarmProperties[];
  let operationsTopic: { Ref: string };

  beforeAll(() => {
    ({ stack, template } = synthesizeSsmHistory());
    alarms = alarmsOf(template);
    operationsTopic = { Ref: logicalIdOf(stack.history.operationsTopic) };
  });

  it('notifies the operations topic, and only it, from every alarm, each named after the stack', () => {
    expect(alarms.length).toBeGreaterThan(0);
    for (const alarm of alarms) {
      expect({ name: alarm.AlarmName, actions: alarm.AlarmActions }).toEqual({ name: alarm.AlarmName, actions: [operationsTopic] });
      expect(alarm.AlarmName.startsWith(`${stack.stackName}-`)).toBe(true);
    }
  });

  it('has exactly the reviewed alarms (no email subscriptions: no subscription DLQ alarm)', () => {
    // work DLQ, collector errors, poller errors, throttling, refused alerts, and per kind: staleness and lag.
    expect(alarms).toHaveLength(5 + 2 * historyKinds.length);
  });

  it('alarms when the work dead-letter queue (also the poller schedule’s) is not empty', () => {
    const alarm = alarmOn(alarms, isAws('AWS/SQS', 'ApproximateNumberOfMessagesVisible', 'QueueName', { 'Fn::GetAtt': [logicalIdOf(stack.history.deadLetterQueue), 'QueueName'] }), 'the work DLQ');
    expect(statOf(alarm)).toEqual(expect.objectContaining({ Stat: 'Maximum', Period: 300 }));
    expect(alarm).toEqual(
      expect.objectContaining({
        ComparisonOperator: 'GreaterThanThreshold',
        Threshold: 0,
        EvaluationPeriods: 1,
        DatapointsToAlarm: 1,
        TreatMissingData: 'notBreaching',
      }),
    );
  });

  it.each([
    ['collector', (s: SsmHistoryStack) => s.history.collector],
    ['poller', (s: SsmHistoryStack) => s.history.pollerFunction],
  ])('alarms on any %s error', (name, functionOf) => {
    const alarm = alarmOn(alarms, isAws('AWS/Lambda', 'Errors', 'FunctionName', { Ref: logicalIdOf(functionOf(stack)) }), name);
    expect(statOf(alarm)).toEqual(expect.objectContaining({ Stat: 'Sum', Period: 300 }));
    expect(alarm).toEqual(
      expect.objectContaining({
        ComparisonOperator: 'GreaterThanThreshold',
        Threshold: 0,
        EvaluationPeriods: 1,
        DatapointsToAlarm: 1,
        TreatMissingData: 'notBreaching',
      }),
    );
  });

  it.each(historyKinds)('alarms when no %s poll succeeded in each of three consecutive poll intervals (missing data breaching)', (kind) => {
    const alarm = alarmOn(alarms, isOperational(operationalMetrics.pollsSucceeded, kind), `${kind} polls`);
    const stat = statOf(alarm);
    expect(stat.dimensions).toEqual({ ...serviceDimension, kind });
    expect(stat).toEqual(expect.objectContaining({ Stat: 'Sum', Period: 5 * 60 }));
    expect(alarm).toEqual(
      expect.objectContaining({
        ComparisonOperator: 'LessThanThreshold',
        Threshold: 1,
        EvaluationPeriods: 3,
        DatapointsToAlarm: 3,
        TreatMissingData: 'breaching',
      }),
    );
  });

  it('alarms when SNS refused a failure alert (the collector retries it; Lambda Errors does not count it)', () => {
    const alarm = alarmOn(alarms, isOperational(operationalMetrics.alertPublishFailures), 'refused alerts');
    const stat = statOf(alarm);
    expect(stat.dimensions).toEqual(serviceDimension);
    expect(stat).toEqual(expect.objectContaining({ Stat: 'Sum', Period: 300 }));
    expect(alarm).toEqual(
      expect.objectContaining({
        ComparisonOperator: 'GreaterThanThreshold',
        Threshold: 0,
        EvaluationPeriods: 1,
        DatapointsToAlarm: 1,
        TreatMissingData: 'notBreaching',
      }),
    );
  });

  it('alarms when more than 10% of SSM calls are throttled in 3 consecutive 5-minute periods', () => {
    const alarm = alarmOn(alarms, (candidate) => candidate.Metrics.some((metric) => metric.Expression !== undefined), 'the throttling share');
    const expression = alarm.Metrics.find((metric) => metric.Expression !== undefined);
    const byId = Object.fromEntries(alarm.Metrics.filter((metric) => metric.MetricStat).map((metric) => [metric.Id, metric.MetricStat]));
    expect(expression).toEqual(expect.objectContaining({ Expression: '100 * throttles / calls', ReturnData: true }));
    const dimensions = [{ Name: 'service', Value: 'ssm-history' }];
    expect(byId).toEqual({
      throttles: { Metric: { Namespace: METRICS_NAMESPACE, MetricName: operationalMetrics.ssmThrottles, Dimensions: dimensions }, Period: 300, Stat: 'Sum' },
      calls: { Metric: { Namespace: METRICS_NAMESPACE, MetricName: operationalMetrics.ssmCalls, Dimensions: dimensions }, Period: 300, Stat: 'Sum' },
    });
    expect(alarm).toEqual(
      expect.objectContaining({
        ComparisonOperator: 'GreaterThanThreshold',
        Threshold: 10,
        EvaluationPeriods: 3,
        DatapointsToAlarm: 3,
        TreatMissingData: 'notBreaching',
      }),
    );
  });

  it.each(historyKinds)('alarms when the %s p99 collection lag is above 10 minutes in 3 consecutive 5-minute periods', (kind) => {
    const alarm = alarmOn(alarms, isOperational(operationalMetrics.collectionLag, kind), `${kind} lag`);
    const stat = statOf(alarm);
    expect(stat.dimensions).toEqual({ ...serviceDimension, kind });
    expect(stat).toEqual(expect.objectContaining({ Stat: 'p99', Period: 300 }));
    expect(alarm).toEqual(
      expect.objectContaining({
        ComparisonOperator: 'GreaterThanThreshold',
        Threshold: 10 * 60 * 1000,
        EvaluationPeriods: 3,
        DatapointsToAlarm: 3,
        TreatMissingData: 'notBreaching',
      }),
    );
  });
});

describe('operational alarms, configured', () => {
  let template: Template;
  let alarms: AlarmProperties[];

  beforeAll(() => {
    ({ template } = synthesizeSsmHistory({
      history: {
        pollInterval: Duration.minutes(10),
        collectionLagAlarm: Duration.minutes(20),
        throttleAlarmPercent: 25,
        alertEmails: ['ops@example.com'],
      },
    }));
    alarms = alarmsOf(template);
  });

  it('judges staleness over three of the configured poll intervals', () => {
    for (const kind of historyKinds) {
      const alarm = alarmOn(alarms, isOperational(operationalMetrics.pollsSucceeded, kind), kind);
      expect(statOf(alarm).Period).toBe(10 * 60);
      expect(alarm.EvaluationPeriods).toBe(3);
    }
  });

  it('takes the lag bound and the throttling share from props', () => {
    for (const kind of historyKinds) {
      expect(alarmOn(alarms, isOperational(operationalMetrics.collectionLag, kind), kind).Threshold).toBe(20 * 60 * 1000);
    }
    expect(alarmOn(alarms, (alarm) => alarm.Metrics.some((metric) => metric.Expression !== undefined), 'throttling').Threshold).toBe(25);
  });

  it('alarms when an alert email could not be delivered (the subscriptions’ dead-letter queue is not empty)', () => {
    const queues = Object.keys(template.findResources('AWS::SQS::Queue'));
    const dlqId = queues.find((id) => id.includes('SubscriptionDeadLetterQueue'));
    const alarm = alarmOn(alarms, isAws('AWS/SQS', 'ApproximateNumberOfMessagesVisible', 'QueueName', { 'Fn::GetAtt': [dlqId, 'QueueName'] }), 'the subscription DLQ');
    expect(statOf(alarm)).toEqual(expect.objectContaining({ Stat: 'Maximum', Period: 300 }));
    expect(alarm).toEqual(expect.objectContaining({ ComparisonOperator: 'GreaterThanThreshold', Threshold: 0, EvaluationPeriods: 1 }));
  });

  it.each([
    [{ throttleAlarmPercent: 100 }, /throttleAlarmPercent must be from 0 to below 100/],
    [{ collectionLagAlarm: Duration.seconds(0) }, /collectionLagAlarm must be above zero/],
  ])('refuses %j', (history, message) => {
    expect(() => synthesizeSsmHistory({ history })).toThrow(message);
  });
});

describe('dashboard', () => {
  let stack: SsmHistoryStack;
  let template: Template;
  let widgets: ReturnType<typeof dashboardWidgets>;

  beforeAll(() => {
    ({ stack, template } = synthesizeSsmHistory());
    widgets = dashboardWidgets(template, logicalIdOf(stack.history.dashboard));
  });

  it('is the one dashboard, named after the stack and the Region', () => {
    template.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
    template.hasResourceProperties('AWS::CloudWatch::Dashboard', {
      DashboardName: { 'Fn::Join': ['', [`${stack.stackName}-`, { Ref: 'AWS::Region' }]] },
    });
  });

  it('shows collection rate, failures by kind, lag, SSM calls and throttles, missed by events and polls', () => {
    const titles = widgets.map((widget) => widget.properties.title);
    expect(titles).toEqual(expect.arrayContaining(Object.values(dashboardWidgetTitles)));
  });

  it('shows the per-kind metrics for every kind, lag as p50 and p99', () => {
    const metricsOf = (title: string) =>
      JSON.stringify(widgets.find((widget) => widget.properties.title === title)?.properties ?? {});
    for (const kind of historyKinds) {
      expect(metricsOf(dashboardWidgetTitles.collectionRate)).toContain(`"RecordsStored","kind","${kind}"`);
      expect(metricsOf(dashboardWidgetTitles.failures)).toContain(`"AlertsPublished","kind","${kind}"`);
      expect(metricsOf(dashboardWidgetTitles.missedByEvents)).toContain(`"MissedByEvents","kind","${kind}"`);
      expect(metricsOf(dashboardWidgetTitles.pollsSucceeded)).toContain(`"PollsSucceeded","kind","${kind}"`);
      expect(metricsOf(dashboardWidgetTitles.collectionLag)).toContain(`"label":"${kind} p50","stat":"p50"`);
      expect(metricsOf(dashboardWidgetTitles.collectionLag)).toContain(`"label":"${kind} p99","stat":"p99"`);
    }
    expect(metricsOf(dashboardWidgetTitles.ssmCalls)).toContain('"SsmCalls"');
    expect(metricsOf(dashboardWidgetTitles.ssmCalls)).toContain('"SsmThrottles"');
  });

  it("adds the library's sections for the three functions, the work queue and its DLQ, and the query API", () => {
    const headers = widgets.filter((widget) => widget.type === 'text').map((widget) => widget.properties.markdown ?? '');
    for (const section of ['Lambda Function **[Collector]', 'Lambda Function **[Poller]', 'Lambda Function **[Query API handler]', 'SQS Queue **[Work queue]', 'SQS Dead-Letter Queue **[Work queue]', 'API Gateway V2 HTTP Endpoint **Query API**']) {
      expect(headers.some((header) => header.includes(section))).toBe(true);
    }
  });
});
