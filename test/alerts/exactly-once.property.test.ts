import {
  DescribeAssociationExecutionsCommand,
  DescribeAssociationExecutionTargetsCommand,
  ListCommandInvocationsCommand,
  ListCommandsCommand,
  SSMClient,
} from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import fc from 'fast-check';
import type { Alert } from '../../lambdas/alerts/alert';
import type { AlertPublisher } from '../../lambdas/alerts/failure-alerts';
import { Collector, type QueueMessage } from '../../lambdas/collector/collector';
import { encodeWorkItem } from '../../lambdas/collector/messages';
import { ASSOCIATION_DETAIL_TYPE, INSTANCE_ASSOCIATION_DETAIL_TYPE } from '../../lambdas/sources/association/events';
import { RecordStore } from '../../lambdas/store/record-store';
import * as association from '../support/association-truth';
import { startDynalite, type TestDatabase } from '../support/databases';
import { queueMessage, snsEnvelope } from '../support/messages';
import { commandEvent, invocationEvent, REQUESTED, TRUTH_COMMAND_ID, truthCommand, truthInvocation } from '../support/run-command-truth';
import { propertyRuns } from '../support/property-runs';
import { alertingCollector } from '../support/collectors';
import { tableSchemas } from '../../lambdas/sources/tables';

/**
 * One alert per failed node, whatever happens on the way: events and notifications in any
 * order and duplicated, pollers re-listing the command, two collectors at once, and SNS
 * refusing a publish once (the failed messages come back, as SQS redelivers them).
 */
const at = (seconds: number) => new Date(REQUESTED.getTime() + seconds * 1000).toISOString();
const instanceId = (i: number) => `i-${String(i).padStart(17, '0')}`;
const FAILURES = new Set(['Failed', 'TimedOut', 'Cancelled', 'DeliveryTimedOut']);

function messagesFor(statuses: readonly string[]): string[] {
  const commandStatus = statuses.every((status) => status === 'Success') ? 'Success' : 'Failed';
  const poll = (sentAt: string) =>
    encodeWorkItem({ kind: 'run-command', parentId: TRUTH_COMMAND_ID, producer: 'poll', sentAt, observations: [], fetch: { scope: 'parent' } });
  const bodies = [JSON.stringify(commandEvent('InProgress', at(0))), JSON.stringify(commandEvent(commandStatus, at(9))), poll(at(5)), poll(at(20))];
  statuses.forEach((status, i) => {
    const id = instanceId(i);
    bodies.push(
      JSON.stringify(invocationEvent(id, 'InProgress', at(1))),
      JSON.stringify(invocationEvent(id, status, at(3 + i))),
      snsEnvelope({
        commandId: TRUTH_COMMAND_ID,
        documentName: 'AWS-RunShellScript',
        instanceId: id,
        requestedDateTime: REQUESTED.toISOString(),
        status,
        eventTime: at(3 + i),
      }),
    );
  });
  return bodies;
}

/** An association's events: each execution's association events, and each target's instance association events. */
function associationMessages(executions: readonly (readonly string[])[]): string[] {
  return executions.flatMap((statuses, e) => {
    const created = association.at(e * 600);
    const common = { 'association-id': association.ASSOCIATION_ID, 'document-name': 'AWS-RunShellScript', 'last-execution-date': created };
    const final = association.truthExecution(e, statuses.map((status, t) => association.truthTarget(e, t, status)));
    return [
      association.event(ASSOCIATION_DETAIL_TYPE, created, { ...common, status: 'Pending' }),
      association.event(ASSOCIATION_DETAIL_TYPE, association.at(e * 600 + 3 + statuses.length), { ...common, status: final.Status }),
      ...statuses.map((status, t) =>
        association.event(INSTANCE_ASSOCIATION_DETAIL_TYPE, association.at(e * 600 + 2 + t), { ...common, 'instance-id': association.instanceId(t), status }),
      ),
    ];
  });
}

interface Scenario {
  readonly statuses: readonly string[];
  readonly bodies: readonly string[];
  readonly batchSize: number;
  /** Batches handed to two collectors at once. */
  readonly concurrent: boolean;
  /** Nodes whose first publish SNS refuses. */
  readonly refusedOnce: ReadonlySet<string>;
}

