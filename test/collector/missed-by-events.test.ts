import { ssmIds } from '../../lambdas/core/ssm-ids';
import { runCommandStatuses } from '../../lambdas/sources/run-command/statuses';
import { SSMClient } from '@aws-sdk/client-ssm';
import { Collector } from '../../lambdas/collector/collector';
import { CheckpointStore } from '../../lambdas/store/checkpoint-store';
import type { HistorySource, Producer, SsmEvent, WorkItem } from '../../lambdas/core/model';
import { RecordStore } from '../../lambdas/store/record-store';
import { startDynalite, type TestDatabase } from '../support/databases';
import { queueMessage } from '../support/messages';
import { COMMAND_ID, invocationObservation } from '../support/observations';
import { tableSchemas } from '../../lambdas/sources/tables';

const NOW = new Date('2026-11-20T10:05:00.000Z');
const T1 = '2026-11-20T10:00:00.000Z';
const T2 = '2026-11-20T10:00:05.000Z';

/**
 * A source whose events name one invocation and who produced the sighting ("event" or
 * "poll"): the collector's counting is what is under test, not a kind's SSM reading.
 */
const fakeSource: HistorySource = {
  kind: 'run-command',
  statuses: runCommandStatuses,
  parentId: ssmIds.commandId,
  eventDetailTypes: ['Fake Sighting'],
  tables: ['commandInvocations'],
  collectorActions: [],
  parseEvent(event: SsmEvent): WorkItem {
    const producer = event.detail.producer as Producer;
    const instanceId = String(event.detail.instanceId);
    const status = String(event.detail.status);
    return {
      kind: 'run-command',
      parentId: COMMAND_ID,
      producer,
      sentAt: event.time,
      observations: [invocationObservation(status, event.time, { producer, instanceId })],
      fetch: { scope: 'none' },
    };
  },
  collect: (items) => Promise.resolve(items.flatMap((item) => item.observations)),
};

const sighting = (instanceId: string, producer: Producer, status = 'InProgress', time = T1) =>
  queueMessage({ id: `${instanceId}-${producer}`, 'detail-type': 'Fake Sighting', source: 'aws.ssm', time, detail: { instanceId, producer, status } });

describe('Collector: records missed by events', () => {
  let database: TestDatabase;
  let checkpoints: CheckpointStore;
  let logger: { info: jest.Mock; warn: jest.Mock; error: jest.Mock };
  let collector: Collector;

  beforeAll(async () => {
    database = await startDynalite();
  });
  afterAll(async () => {
    await database.stop();
  });
  beforeEach(async () => {
    const tables = await database.tables();
    checkpoints = new CheckpointStore(database.doc, tables.pollCheckpoints);
    logger = { info: jest.fn(), warn: jest.fn(), error: jest.fn() };
    collector = new Collector({
      sources: [fakeSource],
      clients: { ssm: new SSMClient({ region: 'us-east-1' }) },
      store: new RecordStore(database.doc, tableSchemas, tables, () => NOW),
      logger,
      parentConcurrency: 2,
      now: () => NOW,
      checkpoints,
    });
  });

  it('counts a record a poller created as missed by events, logs its table and key, and adds both counters to the checkpoint', async () => {
    const batch = await collector.collect([sighting('i-00000000000000001', 'poll'), sighting('i-00000000000000002', 'event')]);
    expect(batch).toMatchObject({ failedMessageIds: [], written: 2, stale: 0, created: 2, missedByEvents: 1 });
    expect(batch.byKind).toEqual({ 'run-command': { created: 2, missedByEvents: 1 } });
    expect(logger.warn).toHaveBeenCalledTimes(1);
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringMatching(/missed by events/i),
      expect.objectContaining({ kind: 'run-command', table: 'commandInvocations', key: { CommandId: COMMAND_ID, InstanceId: 'i-00000000000000001' } }),
    );
    expect(await checkpoints.get('run-command')).toMatchObject({ recordsStored: 2, missedByEvents: 1 });
  });

  it('does not count a record an event stored first, nor one an event and a poll sighted in the same batch', async () => {
    await collector.collect([sighting('i-00000000000000001', 'event')]);
    const later = await collector.collect([
      sighting('i-00000000000000001', 'poll', 'Success', T2),
      sighting('i-00000000000000003', 'poll'),
      sighting('i-00000000000000003', 'event'),
    ]);
    expect(later).toMatchObject({ written: 2, created: 1, missedByEvents: 0 });
    expect(logger.warn).not.toHaveBeenCalled();
    expect(await checkpoints.get('run-command')).toMatchObject({ recordsStored: 2, missedByEvents: 0 });
  });

  it('measures collection lag per parent from its earliest event, and none for a parent only pollers named', async () => {
    // All sightings name one parent (the fake command): its lag runs from the earliest event, not the poll.
    const batch = await collector.collect([
      sighting('i-00000000000000001', 'poll', 'InProgress', '2026-11-20T09:00:00.000Z'),
      sighting('i-00000000000000002', 'event', 'InProgress', T2),
      sighting('i-00000000000000003', 'event', 'InProgress', T1),
    ]);
    expect(batch.collectionLagMs).toEqual({ 'run-command': [NOW.getTime() - Date.parse(T1)] });
    const polled = await collector.collect([sighting('i-00000000000000004', 'poll')]);
    expect(polled.collectionLagMs).toEqual({});
  });

  it('counts nothing for a stale or repeated poll sighting', async () => {
    await collector.collect([sighting('i-00000000000000001', 'poll')]);
    const again = await collector.collect([sighting('i-00000000000000001', 'poll')]);
    expect(again).toMatchObject({ written: 0, stale: 1, created: 0, missedByEvents: 0, byKind: {} });
    expect(await checkpoints.get('run-command')).toMatchObject({ recordsStored: 1, missedByEvents: 1 });
  });

  it('adds to the checkpoint once per batch (one ADD per kind), not once per record', async () => {
    database.calls.reset();
    await collector.collect(['1', '2', '3', '4'].map((n) => sighting(`i-0000000000000000${n}`, 'poll')));
    expect(database.calls.count('UpdateItem')).toBe(4 + 1);
    expect(await checkpoints.get('run-command')).toMatchObject({ recordsStored: 4, missedByEvents: 4 });
  });

  it('keeps the batch stored when the checkpoint cannot be updated', async () => {
    const failing = new Collector({
      sources: [fakeSource],
      clients: { ssm: new SSMClient({ region: 'us-east-1' }) },
      store: new RecordStore(database.doc, tableSchemas, await database.tables(), () => NOW),
      logger,
      parentConcurrency: 2,
      now: () => NOW,
      checkpoints: { addCounters: () => Promise.reject(new Error('checkpoint table unavailable')) },
    });
    const batch = await failing.collect([sighting('i-00000000000000001', 'poll')]);
    expect(batch).toMatchObject({ failedMessageIds: [], created: 1, missedByEvents: 1 });
    expect(logger.warn).toHaveBeenCalledWith(expect.stringMatching(/checkpoint/), expect.objectContaining({ kind: 'run-command' }));
  });

  it('counts without a checkpoint store too', async () => {
    const plain = new Collector({
      sources: [fakeSource],
      clients: { ssm: new SSMClient({ region: 'us-east-1' }) },
      store: new RecordStore(database.doc, tableSchemas, await database.tables(), () => NOW),
      logger,
      parentConcurrency: 2,
    });
    expect(await plain.collect([sighting('i-00000000000000001', 'poll')])).toMatchObject({ created: 1, missedByEvents: 1 });
  });
});
