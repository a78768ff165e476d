import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { ListCommandInvocationsCommand, ListCommandsCommand, SSMClient } from '@aws-sdk/client-ssm';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import invocationEvent from '../fixtures/aws/command-invocation-status-change.json';
import snsInvocation from '../fixtures/aws/sns-invocation.json';
import { memberReadRoleArn } from '../../lambdas/core/scope';
import { RecordStore } from '../../lambdas/store/record-store';
import { tableIds, tableSchemas, type TableNames } from '../../lambdas/sources/tables';
import { startDynalite, type TestDatabase } from '../support/databases';
import { snsEnvelope } from '../support/messages';

/** The Lambda entry point as SQS calls it: env in, partial batch response out. */
function sqsRecord(messageId: string, body: string): SQSRecord {
  return {
    messageId,
    receiptHandle: `handle-${messageId}`,
    body,
    attributes: {
      ApproximateReceiveCount: '1',
      SentTimestamp: '1700000000000',
      SenderId: 'AIDAEXAMPLE',
      ApproximateFirstReceiveTimestamp: '1700000000000',
    },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:us-east-1:123456789012:ssm-history-work',
    awsRegion: 'us-east-1',
  };
}

describe('collector handler', () => {
  let database: TestDatabase;
  let tables: TableNames;
  const ssmMock = mockClient(SSMClient);
  const snsMock = mockClient(SNSClient);
  const saved = { ...process.env };
  const TOPIC = 'arn:aws:sns:us-east-1:123456789012:ssm-history-alerts';
  const NOTIFICATIONS = 'arn:aws:sns:us-east-1:123456789012:ssm-history-notifications';

  beforeAll(async () => {
    database = await startDynalite();
    tables = await database.tables('handler');
    const endpoint = await database.client.config.endpoint?.();
    process.env = {
      ...process.env,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
      AWS_ENDPOINT_URL_DYNAMODB: `${endpoint?.protocol}//${endpoint?.hostname}:${endpoint?.port}`,
      AWS_LAMBDA_LOG_LEVEL: 'SILENT',
      ALERT_TOPIC_ARN: TOPIC,
      ALERT_ACCOUNT_ID: '123456789012',
      ALERT_PARTITION: 'aws',
      // AWS's sample is from 2016: old enough that the default (24 hours) would archive it without an alert.
      ALERT_MAX_AGE_HOURS: String(20 * 365 * 24),
      // AWS's samples come from account 123456789012 in us-east-1.
      HOME_ACCOUNT: '123456789012',
      SOURCE_ACCOUNTS: '123456789012',
      SOURCE_REGIONS: 'us-east-1',
      NOTIFICATION_TOPIC_ARNS: NOTIFICATIONS,
    };
    for (const id of tableIds) process.env[tableSchemas[id].envVar] = tables[id];
  });
  afterAll(async () => {
    process.env = saved;
    await database.stop();
  });

  it('stores what it can and reports exactly the unusable messages as batch item failures', async () => {
    // Imported only now: the handler reads its configuration once, at module load.
    ssmMock.on(ListCommandInvocationsCommand).resolves({ CommandInvocations: [] });
    ssmMock.on(ListCommandsCommand).resolves({ Commands: [] });
    const { handler } = await import('../../lambdas/handlers/collector');
    const event: SQSEvent = {
      Records: [sqsRecord('good', JSON.stringify(invocationEvent)), sqsRecord('bad', '{"detail-type": 42}')],
    };
    expect(await handler(event)).toEqual({ batchItemFailures: [{ itemIdentifier: 'bad' }] });
    const stored = await new RecordStore(database.doc, tableSchemas, tables).get('commandInvocations', {
      CommandId: invocationEvent.detail['command-id'],
      InstanceId: invocationEvent.detail['instance-id'],
    });
    expect(stored).toMatchObject({ Status: 'Success', DocumentName: 'AWS-RunPowerShellScript' });
    expect(snsMock.commandCalls(PublishCommand)).toHaveLength(0);
  });

  it('reads only the senders its environment names: events of its accounts and Regions, notifications of its topic', async () => {
    ssmMock.on(ListCommandInvocationsCommand).resolves({ CommandInvocations: [] });
    ssmMock.on(ListCommandsCommand).resolves({ Commands: [] });
    const { handler } = await import('../../lambdas/handlers/collector');
    const instance = (id: string) => ({ ...invocationEvent, detail: { ...invocationEvent.detail, 'instance-id': id, status: 'InProgress' } });
    const notification = (topicArn: string) =>
      snsEnvelope({ ...snsInvocation, instanceId: 'i-0e00000000000000e', status: 'InProgress' }, topicArn);
    const event: SQSEvent = {
      Records: [
        sqsRecord('ours', JSON.stringify(instance('i-0c00000000000000c'))),
        sqsRecord('other-account', JSON.stringify({ ...instance('i-0d00000000000000d'), account: '999999999999' })),
        sqsRecord('other-region', JSON.stringify({ ...instance('i-0d00000000000000d'), region: 'eu-west-1' })),
        sqsRecord('our-topic', notification(NOTIFICATIONS)),
        sqsRecord('other-topic', notification('arn:aws:sns:us-east-1:123456789012:someone-else')),
      ],
    };
    const { batchItemFailures } = await handler(event);
    expect(batchItemFailures.map((failure) => failure.itemIdentifier).sort()).toEqual(['other-account', 'other-region', 'other-topic']);
    const store = new RecordStore(database.doc, tableSchemas, tables);
    const commandId = invocationEvent.detail['command-id'];
    expect(await store.get('commandInvocations', { CommandId: commandId, InstanceId: 'i-0c00000000000000c' })).toBeDefined();
    expect(await store.get('commandInvocations', { CommandId: commandId, InstanceId: 'i-0d00000000000000d' })).toBeUndefined();
    expect(await store.get('commandInvocations', { CommandId: snsInvocation.commandId, InstanceId: 'i-0e00000000000000e' })).toBeDefined();
  });

  it('reports every message of a parent it could not collect as a batch item failure, not only the first', async () => {
    const failingCommand = '0f0f0f0f-1111-4222-8333-444455556666';
    ssmMock.on(ListCommandsCommand).resolves({ Commands: [] });
    ssmMock.on(ListCommandInvocationsCommand).resolves({ CommandInvocations: [] });
    ssmMock.on(ListCommandInvocationsCommand, { CommandId: failingCommand }).rejects(Object.assign(new Error('slow down'), { name: 'ThrottlingException' }));
    const { handler } = await import('../../lambdas/handlers/collector');
    const failing = (instance: string) => ({ ...invocationEvent, detail: { ...invocationEvent.detail, 'command-id': failingCommand, 'instance-id': instance, status: 'Failed' } });
    const event: SQSEvent = {
      Records: [
        sqsRecord('first', JSON.stringify(failing('i-0a00000000000000a'))),
        sqsRecord('fine', JSON.stringify(invocationEvent)),
        sqsRecord('second', JSON.stringify(failing('i-0b00000000000000b'))),
        sqsRecord('third', JSON.stringify(failing('i-0a00000000000000a'))),
      ],
    };
    const { batchItemFailures } = await handler(event);
    expect(batchItemFailures.map((failure) => failure.itemIdentifier).sort()).toEqual(['first', 'second', 'third']);
    expect(snsMock.commandCalls(PublishCommand)).toHaveLength(0);
  });

  it('publishes no alert for a failure SSM\'s read does not show: an event alone may be forged', async () => {
    ssmMock.on(ListCommandInvocationsCommand).resolves({ CommandInvocations: [] });
    ssmMock.on(ListCommandsCommand).resolves({ Commands: [] });
    snsMock.on(PublishCommand).resolves({ MessageId: 'message-1' });
    const { handler } = await import('../../lambdas/handlers/collector');
    const failed = { ...invocationEvent, detail: { ...invocationEvent.detail, 'instance-id': 'i-0f00000000000000e', status: 'Failed' } };
    expect(await handler({ Records: [sqsRecord('failed', JSON.stringify(failed))] })).toEqual({ batchItemFailures: [] });
    expect(snsMock.commandCalls(PublishCommand)).toHaveLength(0);
    const stored = await new RecordStore(database.doc, tableSchemas, tables).get('commandInvocations', { CommandId: invocationEvent.detail['command-id'], InstanceId: 'i-0f00000000000000e' });
    expect(stored).toMatchObject({ Status: 'Failed', confirmed: false });
    expect(stored).not.toHaveProperty('alertState');
  });

  it('publishes one alert to the topic for a failed invocation, with subject, JSON body and attributes, and not again for its duplicate', async () => {
    const failed = { ...invocationEvent, detail: { ...invocationEvent.detail, 'instance-id': 'i-0f00000000000000d', status: 'Failed' } };
    // SSM's read of the invocation, which confirms the failure the event announced.
    ssmMock.on(ListCommandInvocationsCommand).resolves({
      CommandInvocations: [
        {
          CommandId: failed.detail['command-id'],
          InstanceId: 'i-0f00000000000000d',
          DocumentName: failed.detail['document-name'],
          RequestedDateTime: new Date(failed.detail['requested-date-time']),
          Status: 'Failed',
          StatusDetails: 'Failed',
          CommandPlugins: [],
        },
      ],
    });
    ssmMock.on(ListCommandsCommand).resolves({ Commands: [] });
    snsMock.on(PublishCommand).resolves({ MessageId: 'message-1' });
    const { handler } = await import('../../lambdas/handlers/collector');
    expect(await handler({ Records: [sqsRecord('failed', JSON.stringify(failed))] })).toEqual({ batchItemFailures: [] });
    expect(await handler({ Records: [sqsRecord('again', JSON.stringify(failed))] })).toEqual({ batchItemFailures: [] });

    const publishes = snsMock.commandCalls(PublishCommand).map((call) => call.args[0].input);
    expect(publishes).toHaveLength(1);
    const [publish] = publishes;
    expect(publish).toMatchObject({
      TopicArn: TOPIC,
      Subject: 'SSM Run Command Failed: AWS-RunPowerShellScript on i-0f00000000000000d',
      MessageAttributes: {
        kind: { DataType: 'String', StringValue: 'command-invocation' },
        status: { DataType: 'String', StringValue: 'Failed' },
        document: { DataType: 'String', StringValue: 'AWS-RunPowerShellScript' },
      },
    });
    expect(JSON.parse(publish?.Message ?? '')).toMatchObject({
      kind: 'command-invocation',
      status: 'Failed',
      accountId: '123456789012',
      commandId: invocationEvent.detail['command-id'],
      instanceId: 'i-0f00000000000000d',
      consoleUrl: `https://us-east-1.console.aws.amazon.com/systems-manager/run-command/${invocationEvent.detail['command-id']}/i-0f00000000000000d?region=us-east-1`,
    });
  });

  describe('for an organization', () => {
    const MEMBER = '111111111111';
    const stsMock = mockClient(STSClient);
    const organizationEnv = { MEMBER_ACCOUNTS: MEMBER, MEMBER_REGIONS: 'us-east-1', SOURCE_ACCOUNTS: `123456789012,${MEMBER}` };
    beforeEach(() => {
      stsMock.reset();
      stsMock.on(AssumeRoleCommand).resolves({
        Credentials: { AccessKeyId: 'ASIAMEMBER', SecretAccessKey: 'secret', SessionToken: 'token', Expiration: new Date(Date.now() + 3_600_000) },
      });
    });
    afterEach(() => {
      for (const name of Object.keys(organizationEnv)) delete process.env[name];
      process.env.SOURCE_ACCOUNTS = '123456789012';
    });

    it("refuses at init a configuration that names members: the one-account collector holds no STS client to read them", async () => {
      Object.assign(process.env, organizationEnv);
      await jest.isolateModulesAsync(async () => {
        await expect(import('../../lambdas/handlers/collector')).rejects.toThrow(/MEMBER_REGIONS is set, but this collector reads its own account and Region only/);
      });
    });

    it("reads a member's event through the member's read role and stores the record as that member's", async () => {
      Object.assign(process.env, organizationEnv);
      // Which credentials and Region each SSM call was made with: the member's, through its role.
      const callers: { accessKeyId: string; region: string }[] = [];
      const caller = async (getClient: () => SSMClient) => {
        const client = getClient();
        const credentials = await (client.config.credentials as () => Promise<{ accessKeyId: string }>)();
        callers.push({ accessKeyId: credentials.accessKeyId, region: await client.config.region() });
      };
      ssmMock.on(ListCommandInvocationsCommand).callsFake(async (_input, getClient) => (await caller(getClient), { CommandInvocations: [] }));
      ssmMock.on(ListCommandsCommand).callsFake(async (_input, getClient) => (await caller(getClient), { Commands: [] }));
      // Its first import in this file: it reads the organization's configuration now.
      const { handler } = await import('../../lambdas/handlers/organization-collector');
      // A failure: the collector reads SSM to confirm it (an event alone may be forged).
      const memberEvent = { ...invocationEvent, account: MEMBER, detail: { ...invocationEvent.detail, 'instance-id': 'i-0a1a1a1a1a1a1a1a1', status: 'Failed' } };
      expect(await handler({ Records: [sqsRecord('member', JSON.stringify(memberEvent))] })).toEqual({ batchItemFailures: [] });
      const roles = stsMock.commandCalls(AssumeRoleCommand).map((call) => call.args[0].input);
      expect(roles).toEqual([expect.objectContaining({ RoleArn: memberReadRoleArn({ account: MEMBER, region: 'us-east-1' }), RoleSessionName: 'ssm-history-collector' })]);
      expect(callers.length).toBeGreaterThan(0);
      expect(new Set(callers.map((call) => `${call.accessKeyId} ${call.region}`))).toEqual(new Set(['ASIAMEMBER us-east-1']));
      const stored = await new RecordStore(database.doc, tableSchemas, tables).get('commandInvocations', {
        CommandId: invocationEvent.detail['command-id'],
        InstanceId: 'i-0a1a1a1a1a1a1a1a1',
      });
      expect(stored).toMatchObject({ Status: 'Failed', account: MEMBER, region: 'us-east-1' });
    });
  });
});
