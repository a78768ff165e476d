import { BatchGetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/** BatchGetItem's limit of keys per request. */
const BATCH_GET_LIMIT = 100;
/** Unprocessed keys are retried this often, with backoff (the SDK already retries throttling). */
const BATCH_GET_ATTEMPTS = 6;

export interface BatchGetOptions {
  readonly consistentRead?: boolean;
  /** ProjectionExpression with its attribute names; the key attributes must be among them. */
  readonly projection?: { readonly expression: string; readonly names: Readonly<Record<string, string>> };
}

/**
 * Every item of `keys` that exists, in no particular order: requests of 100 keys, each
 * request's unprocessed keys retried with backoff until none is left (or it gives up). The
 * keys must be distinct: BatchGetItem rejects a request that names one key twice.
 */
export async function batchGetAll(
  db: Pick<DynamoDBDocumentClient, 'send'>,
  tableName: string,
  keys: readonly Record<string, unknown>[],
  options: BatchGetOptions = {},
): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  for (let i = 0; i < keys.length; i += BATCH_GET_LIMIT) {
    let pending: Record<string, unknown>[] = keys.slice(i, i + BATCH_GET_LIMIT);
    for (let attempt = 1; pending.length > 0; attempt++) {
      if (attempt > BATCH_GET_ATTEMPTS) throw new Error(`BatchGetItem left ${pending.length} keys of ${tableName} unprocessed after ${BATCH_GET_ATTEMPTS} attempts`);
      if (attempt > 1) await new Promise((resolve) => setTimeout(resolve, 25 * 2 ** attempt));
      const { Responses, UnprocessedKeys } = await db.send(
        new BatchGetCommand({
          RequestItems: {
            [tableName]: {
              Keys: pending,
              ...(options.consistentRead ? { ConsistentRead: true } : {}),
              ...(options.projection ? { ProjectionExpression: options.projection.expression, ExpressionAttributeNames: { ...options.projection.names } } : {}),
            },
          },
        }),
      );
      items.push(...(Responses?.[tableName] ?? []));
      pending = UnprocessedKeys?.[tableName]?.Keys ?? [];
    }
  }
  return items;
}
