import { coalesceObservations, readsBehindMessages } from '../../lambdas/collector/coalesce';
import type { Observation } from '../../lambdas/core/model';
import { invocationObservation } from '../support/observations';

/** Several observations of one record in one batch: one write, the one the store would keep. */
const T1 = '2026-11-20T10:00:00.000Z';
const T2 = '2026-11-20T10:00:05.000Z';
const T3 = '2026-11-20T10:00:09.000Z';

describe('coalesceObservations', () => {
  it('keeps one observation per record: per table and key, in first-seen order', () => {
    const a = invocationObservation('InProgress', T1, { instanceId: 'i-0000000000000000a' });
    const b = invocationObservation('InProgress', T1, { instanceId: 'i-0000000000000000b' });
    const command: Observation = { ...invocationObservation('InProgress', T1), table: 'commands', key: { CommandId: a.key.CommandId as string } };
    const sameKeyOtherTable: Observation = { ...a, table: 'commands' };
    const result = coalesceObservations([a, b, command, sameKeyOtherTable, { ...a, observedAt: T2 }]);
    expect(result.map((observation) => `${observation.table} ${JSON.stringify(observation.key)}`)).toEqual([
      `commandInvocations ${JSON.stringify(a.key)}`,
      `commandInvocations ${JSON.stringify(b.key)}`,
      `commands ${JSON.stringify(command.key)}`,
      `commands ${JSON.stringify(a.key)}`,
    ]);
    // A record seen once is passed on as it is.
    expect(result[1]).toBe(b);
  });

  it('writes the highest status rank, then the newest, then a complete record over an event', () => {
    const [ranked] = coalesceObservations([invocationObservation('Success', T1), invocationObservation('InProgress', T3), invocationObservation('Pending', T2)]);
    expect(ranked).toMatchObject({ status: 'Success', observedAt: T1 });
    const [newest] = coalesceObservations([invocationObservation('InProgress', T1), invocationObservation('InProgress', T3), invocationObservation('InProgress', T2)]);
    expect(newest?.observedAt).toBe(T3);
    const complete = invocationObservation('Failed', T2, { complete: true, fields: { Output: 'full' } });
    const [first] = coalesceObservations([invocationObservation('Failed', T2), complete]);
    expect(first).toMatchObject({ complete: true, fields: expect.objectContaining({ Output: 'full' }) });
    const [second] = coalesceObservations([complete, invocationObservation('Failed', T2)]);
    expect(second?.complete).toBe(true);
  });

  it('carries every sighting\'s producers and timeline entries, each once', () => {
    const [merged] = coalesceObservations([
      invocationObservation('Pending', T1, { producer: 'event' }),
      invocationObservation('Failed', T3, { producer: 'notification' }),
      invocationObservation('Failed', T3, { producer: 'event' }),
      invocationObservation('InProgress', T2, { producer: 'poll' }),
    ]);
    expect(merged?.status).toBe('Failed');
    expect([...(merged?.producers ?? [])].sort()).toEqual(['event', 'notification', 'poll']);
    expect(merged?.timeline).toEqual([
      { status: 'Pending', at: T1 },
      { status: 'Failed', at: T3 },
      { status: 'InProgress', at: T2 },
    ]);
  });

  it('gives an event-only winner the fields the other events carried, its own winning; a complete record stays as SSM gave it', () => {
    const [events] = coalesceObservations([
      invocationObservation('InProgress', T1, { fields: { InstanceIds: ['i-1'], DocumentName: 'old' } }),
      invocationObservation('Success', T2, { fields: { DocumentName: 'AWS-RunShellScript' } }),
      invocationObservation('InProgress', T1, { fields: { Parameters: { commands: ['uptime'] } } }),
    ]);
    expect(events?.fields).toEqual({
      ...invocationObservation('Success', T2).fields,
      InstanceIds: ['i-1'],
      DocumentName: 'AWS-RunShellScript',
      Parameters: { commands: ['uptime'] },
    });
    const [withComplete] = coalesceObservations([
      invocationObservation('InProgress', T1, { fields: { InstanceIds: ['i-1'] } }),
      invocationObservation('Success', T2, { complete: true, fields: { DocumentName: 'AWS-RunShellScript' } }),
      invocationObservation('Success', T1, { complete: true, fields: { Stale: 'older complete record' } }),
    ]);
    expect(withComplete?.fields).toEqual(invocationObservation('Success', T2, { fields: { DocumentName: 'AWS-RunShellScript' } }).fields);
  });

  it('lets SSM\'s read win over any message of the batch, and names the records whose read is behind a message', () => {
    const read = invocationObservation('InProgress', T1, { complete: true, producer: 'poll', fields: { CommandPlugins: [{ Name: 'p', Output: 'half' }] } });
    const message = invocationObservation('Success', T2, { fields: { DocumentName: 'AWS-RunShellScript' } });
    const [winner] = coalesceObservations([read, message]);
    expect(winner).toMatchObject({ status: 'InProgress', complete: true, fields: read.fields });
    expect(winner?.timeline.map((entry) => entry.status).sort()).toEqual(['InProgress', 'Success']);
    expect(readsBehindMessages([read, message])).toEqual([{ observation: read, messageStatus: 'Success' }]);
    // A read level with or ahead of every message is not behind; nor is a message with no read.
    expect(readsBehindMessages([invocationObservation('Failed', T1, { complete: true }), message])).toEqual([]);
    expect(readsBehindMessages([read, invocationObservation('Pending', T2)])).toEqual([]);
    expect(readsBehindMessages([message])).toEqual([]);
  });
});
