import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, DynamoDBDocumentClient, type BatchGetCommandInput } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { batchGetAll } from '../../lambdas/store/batch-get';

/** BatchGetItem in requests of 100 keys, unprocessed keys asked again (DynamoDB mocked). */
const TABLE = 'archive-Commands';
const keyOf = (n: number): Record<string, string> => ({ CommandId: `c-${String(n).padStart(4, '0')}` });
const keysOf = (input: BatchGetCommandInput): Record<string, unknown>[] => input.RequestItems?.[TABLE]?.Keys ?? [];

describe('batchGetAll', () => {
  const doc = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } }));
  const dynamo = mockClient(doc);

  beforeEach(() => {
    dynamo.reset();
    jest.useRealTimers();
  });

  it('asks for 100 keys a request, every key once, and returns every item found', async () => {
    const keys = Array.from({ length: 250 }, (_, n) => keyOf(n));
    dynamo.on(BatchGetCommand).callsFake((input: BatchGetCommandInput) => ({
      // Every other key exists.
      Responses: { [TABLE]: keysOf(input).filter((_, index) => index % 2 === 0).map((key) => ({ ...key, Status: 'Success' })) },
    }));
    const items = await batchGetAll(doc, TABLE, keys);
    const requests = dynamo.commandCalls(BatchGetCommand).map((call) => keysOf(call.args[0].input));
    expect(requests.map((request) => request.length)).toEqual([100, 100, 50]);
    expect(requests.flat()).toEqual(keys);
    expect(items).toHaveLength(125);
    expect(items[0]).toEqual({ ...keyOf(0), Status: 'Success' });
  });

  it('makes no request for no keys', async () => {
    expect(await batchGetAll(doc, TABLE, [])).toEqual([]);
    expect(dynamo.commandCalls(BatchGetCommand)).toHaveLength(0);
  });

  it('passes a consistent read and a projection when asked, and neither otherwise', async () => {
    dynamo.on(BatchGetCommand).resolves({ Responses: { [TABLE]: [] } });
    await batchGetAll(doc, TABLE, [keyOf(1)]);
    await batchGetAll(doc, TABLE, [keyOf(1)], { consistentRead: true, projection: { expression: '#k, #s', names: { '#k': 'CommandId', '#s': 'Status' } } });
    const [plain, asked] = dynamo.commandCalls(BatchGetCommand).map((call) => call.args[0].input.RequestItems?.[TABLE]);
    expect(plain).toEqual({ Keys: [keyOf(1)] });
    expect(asked).toEqual({
      Keys: [keyOf(1)],
      ConsistentRead: true,
      ProjectionExpression: '#k, #s',
      ExpressionAttributeNames: { '#k': 'CommandId', '#s': 'Status' },
    });
  });

  it('asks again for the keys DynamoDB left unprocessed, and only for those', async () => {
    const keys = [keyOf(1), keyOf(2), keyOf(3)];
    dynamo
      .on(BatchGetCommand)
      .resolvesOnce({ Responses: { [TABLE]: [keyOf(1)] }, UnprocessedKeys: { [TABLE]: { Keys: [keyOf(2), keyOf(3)] } } })
      .resolvesOnce({ Responses: { [TABLE]: [keyOf(3)] }, UnprocessedKeys: { [TABLE]: { Keys: [keyOf(2)] } } })
      .resolves({ Responses: { [TABLE]: [keyOf(2)] } });
    expect(await batchGetAll(doc, TABLE, keys)).toEqual([keyOf(1), keyOf(3), keyOf(2)]);
    expect(dynamo.commandCalls(BatchGetCommand).map((call) => keysOf(call.args[0].input))).toEqual([keys, [keyOf(2), keyOf(3)], [keyOf(2)]]);
  });

  it('waits longer before each retry, and gives up after six attempts', async () => {
    jest.useFakeTimers();
    dynamo.on(BatchGetCommand).resolves({ Responses: { [TABLE]: [] }, UnprocessedKeys: { [TABLE]: { Keys: [keyOf(7)] } } });
    const result = batchGetAll(doc, TABLE, [keyOf(7)]).then(
      () => 'resolved',
      (error: unknown) => (error instanceof Error ? error.message : String(error)),
    );
    const requestsAfter = async (ms: number): Promise<number> => {
      await jest.advanceTimersByTimeAsync(ms);
      return dynamo.commandCalls(BatchGetCommand).length;
    };
    // The first attempt at once, then 100, 200, 400, 800 and 1,600 ms before the next.
    expect(await requestsAfter(0)).toBe(1);
    expect(await requestsAfter(99)).toBe(1);
    expect(await requestsAfter(1)).toBe(2);
    expect(await requestsAfter(199)).toBe(2);
    expect(await requestsAfter(1)).toBe(3);
    expect(await requestsAfter(400)).toBe(4);
    expect(await requestsAfter(800)).toBe(5);
    expect(await requestsAfter(1600)).toBe(6);
    expect(await result).toBe(`BatchGetItem left 1 keys of ${TABLE} unprocessed after 6 attempts`);
    expect(dynamo.commandCalls(BatchGetCommand)).toHaveLength(6);
  });
});
