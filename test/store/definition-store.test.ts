import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { Association, MaintenanceWindowIdentity } from '@aws-sdk/client-ssm';
import type { ListedDefinition } from '../../lambdas/core/model';
import { listedAssociation } from '../../lambdas/sources/association/definitions';
import { listedMaintenanceWindow } from '../../lambdas/sources/maintenance-window/definitions';
import { DEFINITION_HASH, DefinitionStore, definitionHash } from '../../lambdas/store/definition-store';
import { archiveAttributes } from '../../lambdas/store/record-store';
import { tableSchemas, type TableNames } from '../../lambdas/sources/tables';
import { databaseEngines, type TestDatabase } from '../support/databases';

/**
 * The definitions the pollers list, kept as SSM listed them: written when new or changed, not
 * written (one batch read) when the listing says what the archive holds already.
 */
const ASSOCIATION_ID = '8dfe3659-4309-493a-8755-0123456789ab';
const WINDOW_ID = 'mw-0c50858d01EXAMPLE';

// ListAssociations' Association and DescribeMaintenanceWindows' MaintenanceWindowIdentity, as
// the SSM API reference describes them (data types Association, MaintenanceWindowIdentity).
const association: Association = {
  Name: 'AWS-UpdateSSMAgent',
  AssociationId: ASSOCIATION_ID,
  AssociationVersion: '1',
  DocumentVersion: '$DEFAULT',
  Targets: [{ Key: 'tag:Environment', Values: ['Production'] }],
  LastExecutionDate: new Date('2026-11-20T10:00:00.000Z'),
  Overview: { Status: 'Success', DetailedStatus: 'Success', AssociationStatusAggregatedCount: { Success: 3 } },
  ScheduleExpression: 'rate(30 minutes)',
  AssociationName: 'update-agent',
};
const window: MaintenanceWindowIdentity = {
  WindowId: WINDOW_ID,
  Name: 'patch-weekend',
  Enabled: true,
  Duration: 4,
  Cutoff: 1,
  Schedule: 'cron(0 2 ? * SAT *)',
};

const listed = (definition: ListedDefinition | undefined): ListedDefinition => {
  if (definition === undefined) throw new Error('no definition');
  return definition;
};

describe.each(databaseEngines)('DefinitionStore on %s', (_engine, start) => {
  let database: TestDatabase;
  let tables: TableNames;
  let clock: Date;
  let store: DefinitionStore;

  beforeAll(async () => {
    database = await start();
  });
  afterAll(async () => {
    await database.stop();
  });
  beforeEach(async () => {
    tables = await database.tables('def');
    clock = new Date('2026-11-20T12:00:00.000Z');
    store = new DefinitionStore(database.doc, tableSchemas, tables, () => clock);
    database.calls.reset();
  });

  const stored = async (table: 'associationDefinitions' | 'maintenanceWindowDefinitions', key: Record<string, string>) =>
    (await database.doc.send(new GetCommand({ TableName: tables[table], Key: key, ConsistentRead: true }))).Item;

  it('stores a definition field for field as SSM listed it, with its hash and when it was first and last seen', async () => {
    expect(await store.keep([listed(listedAssociation(association)), listed(listedMaintenanceWindow(window))])).toBe(2);
    const fields = listed(listedAssociation(association)).fields;
    expect(await stored('associationDefinitions', { AssociationId: ASSOCIATION_ID })).toEqual({
      ...fields,
      LastExecutionDate: '2026-11-20T10:00:00.000Z',
      [DEFINITION_HASH]: definitionHash(fields),
      [archiveAttributes.observedAt]: clock.toISOString(),
      [archiveAttributes.firstSeenAt]: clock.toISOString(),
    });
    expect(await stored('maintenanceWindowDefinitions', { WindowId: WINDOW_ID })).toMatchObject({ ...window, [archiveAttributes.firstSeenAt]: clock.toISOString() });
  });

  it('does not write a definition the archive holds as it is: one batch read per table', async () => {
    await store.keep([listed(listedAssociation(association))]);
    database.calls.reset();
    clock = new Date('2026-11-20T12:05:00.000Z');
    // The same record, its fields listed in another order.
    const reordered = Object.fromEntries(Object.entries(association).reverse()) as Association;
    expect(await store.keep([listed(listedAssociation(reordered)), listed(listedAssociation(association))])).toBe(0);
    expect(database.calls.snapshot()).toEqual({ BatchGetItemCommand: 1 });
    expect(await stored('associationDefinitions', { AssociationId: ASSOCIATION_ID })).toMatchObject({ [archiveAttributes.observedAt]: '2026-11-20T12:00:00.000Z' });
  });

  it('rewrites a changed definition, dropping the fields SSM no longer returns and keeping when it was first seen', async () => {
    await store.keep([listed(listedAssociation(association))]);
    clock = new Date('2026-11-20T12:30:00.000Z');
    const { AssociationName: _name, ...unnamed } = association;
    const changed: Association = { ...unnamed, AssociationVersion: '2', ScheduleExpression: 'rate(1 hour)' };
    expect(await store.keep([listed(listedAssociation(changed))])).toBe(1);
    const item = await stored('associationDefinitions', { AssociationId: ASSOCIATION_ID });
    expect(item).toMatchObject({ AssociationVersion: '2', ScheduleExpression: 'rate(1 hour)', [archiveAttributes.observedAt]: '2026-11-20T12:30:00.000Z', [archiveAttributes.firstSeenAt]: '2026-11-20T12:00:00.000Z' });
    expect(item).not.toHaveProperty('AssociationName');
  });

  it('does not write again when its read was behind the table (the write is conditional on a change)', async () => {
    await store.keep([listed(listedMaintenanceWindow(window))]);
    const behind = new DefinitionStore(
      { send: (command) => (command.constructor.name === 'BatchGetCommand' ? Promise.resolve({ Responses: {} }) : database.doc.send(command)) } as Pick<typeof database.doc, 'send'>,
      tableSchemas,
      tables,
      () => clock,
    );
    expect(await behind.keep([listed(listedMaintenanceWindow(window))])).toBe(0);
  });

  it('skips a listed record without its id', () => {
    expect(listedAssociation({ ...association, AssociationId: undefined })).toBeUndefined();
    expect(listedMaintenanceWindow({ Name: 'nameless' })).toBeUndefined();
  });
});
