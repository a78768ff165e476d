import { parseAlertConfig, type Alert } from '../../lambdas/alerts/alert';
import { AlertPublishError, DEFAULT_CLAIM_TIMEOUT_MS, FailureAlerts } from '../../lambdas/alerts/failure-alerts';
import { RecordStore } from '../../lambdas/store/record-store';
import { startDynalite, type TestDatabase } from '../support/databases';
import { COMMAND_ID, invocationObservation } from '../support/observations';
import { tableSchemas } from '../../lambdas/sources/tables';

const T0 = Date.parse('2026-11-20T10:00:00.000Z');
const iso = (ms: number) => new Date(ms).toISOString();
const silent = { info: jest.fn(), warn: jest.fn() };

/** A failed invocation that ended at `endedAt` (its plugin's ResponseFinishDateTime), as SSM's read gave it. */
const failure = (instanceId: string, endedAt: number, observedAt = endedAt) =>
  invocationObservation('Failed', iso(observedAt), {
    instanceId,
    complete: true,
    fields: { DocumentName: 'AWS-RunShellScript', CommandPlugins: [{ Name: 'aws:runShellScript', Status: 'Failed', ResponseFinishDateTime: iso(endedAt), Output: 'boom' }] },
  });

describe('FailureAlerts', () => {
  let database: TestDatabase;
  let store: RecordStore;
  let now: number;
  let published: Alert[];
  let refuse: boolean;

  const alerts = () =>
    new FailureAlerts({
      publisher: {
        publish: async (alert) => {
          if (refuse) throw Object.assign(new Error('Rate exceeded'), { name: 'ThrottledException' });
          published.push(alert);
          return { messageId: `m-${published.length}` };
        },
      },
      claims: store,
      config: parseAlertConfig(),
      context: { region: 'eu-west-1' },
      maxAgeMs: 24 * 3_600_000,
      logger: silent,
      now: () => new Date(now),
    });

  beforeAll(async () => {
    database = await startDynalite();
  });
  afterAll(async () => {
    await database.stop();
  });
  beforeEach(async () => {
    now = T0;
    published = [];
    refuse = false;
    store = new RecordStore(database.doc, tableSchemas, await database.tables(), () => new Date(now));
  });

  it('raises no alert for a failure only a message gave: SSM has not confirmed it', () => {
    const confirmed = failure('i-00000000000000001', T0 - 60_000);
    expect(alerts().alertOf(confirmed)?.subject).toBe('SSM Run Command Failed: AWS-RunShellScript on i-00000000000000001');
    expect(alerts().alertOf({ ...confirmed, complete: false })).toBeUndefined();
  });

  it('publishes a recent failure; one that had ended before the maximum age when first stored (a backfill) is marked skipped, for good', async () => {
    const delivery = alerts();
    expect(delivery.alertOf(invocationObservation('Success', iso(T0)))).toBeUndefined();
    const recent = failure('i-00000000000000001', T0 - 60_000);
    expect((await delivery.store(recent, delivery.alertOf(recent) as Alert)).published?.subject).toBe(
      'SSM Run Command Failed: AWS-RunShellScript on i-00000000000000001',
    );
    const old = failure('i-00000000000000009', T0 - 25 * 3_600_000, T0);
    expect(await delivery.store(old, delivery.alertOf(old) as Alert)).toEqual({ outcome: 'created' });
    expect(await store.get('commandInvocations', { CommandId: COMMAND_ID, InstanceId: 'i-00000000000000009' })).toMatchObject({ alertState: 'skipped' });
    expect(published).toHaveLength(1);
    // Exactly the maximum age is not older than it: that failure still alerts.
    const edge = failure('i-00000000000000008', T0 - 24 * 3_600_000, T0);
    expect((await delivery.store(edge, delivery.alertOf(edge) as Alert)).published).toBeDefined();
    expect(published).toHaveLength(2);
  });

  it('counts a failure on its day once, and a count that cannot be written is logged, never a failed message', async () => {
    const added: [string, string][] = [];
    let countsRefused = false;
    const counted = () =>
      new FailureAlerts({
        publisher: { publish: async (alert) => (published.push(alert), { messageId: 'm' }) },
        claims: store,
        config: parseAlertConfig(),
        context: { region: 'eu-west-1' },
        maxAgeMs: 24 * 3_600_000,
        logger: silent,
        failureDays: {
          add: async (at, kind) => {
            if (countsRefused) throw Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
            added.push([at.toISOString(), kind]);
          },
        },
        now: () => new Date(now),
      });
    const first = failure('i-00000000000000021', T0 - 60_000, T0);
    await counted().store(first, counted().alertOf(first) as Alert);
    await counted().store(first, counted().alertOf(first) as Alert);
    // On the failure's own time (its plugin's end), not the observation's.
    expect(added).toEqual([[iso(T0 - 60_000), 'command-invocation']]);
    countsRefused = true;
    const second = failure('i-00000000000000022', T0 - 60_000);
    expect((await counted().store(second, counted().alertOf(second) as Alert)).published).toBeDefined();
    expect(silent.warn).toHaveBeenCalledWith(expect.stringMatching(/Could not count a failure/), expect.objectContaining({ kind: 'command-invocation' }));
  });

  it('publishes a pending alert however late its retry comes (a redrive from the DLQ the next day)', async () => {
    const delivery = alerts();
    const observation = failure('i-00000000000000004', T0);
    refuse = true;
    await expect(delivery.store(observation, delivery.alertOf(observation) as Alert)).rejects.toThrow(AlertPublishError);
    refuse = false;
    now = T0 + 30 * 3_600_000;
    const redriven = failure('i-00000000000000004', T0, now);
    expect((await delivery.store(redriven, delivery.alertOf(redriven) as Alert)).published).toBeDefined();
    expect(published.map((alert) => alert.body.instanceId)).toEqual(['i-00000000000000004']);
  });

  it('does not fail the message when the alert is out but cannot be marked sent', async () => {
    const warnings: string[] = [];
    let marks = 0;
    const delivery = new FailureAlerts({
      publisher: { publish: async () => ({ messageId: 'm-x' }) },
      claims: {
        upsertAlerting: (observation, initial) => store.upsertAlerting(observation, initial),
        claimAlert: (...args) => store.claimAlert(...args),
        releaseAlert: (...args) => store.releaseAlert(...args),
        markAlertSent: async () => {
          marks++;
          throw Object.assign(new Error('throttled'), { name: 'ProvisionedThroughputExceededException' });
        },
      },
      config: parseAlertConfig(),
      context: { region: 'eu-west-1' },
      maxAgeMs: 24 * 3_600_000,
      logger: { info: () => undefined, warn: (message) => warnings.push(message) },
      now: () => new Date(now),
    });
    const observation = failure('i-00000000000000005', T0);
    expect((await delivery.store(observation, delivery.alertOf(observation) as Alert)).published).toBeDefined();
    expect(marks).toBe(3);
    expect(warnings).toEqual([expect.stringMatching(/could not mark it sent/)]);
  });

  it('leaves a refused alert pending and says why; the next observation publishes it', async () => {
    const delivery = alerts();
    const observation = failure('i-00000000000000002', T0);
    const alert = delivery.alertOf(observation) as Alert;
    refuse = true;
    await expect(delivery.store(observation, alert)).rejects.toThrow(AlertPublishError);
    await expect(delivery.store(failure('i-00000000000000002', T0, T0 + 1000), alert)).rejects.toThrow(/Rate exceeded/);
    expect(silent.warn).toHaveBeenCalledWith('Could not publish a failure alert; it stays pending for the retry', {
      table: 'commandInvocations',
      key: { CommandId: COMMAND_ID, InstanceId: 'i-00000000000000002' },
      subject: alert.subject,
      reason: 'ThrottledException: Rate exceeded',
    });
    expect(await store.get('commandInvocations', { CommandId: COMMAND_ID, InstanceId: 'i-00000000000000002' })).toMatchObject({ alertState: 'pending' });
    refuse = false;
    now = T0 + 60_000;
    expect((await delivery.store(failure('i-00000000000000002', T0, T0 + 2000), alert)).published).toBe(alert);
    expect(published).toHaveLength(1);
  });

  it('does not publish while another collector holds a live claim, and takes over a claim older than the claim timeout', async () => {
    const key = { CommandId: COMMAND_ID, InstanceId: 'i-00000000000000003' };
    const delivery = alerts();
    // Another collector stored the failure and claimed its alert, then died before publishing.
    await store.upsertAlerting(failure(key.InstanceId, T0));
    expect(await store.claimAlert('commandInvocations', key, 'dead-collector', new Date(T0), new Date(T0 - DEFAULT_CLAIM_TIMEOUT_MS))).toBe(true);

    now = T0 + DEFAULT_CLAIM_TIMEOUT_MS - 1000;
    const early = failure(key.InstanceId, T0, now);
    expect(await delivery.store(early, delivery.alertOf(early) as Alert)).toEqual({ outcome: 'written' });
    expect(published).toEqual([]);

    now = T0 + DEFAULT_CLAIM_TIMEOUT_MS + 1000;
    const late = failure(key.InstanceId, T0, now);
    expect((await delivery.store(late, delivery.alertOf(late) as Alert)).published).toBeDefined();
    expect(published.map((alert) => alert.body.instanceId)).toEqual([key.InstanceId]);
    expect(await store.get('commandInvocations', key)).toMatchObject({ alertState: 'sent', alertMessageId: 'm-1' });
  });
});
