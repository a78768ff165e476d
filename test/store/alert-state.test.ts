import { RecordStore } from '../../lambdas/store/record-store';
import { databaseEngines, type TestDatabase } from '../support/databases';
import { COMMAND_ID, INSTANCE_ID, invocationObservation } from '../support/observations';
import { tableSchemas } from '../../lambdas/sources/tables';

const T1 = '2026-11-20T10:00:00.000Z';
const T2 = '2026-11-20T10:00:05.000Z';
const T3 = '2026-11-20T10:00:09.000Z';
const key = { CommandId: COMMAND_ID, InstanceId: INSTANCE_ID };
const at = (iso: string) => new Date(iso);
/** SSM's read of the invocation: only a confirmed failure alerts. */
const read = (status: string, observedAt: string) => invocationObservation(status, observedAt, { complete: true });

/** The alert state lives on the record: marked by the failure's write, claimed, then sent. */
describe.each(databaseEngines)('RecordStore alert state on %s', (_engine, start) => {
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

  it('marks a failure pending in the same write, and keeps the state through later writes of the failure', async () => {
    expect(await store.upsert(invocationObservation('InProgress', T1))).toBe('created');
    expect(await store.upsertAlerting(read('Failed', T2))).toEqual({ outcome: 'written', alertState: 'pending', firstFailure: true });
    expect((await store.get('commandInvocations', key))?.alertState).toBe('pending');
    expect(await store.claimAlert('commandInvocations', key, 'claim-1', at(T2), at(T1))).toBe(true);
    // A re-observation (re-poll, duplicate event) of the failure sees the claim, not a new alert.
    expect(await store.upsertAlerting(read('Failed', T3))).toEqual({ outcome: 'written', alertState: 'publishing', firstFailure: false });
    await store.markAlertSent('commandInvocations', key, 'claim-1', at(T3), 'message-1');
    expect(await store.upsertAlerting(read('Failed', '2026-11-20T10:01:00.000Z'))).toEqual({ outcome: 'written', alertState: 'sent', firstFailure: false });
    // An older observation is rejected and says nothing about the alert.
    expect(await store.upsertAlerting(read('Failed', T1))).toEqual({ outcome: 'stale', alertState: undefined, firstFailure: false });
    const item = await store.get('commandInvocations', key);
    expect(item).toMatchObject({ alertState: 'sent', alertSentAt: T3, alertMessageId: 'message-1', Status: 'Failed' });
    expect(item).not.toHaveProperty('alertClaim');
    expect(item).not.toHaveProperty('alertClaimedAt');
  });

  it('marks a failure created in one write pending, with one UpdateItem and no read', async () => {
    expect(await store.upsertAlerting(invocationObservation('TimedOut', T1, { instanceId: 'i-00000000000000001' }))).toEqual({
      outcome: 'created',
      alertState: 'pending',
      firstFailure: true,
    });
    expect(database.calls.snapshot()).toEqual({ UpdateItemCommand: 1 });
  });

  it('lets one claim win; a live claim blocks others, a stale one is taken over, and only the holder settles it', async () => {
    const other = { CommandId: COMMAND_ID, InstanceId: 'i-00000000000000002' };
    await store.upsertAlerting(invocationObservation('Failed', T1, { instanceId: other.InstanceId }));
    expect(await store.claimAlert('commandInvocations', other, 'a', at(T1), at('2026-11-20T09:55:00.000Z'))).toBe(true);
    expect(await store.claimAlert('commandInvocations', other, 'b', at(T1), at('2026-11-20T09:55:00.000Z'))).toBe(false);
    // Later, a's claim is older than the claim timeout: b takes it over.
    expect(await store.claimAlert('commandInvocations', other, 'b', at(T3), at(T2))).toBe(true);
    // a wakes up: neither its release nor its sent changes b's claim.
    await store.releaseAlert('commandInvocations', other, 'a');
    await store.markAlertSent('commandInvocations', other, 'a', at(T3), 'late');
    expect(await store.get('commandInvocations', other)).toMatchObject({ alertState: 'publishing', alertClaim: 'b' });
    // b's publish fails: pending again, claimable again.
    await store.releaseAlert('commandInvocations', other, 'b');
    expect(await store.get('commandInvocations', other)).toMatchObject({ alertState: 'pending' });
    expect(await store.claimAlert('commandInvocations', other, 'c', at(T3), at(T1))).toBe(true);
    await store.markAlertSent('commandInvocations', other, 'c', at(T3), undefined);
    expect(await store.claimAlert('commandInvocations', other, 'd', at('2026-11-21T00:00:00.000Z'), at('2026-11-21T00:00:00.000Z'))).toBe(false);
  });

  it('leaves records that do not alert without an alert state', async () => {
    const plain = { CommandId: COMMAND_ID, InstanceId: 'i-00000000000000003' };
    await store.upsert(invocationObservation('Failed', T1, { instanceId: plain.InstanceId }));
    expect(await store.get('commandInvocations', plain)).not.toHaveProperty('alertState');
    expect(await store.claimAlert('commandInvocations', plain, 'x', at(T1), at(T1))).toBe(false);
  });
});
