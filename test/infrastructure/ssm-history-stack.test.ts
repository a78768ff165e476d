import { Match, type Template } from 'aws-cdk-lib/assertions';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { historySources } from '../../lambdas/sources';
import { EXPIRES_AT, type KeyAttribute, type TableSchema } from '../../lambdas/core/table-schema';
import { tableIds, tableSchemas, type ArchiveTableId as TableId } from '../../lambdas/sources/tables';
import type { SsmHistoryStack } from '../../lib/ssm-history-stack';
import { collectorActionsOf, eventDetailTypesOf, scopedCollectorActionsOf, tablesReadBy, tablesWrittenBy } from '../../lib/source-infrastructure';
import {
  actionsOf,
  getAtt,
  logicalIdOf,
  resourcesOf,
  statementsOfRole,
  synthesizeSsmHistory,
  type PolicyStatement,
} from './synthesized';

/**
 * Pinned on purpose. A table's logical ID is its identity in CloudFormation: if it changed,
 * a deploy would create a new, empty table and leave the old one orphaned (RETAIN). A new
 * table gets its ID added here; an existing one never changes.
 */
const pinnedTableLogicalIds: Record<TableId, string> = {
  commands: 'SsmHistoryTablesCommandsFA7BBD77',
  commandInvocations: 'SsmHistoryTablesCommandInvocations7AA020E7',
  automationExecutions: 'SsmHistoryTablesAutomationExecutions385DB3C8',
  automationSteps: 'SsmHistoryTablesAutomationSteps73DE8167',
  associationExecutions: 'SsmHistoryTablesAssociationExecutionsE53C90B4',
  associationExecutionTargets: 'SsmHistoryTablesAssociationExecutionTargets98FA2FF6',
  associationDefinitions: 'SsmHistoryTablesAssociationDefinitionsBC03D26A',
  maintenanceWindowExecutions: 'SsmHistoryTablesMaintenanceWindowExecutionsE6FC82F9',
  failureDays: 'SsmHistoryTablesFailureDays1192193A',
  maintenanceWindowTasks: 'SsmHistoryTablesMaintenanceWindowTasks8BAF2491',
  maintenanceWindowTaskInvocations: 'SsmHistoryTablesMaintenanceWindowTaskInvocations0A6078AC',
  maintenanceWindowDefinitions: 'SsmHistoryTablesMaintenanceWindowDefinitions777B9DA9',
  sessions: 'SsmHistoryTablesSessionsF94B2C52',
  pollCheckpoints: 'SsmHistoryTablesPollCheckpointsD45EE5ED',
};

let stack: SsmHistoryStack;
let template: Template;
let ids: { queue: string; dlq: string; gatheringQueue: string; topic: string; collector: string; collectorRole: string; publisherRole: string };

beforeAll(() => {
  ({ stack, template } = synthesizeSsmHistory());
  const history = stack.history;
  const collectorRole = history.collector.role;
  if (!collectorRole) throw new Error('collector has no role');
  ids = {
    queue: logicalIdOf(history.queue),
    dlq: logicalIdOf(history.deadLetterQueue),
    gatheringQueue: logicalIdOf(history.gatheringQueue as sqs.IQueue),
    topic: logicalIdOf(history.notificationTopic),
    collector: logicalIdOf(history.collector),
    collectorRole: logicalIdOf(collectorRole),
    publisherRole: logicalIdOf(history.notificationRole),
  };
});

