import { ListCommandInvocationsCommand, ListCommandsCommand, SSMClient, type CommandInvocation } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import fc from 'fast-check';
import type { Alert } from '../../lambdas/alerts/alert';
import type { AlertPublisher } from '../../lambdas/alerts/failure-alerts';
import { Collector, type QueueMessage } from '../../lambdas/collector/collector';
import { encodeWorkItem } from '../../lambdas/collector/messages';
import { commandFromItem, commandInvocationFromItem } from '../../lambdas/sources/run-command/records';
import { archiveAttributes, RecordStore } from '../../lambdas/store/record-store';
import { WORK_QUEUE_MAX_RECEIVES } from '../../lib/work-queue';
import { startDynalite, type TestDatabase } from '../support/databases';
import { queueMessage, snsEnvelope } from '../support/messages';
import { propertyRuns } from '../support/property-runs';
import { commandEvent, invocationEvent, REQUESTED, TRUTH_COMMAND_ID, truthCommand, truthInvocation } from '../support/run-command-truth';
import { alertingCollector } from '../support/collectors';
import { tableSchemas } from '../../lambdas/sources/tables';

/**
 * Only SSM writes history. Genuine events, notifications and poller work items are mixed with
 * forged, replayed, future-dated and reordered ones, duplicated, and collected by two
 * collectors at once from one queue that redelivers a failed message as the deployed work
 * queue does (three receives), then dead-letters it. SSM's reads lag: an invocation's first
 * reads may still say InProgress. After the queue drains and the poller's next pass (a work item for the command, as it lists
 * it), the archive equals SSM's truth for every record, confirmed by SSM's read; only SSM's
 * failures alert, once each; a record SSM does not know stays unconfirmed and never alerts;
 * and no genuine message is dead-lettered.
 *
 * What a principal allowed to publish on the topic or send to the queue can write is the
 * shape of an event or a notification (EventBridge itself refuses `aws.*` sources in
 * PutEvents: EventBridge API reference, PutEvents). Each forgery below is one of those.
 */
const at = (seconds: number) => new Date(REQUESTED.getTime() + seconds * 1000).toISOString();
const instanceId = (i: number) => `i-${String(i).padStart(17, '0')}`;
const GHOST_COMMAND_ID = '6f0d2e1c-0000-4000-8000-00000000dead';
const ACCOUNT = '123456789012';
const TOPIC = 'arn:aws:sns:us-east-1:123456789012:ssm-history-notifications';
const MAX_RECEIVES = WORK_QUEUE_MAX_RECEIVES;
const FAILURES = new Set(['Failed', 'TimedOut', 'Cancelled', 'DeliveryTimedOut']);
const opposite = (status: string) => (status === 'Success' ? 'Failed' : 'Success');

const notification = (id: string, status: string, eventTime: string, commandId = TRUTH_COMMAND_ID) =>
  snsEnvelope({ commandId, documentName: 'AWS-RunShellScript', instanceId: id, requestedDateTime: REQUESTED.toISOString(), status, eventTime }, TOPIC);
const poll = (sentAt: string) =>
  encodeWorkItem({ kind: 'run-command', parentId: TRUTH_COMMAND_ID, producer: 'poll', sentAt, observations: [], fetch: { scope: 'parent' } });
const ghost = (event: object) => JSON.stringify(event).replaceAll(TRUTH_COMMAND_ID, GHOST_COMMAND_ID);

function genuineMessages(statuses: readonly string[]): string[] {
  const commandStatus = statuses.every((status) => status === 'Success') ? 'Success' : 'Failed';
  const bodies = [JSON.stringify(commandEvent('InProgress', at(0))), JSON.stringify(commandEvent(commandStatus, at(9))), poll(at(5))];
  statuses.forEach((status, i) => {
    const id = instanceId(i);
    bodies.push(
      JSON.stringify(invocationEvent(id, 'InProgress', at(1))),
      JSON.stringify(invocationEvent(id, status, at(3 + i))),
      notification(id, status, at(3 + i)),
    );
  });
  return bodies;
}

