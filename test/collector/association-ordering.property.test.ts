import {
  DescribeAssociationExecutionsCommand,
  DescribeAssociationExecutionTargetsCommand,
  SSMClient,
  type AssociationExecution,
  type AssociationExecutionTarget,
} from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import fc from 'fast-check';
import { Collector } from '../../lambdas/collector/collector';
import { historySources } from '../../lambdas/sources';
import { ASSOCIATION_DETAIL_TYPE, INSTANCE_ASSOCIATION_DETAIL_TYPE } from '../../lambdas/sources/association/events';
import {
  associationExecutionFromItem,
  associationExecutionObservation,
  associationExecutionTargetFromItem,
  associationExecutionTargetObservation,
} from '../../lambdas/sources/association/records';
import { parseTimeline, RecordStore } from '../../lambdas/store/record-store';
import { ASSOCIATION_ID, at, event, instanceId, truthExecution, truthTarget } from '../support/association-truth';
import { startDynalite, type TestDatabase } from '../support/databases';
import { queueMessage } from '../support/messages';

/**
 * Whatever order and however often a State Manager association's events (association and
 * instance association) arrive, in whatever batches, and wherever an earlier detailed
 * observation (a poll that saw an execution or a target still running) falls among them, the
 * archive ends equal to SSM's final truth.
 */
type Delivery =
  | { readonly type: 'message'; readonly body: string }
  | { readonly type: 'poll-execution'; readonly execution: AssociationExecution; readonly observedAt: Date }
  | { readonly type: 'poll-target'; readonly target: AssociationExecutionTarget; readonly observedAt: Date };

function deliveriesFor(executions: readonly (readonly string[])[]): Delivery[] {
  const deliveries: Delivery[] = [];
  executions.forEach((statuses, e) => {
    const created = at(e * 600);
    const common = { 'association-id': ASSOCIATION_ID, 'document-name': 'AWS-RunShellScript', 'last-execution-date': created };
    const targets = statuses.map((status, t) => truthTarget(e, t, status));
    const final = truthExecution(e, targets);
    deliveries.push(
      { type: 'message', body: event(ASSOCIATION_DETAIL_TYPE, created, { ...common, status: 'Pending' }) },
      { type: 'message', body: event(ASSOCIATION_DETAIL_TYPE, at(e * 600 + 3 + statuses.length), { ...common, status: final.Status }) },
      { type: 'poll-execution', execution: { ...final, Status: 'InProgress', DetailedStatus: 'InProgress', TriggeredAlarms: [] }, observedAt: new Date(at(e * 600 + 1)) },
    );
    statuses.forEach((status, t) => {
      const instance = { ...common, 'instance-id': instanceId(t) };
      deliveries.push(
        { type: 'message', body: event(INSTANCE_ASSOCIATION_DETAIL_TYPE, at(e * 600 + 1), { ...instance, status: 'InProgress' }) },
        { type: 'message', body: event(INSTANCE_ASSOCIATION_DETAIL_TYPE, at(e * 600 + 2 + t), { ...instance, status }) },
        { type: 'poll-target', target: { ...truthTarget(e, t, 'InProgress'), OutputSource: undefined }, observedAt: new Date(at(e * 600 + 1)) },
      );
    });
  });
  return deliveries;
}

const scenarios = fc
  .array(fc.array(fc.constantFrom('Success', 'Success', 'Failed', 'TimedOut', 'Skipped'), { minLength: 1, maxLength: 3, size: 'max' }), { minLength: 1, maxLength: 2 })
  .chain((executions) => {
    const all = deliveriesFor(executions);
    return fc.record({
      executions: fc.constant(executions),
      order: fc.shuffledSubarray(all, { minLength: all.length, maxLength: all.length }),
      duplicates: fc.array(fc.constantFrom(...all), { maxLength: 10, size: 'max' }),
      positions: fc.array(fc.nat(), { maxLength: 10, size: 'max' }),
      batchSize: fc.integer({ min: 1, max: 10 }),
    });
  })
  .map(({ executions, order, duplicates, positions, batchSize }) => {
    const deliveries = [...order];
    duplicates.forEach((duplicate, i) => deliveries.splice((positions[i] ?? 0) % (deliveries.length + 1), 0, duplicate));
    return { executions, deliveries, batchSize };
  });

describe('State Manager ordering and duplication', () => {
  let database: TestDatabase;
  const ssmMock = mockClient(SSMClient);
  const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };

  beforeAll(async () => {
    database = await startDynalite();
  });
  afterAll(async () => {
    await database.stop();
  });

  it('any order and any duplication of an association’s events ends in the same stored state as SSM’s final truth', async () => {
    await fc.assert(
      fc.asyncProperty(scenarios, async ({ executions, deliveries, batchSize }) => {
        const targets = executions.map((statuses, e) => statuses.map((status, t) => truthTarget(e, t, status)));
        const records = targets.map((list, e) => truthExecution(e, list));
        ssmMock.reset();
        ssmMock.on(DescribeAssociationExecutionsCommand).resolves({ AssociationExecutions: [...records].reverse() });
        ssmMock.on(DescribeAssociationExecutionTargetsCommand).callsFake((input: { ExecutionId?: string }) => ({
          AssociationExecutionTargets: targets.flat().filter((target) => target.ExecutionId === input.ExecutionId),
        }));
        const now = () => new Date(at(3600));
        const store = new RecordStore(database.doc, await database.tables('s'), now);
        const collector = new Collector({
          sources: historySources,
          clients: { ssm: new SSMClient({ region: 'us-east-1' }) },
          store,
          logger: silent,
          parentConcurrency: 2,
          now,
        });

        let batch: ReturnType<typeof queueMessage>[] = [];
        const flush = async () => {
          const { failedMessageIds } = await collector.collect(batch);
          expect(failedMessageIds).toEqual([]);
          batch = [];
        };
        const context = (observedAt: Date) => ({ observedAt, producers: new Set(['poll'] as const) });
        for (const delivery of deliveries) {
          if (delivery.type === 'poll-execution') {
            await store.upsert(associationExecutionObservation(delivery.execution, context(delivery.observedAt)));
          } else if (delivery.type === 'poll-target') {
            await store.upsert(associationExecutionTargetObservation(delivery.target, context(delivery.observedAt)));
          } else {
            batch.push(queueMessage(delivery.body));
            if (batch.length === batchSize) await flush();
          }
        }
        if (batch.length > 0) await flush();

        for (const execution of records) {
          const key = { AssociationId: ASSOCIATION_ID, ExecutionId: execution.ExecutionId as string };
          const stored = await store.get('associationExecutions', key);
          expect(associationExecutionFromItem(stored ?? {})).toEqual(execution);
          expect(parseTimeline(stored?.statusTimeline as Set<string>).map((entry) => entry.status)).toContain(execution.Status);
        }
        for (const target of targets.flat()) {
          const item = await store.get('associationExecutionTargets', { ExecutionId: target.ExecutionId as string, ResourceId: target.ResourceId as string });
          expect(associationExecutionTargetFromItem(item ?? {})).toEqual(target);
        }
      }),
      { numRuns: 40 },
    );
  });
});
