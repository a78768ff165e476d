import { Duration } from 'aws-cdk-lib';
import { Match, type Template } from 'aws-cdk-lib/assertions';
import type { SsmHistoryStack } from '../../lib/ssm-history-stack';
import { actionsOf, getAtt, logicalIdOf, resourcesOf, statementsOfRole, synthesizeSsmHistory, type PolicyStatement } from './synthesized';
import type { IConstruct } from 'constructs';

interface Resource {
  readonly Properties: Record<string, unknown>;
}

interface PolicyDocument {
  readonly Statement: (PolicyStatement & { Principal?: unknown; Sid?: string })[];
}

function onlyResource(template: Template, type: string): [string, Resource] {
  const resources = Object.entries(template.findResources(type) as Record<string, Resource>);
  expect(resources).toHaveLength(1);
  return resources[0] as [string, Resource];
}

const alarmSourceConditions = (alarmNamePrefix: string) => ({
  StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
  ArnLike: {
    'aws:SourceArn': {
      'Fn::Join': [
        '',
        [
          'arn:',
          { Ref: 'AWS::Partition' },
          ':cloudwatch:',
          { Ref: 'AWS::Region' },
          ':',
          { Ref: 'AWS::AccountId' },
          `:alarm:${alarmNamePrefix}-*`,
        ],
      ],
    },
  },
});

describe('failure alerts, by default', () => {
  let stack: SsmHistoryStack;
  let template: Template;
  let keyId: string;
  let alertsTopicId: string;
  let operationsTopicId: string;

  beforeAll(() => {
    ({ stack, template } = synthesizeSsmHistory());
    [keyId] = onlyResource(template, 'AWS::KMS::Key');
    alertsTopicId = logicalIdOf(stack.history.alertsTopic);
    operationsTopicId = logicalIdOf(stack.history.operationsTopic);
  });

  it('encrypts both topics with the customer managed key, which rotates', () => {
    const [, key] = onlyResource(template, 'AWS::KMS::Key');
    expect(key.Properties.EnableKeyRotation).toBe(true);
    for (const topicId of [alertsTopicId, operationsTopicId]) {
      expect(template.findResources('AWS::SNS::Topic')[topicId]?.Properties).toEqual(
        expect.objectContaining({ KmsMasterKeyId: getAtt(keyId), DisplayName: expect.any(String) }),
      );
    }
  });

  it.each([
    ['alerts', () => alertsTopicId],
    ['operations', () => operationsTopicId],
  ])('denies publishing to the %s topic without TLS', (_name, topicId) => {
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      Topics: [{ Ref: topicId() }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Deny',
            Action: 'sns:Publish',
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
            Resource: { Ref: topicId() },
          }),
        ]),
      },
    });
  });

  it("lets CloudWatch use the key for this stack's alarms only", () => {
    const [, key] = onlyResource(template, 'AWS::KMS::Key');
    const statements = (key.Properties.KeyPolicy as PolicyDocument).Statement;
    const cloudWatch = statements.filter((statement) => JSON.stringify(statement.Principal).includes('cloudwatch.amazonaws.com'));
    expect(cloudWatch).toEqual([
      expect.objectContaining({
        Effect: 'Allow',
        Principal: { Service: 'cloudwatch.amazonaws.com' },
        Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        Resource: '*',
        Condition: alarmSourceConditions(stack.stackName),
      }),
    ]);
  });

  it("lets CloudWatch publish this stack's alarms to the operations topic, and nothing to the alerts topic", () => {
    const policies = Object.values(template.findResources('AWS::SNS::TopicPolicy') as Record<string, Resource>);
    const cloudWatchOn = (topicId: string) =>
      policies
        .filter((policy) => JSON.stringify(policy.Properties.Topics) === JSON.stringify([{ Ref: topicId }]))
        .flatMap((policy) => (policy.Properties.PolicyDocument as PolicyDocument).Statement)
        .filter((statement) => JSON.stringify(statement.Principal).includes('cloudwatch.amazonaws.com'));
    expect(cloudWatchOn(operationsTopicId)).toEqual([
      expect.objectContaining({
        Effect: 'Allow',
        Action: 'sns:Publish',
        Resource: { Ref: operationsTopicId },
        Condition: alarmSourceConditions(stack.stackName),
      }),
    ]);
    expect(cloudWatchOn(alertsTopicId)).toEqual([]);
  });

  it('subscribes nobody without alert emails', () => {
    template.resourcePropertiesCountIs('AWS::SNS::Subscription', { Protocol: 'email' }, 0);
    // The work queue, the gathering queue and their dead-letter queue: no subscription's.
    template.resourceCountIs('AWS::SQS::Queue', 3);
  });

  it('tells the collector where to publish and how, with the default statuses and a 24-hour max age', () => {
    const collector = template.findResources('AWS::Lambda::Function')[logicalIdOf(stack.history.collector)];
    const variables = (collector?.Properties as { Environment: { Variables: Record<string, unknown> } }).Environment.Variables;
    expect(variables).toEqual(
      expect.objectContaining({
        ALERT_TOPIC_ARN: { Ref: alertsTopicId },
        ALERT_MAX_AGE_HOURS: '24',
        ALERT_ACCOUNT_ID: { Ref: 'AWS::AccountId' },
        ALERT_PARTITION: { Ref: 'AWS::Partition' },
      }),
    );
    expect(variables).not.toHaveProperty('ALERT_STATUSES');
    expect(variables).not.toHaveProperty('ALERT_IGNORED_DOCUMENTS');
    expect(variables).not.toHaveProperty('ALERT_ERROR_EXCERPTS');
  });

  it('lets the collector publish to the alerts topic only, and use only its key', () => {
    const role = stack.history.collector.role;
    if (!role) throw new Error('collector has no role');
    const statements = statementsOfRole(template, logicalIdOf(role));
    const sns = statements.filter((statement) => actionsOf(statement).some((action) => action.startsWith('sns:')));
    expect(sns.flatMap(actionsOf)).toEqual(['sns:Publish']);
    expect(sns.flatMap(resourcesOf)).toEqual([{ Ref: alertsTopicId }]);
    const kms = statements.filter((statement) => actionsOf(statement).some((action) => action.startsWith('kms:')));
    expect(kms.flatMap(actionsOf).sort()).toEqual(['kms:Decrypt', 'kms:GenerateDataKey*']);
    expect(kms.flatMap(resourcesOf)).toEqual([getAtt(keyId)]);
  });

  it('outputs the alerts topic, the operations topic and the dashboard', () => {
    template.hasOutput('AlertsTopicArn', { Value: { Ref: alertsTopicId } });
    template.hasOutput('OperationsTopicArn', { Value: { Ref: operationsTopicId } });
    template.hasOutput('DashboardName', { Value: { Ref: logicalIdOf(stack.history.dashboard) } });
    template.hasOutput('DashboardUrl', { Value: Match.anyValue() });
  });
});

