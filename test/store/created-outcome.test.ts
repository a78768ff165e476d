import { RecordStore } from '../../lambdas/store/record-store';
import { databaseEngines, type TestDatabase } from '../support/databases';
import { invocationObservation } from '../support/observations';
import { tableSchemas } from '../../lambdas/sources/tables';

const T1 = '2026-11-20T10:00:00.000Z';
const T2 = '2026-11-20T10:00:05.000Z';

describe.each(databaseEngines)('RecordStore upsert outcome "created" on %s', (_engine, start) => {
  let database: TestDatabase;
  let store: RecordStore;

  beforeAll(async () => {
    database = await start();
  });
  afterAll(async () => {
    await database.stop();
  });
  beforeEach(async () => {
    store = new RecordStore(database.doc, tableSchemas, await database.tables(), () => new Date('2026-11-20T12:00:00.000Z'));
    database.calls.reset();
  });

  it('says "created" for the first write of a record, "written" for a later accepted one, "stale" for a rejected one', async () => {
    expect(await store.upsert(invocationObservation('InProgress', T1))).toBe('created');
    expect(await store.upsert(invocationObservation('Success', T2))).toBe('written');
    expect(await store.upsert(invocationObservation('Success', T2, { producer: 'poll' }))).toBe('stale');
    expect(await store.upsert(invocationObservation('InProgress', T1, { instanceId: 'i-00000000000000009' }))).toBe('created');
  });

  it('learns it from the write itself: one UpdateItem per upsert and no read', async () => {
    await store.upsert(invocationObservation('InProgress', T1, { producer: 'poll' }));
    await store.upsert(invocationObservation('Success', T2, { producer: 'poll' }));
    expect(database.calls.snapshot()).toEqual({ UpdateItemCommand: 2 });
  });

  it('says "created" when a record too large for one item is created with its fields cut', async () => {
    const plugins = ['a', 'b', 'c'].map((fill) => ({ Name: fill, Output: fill.repeat(180_000) }));
    expect(await store.upsert(invocationObservation('Failed', T1, { fields: { CommandPlugins: plugins }, complete: true }))).toBe('created');
    expect(await store.upsert(invocationObservation('Failed', T2, { fields: { CommandPlugins: plugins }, complete: true }))).toBe('written');
  });
});