const scenarios: fc.Arbitrary<Scenario> = fc
  .array(fc.constantFrom('Success', 'Failed', 'TimedOut', 'Cancelled', 'DeliveryTimedOut'), { minLength: 1, maxLength: 4 })
  .chain((statuses) => {
    const all = messagesFor(statuses);
    return fc.record({
      statuses: fc.constant(statuses),
      order: fc.shuffledSubarray(all, { minLength: all.length, maxLength: all.length }),
      duplicates: fc.array(fc.constantFrom(...all), { maxLength: 12, size: 'max' }),
      positions: fc.array(fc.nat(), { maxLength: 12, size: 'max' }),
      batchSize: fc.integer({ min: 1, max: 10 }),
      concurrent: fc.boolean(),
      refusedOnce: fc.subarray(statuses.map((_, i) => instanceId(i))),
    });
  })
  .map(({ statuses, order, duplicates, positions, batchSize, concurrent, refusedOnce }) => {
    const bodies = [...order];
    duplicates.forEach((duplicate, i) => bodies.splice((positions[i] ?? 0) % (bodies.length + 1), 0, duplicate));
    return { statuses, bodies, batchSize, concurrent, refusedOnce: new Set(refusedOnce) };
  });

/** SNS as a list, refusing the first publish for some nodes (or executions). */
class RecordingPublisher implements AlertPublisher {
  readonly published: Alert[] = [];
  readonly refused: string[] = [];
  constructor(private readonly refuseOnce: ReadonlySet<string>) {}

  async publish(alert: Alert): Promise<{ messageId: string }> {
    await new Promise((resolve) => setImmediate(resolve));
    const node = alert.body.instanceId ?? alert.body.executionId ?? '';
    if (this.refuseOnce.has(node) && !this.refused.includes(node)) {
      this.refused.push(node);
      throw Object.assign(new Error('Rate exceeded'), { name: 'ThrottledException' });
    }
    this.published.push(alert);
    return { messageId: `message-${this.published.length}` };
  }
}

/** A work queue: batches to one or two collectors at once; failed messages come back at the end, as SQS redelivers them. */
async function drain(collectors: readonly Collector[], bodies: readonly string[], batchSize: number, concurrent: boolean): Promise<void> {
  const queue: QueueMessage[] = bodies.map((body) => queueMessage(body));
  let receives = 0;
  while (queue.length > 0) {
    const batches = (concurrent ? [0, 1] : [0]).map(() => queue.splice(0, batchSize)).filter((batch) => batch.length > 0);
    const results = await Promise.all(batches.map((batch, i) => (collectors[i] as Collector).collect(batch)));
    results.forEach((result, i) => queue.push(...(batches[i] ?? []).filter((message) => result.failedMessageIds.includes(message.id))));
    expect(++receives).toBeLessThan(200);
  }
}

