import {
  CreateTableCommand,
  ResourceInUseException,
  waitUntilTableExists,
  type DynamoDBClient,
  type KeySchemaElement,
  type AttributeDefinition,
} from '@aws-sdk/client-dynamodb';
import { tableIds, tableSchemas, type TableNames, type TableSchema } from './schema';

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
    const AttributeDefinitions: AttributeDefinition[] = keys.map((key) => ({ AttributeName: key.name, AttributeType: key.type }));
    try {
      await client.send(
        new CreateTableCommand({ TableName: names[id], KeySchema, AttributeDefinitions, BillingMode: 'PAY_PER_REQUEST' }),
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