describe('SSM events', () => {
  it('routes exactly the sources’ detail-types from aws.ssm, State Manager’s to the gathering queue', () => {
    // Four rules: the SSM events', State Manager's, Session Manager's API calls and the pollers' schedule.
    template.resourceCountIs('AWS::Events::Rule', 4);
    expect(Object.keys(template.findResources('AWS::Events::Rule', { Properties: { EventPattern: Match.anyValue() } }))).toHaveLength(3);
    const expected = [...new Set(historySources.filter((source) => source.eventDetailPattern === undefined).flatMap((source) => source.eventDetailTypes))];
    expect(eventDetailTypesOf(historySources)).toEqual(expected);
    expect(expected).toEqual([
      'EC2 Command Status-change Notification',
      'EC2 Command Invocation Status-change Notification',
      'EC2 Automation Execution Status-change Notification',
      'EC2 Automation Step Status-change Notification',
      'EC2 State Manager Association State Change',
      'EC2 State Manager Instance Association State Change',
      'Maintenance Window Execution State-change Notification',
      'Maintenance Window Task Execution State-change Notification',
      'Maintenance Window Task Target Invocation State-change Notification',
    ]);
    const gathered = ['EC2 State Manager Association State Change', 'EC2 State Manager Instance Association State Change'];
    expect(historySources.filter((source) => source.gathering !== undefined).flatMap((source) => source.eventDetailTypes)).toEqual(gathered);
    template.hasResourceProperties('AWS::Events::Rule', {
      EventBusName: Match.absent(),
      EventPattern: { source: ['aws.ssm'], 'detail-type': expected.filter((type) => !gathered.includes(type)) },
      Targets: [Match.objectLike({ Arn: getAtt(ids.queue), DeadLetterConfig: { Arn: getAtt(ids.dlq) } })],
    });
    template.hasResourceProperties('AWS::Events::Rule', {
      EventBusName: Match.absent(),
      EventPattern: { source: ['aws.ssm'], 'detail-type': gathered },
      Targets: [Match.objectLike({ Arn: getAtt(ids.gatheringQueue), DeadLetterConfig: { Arn: getAtt(ids.dlq) } })],
    });
  });

  // SQS developer guide, "Amazon SQS delay queues": a queue's DelaySeconds (0 to 900) hides
  // each new message for that long; the visibility timeout is Lambda's 6x the function timeout.
  it('delivers the gathered events a minute late, dead-lettering into the same queue as the rest', () => {
    template.hasResourceProperties('AWS::SQS::Queue', {
      DelaySeconds: 60,
      VisibilityTimeout: 720,
      RedrivePolicy: { deadLetterTargetArn: getAtt(ids.dlq), maxReceiveCount: 3 },
    });
  });

  // Session Manager sends no events of its own (the EventBridge reference's SSM list has
  // none); its calls come through CloudTrail, which records every SSM API call: the rule
  // takes only the successful session calls, so GetParameter and the rest never reach the queue.
  it('routes only successful StartSession, ResumeSession and TerminateSession calls through CloudTrail, on their own rule', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      EventBusName: Match.absent(),
      EventPattern: {
        source: ['aws.ssm'],
        'detail-type': ['AWS API Call via CloudTrail'],
        detail: {
          eventSource: ['ssm.amazonaws.com'],
          eventName: ['StartSession', 'ResumeSession', 'TerminateSession'],
          errorCode: [{ exists: false }],
        },
      },
      Targets: [Match.objectLike({ Arn: getAtt(ids.queue), DeadLetterConfig: { Arn: getAtt(ids.dlq) } })],
    });
  });

  it('targets the work queue, with a DLQ and an explicit retry policy', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      Targets: [
        {
          Arn: getAtt(ids.queue),
          DeadLetterConfig: { Arn: getAtt(ids.dlq) },
          RetryPolicy: { MaximumEventAgeInSeconds: 86400, MaximumRetryAttempts: 185 },
          Id: Match.anyValue(),
        },
      ],
    });
  });
});

