import { ListCommandInvocationsCommand, ListCommandsCommand, SSMClient, type CommandInvocation } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import fc from 'fast-check';
import { Collector } from '../../lambdas/collector/collector';
import { historySources } from '../../lambdas/sources';
import { commandFromItem, commandInvocationFromItem, commandInvocationObservation } from '../../lambdas/sources/run-command/records';
import type { Observation } from '../../lambdas/core/model';
import { parseTimeline, RecordStore } from '../../lambdas/store/record-store';
import { startDynalite, type TestDatabase } from '../support/databases';
import { expectFurthestStored, ForwardOnly, runCommandLifecycle, type Sighting } from '../support/lifecycle';
import { queueMessage, snsEnvelope } from '../support/messages';
import { commandEvent, invocationEvent, REQUESTED, TRUTH_COMMAND_ID, truthCommand, truthInvocation } from '../support/run-command-truth';
import { propertyRuns } from '../support/property-runs';
import { silentLog as silent } from '../support/silent-log';
import { tableSchemas } from '../../lambdas/sources/tables';

/**
 * Whatever order and however often SSM's events and notifications arrive, in whatever
 * batches, and wherever earlier detailed observations (a poll that saw an invocation still
 * running, a lagging one that still saw it Pending) fall among them, the archive ends equal
 * to SSM's final truth, and no status SSM's read confirmed ever moves back (Pending,
 * InProgress, Cancelling, ended) on the way; what only a message said yields to SSM's read.
 */
const at = (seconds: number) => new Date(REQUESTED.getTime() + seconds * 1000).toISOString();

type Delivery =
  | { readonly type: 'message'; readonly body: string }
  | { readonly type: 'poll'; readonly invocation: CommandInvocation; readonly observedAt: Date };

interface Scenario {
  readonly statuses: readonly string[];
  readonly deliveries: readonly Delivery[];
  readonly batchSize: number;
}

function deliveriesFor(statuses: readonly string[]): Delivery[] {
  const commandStatus = statuses.every((status) => status === 'Success') ? 'Success' : 'Failed';
  const deliveries: Delivery[] = [
    { type: 'message', body: JSON.stringify(commandEvent('InProgress', at(0))) },
    { type: 'message', body: JSON.stringify(commandEvent(commandStatus, at(9))) },
  ];
  statuses.forEach((status, i) => {
    const id = instanceId(i);
    deliveries.push(
      { type: 'message', body: JSON.stringify(invocationEvent(id, 'Pending', at(0))) },
      { type: 'message', body: JSON.stringify(invocationEvent(id, 'InProgress', at(1))) },
      // A lagging listing taken after the InProgress event that still says Pending.
      { type: 'poll', invocation: { ...truthInvocation(id, 'Pending'), CommandPlugins: [] }, observedAt: new Date(at(1.25)) },
      { type: 'message', body: JSON.stringify(invocationEvent(id, status, at(3 + i))) },
      {
        type: 'message',
        body: snsEnvelope({
          commandId: TRUTH_COMMAND_ID,
          documentName: 'AWS-RunShellScript',
          instanceId: id,
          requestedDateTime: REQUESTED.toISOString(),
          status,
          eventTime: at(3 + i),
        }),
      },
      { type: 'poll', invocation: { ...truthInvocation(id, 'InProgress'), CommandPlugins: [] }, observedAt: new Date(at(2)) },
    );
    // A cancelled invocation was Cancelling first, before the poll above still saw it InProgress.
    if (status === 'Cancelled') deliveries.push({ type: 'message', body: JSON.stringify(invocationEvent(id, 'Cancelling', at(1.5))) });
  });
  return deliveries;
}

const instanceId = (i: number) => `i-${String(i).padStart(17, '0')}`;

const scenarios: fc.Arbitrary<Scenario> = fc
  .array(fc.constantFrom('Success', 'Success', 'Failed', 'TimedOut', 'Cancelled'), { minLength: 1, maxLength: 4 })
  .chain((statuses) => {
    const all = deliveriesFor(statuses);
    return fc.record({
      statuses: fc.constant(statuses),
      order: fc.shuffledSubarray(all, { minLength: all.length, maxLength: all.length }),
      duplicates: fc.array(fc.constantFrom(...all), { maxLength: 10, size: 'max' }),
      positions: fc.array(fc.nat(), { maxLength: 10, size: 'max' }),
      batchSize: fc.integer({ min: 1, max: 10 }),
    });
  })
  .map(({ statuses, order, duplicates, positions, batchSize }) => {
    const deliveries = [...order];
    duplicates.forEach((duplicate, i) => deliveries.splice((positions[i] ?? 0) % (deliveries.length + 1), 0, duplicate));
    return { statuses, deliveries, batchSize };
  });

