import {
  CreateTableCommand,
  ResourceInUseException,
  waitUntilTableExists,
  type DynamoDBClient,
  type AttributeDefinition,
  type GlobalSecondaryIndex,
  type KeySchemaElement,
} from '@aws-sdk/client-dynamodb';
import { tableIds, tableSchemas, type KeyAttribute, type TableNames, type TableSchema } from './schema';

/**
 * Creates the archive's tables from the one schema definition, for local mode and tests
 * (in AWS the CDK construct creates them from the same definitions). Existing tables are kept.
 */
export async function createTables(client: DynamoDBClient, names: TableNames): Promise<void> {
  for (const id of tableIds) {
    const schema: TableSchema = tableSchemas[id];
    const keys = [schema.partitionKey, ...(schema.sortKey ? [schema.sortKey] : [])];
    const KeySchema: KeySchemaElement[] = keys.map((key, index) => ({
      AttributeName: key.name,
      KeyType: index === 0 ? 'HASH' : 'RANGE',
    }));
    const indexes = schema.indexes ?? [];
    const attributes = new Map<string, KeyAttribute>();
    for (const key of [...keys, ...indexes.flatMap((index) => [index.partitionKey, ...(index.sortKey ? [index.sortKey] : [])])]) {
      attributes.set(key.name, key);
    }
    const AttributeDefinitions: AttributeDefinition[] = [...attributes.values()].map((key) => ({
      AttributeName: key.name,
      AttributeType: key.type,
    }));
    const GlobalSecondaryIndexes: GlobalSecondaryIndex[] = indexes.map((index) => ({
      IndexName: index.name,
      KeySchema: [
        { AttributeName: index.partitionKey.name, KeyType: 'HASH' },
        ...(index.sortKey ? [{ AttributeName: index.sortKey.name, KeyType: 'RANGE' as const }] : []),
      ],
      Projection: index.include
        ? { ProjectionType: 'INCLUDE', NonKeyAttributes: [...index.include] }
        : { ProjectionType: 'ALL' },
    }));
    try {
      await client.send(
        new CreateTableCommand({
          TableName: names[id],
          KeySchema,
          AttributeDefinitions,
          BillingMode: 'PAY_PER_REQUEST',
          ...(GlobalSecondaryIndexes.length > 0 ? { GlobalSecondaryIndexes } : {}),
        }),
      );
    } catch (error) {
      if (!(error instanceof ResourceInUseException) && !(error instanceof Error && error.name === 'ResourceInUseException')) {
        throw error;
      }
    }
    // dynalite can reject a write that follows CreateTable too closely: wait until it is ACTIVE.
    await waitUntilTableExists({ client, maxWaitTime: 30, minDelay: 0.1, maxDelay: 0.5 }, { TableName: names[id] });
  }
}

/** Table names for one environment: the logical names with a prefix. */
export function prefixedTableNames(prefix: string): TableNames {
  const names = {} as TableNames;
  for (const id of tableIds) names[id] = `${prefix}${tableSchemas[id].logicalName}`;
  return names;
}