describe('work queue and DLQ', () => {
  it('redrives to the DLQ after 3 receives, with SSE-SQS', () => {
    template.hasResourceProperties('AWS::SQS::Queue', {
      RedrivePolicy: { deadLetterTargetArn: getAtt(ids.dlq), maxReceiveCount: 3 },
      SqsManagedSseEnabled: true,
    });
  });

  it('keeps dead letters 14 days, with SSE-SQS and no redrive of its own', () => {
    const dlq = template.findResources('AWS::SQS::Queue')[ids.dlq];
    expect(dlq?.Properties).toEqual({ MessageRetentionPeriod: 14 * 24 * 3600, SqsManagedSseEnabled: true });
  });

  it.each(['queue', 'dlq'] as const)('%s denies requests without TLS', (queue) => {
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      Queues: [{ Ref: ids[queue] }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Deny',
            Action: 'sqs:*',
            Principal: { AWS: '*' },
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          }),
        ]),
      },
    });
  });

  it('lets EventBridge and SNS send to the queue and the DLQ only from this rule and topic', () => {
    for (const queue of [ids.queue, ids.dlq]) {
      template.hasResourceProperties('AWS::SQS::QueuePolicy', {
        Queues: [{ Ref: queue }],
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({
              Principal: { Service: 'events.amazonaws.com' },
              Condition: { ArnEquals: { 'aws:SourceArn': Match.anyValue() } },
            }),
            Match.objectLike({
              Principal: { Service: 'sns.amazonaws.com' },
              Condition: { ArnEquals: { 'aws:SourceArn': { Ref: ids.topic } } },
            }),
          ]),
        },
      });
    }
  });
});

describe('Run Command notifications', () => {
  it('subscribes the work queue to the topic with the SNS envelope kept and a DLQ', () => {
    template.resourceCountIs('AWS::SNS::Subscription', 1);
    template.hasResourceProperties('AWS::SNS::Subscription', {
      TopicArn: { Ref: ids.topic },
      Protocol: 'sqs',
      Endpoint: getAtt(ids.queue),
      RawMessageDelivery: false,
      RedrivePolicy: { deadLetterTargetArn: getAtt(ids.dlq) },
    });
  });

  it('denies publishing without TLS', () => {
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      Topics: [{ Ref: ids.topic }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Deny',
            Action: 'sns:Publish',
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          }),
        ]),
      },
    });
  });

  it('gives SSM a role that may only publish to the topic', () => {
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [{ Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'ssm.amazonaws.com' } }],
      },
      ManagedPolicyArns: Match.absent(),
    });
    expect(statementsOfRole(template, ids.publisherRole)).toEqual([
      { Effect: 'Allow', Action: 'sns:Publish', Resource: { Ref: ids.topic } },
    ]);
  });

  it('outputs the topic, the role and the send-command options', () => {
    template.hasOutput('NotificationTopicArn', { Value: { Ref: ids.topic } });
    template.hasOutput('NotificationRoleArn', { Value: getAtt(ids.publisherRole) });
    template.hasOutput('SendCommandNotificationOptions', {
      Value: {
        'Fn::Join': [
          '',
          Match.arrayWith([
            '--service-role-arn ',
            getAtt(ids.publisherRole),
            ' --notification-config NotificationArn=',
            { Ref: ids.topic },
          ]),
        ],
      },
    });
  });
});

describe('collector event source', () => {
  it.each(['queue', 'gatheringQueue'] as const)('takes batches of 10 from the %s with partial batch responses and bounded concurrency', (queue) => {
    template.resourceCountIs('AWS::Lambda::EventSourceMapping', 2);
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: getAtt(ids[queue]),
      FunctionName: { Ref: ids.collector },
      BatchSize: 10,
      MaximumBatchingWindowInSeconds: Match.anyValue(),
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      ScalingConfig: { MaximumConcurrency: 5 },
    });
  });
});

