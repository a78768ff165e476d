import {
  DescribeAssociationExecutionsCommand,
  DescribeAssociationExecutionTargetsCommand,
  SSMClient,
  type AssociationExecution,
  type AssociationExecutionTarget,
  type DescribeAssociationExecutionsCommandInput,
} from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import fc from 'fast-check';
import { Collector } from '../../lambdas/collector/collector';
import { encodeWorkItem } from '../../lambdas/collector/messages';
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
import { propertyRuns } from '../support/property-runs';
import { silentLog as silent } from '../support/silent-log';
import { tableSchemas } from '../../lambdas/sources/tables';

/**
 * Whatever order and however often a State Manager association's events (association and
 * instance association) and its pollers' work items arrive, in whatever batches, and wherever
 * an earlier detailed observation (a poll that saw an execution or a target still running)
 * falls among them, the archive ends equal to SSM's final truth. Executions are two hours
 * apart, more than an event's hour of lookback, and SSM honours the CreatedTime filter: a
 * batch whose items ask from different times, or one of them from none, must list from the
 * earliest, or everything.
 */
type Delivery =
  | { readonly type: 'message'; readonly body: string }
  | { readonly type: 'poll-execution'; readonly execution: AssociationExecution; readonly observedAt: Date }
  | { readonly type: 'poll-target'; readonly target: AssociationExecutionTarget; readonly observedAt: Date };

/**
 * How an execution reaches the collector: its events; a poller's work item (which asks from
 * the second before it was created, as the lister does); both; or only the work item of a
 * poller asking for all the association's executions (no `since`).
 */
type Path = 'events' | 'poll' | 'both' | 'unbounded poll';

const SPACING = 2 * 3600;

const pollItem = (since: string | undefined, sentAt: string): string =>
  encodeWorkItem({
    kind: 'association',
    parentId: ASSOCIATION_ID,
    producer: 'poll',
    sentAt,
    observations: [],
    fetch: { scope: 'parent', ...(since !== undefined ? { since } : {}) },
  });

function deliveriesFor(executions: readonly (readonly string[])[], paths: readonly Path[], unbounded: boolean): Delivery[] {
  const deliveries: Delivery[] = [];
  executions.forEach((statuses, e) => {
    const start = e * SPACING;
    const created = at(start);
    const path = paths[e] ?? 'events';
    const common = { 'association-id': ASSOCIATION_ID, 'document-name': 'AWS-RunShellScript', 'last-execution-date': created };
    const targets = statuses.map((status, t) => truthTarget(e, t, status, SPACING));
    const final = truthExecution(e, targets, SPACING);
    deliveries.push({ type: 'poll-execution', execution: { ...final, Status: 'InProgress', DetailedStatus: 'InProgress', TriggeredAlarms: [] }, observedAt: new Date(at(start + 1)) });
    if (path === 'events' || path === 'both') {
      deliveries.push(
        { type: 'message', body: event(ASSOCIATION_DETAIL_TYPE, created, { ...common, status: 'Pending' }) },
        { type: 'message', body: event(ASSOCIATION_DETAIL_TYPE, at(start + 3 + statuses.length), { ...common, status: final.Status }) },
      );
    }
    if (path === 'poll' || path === 'both') deliveries.push({ type: 'message', body: pollItem(at(start - 1), at(start + 60)) });
    statuses.forEach((status, t) => {
      const instance = { ...common, 'instance-id': instanceId(t) };
      deliveries.push({ type: 'poll-target', target: { ...truthTarget(e, t, 'InProgress', SPACING), OutputSource: undefined }, observedAt: new Date(at(start + 1)) });
      if (path === 'events' || path === 'both') {
        deliveries.push(
          { type: 'message', body: event(INSTANCE_ASSOCIATION_DETAIL_TYPE, at(start + 1), { ...instance, status: 'InProgress' }) },
          { type: 'message', body: event(INSTANCE_ASSOCIATION_DETAIL_TYPE, at(start + 2 + t), { ...instance, status }) },
        );
      }
    });
  });
  if (unbounded || paths.includes('unbounded poll')) deliveries.push({ type: 'message', body: pollItem(undefined, at(executions.length * SPACING)) });
  return deliveries;
}

const scenarios = fc
  .array(
    fc.record({
      statuses: fc.array(fc.constantFrom('Success', 'Success', 'Failed', 'TimedOut', 'Skipped'), { minLength: 1, maxLength: 3, size: 'max' }),
      path: fc.constantFrom<Path>('events', 'poll', 'both', 'unbounded poll'),
    }),
    { minLength: 1, maxLength: 3, size: 'max' },
  )
  .chain((list) => {
    const executions = list.map((entry) => entry.statuses);
    const paths = list.map((entry) => entry.path);
    return fc.boolean().chain((unbounded) => {
      const all = deliveriesFor(executions, paths, unbounded);
      return fc.record({
        executions: fc.constant(executions),
        order: fc.shuffledSubarray(all, { minLength: all.length, maxLength: all.length }),
        duplicates: fc.array(fc.constantFrom(...all), { maxLength: 10, size: 'max' }),
        positions: fc.array(fc.nat(), { maxLength: 10, size: 'max' }),
        batchSize: fc.integer({ min: 1, max: 10 }),
      });
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

  beforeAll(async () => {
    database = await startDynalite();
  });
  afterAll(async () => {
    await database.stop();
  });

  it('any order and any duplication of an association’s events and work items ends in the same stored state as SSM’s final truth', async () => {
    await fc.assert(
      fc.asyncProperty(scenarios, async ({ executions, deliveries, batchSize }) => {
        const targets = executions.map((statuses, e) => statuses.map((status, t) => truthTarget(e, t, status, SPACING)));
        const records = targets.map((list, e) => truthExecution(e, list, SPACING));
        ssmMock.reset();
        // Newest first, as SSM lists them, after the CreatedTime bound when there is one.
        ssmMock.on(DescribeAssociationExecutionsCommand).callsFake((input: DescribeAssociationExecutionsCommandInput) => {
          const after = input.Filters?.find((filter) => filter.Key === 'CreatedTime' && filter.Type === 'GREATER_THAN')?.Value;
          const listed = records.filter((record) => after === undefined || (record.CreatedTime?.getTime() ?? 0) > Date.parse(after));
          return { AssociationExecutions: [...listed].reverse() };
        });
        ssmMock.on(DescribeAssociationExecutionTargetsCommand).callsFake((input: { ExecutionId?: string }) => ({
          AssociationExecutionTargets: targets.flat().filter((target) => target.ExecutionId === input.ExecutionId),
        }));
        const now = () => new Date(at(executions.length * SPACING + 3600));
        const store = new RecordStore(database.doc, tableSchemas, await database.tables('s'), now);
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
      { numRuns: propertyRuns(40) },
    );
  });
});
