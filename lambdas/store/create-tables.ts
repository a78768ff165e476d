import {
  CreateTableCommand,
  ResourceInUseException,
  waitUntilTableExists,
  type DynamoDBClient,
  type AttributeDefinition,
  type GlobalSecondaryIndex,
  type KeySchemaElement,
  type Projection,
} from '@aws-sdk/client-dynamodb';
import { projectionOf, type KeyAttribute, type TableId, type TableSchemas } from '../core/table-schema';

/**
 * Creates the archive's tables from their declarations, for local mode and tests
 * (in AWS the CDK construct creates them from the same definitions). Existing tables are kept.
 */
export async function createTables(client: DynamoDBClient, schemas: TableSchemas, names: Readonly<Record<TableId, string>>): Promise<void> {
  for (const [id, schema] of Object.entries(schemas)) {
    const TableName = names[id];
    if (TableName === undefined) throw new Error(`no name given for table ${id}`);
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
      Projection: projectionRequest(projectionOf(index)),
    }));
    try {
      await client.send(
        new CreateTableCommand({
          TableName,
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
    await waitUntilTableExists({ client, maxWaitTime: 30, minDelay: 0.1, maxDelay: 0.5 }, { TableName });
  }
}

function projectionRequest(projection: ReturnType<typeof projectionOf>): Projection {
  return projection.type === 'INCLUDE' ? { ProjectionType: 'INCLUDE', NonKeyAttributes: [...projection.nonKeyAttributes] } : { ProjectionType: projection.type };
}