describe('history tables', () => {
  it('creates one table per schema, and nothing else', () => {
    template.resourceCountIs('AWS::DynamoDB::GlobalTable', tableIds.length);
    template.resourceCountIs('AWS::DynamoDB::Table', 0);
  });

  it.each(tableIds)('%s keeps its pinned logical ID', (tableId) => {
    expect(logicalIdOf(stack.history.tables[tableId])).toBe(pinnedTableLogicalIds[tableId]);
  });

  it.each(tableIds)('%s has the schema’s keys and indexes, RETAIN, PITR and deletion protection', (tableId) => {
    const schema: TableSchema = tableSchemas[tableId];
    const keysOf = (owner: { partitionKey: KeyAttribute; sortKey?: KeyAttribute }) => [
      owner.partitionKey,
      ...(owner.sortKey ? [owner.sortKey] : []),
    ];
    const keySchema = (keys: KeyAttribute[]) =>
      keys.map((key, index) => ({ AttributeName: key.name, KeyType: index === 0 ? 'HASH' : 'RANGE' }));
    const indexes = schema.indexes ?? [];
    const attributes = new Map([...keysOf(schema), ...indexes.flatMap(keysOf)].map((key) => [key.name, key]));
    const table = template.findResources('AWS::DynamoDB::GlobalTable')[pinnedTableLogicalIds[tableId]];
    expect(table).toMatchObject({ DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
    expect(table?.Properties).toEqual({
      KeySchema: keySchema(keysOf(schema)),
      AttributeDefinitions: [...attributes.values()].map((key) => ({ AttributeName: key.name, AttributeType: key.type })),
      BillingMode: 'PAY_PER_REQUEST',
      ...(indexes.length > 0
        ? {
            GlobalSecondaryIndexes: indexes.map((index) => ({
              IndexName: index.name,
              KeySchema: keySchema(keysOf(index)),
              Projection:
                index.include === undefined
                  ? { ProjectionType: 'ALL' }
                  : index.include.length === 0
                    ? { ProjectionType: 'KEYS_ONLY' }
                    : { ProjectionType: 'INCLUDE', NonKeyAttributes: [...index.include] },
            })),
          }
        : {}),
      Replicas: [
        {
          Region: { Ref: 'AWS::Region' },
          DeletionProtectionEnabled: true,
          PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
          // TableV2 repeats each index per replica (for replica-specific settings).
          ...(indexes.length > 0 ? { GlobalSecondaryIndexes: indexes.map((index) => ({ IndexName: index.name })) } : {}),
        },
      ],
      // SSE with the AWS-owned key (always on; "false" only means "no KMS key").
      SSESpecification: { SSEEnabled: false },
      // The retention's TTL attribute on every history table: items only expire once written with one.
      ...(schema.recordTime !== undefined ? { TimeToLiveSpecification: { AttributeName: EXPIRES_AT, Enabled: true } } : {}),
    });
  });

  it('keeps records forever unless a retention is set, then tells the collector the days', () => {
    const collectorEnvironment = (t: Template) =>
      Object.values(t.findResources('AWS::Lambda::Function')).map((fn) => (fn.Properties as { Environment?: { Variables?: Record<string, unknown> } }).Environment?.Variables ?? {});
    expect(collectorEnvironment(template).some((variables) => 'RETENTION_DAYS' in variables)).toBe(false);
    const kept = synthesizeSsmHistory({ history: { retentionDays: 90 } }).template;
    expect(collectorEnvironment(kept).filter((variables) => variables.RETENTION_DAYS === '90')).toHaveLength(1);
    expect(() => synthesizeSsmHistory({ history: { retentionDays: 0.5 } })).toThrow(/retentionDays must be a whole number of days, at least 1, got 0.5/);
  });

  it('reads failures in detail unless told all, then tells the collector', () => {
    const environments = (t: Template) =>
      Object.values(t.findResources('AWS::Lambda::Function')).map((fn) => (fn.Properties as { Environment?: { Variables?: Record<string, unknown> } }).Environment?.Variables ?? {});
    expect(environments(template).some((variables) => 'INVOCATION_DETAIL' in variables)).toBe(false);
    const all = synthesizeSsmHistory({ history: { invocationDetail: 'all' } }).template;
    expect(environments(all).filter((variables) => variables.INVOCATION_DETAIL === 'all')).toHaveLength(1);
  });
});

describe('table encryption with a customer managed key (context ssmHistory:tableKey)', () => {
  const KEY_ARN = 'arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';
  const tableKeysOf = (t: Template) =>
    Object.values(t.findResources('AWS::DynamoDB::GlobalTable')).map((table) => {
      const properties = table.Properties as { SSESpecification: unknown; Replicas: { SSESpecification?: { KMSMasterKeyId?: unknown } }[] };
      return { sse: properties.SSESpecification, key: properties.Replicas[0]?.SSESpecification?.KMSMasterKeyId };
    });
  const kmsStatementsOf = (t: Template) =>
    Object.values(t.findResources('AWS::IAM::Policy')).flatMap((policy) =>
      (policy.Properties as { PolicyDocument: { Statement: PolicyStatement[] } }).PolicyDocument.Statement.filter((statement) =>
        actionsOf(statement).some((action) => action.startsWith('kms:')),
      ),
    );

  it('creates a rotated, retained key that encrypts every table, and lets each function only decrypt with it', () => {
    const created = synthesizeSsmHistory({ history: { tableEncryptionKey: 'create' } }).template;
    const keys = created.findResources('AWS::KMS::Key', { Properties: { Description: 'ssm-history: encrypts the history tables' } });
    expect(Object.keys(keys)).toHaveLength(1);
    const [keyId] = Object.keys(keys) as [string];
    expect(keys[keyId]).toMatchObject({ Properties: { EnableKeyRotation: true }, DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
    expect(tableKeysOf(created)).toEqual(tableIds.map(() => ({ sse: { SSEEnabled: true, SSEType: 'KMS' }, key: { 'Fn::GetAtt': [keyId, 'Arn'] } })));
    const onTableKey = kmsStatementsOf(created).filter((statement) => JSON.stringify(statement.Resource).includes(keyId));
    // The collector, the poller and the query function: kms:Decrypt on the table key and nothing else.
    expect(onTableKey).toHaveLength(3);
    for (const statement of onTableKey) expect(statement).toEqual({ Effect: 'Allow', Action: 'kms:Decrypt', Resource: { 'Fn::GetAtt': [keyId, 'Arn'] } });
  });

  it('uses an existing key by its ARN, and refuses anything that is not a key ARN', () => {
    const existing = synthesizeSsmHistory({ history: { tableEncryptionKey: KEY_ARN } }).template;
    expect(tableKeysOf(existing)).toEqual(tableIds.map(() => ({ sse: { SSEEnabled: true, SSEType: 'KMS' }, key: KEY_ARN })));
    expect(kmsStatementsOf(existing).filter((statement) => statement.Resource === KEY_ARN)).toHaveLength(3);
    expect(Object.keys(existing.findResources('AWS::KMS::Key', { Properties: { Description: 'ssm-history: encrypts the history tables' } }))).toEqual([]);
    expect(() => synthesizeSsmHistory({ history: { tableEncryptionKey: 'alias/history' } })).toThrow(/tableEncryptionKey must be "create" or a KMS key ARN/);
  });

  it('keeps the AWS owned key, and grants no table key, by default', () => {
    expect(tableKeysOf(template).every(({ sse, key }) => JSON.stringify(sse) === '{"SSEEnabled":false}' && key === undefined)).toBe(true);
    expect(kmsStatementsOf(template).filter((statement) => actionsOf(statement).includes('kms:Decrypt') && actionsOf(statement).length === 1)).toEqual([]);
  });
});

describe('collector permissions', () => {
  let statements: PolicyStatement[];
  let actions: string[];
  beforeAll(() => {
    statements = statementsOfRole(template, ids.collectorRole);
    actions = statements.flatMap(actionsOf);
  });

  it('uses its own role, without AWS managed policies', () => {
    const role = template.findResources('AWS::IAM::Role')[ids.collectorRole];
    expect(role?.Properties.ManagedPolicyArns).toBeUndefined();
    expect(role?.Properties.Policies).toBeUndefined();
  });

  it('only allows', () => {
    expect(statements.every((statement) => statement.Effect === 'Allow' && statement.Condition === undefined)).toBe(true);
  });

  it('calls exactly the sources’ SSM actions, with no wildcard', () => {
    const unscoped = [...new Set(historySources.flatMap((source) => source.collectorActions))].sort();
    const scoped = historySources.flatMap((source) => (source.scopedCollectorActions ?? []).map(({ action }) => action));
    expect(actions.filter((action) => action.startsWith('ssm:')).sort()).toEqual([...unscoped, ...scoped].sort());
    expect(collectorActionsOf(historySources)).toEqual(unscoped);
    expect(actions.filter((action) => action.startsWith('ssm:') && action.includes('*'))).toEqual([]);
  });

  const scopedArn = (type: string) => ({
    'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':ssm:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, `:${type}/*`]],
  });

  it('reads Automation steps only on this account’s and Region’s automation executions', () => {
    expect(scopedCollectorActionsOf(historySources)).toContainEqual({
      resource: 'arn:${Partition}:ssm:${Region}:${Account}:automation-execution/*',
      actions: ['ssm:DescribeAutomationStepExecutions'],
    });
    const scoped = statements.filter((statement) => actionsOf(statement).includes('ssm:DescribeAutomationStepExecutions'));
    expect(scoped).toHaveLength(1);
    expect(actionsOf(scoped[0] as PolicyStatement)).toEqual(['ssm:DescribeAutomationStepExecutions']);
    expect(resourcesOf(scoped[0] as PolicyStatement)).toEqual([scopedArn('automation-execution')]);
  });

  it('reads association executions and their targets only on this account’s and Region’s associations', () => {
    expect(scopedCollectorActionsOf(historySources)).toEqual([
      {
        resource: 'arn:${Partition}:ssm:${Region}:${Account}:association/*',
        actions: ['ssm:DescribeAssociationExecutionTargets', 'ssm:DescribeAssociationExecutions'],
      },
      {
        resource: 'arn:${Partition}:ssm:${Region}:${Account}:automation-execution/*',
        actions: ['ssm:DescribeAutomationStepExecutions'],
      },
      {
        resource: 'arn:${Partition}:ssm:${Region}:${Account}:maintenancewindow/*',
        actions: ['ssm:DescribeMaintenanceWindowExecutions'],
      },
    ]);
    const scoped = statements.filter((statement) => actionsOf(statement).includes('ssm:DescribeAssociationExecutions'));
    expect(scoped).toHaveLength(1);
    expect(actionsOf(scoped[0] as PolicyStatement)).toEqual(['ssm:DescribeAssociationExecutionTargets', 'ssm:DescribeAssociationExecutions']);
    expect(resourcesOf(scoped[0] as PolicyStatement)).toEqual([scopedArn('association')]);
  });

  it('writes with UpdateItem only, on exactly the tables the sources write, the checkpoints and the failures per day (its counters)', () => {
    const dynamodb = statements.filter((statement) => actionsOf(statement).includes('dynamodb:UpdateItem'));
    expect([...new Set(dynamodb.flatMap(actionsOf))]).toEqual(['dynamodb:UpdateItem']);
    const written = [...tablesWrittenBy(historySources), 'pollCheckpoints' as const, 'failureDays' as const].map((tableId) => getAtt(pinnedTableLogicalIds[tableId]));
    expect(dynamodb.flatMap(resourcesOf)).toEqual(expect.arrayContaining(written));
    expect(dynamodb.flatMap(resourcesOf)).toHaveLength(written.length);
  });

  it("reads by key (GetItem) only the tables its kinds' collection reads, and the ledger of passes beside the checkpoints", () => {
    const reads = statements.filter((statement) => actionsOf(statement).some((action) => action.startsWith('dynamodb:') && action !== 'dynamodb:UpdateItem'));
    expect([...new Set(reads.flatMap(actionsOf))]).toEqual(['dynamodb:GetItem']);
    expect(tablesReadBy(historySources)).toEqual(expect.arrayContaining(['commandInvocations', 'associationExecutions']));
    const expected = [...tablesReadBy(historySources), 'pollCheckpoints' as const].map((tableId) => getAtt(pinnedTableLogicalIds[tableId]));
    expect(reads.flatMap(resourcesOf)).toEqual(expect.arrayContaining(expected));
    expect(reads.flatMap(resourcesOf)).toHaveLength(expected.length);
  });

  it('consumes the work queue and the gathering queue, and publishes only to the alerts topic', () => {
    const sqs = statements.filter((statement) => actionsOf(statement).some((action) => action.startsWith('sqs:')));
    expect(sqs.flatMap(resourcesOf)).toEqual(expect.arrayContaining([getAtt(ids.queue), getAtt(ids.gatheringQueue)]));
    expect(sqs.flatMap(resourcesOf)).toHaveLength(2);
    // What Lambda's SQS poller calls with the function's role, and nothing more.
    expect(sqs.flatMap(actionsOf).sort()).toEqual(['sqs:DeleteMessage', 'sqs:GetQueueAttributes', 'sqs:ReceiveMessage']);
    expect(actions).not.toContain('sqs:SendMessage');
    const sns = statements.filter((statement) => actionsOf(statement).some((action) => action.startsWith('sns:')));
    expect(sns.flatMap(actionsOf)).toEqual(['sns:Publish']);
    expect(sns.flatMap(resourcesOf)).toEqual([{ Ref: logicalIdOf(stack.history.alertsTopic) }]);
  });

  it('has Resource "*" only for the SSM actions and X-Ray, which support no resource types', () => {
    const onAnyResource = statements.filter((statement) => resourcesOf(statement).includes('*')).flatMap(actionsOf);
    expect(onAnyResource.sort()).toEqual(
      [...collectorActionsOf(historySources), 'xray:PutTelemetryRecords', 'xray:PutTraceSegments'].sort(),
    );
  });

  it('reaches nothing beyond SSM reads, its tables, its queue, the alerts topic and its key, its logs and X-Ray', () => {
    const services = new Set(actions.map((action) => action.split(':')[0]));
    expect([...services].sort()).toEqual(['dynamodb', 'kms', 'logs', 'sns', 'sqs', 'ssm', 'xray']);
    const logs = statements.filter((statement) => actionsOf(statement).some((action) => action.startsWith('logs:')));
    expect(logs.flatMap(actionsOf).sort()).toEqual(['logs:CreateLogStream', 'logs:PutLogEvents']);
  });
});

describe('collector function', () => {
  it('runs on arm64 and nodejs24.x with active tracing and JSON logs into its own log group', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Architectures: ['arm64'],
      Runtime: 'nodejs24.x',
      Handler: 'index.handler',
      MemorySize: 512,
      TracingConfig: { Mode: 'Active' },
      LoggingConfig: Match.objectLike({ LogFormat: 'JSON', LogGroup: { Ref: Match.anyValue() } }),
    });
    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 30 });
  });

  it('knows every table by its schema’s environment variable', () => {
    const variables = Object.fromEntries(
      tableIds.map((tableId) => [tableSchemas[tableId].envVar, { Ref: pinnedTableLogicalIds[tableId] }]),
    );
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ ...variables, POWERTOOLS_SERVICE_NAME: Match.anyValue() }) },
    });
  });

  it('times out well within the work queue’s visibility timeout (>= 6x)', () => {
    const fn = template.findResources('AWS::Lambda::Function')[ids.collector];
    const queue = template.findResources('AWS::SQS::Queue')[ids.queue];
    const timeout: unknown = fn?.Properties.Timeout;
    const visibility: unknown = queue?.Properties.VisibilityTimeout;
    expect(typeof timeout).toBe('number');
    expect(typeof visibility).toBe('number');
    expect(visibility as number).toBeGreaterThanOrEqual(6 * (timeout as number));
  });

  it('starts polling only after its SSM permissions exist', () => {
    const mapping = Object.values(template.findResources('AWS::Lambda::EventSourceMapping'))[0];
    const ssmPolicy = Object.entries(template.findResources('AWS::IAM::Policy')).find(([, policy]) =>
      JSON.stringify(policy).includes('ssm:ListCommands'),
    );
    expect(mapping?.DependsOn).toContain(ssmPolicy?.[0]);
  });
});