describe('failure alerts: exactly once', () => {
  let database: TestDatabase;
  const ssmMock = mockClient(SSMClient);

  beforeAll(async () => {
    database = await startDynalite();
  });
  afterAll(async () => {
    ssmMock.restore();
    await database.stop();
  });

  it('publishes exactly one alert per failed node under duplication, reordering, re-polling, concurrency and a refused publish', async () => {
    await fc.assert(
      fc.asyncProperty(scenarios, async ({ statuses, bodies, batchSize, concurrent, refusedOnce }) => {
        const truth = statuses.map((status, i) => truthInvocation(instanceId(i), status, status === 'Success' ? 'ok' : `----------ERROR-------\nexit ${i}`));
        ssmMock.reset();
        ssmMock.on(ListCommandsCommand).resolves({ Commands: [truthCommand(statuses.every((s) => s === 'Success') ? 'Success' : 'Failed', truth)] });
        ssmMock.on(ListCommandInvocationsCommand).callsFake((input: { InstanceId?: string }) => ({
          CommandInvocations: truth.filter((invocation) => !input.InstanceId || invocation.InstanceId === input.InstanceId),
        }));
        let clock = Date.parse(at(30));
        const now = () => new Date((clock += 1000));
        const store = new RecordStore(database.doc, tableSchemas, await database.tables('x'), now);
        const publisher = new RecordingPublisher(refusedOnce);
        const collectors = [alertingCollector({ store, publisher, now }), alertingCollector({ store, publisher, now })];

        await drain(collectors, bodies, batchSize, concurrent);

        const failedNodes = truth.filter((invocation) => FAILURES.has(invocation.Status as string)).map((invocation) => invocation.InstanceId);
        const alerted = publisher.published.map((alert) => alert.body.instanceId);
        expect([...alerted].sort()).toEqual([...failedNodes].sort());
        for (const alert of publisher.published) {
          const invocation = truth.find((candidate) => candidate.InstanceId === alert.body.instanceId);
          expect(alert.body).toMatchObject({ kind: 'command-invocation', commandId: TRUTH_COMMAND_ID, status: invocation?.Status });
          expect(alert.messageAttributes.status?.StringValue).toBe(invocation?.Status);
        }
        // Every refused publish was for a failed node, and its retry got through.
        for (const node of publisher.refused) expect(alerted).toContain(node);
        for (const node of failedNodes) {
          const item = await store.get('commandInvocations', { CommandId: TRUTH_COMMAND_ID, InstanceId: node as string });
          expect(item).toMatchObject({ alertState: 'sent' });
        }
      }),
      { numRuns: propertyRuns(40) },
    );
  });
  it('publishes exactly one alert per failed State Manager execution, which a refused publish keeps unsettled until it goes out', async () => {
    const statuses = fc.array(fc.constantFrom('Success', 'Failed', 'TimedOut', 'Skipped'), { minLength: 1, maxLength: 3, size: 'max' });
    const associationScenarios = fc
      .array(statuses, { minLength: 1, maxLength: 2 })
      .chain((executions) => {
        const all = associationMessages(executions);
        return fc.record({
          executions: fc.constant(executions),
          order: fc.shuffledSubarray(all, { minLength: all.length, maxLength: all.length }),
          duplicates: fc.array(fc.constantFrom(...all), { maxLength: 8, size: 'max' }),
          batchSize: fc.integer({ min: 1, max: 10 }),
          concurrent: fc.boolean(),
          refusedOnce: fc.subarray(executions.map((_, e) => association.executionId(e))),
        });
      });
    await fc.assert(
      fc.asyncProperty(associationScenarios, async ({ executions, order, duplicates, batchSize, concurrent, refusedOnce }) => {
        const targets = executions.map((list, e) => list.map((status, t) => association.truthTarget(e, t, status)));
        const records = targets.map((list, e) => association.truthExecution(e, list));
        ssmMock.reset();
        ssmMock.on(DescribeAssociationExecutionsCommand).resolves({ AssociationExecutions: [...records].reverse() });
        ssmMock.on(DescribeAssociationExecutionTargetsCommand).callsFake((input: { ExecutionId?: string }) => ({
          AssociationExecutionTargets: targets.flat().filter((target) => target.ExecutionId === input.ExecutionId),
        }));
        let clock = Date.parse(association.at(3600));
        const now = () => new Date((clock += 1000));
        const store = new RecordStore(database.doc, tableSchemas, await database.tables('sm'), now);
        const publisher = new RecordingPublisher(new Set(refusedOnce));
        await drain([alertingCollector({ store, publisher, now }), alertingCollector({ store, publisher, now })], [...order, ...duplicates], batchSize, concurrent);

        const failed = records.filter((record) => record.Status === 'Failed').map((record) => record.ExecutionId);
        expect(publisher.published.map((alert) => alert.body.executionId).sort()).toEqual([...failed].sort());
        for (const alert of publisher.published) expect(alert.body).toMatchObject({ kind: 'association-execution', status: 'Failed' });
        for (const id of failed) {
          const item = await store.get('associationExecutions', { AssociationId: association.ASSOCIATION_ID, ExecutionId: id as string });
          expect(item).toMatchObject({ alertState: 'sent', childrenComplete: true });
        }
      }),
      { numRuns: propertyRuns(30) },
    );
  });
});
