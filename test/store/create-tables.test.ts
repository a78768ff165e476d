import { GetItemCommand, ListTablesCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { createTables } from '../../lambdas/store/create-tables';
import { prefixedTableNames, tableSchemas } from '../../lambdas/sources/tables';
import { tableIds } from '../../lambdas/sources/tables';
import { startDynalite, type TestDatabase } from '../support/databases';

/** Local mode creates its tables at every start: an existing table (and its records) is kept. */
describe('createTables', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await startDynalite();
  });
  afterAll(async () => {
    await database.stop();
  });

  it('creates every table once, and keeps them and their items when run again', async () => {
    const names = prefixedTableNames('again-');
    await createTables(database.client, tableSchemas, names);
    await database.client.send(new PutItemCommand({ TableName: names.commands, Item: { CommandId: { S: 'kept' } } }));
    await expect(createTables(database.client, tableSchemas, names)).resolves.toBeUndefined();
    const { TableNames = [] } = await database.client.send(new ListTablesCommand({}));
    expect(TableNames.filter((name) => name.startsWith('again-')).sort()).toEqual(tableIds.map((id) => names[id]).sort());
    const { Item } = await database.client.send(new GetItemCommand({ TableName: names.commands, Key: { CommandId: { S: 'kept' } } }));
    expect(Item).toEqual({ CommandId: { S: 'kept' } });
  });

  it('passes on any other refusal, such as a name DynamoDB does not take', async () => {
    await expect(createTables(database.client, tableSchemas, prefixedTableNames('not a valid name '))).rejects.toThrow(/name|ValidationException|must satisfy/i);
  });
});