/** Forgeries of what one invocation's messages say, and of messages about a command SSM never ran. */
function forgedMessages(statuses: readonly string[]): { readonly body: string; readonly attack: string }[] {
  const forged = statuses.flatMap((status, i) => {
    const id = instanceId(i);
    return [
      // The opposite outcome, dated in the future so that it would outrank everything after it.
      { attack: 'opposite outcome, future-dated', body: JSON.stringify(invocationEvent(id, opposite(status), '2099-01-01T00:00:00.000Z')) },
      { attack: 'opposite outcome by notification', body: notification(id, opposite(status), at(3 + i)) },
      // A genuine running event replayed with a later time, after the invocation ended.
      { attack: 'replayed running event', body: JSON.stringify(invocationEvent(id, 'InProgress', at(40))) },
      { attack: 'a terminal status SSM never gave', body: JSON.stringify(invocationEvent(id, 'Cancelled', at(7))) },
    ];
  });
  return [
    ...forged,
    { attack: 'forged command outcome', body: JSON.stringify(commandEvent('Cancelled', '2099-01-01T00:00:00.000Z')) },
    // A command SSM never ran: recent (SSM may not show it yet, so it is retried) and old (past SSM's memory).
    { attack: 'unknown command, recent', body: ghost(invocationEvent(instanceId(0), 'Failed', at(8))) },
    { attack: 'unknown command, old', body: ghost(invocationEvent(instanceId(0), 'Failed', '2026-10-01T00:00:00.000Z')) },
    { attack: 'unknown command, old, by notification', body: notification(instanceId(1), 'TimedOut', '2026-10-01T00:00:00.000Z', GHOST_COMMAND_ID) },
    // Another account's event, and a notification from another topic: refused on sight.
    { attack: 'another account', body: JSON.stringify({ ...invocationEvent(instanceId(0), opposite(statuses[0] ?? 'Success'), at(4)), account: '999999999999' }) },
    { attack: 'another topic', body: snsEnvelope(JSON.parse(JSON.parse(notification(instanceId(0), 'Failed', at(4))).Message as string) as object, 'arn:aws:sns:us-east-1:123456789012:other') },
  ];
}

interface Scenario {
  readonly statuses: readonly string[];
  /** Reads of each invocation that still say InProgress before SSM shows its end. */
  readonly lags: readonly number[];
  readonly bodies: readonly { readonly body: string; readonly genuine: boolean }[];
  readonly batchSize: number;
}

const scenarios: fc.Arbitrary<Scenario> = fc
  .array(fc.constantFrom('Success', 'Failed', 'TimedOut', 'Cancelled'), { minLength: 1, maxLength: 3 })
  .chain((statuses) => {
    const genuine = genuineMessages(statuses).map((body) => ({ body, genuine: true }));
    const forged = forgedMessages(statuses).map(({ body }) => ({ body, genuine: false }));
    const all = [...genuine, ...forged];
    return fc.record({
      statuses: fc.constant(statuses),
      lags: fc.array(fc.integer({ min: 0, max: 2 }), { minLength: statuses.length, maxLength: statuses.length }),
      forgedPicked: fc.subarray(forged, { minLength: 1 }),
      order: fc.shuffledSubarray(genuine, { minLength: genuine.length, maxLength: genuine.length }),
      duplicates: fc.array(fc.constantFrom(...all), { maxLength: 8, size: 'max' }),
      positions: fc.array(fc.nat(), { maxLength: 24, size: 'max' }),
      batchSize: fc.integer({ min: 1, max: 10 }),
    });
  })
  .map(({ statuses, lags, forgedPicked, order, duplicates, positions, batchSize }) => {
    const bodies = [...order];
    [...forgedPicked, ...duplicates].forEach((message, i) => bodies.splice((positions[i] ?? 0) % (bodies.length + 1), 0, message));
    return { statuses, lags, bodies, batchSize };
  });

class RecordingPublisher implements AlertPublisher {
  readonly published: Alert[] = [];
  async publish(alert: Alert): Promise<{ messageId: string }> {
    await new Promise((resolve) => setImmediate(resolve));
    this.published.push(alert);
    return { messageId: `message-${this.published.length}` };
  }
}

interface Received extends QueueMessage {
  readonly genuine: boolean;
  readonly receives: number;
}

/** One queue, two collectors taking batches at once; a failed message comes back until its last receive, then is dead-lettered. */
async function drain(collectors: readonly Collector[], queue: Received[], batchSize: number): Promise<{ message: Received; reason: string }[]> {
  const deadLetters: { message: Received; reason: string }[] = [];
  let rounds = 0;
  while (queue.length > 0) {
    const batches = collectors.map(() => queue.splice(0, batchSize)).filter((batch) => batch.length > 0);
    const results = await Promise.all(batches.map((batch, i) => (collectors[i] as Collector).collect(batch)));
    results.forEach((result, i) => {
      for (const message of batches[i] ?? []) {
        const reason = result.failureReasons.get(message.id);
        if (reason === undefined) continue;
        if (message.receives >= MAX_RECEIVES) deadLetters.push({ message, reason });
        else queue.push({ ...message, receives: message.receives + 1 });
      }
    });
    expect(++rounds).toBeLessThan(400);
  }
  return deadLetters;
}