describe('failure alerts, configured', () => {
  let stack: SsmHistoryStack;
  let template: Template;

  beforeAll(() => {
    ({ stack, template } = synthesizeSsmHistory({
      history: {
        alertEmails: ['ops@example.com', 'oncall@example.com'],
        alertStatuses: 'Failed,automation:TimedOut,association:none',
        alertIgnoredDocuments: ['AWS-RunPatchBaseline', ' Custom-Flaky '],
        alertMaxAge: Duration.hours(2),
        alertErrorExcerpts: false,
      },
    }));
  });

  it('subscribes every email to both topics, with a dead-letter queue', () => {
    const subscriptions = Object.values(template.findResources('AWS::SNS::Subscription', { Properties: { Protocol: 'email' } }) as Record<string, Resource>);
    const dlq = template.findResources('AWS::SQS::Queue');
    const dlqId = Object.keys(dlq).find((id) => id.includes('SubscriptionDeadLetterQueue'));
    if (!dlqId) throw new Error('no subscription dead-letter queue');
    expect(
      subscriptions
        .map((subscription) => `${subscription.Properties.Endpoint as string} -> ${JSON.stringify(subscription.Properties.TopicArn)}`)
        .sort(),
    ).toEqual(
      ['ops@example.com', 'oncall@example.com']
        .flatMap((email) =>
          [stack.history.alertsTopic, stack.history.operationsTopic].map((topic) => `${email} -> ${JSON.stringify({ Ref: logicalIdOf(topic) })}`),
        )
        .sort(),
    );
    for (const subscription of subscriptions) {
      expect(subscription.Properties.RedrivePolicy).toEqual({ deadLetterTargetArn: getAtt(dlqId) });
    }
    expect(dlq[dlqId]?.Properties).toEqual(expect.objectContaining({ SqsManagedSseEnabled: true, MessageRetentionPeriod: 14 * 24 * 3600 }));
  });

  it('passes statuses, ignored documents, max age and the excerpts choice to the collector', () => {
    const collector = template.findResources('AWS::Lambda::Function')[logicalIdOf(stack.history.collector)];
    expect((collector?.Properties as { Environment: { Variables: Record<string, unknown> } }).Environment.Variables).toEqual(
      expect.objectContaining({
        ALERT_STATUSES: 'Failed,automation:TimedOut,association:none',
        ALERT_IGNORED_DOCUMENTS: 'AWS-RunPatchBaseline,Custom-Flaky',
        ALERT_MAX_AGE_HOURS: '2',
        ALERT_ERROR_EXCERPTS: 'false',
      }),
    );
  });

  it('gives the query function the same alert content settings, so GET /alerts says what the alerts said', () => {
    const variablesOf = (fn: IConstruct) =>
      (template.findResources('AWS::Lambda::Function')[logicalIdOf(fn)]?.Properties as { Environment: { Variables: Record<string, unknown> } }).Environment.Variables;
    const query = variablesOf(stack.history.queryFunction);
    const collector = variablesOf(stack.history.collector);
    for (const name of ['ALERT_STATUSES', 'ALERT_IGNORED_DOCUMENTS', 'ALERT_ERROR_EXCERPTS', 'ALERT_ACCOUNT_ID', 'ALERT_PARTITION']) {
      expect({ name, value: query[name] }).toEqual({ name, value: collector[name] });
    }
    expect(query).not.toHaveProperty('ALERT_TOPIC_ARN');
  });
});

describe('failure alert settings that synthesis refuses', () => {
  it.each([
    [{ alertStatuses: 'Faild' }, /alert statuses: unknown status "Faild"/],
    [{ alertStatuses: 'run-command:InProgress' }, /alert statuses: run-command status "InProgress" in "run-command:InProgress" is not terminal/],
    [{ alertStatuses: 'runcommand:Failed' }, /alert statuses: unknown kind "runcommand"/],
    [{ alertEmails: ['ops@example.com,oncall@example.com'] }, /Alert email must be one email address/],
    [{ alertEmails: ['ops'] }, /Alert email must be one email address/],
    [{ alertIgnoredDocuments: ['A,B'] }, /Alert ignored documents must be document names without commas/],
    [{ alertMaxAge: Duration.hours(0) }, /Alert max age must be above zero/],
  ])('%j', (history, message) => {
    expect(() => synthesizeSsmHistory({ history })).toThrow(message);
  });
});
