import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { RecordStore } from '../../lambdas/store/record-store';
import { prefixedTableNames, tableSchemas } from '../../lambdas/sources/tables';
import { COMMAND_ID, INSTANCE_ID, invocationObservation } from '../support/observations';

/**
 * What the store asks DynamoDB for, and what it makes of DynamoDB's errors, against a mocked
 * document client: the reads' consistency, and which errors are answers (a lost condition)
 * and which must reach the caller (throttling, a failed validation) so that the queue retries.
 */
const T1 = '2026-11-20T10:00:00.000Z';
const key = { CommandId: COMMAND_ID, InstanceId: INSTANCE_ID };
const error = (name: string, message = name): Error => Object.assign(new Error(message), { name });
const tooLarge = (): Error => error('ValidationException', 'Item size to update has exceeded the maximum allowed size');

describe('RecordStore requests and errors (DynamoDB mocked)', () => {
  const doc = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } }));
  const dynamo = mockClient(doc);
  const store = new RecordStore(doc, tableSchemas, prefixedTableNames('requests-'), () => new Date('2026-11-20T12:00:00.000Z'));
  const at = new Date(T1);

  beforeEach(() => {
    dynamo.reset();
  });

  it('reads an item strongly consistent unless told otherwise, and pages a partition strongly consistent', async () => {
    dynamo.on(GetCommand).resolves({ Item: { ...key, Status: 'Success' } });
    dynamo.on(QueryCommand).resolves({ Items: [] });
    expect(await store.get('commandInvocations', key)).toEqual({ ...key, Status: 'Success' });
    await store.get('commandInvocations', key, false);
    await store.page('commandInvocations', COMMAND_ID, 25);
    expect(dynamo.commandCalls(GetCommand).map((call) => call.args[0].input.ConsistentRead)).toEqual([true, false]);
    expect(dynamo.commandCalls(QueryCommand)[0]?.args[0].input).toMatchObject({
      TableName: 'requests-CommandInvocations',
      ConsistentRead: true,
      Limit: 25,
      ExpressionAttributeValues: { ':pk': COMMAND_ID },
    });
  });

  it('writes again with half the budget only when DynamoDB refuses the item as too large', async () => {
    dynamo.on(UpdateCommand).rejectsOnce(tooLarge()).resolves({});
    const output = 'x'.repeat(300_000);
    expect(await store.upsert(invocationObservation('Failed', T1, { fields: { Output: output } }))).toBe('created');
    const written = dynamo.commandCalls(UpdateCommand).map((call) => call.args[0].input.ExpressionAttributeValues ?? {});
    expect(written).toHaveLength(2);
    const outputs = written.map((values) => Object.values(values).find((value): value is string => typeof value === 'string' && value.startsWith('xxx')));
    expect(outputs[0]).toBe(output);
    expect(outputs[1]?.length).toBeLessThan(((400 - 24) * 1024) / 2);
  });

  it.each([
    ['throttling', error('ProvisionedThroughputExceededException', 'Rate of requests exceeds the allowed throughput')],
    ['another validation error', error('ValidationException', 'One or more parameter values were invalid')],
    ['a size message from something else', error('InternalServerError', 'Item size has exceeded the maximum allowed size')],
  ])('passes %s on to the caller after one write, without cutting harder', async (_what, failure) => {
    dynamo.on(UpdateCommand).rejects(failure);
    await expect(store.upsert(invocationObservation('Failed', T1))).rejects.toThrow(failure.message);
    expect(dynamo.commandCalls(UpdateCommand)).toHaveLength(1);
  });

  it('reports a lost claim as false, and passes any other error of the claim on', async () => {
    dynamo.on(UpdateCommand).rejectsOnce(error('ConditionalCheckFailedException')).rejectsOnce(error('ThrottlingException'));
    expect(await store.claimAlert('commandInvocations', key, 'claim', at, at)).toBe(false);
    await expect(store.claimAlert('commandInvocations', key, 'claim', at, at)).rejects.toThrow('ThrottlingException');
  });

  it('leaves a claim taken over by another collector alone, and passes any other error of settling it on', async () => {
    dynamo.on(UpdateCommand).rejectsOnce(error('ConditionalCheckFailedException')).rejectsOnce(error('ConditionalCheckFailedException'));
    await expect(store.markAlertSent('commandInvocations', key, 'claim', at, 'message-1')).resolves.toBeUndefined();
    await expect(store.releaseAlert('commandInvocations', key, 'claim')).resolves.toBeUndefined();
    dynamo.on(UpdateCommand).rejects(error('ThrottlingException'));
    await expect(store.markAlertSent('commandInvocations', key, 'claim', at, 'message-1')).rejects.toThrow('ThrottlingException');
    await expect(store.releaseAlert('commandInvocations', key, 'claim')).rejects.toThrow('ThrottlingException');
  });
});
