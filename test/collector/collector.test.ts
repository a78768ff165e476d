import {
  GetCommandInvocationCommand,
  InvalidCommandId,
  ListCommandInvocationsCommand,
  ListCommandsCommand,
  SSMClient,
  type CommandInvocation,
} from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { Collector } from '../../lambdas/collector/collector';
import { encodeWorkItem } from '../../lambdas/collector/messages';
import { historySources } from '../../lambdas/sources';
import { commandInvocationFromItem } from '../../lambdas/sources/run-command/records';
import { archiveAttributes, RecordStore } from '../../lambdas/store/record-store';
import { startDynalite, type TestDatabase } from '../support/databases';
import { queueMessage } from '../support/messages';
import {
  commandEvent,
  cutOutput,
  invocationEvent,
  TRUTH_COMMAND_ID,
  truthCommand,
  truthInvocation,
  truthPluginOutput,
} from '../support/run-command-truth';
import { spyLog } from '../support/silent-log';
import { tableSchemas } from '../../lambdas/sources/tables';

const NOW = new Date('2026-11-20T10:05:00.000Z');
const silent = spyLog();

describe('Collector (SSM mocked per call, DynamoDB real: dynalite)', () => {
  let database: TestDatabase;
  let store: RecordStore;
  const ssmMock = mockClient(SSMClient);
  let collector: Collector;

  beforeAll(async () => {
    database = await startDynalite();
  });
  afterAll(async () => {
    await database.stop();
  });
  beforeEach(async () => {
    ssmMock.reset();
    silent.error.mockClear();
    store = new RecordStore(database.doc, tableSchemas, await database.tables(), () => NOW);
    collector = new Collector({
      sources: historySources,
      clients: { ssm: new SSMClient({ region: 'us-east-1' }) },
      store,
      logger: silent,
      parentConcurrency: 2,
      now: () => NOW,
    });
    database.calls.reset();
  });

  it('stores ten invocation events of one command with no SSM call and one write each', async () => {
    const ids = Array.from({ length: 10 }, (_, i) => `i-0000000000000000${i}`);
    const result = await collector.collect(ids.map((id) => queueMessage(invocationEvent(id, 'InProgress', '2026-11-20T10:00:02Z'))));
    expect(result).toMatchObject({ failedMessageIds: [], parents: 1, written: 10, stale: 0 });
    expect(ssmMock.calls()).toHaveLength(0);
    expect(database.calls.count('UpdateItem')).toBe(10);
  });

  it('coalesces several events about one invocation into one write that keeps each status in the timeline', async () => {
    const id = 'i-00000000000000001';
    const result = await collector.collect([
      queueMessage(invocationEvent(id, 'Success', '2026-11-20T10:00:04Z')),
      queueMessage(invocationEvent(id, 'Pending', '2026-11-20T10:00:00Z')),
      queueMessage(invocationEvent(id, 'InProgress', '2026-11-20T10:00:02Z')),
      queueMessage(invocationEvent(id, 'Success', '2026-11-20T10:00:04Z')),
    ]);
    expect(result.written).toBe(1);
    const item = await store.get('commandInvocations', { CommandId: TRUTH_COMMAND_ID, InstanceId: id });
    expect(item?.Status).toBe('Success');
    expect(item?.[archiveAttributes.statusTimeline]).toEqual(
      new Set(['2026-11-20T10:00:00.000Z Pending', '2026-11-20T10:00:02.000Z InProgress', '2026-11-20T10:00:04.000Z Success']),
    );
  });

  it('stores an event dated in the future at the time it was received, so the next genuine sighting still moves the record', async () => {
    const id = 'i-00000000000000003';
    await collector.collect([queueMessage(invocationEvent(id, 'InProgress', '2099-01-01T00:00:00Z'))]);
    const forged = await store.get('commandInvocations', { CommandId: TRUTH_COMMAND_ID, InstanceId: id });
    expect(forged?.[archiveAttributes.observedAt]).toBe(NOW.toISOString());
    expect(forged?.[archiveAttributes.statusTimeline]).toEqual(new Set([`${NOW.toISOString()} InProgress`]));
    // Had it kept 2099, this later InProgress sighting (same rank) would have been stale for 73 years.
    const later = new Date(NOW.getTime() + 1_000);
    const next = new Collector({ sources: historySources, clients: { ssm: new SSMClient({ region: 'us-east-1' }) }, store, logger: silent, parentConcurrency: 2, now: () => later });
    expect(await next.collect([queueMessage(invocationEvent(id, 'InProgress', later.toISOString()))])).toMatchObject({ written: 1, stale: 0 });
  });

  it('fetches a failed invocation at once, with one call', async () => {
    const failed = truthInvocation('i-00000000000000002', 'Failed', 'exit status 1');
    ssmMock.on(ListCommandInvocationsCommand).resolves({ CommandInvocations: [failed] });
    const result = await collector.collect([queueMessage(invocationEvent('i-00000000000000002', 'Failed', '2026-11-20T10:00:04Z'))]);
    expect(result.failedMessageIds).toEqual([]);
    expect(ssmMock.commandCalls(ListCommandInvocationsCommand).map((call) => call.args[0].input)).toEqual([
      { CommandId: TRUTH_COMMAND_ID, InstanceId: 'i-00000000000000002', Details: true, MaxResults: 50 },
    ]);
    const item = await store.get('commandInvocations', { CommandId: TRUTH_COMMAND_ID, InstanceId: 'i-00000000000000002' });
    expect(commandInvocationFromItem(item ?? {})).toEqual(failed);
    expect(item?.[archiveAttributes.detailed]).toBe(true);
  });

  it('stores SSM\'s read when it is behind the event, and fails the message with why, so that its retry reads again', async () => {
    const id = 'i-00000000000000004';
    const running = { ...truthInvocation(id, 'InProgress'), CommandPlugins: [] };
    ssmMock.on(ListCommandInvocationsCommand).resolves({ CommandInvocations: [running] });
    const message = queueMessage(invocationEvent(id, 'Failed', '2026-11-20T10:00:04Z'));
    const first = await collector.collect([message]);
    expect(first.failedMessageIds).toEqual([message.id]);
    expect(first.failureReasons.get(message.id)).toBe(
      `ReadBehindMessageError: SSM's read is behind the messages, to be read again: commandInvocations {"CommandId":"${TRUTH_COMMAND_ID}","InstanceId":"${id}"} is InProgress where a message said Failed`,
    );
    const key = { CommandId: TRUTH_COMMAND_ID, InstanceId: id };
    expect(await store.get('commandInvocations', key)).toMatchObject({ Status: 'InProgress', [archiveAttributes.confirmed]: true });
    // The retry: SSM has caught up.
    const failed = truthInvocation(id, 'Failed', 'exit status 1');
    ssmMock.on(ListCommandInvocationsCommand).resolves({ CommandInvocations: [failed] });
    expect((await collector.collect([message])).failedMessageIds).toEqual([]);
    expect(commandInvocationFromItem((await store.get('commandInvocations', key)) ?? {})).toEqual(failed);
  });

  it('fails a poll whose read moved a record back from what an earlier message stored, so that it is read again', async () => {
    const id = 'i-00000000000000005';
    await collector.collect([queueMessage(invocationEvent(id, 'Success', '2026-11-20T10:00:04Z'))]);
    ssmMock.on(ListCommandsCommand).resolves({ Commands: [truthCommand('InProgress', [])] });
    ssmMock.on(ListCommandInvocationsCommand).resolves({ CommandInvocations: [{ ...truthInvocation(id, 'InProgress'), CommandPlugins: [] }] });
    const poll = queueMessage(encodeWorkItem({ kind: 'run-command', parentId: TRUTH_COMMAND_ID, producer: 'poll', sentAt: NOW.toISOString(), observations: [], fetch: { scope: 'parent' } }));
    const result = await collector.collect([poll]);
    expect(result.failedMessageIds).toEqual([poll.id]);
    expect(result.failureReasons.get(poll.id)).toMatch(/is InProgress, behind the status an earlier message stored$/);
    expect(await store.get('commandInvocations', { CommandId: TRUTH_COMMAND_ID, InstanceId: id })).toMatchObject({ Status: 'InProgress', [archiveAttributes.confirmed]: true });
  });

  it('makes one pass over a finished command: every page, the command record, and full output only where it was cut', async () => {
    const invocations = Array.from({ length: 60 }, (_, i) => truthInvocation(`i-${String(i).padStart(17, '0')}`, 'Success'));
    invocations[7] = truthInvocation('i-00000000000000007', 'Success', cutOutput('x'));
    ssmMock.on(ListCommandInvocationsCommand).callsFake((input: { NextToken?: string }) =>
      input.NextToken ? { CommandInvocations: invocations.slice(50) } : { CommandInvocations: invocations.slice(0, 50), NextToken: 'page-2' },
    );
    ssmMock.on(ListCommandsCommand).resolves({ Commands: [truthCommand('Success', invocations)] });
    const full = truthPluginOutput(invocations[7]!, 'x'.repeat(20_000));
    ssmMock.on(GetCommandInvocationCommand).resolves(full);

    const result = await collector.collect([
      queueMessage(commandEvent('Success', '2026-11-20T10:00:05Z')),
      queueMessage(commandEvent('Success', '2026-11-20T10:00:05Z')),
    ]);

    expect(result).toMatchObject({ failedMessageIds: [], parents: 1, written: 61 });
    expect(ssmMock.commandCalls(ListCommandInvocationsCommand)).toHaveLength(2);
    expect(ssmMock.commandCalls(ListCommandsCommand)).toHaveLength(1);
    expect(ssmMock.commandCalls(GetCommandInvocationCommand).map((call) => call.args[0].input)).toEqual([
      { CommandId: TRUTH_COMMAND_ID, InstanceId: 'i-00000000000000007', PluginName: 'aws:runShellScript' },
    ]);
    const cut = await store.get('commandInvocations', { CommandId: TRUTH_COMMAND_ID, InstanceId: 'i-00000000000000007' });
    const pluginOutputs = cut?.pluginOutputs as Record<string, { StandardOutputContent: string }>;
    expect(pluginOutputs['aws:runShellScript']?.StandardOutputContent).toHaveLength(20_000);
    expect(await store.get('commands', { CommandId: TRUTH_COMMAND_ID })).toMatchObject({ Status: 'Success', TargetCount: 60 });
  });

  it('reads every plugin of a failed, timed-out or cancelled invocation in detail, and of every invocation with invocationDetail all', async () => {
    const twoPlugins = (id: string, status: string): CommandInvocation => {
      const invocation = truthInvocation(id, status);
      const plugin = invocation.CommandPlugins?.[0];
      return { ...invocation, CommandPlugins: [{ ...plugin, Name: 'install' }, { ...plugin, Name: 'verify' }] };
    };
    const invocations = [
      twoPlugins('i-00000000000000001', 'Success'),
      twoPlugins('i-00000000000000002', 'Failed'),
      twoPlugins('i-00000000000000003', 'TimedOut'),
      twoPlugins('i-00000000000000004', 'Cancelled'),
    ];
    ssmMock.on(ListCommandInvocationsCommand).resolves({ CommandInvocations: invocations });
    ssmMock.on(ListCommandsCommand).resolves({ Commands: [truthCommand('Failed', invocations)] });
    ssmMock.on(GetCommandInvocationCommand).callsFake((input: { InstanceId: string; PluginName: string }) => ({
      ...truthPluginOutput(invocations[0]!, 'full'),
      InstanceId: input.InstanceId,
      PluginName: input.PluginName,
      ExecutionElapsedTime: 'PT2.091S',
    }));
    const read = (): string[] => ssmMock.commandCalls(GetCommandInvocationCommand).map((call) => `${call.args[0].input.InstanceId}/${call.args[0].input.PluginName}`).sort();

    await collector.collect([queueMessage(commandEvent('Failed', '2026-11-20T10:00:05Z'))]);
    expect(read()).toEqual(['2', '3', '4'].flatMap((n) => [`i-0000000000000000${n}/install`, `i-0000000000000000${n}/verify`]));
    const failed = await store.get('commandInvocations', { CommandId: TRUTH_COMMAND_ID, InstanceId: 'i-00000000000000002' });
    expect(failed?.['pluginOutputs']).toMatchObject({ install: { ExecutionElapsedTime: 'PT2.091S' }, verify: { ExecutionElapsedTime: 'PT2.091S' } });
    expect(failed?.['derivedPluginAnswers']).toBeUndefined();
    const succeeded = await store.get('commandInvocations', { CommandId: TRUTH_COMMAND_ID, InstanceId: 'i-00000000000000001' });
    expect(succeeded?.['derivedPluginAnswers']).toEqual(['install', 'verify']);

    ssmMock.resetHistory();
    const all = new Collector({ sources: historySources, clients: { ssm: new SSMClient({ region: 'us-east-1' }) }, store, logger: silent, parentConcurrency: 2, now: () => NOW, settings: { invocationDetail: 'all' } });
    await all.collect([queueMessage(commandEvent('Failed', '2026-11-20T10:00:05Z'))]);
    // The successful invocation's plugins now; the others' answers are held already (a finished invocation's never change).
    expect(read()).toEqual(['i-00000000000000001/install', 'i-00000000000000001/verify']);
  });

  it('fails only the messages of a parent SSM could not answer, and only malformed messages besides', async () => {
    ssmMock.on(ListCommandsCommand).rejects(Object.assign(new Error('boom'), { name: 'InternalServerError' }));
    ssmMock.on(ListCommandInvocationsCommand).resolves({ CommandInvocations: [] });
    const failing = queueMessage(commandEvent('Failed', '2026-11-20T10:00:05Z'));
    const malformed = queueMessage('{"not": "an event"}');
    const other = queueMessage({ ...(invocationEvent('i-00000000000000003', 'InProgress', '2026-11-20T10:00:02Z') as object), detail: {
      'command-id': '11111111-2222-3333-4444-555555555555', 'instance-id': 'i-00000000000000003', status: 'InProgress' } });
    const result = await collector.collect([failing, malformed, other]);
    expect([...result.failedMessageIds].sort()).toEqual([failing.id, malformed.id].sort());
    expect(result.written).toBe(1);
    expect(silent.error).toHaveBeenCalledWith('Malformed message', expect.objectContaining({ messageId: malformed.id }));
    expect(result.failureReasons.get(malformed.id)).toBe('message is neither an EventBridge event nor an SNS notification');
    expect(result.failureReasons.get(failing.id)).toBe('InternalServerError: boom');
    expect(silent.warn).toHaveBeenCalledWith('Could not collect a parent; its messages will be retried', {
      kind: 'run-command',
      parentId: TRUTH_COMMAND_ID,
      // The event's own account and Region.
      scope: '123456789012/us-east-1',
      messageIds: [failing.id],
      error: { name: 'InternalServerError', message: 'boom' },
    });
    // SSM's refusal is not SNS refusing an alert: no AlertPublishFailures.
    expect(result.alertPublishFailures).toBe(0);
  });

  it('fails every message that named a parent it could not collect, each with the reason, not only the first', async () => {
    ssmMock.on(ListCommandsCommand).rejects(Object.assign(new Error('boom'), { name: 'InternalServerError' }));
    ssmMock.on(ListCommandInvocationsCommand).rejects(Object.assign(new Error('boom'), { name: 'InternalServerError' }));
    const running = queueMessage(invocationEvent('i-00000000000000001', 'InProgress', '2026-11-20T10:00:02Z'));
    const failed = queueMessage(invocationEvent('i-00000000000000002', 'Failed', '2026-11-20T10:00:04Z'));
    const finished = queueMessage(commandEvent('Failed', '2026-11-20T10:00:05Z'));
    const sameParent = [running, failed, finished];
    const other = queueMessage({ ...(invocationEvent('i-00000000000000003', 'InProgress', '2026-11-20T10:00:02Z') as object), detail: {
      'command-id': '11111111-2222-3333-4444-555555555555', 'instance-id': 'i-00000000000000003', status: 'InProgress' } });
    const result = await collector.collect([running, other, failed, finished]);
    expect([...result.failedMessageIds].sort()).toEqual(sameParent.map((message) => message.id).sort());
    for (const message of sameParent) expect(result.failureReasons.get(message.id)).toBe('InternalServerError: boom');
    expect(result).toMatchObject({ parents: 2, written: 1 });
    // Nothing of the failed parent is stored: its retry brings every message back.
    expect(await store.get('commandInvocations', { CommandId: TRUTH_COMMAND_ID, InstanceId: 'i-00000000000000001' })).toBeUndefined();
  });

  it('retries a command SSM does not show yet, but keeps what an event says of one SSM has forgotten', async () => {
    ssmMock.on(ListCommandsCommand).rejects(new InvalidCommandId({ message: 'Invalid command id', $metadata: {} }));
    ssmMock.on(ListCommandInvocationsCommand).rejects(new InvalidCommandId({ message: 'Invalid command id', $metadata: {} }));
    const fresh = queueMessage(commandEvent('Success', '2026-11-20T10:04:00Z'));
    expect((await collector.collect([fresh])).failedMessageIds).toEqual([fresh.id]);

    const old = queueMessage(commandEvent('Success', '2026-10-01T10:00:00Z'));
    const result = await collector.collect([old]);
    expect(result.failedMessageIds).toEqual([]);
    const command = await store.get('commands', { CommandId: TRUTH_COMMAND_ID });
    expect(command).toMatchObject({ Status: 'Success', DocumentName: 'AWS-RunShellScript' });
    expect(command).not.toHaveProperty(archiveAttributes.detailed);
  });
});
