import {
  DescribeAutomationExecutionsCommand,
  DescribeAutomationStepExecutionsCommand,
  SSMClient,
  type StepExecution,
} from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import fc from 'fast-check';
import { Collector } from '../../lambdas/collector/collector';
import { historySources } from '../../lambdas/sources';
import {
  automationExecutionFromItem,
  automationStepFromItem,
  automationStepObservation,
} from '../../lambdas/sources/automation/records';
import { parseTimeline, RecordStore } from '../../lambdas/store/record-store';
import { startDynalite, type TestDatabase } from '../support/databases';
import { queueMessage } from '../support/messages';
import { executionEvent, STARTED, stepEvent, TRUTH_EXECUTION_ID, truthExecution, truthStep } from '../support/automation-truth';
import { propertyRuns } from '../support/property-runs';
import { silentLog as silent } from '../support/silent-log';
import { tableSchemas } from '../../lambdas/sources/tables';

/**
 * Whatever order and however often an Automation's execution and step events arrive, in
 * whatever batches, and wherever an earlier detailed observation (a poll that saw a step
 * still running) falls among them, the archive ends equal to SSM's final truth.
 */
const at = (seconds: number) => new Date(STARTED.getTime() + seconds * 1000).toISOString();

type Delivery =
  | { readonly type: 'message'; readonly body: string }
  | { readonly type: 'poll'; readonly step: StepExecution; readonly observedAt: Date };

function deliveriesFor(statuses: readonly string[]): Delivery[] {
  const executionStatus = statuses.every((status) => status === 'Success') ? 'Success' : 'Failed';
  const deliveries: Delivery[] = [
    { type: 'message', body: JSON.stringify(executionEvent('InProgress', at(0))) },
    { type: 'message', body: JSON.stringify(executionEvent('Waiting', at(1))) },
    { type: 'message', body: JSON.stringify(executionEvent(executionStatus, at(20))) },
  ];
  statuses.forEach((status, i) => {
    deliveries.push(
      { type: 'message', body: JSON.stringify(stepEvent(i, 'Pending', at(1 + i))) },
      { type: 'message', body: JSON.stringify(stepEvent(i, 'InProgress', at(1 + i))) },
      { type: 'message', body: JSON.stringify(stepEvent(i, status, at(2 + i))) },
      { type: 'poll', step: { ...truthStep(i, 'InProgress'), ExecutionEndTime: undefined, Outputs: {} }, observedAt: new Date(at(1 + i)) },
    );
  });
  return deliveries;
}

const scenarios = fc
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

describe('Automation ordering and duplication', () => {
  let database: TestDatabase;
  const ssmMock = mockClient(SSMClient);

  beforeAll(async () => {
    database = await startDynalite();
  });
  afterAll(async () => {
    await database.stop();
  });

  it('any order and any duplication of an execution’s events ends in the same stored state as SSM’s final truth', async () => {
    await fc.assert(
      fc.asyncProperty(scenarios, async ({ statuses, deliveries, batchSize }) => {
        const steps = statuses.map((status, i) => truthStep(i, status));
        const execution = truthExecution(statuses.every((s) => s === 'Success') ? 'Success' : 'Failed', steps);
        ssmMock.reset();
        ssmMock.on(DescribeAutomationExecutionsCommand).resolves({ AutomationExecutionMetadataList: [execution] });
        ssmMock.on(DescribeAutomationStepExecutionsCommand).callsFake((input: { Filters?: { Key: string; Values: string[] }[] }) => {
          const names = input.Filters?.find((filter) => filter.Key === 'StepName')?.Values;
          return { StepExecutions: steps.filter((step) => !names || names.includes(step.StepName ?? '')) };
        });
        const now = () => new Date(at(30));
        const store = new RecordStore(database.doc, tableSchemas, await database.tables('a'), now);
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
        for (const delivery of deliveries) {
          if (delivery.type === 'poll') {
            await store.upsert(
              automationStepObservation(TRUTH_EXECUTION_ID, delivery.step, { observedAt: delivery.observedAt, producers: new Set(['poll']) }),
            );
            continue;
          }
          batch.push(queueMessage(delivery.body));
          if (batch.length === batchSize) await flush();
        }
        if (batch.length > 0) await flush();

        for (const step of steps) {
          const item = await store.get('automationSteps', {
            AutomationExecutionId: TRUTH_EXECUTION_ID,
            StepExecutionId: step.StepExecutionId as string,
          });
          expect(automationStepFromItem(item ?? {})).toEqual(step);
          expect(parseTimeline(item?.statusTimeline as Set<string>).map((entry) => entry.status)).toContain(step.StepStatus);
        }
        const stored = await store.get('automationExecutions', { AutomationExecutionId: TRUTH_EXECUTION_ID });
        expect(automationExecutionFromItem(stored ?? {})).toEqual(JSON.parse(JSON.stringify(execution), revive));
        expect(parseTimeline(stored?.statusTimeline as Set<string>).map((entry) => entry.status)).toContain(execution.AutomationExecutionStatus);
      }),
      { numRuns: propertyRuns(40) },
    );
  });
});

function revive(key: string, value: unknown): unknown {
  return typeof value === 'string' && /^(ExecutionStartTime|ExecutionEndTime)$/.test(key) ? new Date(value) : value;
}