describe('ordering and duplication', () => {
  let database: TestDatabase;
  const ssmMock = mockClient(SSMClient);

  beforeAll(async () => {
    database = await startDynalite();
  });
  afterAll(async () => {
    await database.stop();
  });

  it('any order and any duplication of a command\'s events ends in the same stored state as SSM\'s final truth, SSM\'s confirmed status never moving back on the way', async () => {
    await fc.assert(
      fc.asyncProperty(scenarios, async ({ statuses, deliveries, batchSize }) => {
        const truth = statuses.map((status, i) => truthInvocation(instanceId(i), status));
        const command = truthCommand(statuses.every((s) => s === 'Success') ? 'Success' : 'Failed', truth);
        ssmMock.reset();
        ssmMock.on(ListCommandsCommand).resolves({ Commands: [command] });
        ssmMock.on(ListCommandInvocationsCommand).callsFake((input: { InstanceId?: string }) => ({
          CommandInvocations: truth.filter((invocation) => !input.InstanceId || invocation.InstanceId === input.InstanceId),
        }));
        const now = () => new Date(at(30));
        const store = new RecordStore(database.doc, tableSchemas, await database.tables('p'), now);
        const collector = new Collector({
          sources: historySources,
          clients: { ssm: new SSMClient({ region: 'us-east-1' }) },
          store,
          logger: silent,
          parentConcurrency: 2,
          now,
        });

        const forwardOnly = new ForwardOnly(runCommandLifecycle);
        const checkForward = async () => {
          forwardOnly.check('command', await store.get('commands', { CommandId: TRUTH_COMMAND_ID }));
          for (const invocation of truth) {
            const instance = invocation.InstanceId as string;
            forwardOnly.check(instance, await store.get('commandInvocations', { CommandId: TRUTH_COMMAND_ID, InstanceId: instance }));
          }
        };
        let batch: ReturnType<typeof queueMessage>[] = [];
        const flush = async () => {
          const { failedMessageIds } = await collector.collect(batch);
          expect(failedMessageIds).toEqual([]);
          batch = [];
          await checkForward();
        };
        for (const delivery of deliveries) {
          if (delivery.type === 'poll') {
            await store.upsert(commandInvocationObservation(delivery.invocation, {}, { observedAt: delivery.observedAt, producers: new Set(['poll']) }));
            await checkForward();
            continue;
          }
          batch.push(queueMessage(delivery.body));
          if (batch.length === batchSize) await flush();
        }
        if (batch.length > 0) await flush();

        for (const invocation of truth) {
          const item = await store.get('commandInvocations', { CommandId: TRUTH_COMMAND_ID, InstanceId: invocation.InstanceId as string });
          expect(commandInvocationFromItem(item ?? {})).toEqual(invocation);
          const timeline = parseTimeline(item?.statusTimeline as Set<string>);
          expect(timeline.map((entry) => entry.status)).toContain(invocation.Status);
        }
        expect(commandFromItem((await store.get('commands', { CommandId: TRUTH_COMMAND_ID })) ?? {})).toEqual(command);
      }),
      { numRuns: propertyRuns(40) },
    );
  });

  it('among running statuses the stored one is always the furthest of SSM’s furthest read and the messages after it, whatever the sightings\' times', async () => {
    const sightingsOf = (id: string): Sighting<Observation>[] => {
      const polled = (status: string, seconds: number): Sighting<Observation> => ({
        status,
        poll: commandInvocationObservation({ ...truthInvocation(id, status), CommandPlugins: [] }, {}, { observedAt: new Date(at(seconds)), producers: new Set(['poll']) }),
        readAt: at(seconds),
      });
      const event = (status: string, seconds: number): Sighting<Observation> => ({ status, message: JSON.stringify(invocationEvent(id, status, at(seconds))) });
      return [
        event('Pending', 0),
        event('Delayed', 0.5),
        event('InProgress', 1),
        // A lagging listing, taken after the InProgress event, that still says Pending.
        polled('Pending', 1.25),
        event('Cancelling', 1.5),
        // And one taken after the cancel request that still says InProgress.
        polled('InProgress', 2),
      ];
    };
    const store = new RecordStore(database.doc, tableSchemas, await database.tables('r'), () => new Date(at(30)));
    const collector = new Collector({ sources: historySources, clients: { ssm: new SSMClient({ region: 'us-east-1' }) }, store, logger: silent, parentConcurrency: 1 });
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.shuffledSubarray([0, 1, 2, 3, 4, 5], { minLength: 1, maxLength: 6 }),
        fc.integer({ min: 1, max: 3 }),
        async (order, batchSize) => {
          // A record of its own for each run, in the same tables.
          const id = instanceId(++run);
          const sightings = sightingsOf(id);
          await expectFurthestStored(
            {
              collect: async (bodies) => expect((await collector.collect(bodies.map(queueMessage))).failedMessageIds).toEqual([]),
              store: async (observation) => void (await store.upsert(observation)),
              storedStatus: async () => (await store.get('commandInvocations', { CommandId: TRUTH_COMMAND_ID, InstanceId: id }))?.Status,
            },
            runCommandLifecycle,
            order.map((index) => sightings[index] as Sighting<Observation>),
            batchSize,
          );
        },
      ),
      { numRuns: propertyRuns(60) },
    );
  });
});
