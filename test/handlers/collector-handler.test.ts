import { ListCommandInvocationsCommand, ListCommandsCommand, SSMClient } from '@aws-sdk/client-ssm';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import invocationEvent from '../fixtures/aws/command-invocation-status-change.json';
import { RecordStore } from '../../lambdas/store/record-store';
import { tableIds, tableSchemas, type TableNames } from '../../lambdas/store/schema';
import { startDynalite, type TestDatabase } from '../support/databases';

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
  const saved = { ...process.env };

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
    const stored = await new RecordStore(database.doc, tables).get('commandInvocations', {
      CommandId: invocationEvent.detail['command-id'],
      InstanceId: invocationEvent.detail['instance-id'],
    });
    expect(stored).toMatchObject({ Status: 'Success', DocumentName: 'AWS-RunPowerShellScript' });
  });
});