describe('trust: only SSM writes history', () => {
  let database: TestDatabase;
  const ssmMock = mockClient(SSMClient);

  beforeAll(async () => {
    database = await startDynalite();
  });
  afterAll(async () => {
    ssmMock.restore();
    await database.stop();
  });

  it('ends equal to SSM\'s truth whatever forged, replayed, future-dated and reordered messages two collectors get, alerting only SSM\'s failures', async () => {
    await fc.assert(
      fc.asyncProperty(scenarios, async ({ statuses, lags, bodies, batchSize }) => {
        const truth = statuses.map((status, i) => truthInvocation(instanceId(i), status, status === 'Success' ? 'ok' : `----------ERROR-------\nexit ${i}`));
        const command = truthCommand(statuses.every((s) => s === 'Success') ? 'Success' : 'Failed', truth);
        const reads = new Map<string, number>();
        /** SSM's answer for one invocation: InProgress for its first `lag` reads, then the truth. */
        const answer = (invocation: CommandInvocation): CommandInvocation => {
          const id = invocation.InstanceId as string;
          const count = (reads.get(id) ?? 0) + 1;
          reads.set(id, count);
          const lag = lags[truth.indexOf(invocation)] ?? 0;
          return count <= lag ? { ...invocation, Status: 'InProgress', StatusDetails: 'InProgress', CommandPlugins: [] } : invocation;
        };
        const invalidCommand = () => Object.assign(new Error('InvalidCommandId'), { name: 'InvalidCommandId', $metadata: {} });
        ssmMock.reset();
        ssmMock.on(ListCommandsCommand).callsFake((input: { CommandId?: string }) => {
          if (input.CommandId !== TRUTH_COMMAND_ID) throw invalidCommand();
          return { Commands: [command] };
        });
        ssmMock.on(ListCommandInvocationsCommand).callsFake((input: { CommandId?: string; InstanceId?: string }) => {
          if (input.CommandId !== TRUTH_COMMAND_ID) throw invalidCommand();
          return { CommandInvocations: truth.filter((invocation) => !input.InstanceId || invocation.InstanceId === input.InstanceId).map(answer) };
        });

        let clock = Date.parse(at(60));
        const now = () => new Date((clock += 10));
        const store = new RecordStore(database.doc, tableSchemas, await database.tables('t'), now);
        const publisher = new RecordingPublisher();
        const senders = { accounts: [ACCOUNT], regions: ['us-east-1'], topicArns: [TOPIC] };
        const collectors = [alertingCollector({ store, publisher, now, senders }), alertingCollector({ store, publisher, now, senders })];
        const enqueue = (messages: readonly { body: string; genuine: boolean }[]): Received[] =>
          messages.map(({ body, genuine }) => ({ ...queueMessage(body), genuine, receives: 1 }));

        const deadLetters = await drain(collectors, enqueue(bodies), batchSize);
        // The poller's next pass lists the command once more.
        deadLetters.push(...(await drain(collectors, enqueue([{ body: poll(at(120)), genuine: true }]), batchSize)));

        // No genuine message is lost; every dead letter says why.
        expect(deadLetters.filter(({ message }) => message.genuine).map(({ reason }) => reason)).toEqual([]);
        for (const { reason } of deadLetters) expect(reason).toMatch(/SSM does not know|account|topic|behind/);

        // Every record equals SSM's, as SSM's read confirmed it.
        for (const invocation of truth) {
          const item = await store.get('commandInvocations', { CommandId: TRUTH_COMMAND_ID, InstanceId: invocation.InstanceId as string });
          expect(item?.[archiveAttributes.confirmed]).toBe(true);
          expect(commandInvocationFromItem(item ?? {})).toEqual(invocation);
        }
        const commandItem = await store.get('commands', { CommandId: TRUTH_COMMAND_ID });
        expect(commandItem?.[archiveAttributes.confirmed]).toBe(true);
        expect(commandFromItem(commandItem ?? {})).toEqual(command);

        // Only SSM's failures alert, each once, with SSM's status.
        const failedNodes = truth.filter((invocation) => FAILURES.has(invocation.Status as string)).map((invocation) => invocation.InstanceId as string);
        const invocationAlerts = publisher.published.filter((alert) => alert.body.kind === 'command-invocation');
        expect(invocationAlerts.map((alert) => alert.body.instanceId).sort()).toEqual([...failedNodes].sort());
        for (const alert of publisher.published) {
          expect(alert.body.commandId).toBe(TRUTH_COMMAND_ID);
          const record = alert.body.kind === 'command-invocation' ? truth.find((candidate) => candidate.InstanceId === alert.body.instanceId) : command;
          expect(alert.body.status).toBe(record?.Status);
        }

        // What SSM does not know is kept unconfirmed, and never alerts.
        for (const id of [instanceId(0), instanceId(1)]) {
          const ghostItem = await store.get('commandInvocations', { CommandId: GHOST_COMMAND_ID, InstanceId: id });
          if (ghostItem === undefined) continue;
          expect(ghostItem).toMatchObject({ [archiveAttributes.confirmed]: false });
          expect(ghostItem).not.toHaveProperty(archiveAttributes.alertState);
        }
      }),
      { numRuns: propertyRuns(40) },
    );
  });
});
