import {
  DescribeMaintenanceWindowExecutionsCommand,
  DescribeMaintenanceWindowExecutionTaskInvocationsCommand,
  DescribeMaintenanceWindowExecutionTasksCommand,
  SSMClient,
  type MaintenanceWindowExecution,
} from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import fc from 'fast-check';
import { Collector } from '../../lambdas/collector/collector';
import { historySources } from '../../lambdas/sources';
import type { Observation } from '../../lambdas/core/model';
import {
  windowExecutionFromItem,
  windowExecutionObservation,
  windowTaskFromItem,
  windowTaskInvocationFromItem,
  windowTaskInvocationObservation,
  windowTaskObservation,
} from '../../lambdas/sources/maintenance-window/records';
import { parseTimeline, RecordStore } from '../../lambdas/store/record-store';
import { startDynalite, type TestDatabase } from '../support/databases';
import {
  STARTED,
  taskExecutionEvent,
  TRUTH_WINDOW_EXECUTION_ID,
  taskInvocationEvent,
  truthWindow,
  windowExecutionEvent,
  type WindowTruth,
} from '../support/maintenance-window-truth';
import { expectFurthestStored, ForwardOnly, maintenanceWindowLifecycle, type Sighting } from '../support/lifecycle';
import { queueMessage } from '../support/messages';
import { propertyRuns } from '../support/property-runs';
import { silentLog as silent } from '../support/silent-log';
import { tableSchemas, type ArchiveTableId as TableId } from '../../lambdas/sources/tables';

/**
 * Whatever order and however often a window execution's events arrive (the execution's, its
 * tasks', their invocations'), in whatever batches, and wherever earlier detailed
 * observations (a poll that saw the execution, a task or an invocation still running, or
 * lagging behind: still PENDING after the IN_PROGRESS event, IN_PROGRESS after CANCELLING)
 * fall among them, the archive ends equal to SSM's final truth, and no record's status ever
 * moves back (PENDING, IN_PROGRESS, CANCELLING, ended) on the way.
 */
const at = (seconds: number) => new Date(STARTED.getTime() + seconds * 1000).toISOString();
const PAGE = 2;

type Delivery = { readonly type: 'message'; readonly body: string } | { readonly type: 'poll'; readonly observation: Observation };

function deliveriesFor(truth: WindowTruth): Delivery[] {
  const message = (event: object): Delivery => ({ type: 'message', body: JSON.stringify(event) });
  const poll = (observation: Observation): Delivery => ({ type: 'poll', observation });
  const producers = new Set(['poll'] as const);
  const { execution } = truth;
  const endSecond = 5 + truth.tasks.length;
  const deliveries: Delivery[] = [
    message(windowExecutionEvent('PENDING', at(0))),
    message(windowExecutionEvent('IN_PROGRESS', at(0.5))),
    message(windowExecutionEvent(execution.Status ?? 'SUCCESS', at(endSecond), truth)),
    poll(windowExecutionObservation({ ...execution, Status: 'IN_PROGRESS', StatusDetails: undefined, EndTime: undefined }, { observedAt: new Date(at(1)), producers })),
    // A lagging listing, taken after the IN_PROGRESS event, that still says PENDING.
    poll(windowExecutionObservation({ ...execution, Status: 'PENDING', StatusDetails: undefined, EndTime: undefined }, { observedAt: new Date(at(0.75)), producers })),
  ];
  // A cancelled record was CANCELLING first, before the polls that still saw it IN_PROGRESS.
  if (execution.Status === 'CANCELLED') deliveries.push(message(windowExecutionEvent('CANCELLING', at(0.9))));
  truth.tasks.forEach(({ task, invocations }, i) => {
    deliveries.push(
      message(taskExecutionEvent(task, 'IN_PROGRESS', at(1 + i))),
      message(taskExecutionEvent(task, task.Status ?? 'SUCCESS', at(4 + i))),
      poll(windowTaskObservation({ ...task, Status: 'IN_PROGRESS', StatusDetails: undefined, EndTime: undefined, TriggeredAlarms: [] }, { observedAt: new Date(at(2 + i)), producers })),
    );
    if (task.Status === 'CANCELLED') deliveries.push(message(taskExecutionEvent(task, 'CANCELLING', at(1.5 + i))));
    for (const invocation of invocations) {
      deliveries.push(
        message(taskInvocationEvent(invocation, 'IN_PROGRESS', at(2 + i))),
        message(taskInvocationEvent(invocation, invocation.Status ?? 'SUCCESS', at(3 + i))),
        poll(windowTaskInvocationObservation({ ...invocation, Status: 'IN_PROGRESS', StatusDetails: undefined, EndTime: undefined }, { observedAt: new Date(at(2.5 + i)), producers })),
      );
      if (invocation.Status === 'CANCELLED') {
        deliveries.push(poll(windowTaskInvocationObservation({ ...invocation, Status: 'CANCELLING', StatusDetails: undefined, EndTime: undefined }, { observedAt: new Date(at(2.25 + i)), producers })));
      }
    }
  });
  return deliveries;
}

const scenarios = fc
  .array(fc.array(fc.constantFrom('SUCCESS', 'SUCCESS', 'FAILED', 'TIMED_OUT', 'CANCELLED'), { minLength: 1, maxLength: 3, size: 'max' }), {
    minLength: 1,
    maxLength: 3,
  })
  .chain((invocationStatuses) => {
    const all = deliveriesFor(truthWindow(invocationStatuses));
    return fc.record({
      invocationStatuses: fc.constant(invocationStatuses),
      order: fc.shuffledSubarray(all, { minLength: all.length, maxLength: all.length }),
      duplicates: fc.array(fc.constantFrom(...all), { maxLength: 10, size: 'max' }),
      positions: fc.array(fc.nat(), { maxLength: 10, size: 'max' }),
      batchSize: fc.integer({ min: 1, max: 10 }),
    });
  })
  .map(({ invocationStatuses, order, duplicates, positions, batchSize }) => {
    const deliveries = [...order];
    duplicates.forEach((duplicate, i) => deliveries.splice((positions[i] ?? 0) % (deliveries.length + 1), 0, duplicate));
    return { invocationStatuses, deliveries, batchSize };
  });

/** Pages of two, so that paging is exercised with small truths. */
function paged<T>(records: readonly T[], token: string | undefined): { page: T[]; NextToken?: string } {
  const start = token === undefined ? 0 : Number(token);
  const page = records.slice(start, start + PAGE);
  return start + PAGE < records.length ? { page, NextToken: String(start + PAGE) } : { page };
}

describe('Maintenance Windows ordering and duplication', () => {
  let database: TestDatabase;
  const ssmMock = mockClient(SSMClient);

  beforeAll(async () => {
    database = await startDynalite();
  });
  afterAll(async () => {
    await database.stop();
  });

  it('any order, duplication and batching of a window execution’s events and polls ends equal to SSM’s final truth, SSM’s confirmed status never moving back on the way', async () => {
    await fc.assert(
      fc.asyncProperty(scenarios, async ({ invocationStatuses, deliveries, batchSize }) => {
        const truth = truthWindow(invocationStatuses);
        const tasks = truth.tasks.map(({ task }) => task);
        const invocations = truth.tasks.flatMap((entry) => entry.invocations);
        ssmMock.reset();
        ssmMock.on(DescribeMaintenanceWindowExecutionsCommand).callsFake((input: { NextToken?: string }) => {
          // The execution sits on the second page, among other runs of the window.
          const { page, NextToken } = paged([{ WindowId: truth.execution.WindowId, WindowExecutionId: '00000000-0000-4000-8000-000000000000', Status: 'SUCCESS' }, { WindowId: truth.execution.WindowId, WindowExecutionId: '00000000-0000-4000-8000-000000000001', Status: 'FAILED' }, truth.execution], input.NextToken);
          return { WindowExecutions: page, NextToken };
        });
        ssmMock.on(DescribeMaintenanceWindowExecutionTasksCommand).callsFake((input: { NextToken?: string }) => {
          const { page, NextToken } = paged(tasks, input.NextToken);
          return { WindowExecutionTaskIdentities: page, NextToken };
        });
        ssmMock.on(DescribeMaintenanceWindowExecutionTaskInvocationsCommand).callsFake((input: { TaskId?: string; NextToken?: string }) => {
          const { page, NextToken } = paged(invocations.filter((invocation) => invocation.TaskExecutionId === input.TaskId), input.NextToken);
          return { WindowExecutionTaskInvocationIdentities: page, NextToken };
        });
        const now = () => new Date(at(60));
        const store = new RecordStore(database.doc, tableSchemas, await database.tables('mwo'), now);
        const collector = new Collector({
          sources: historySources,
          clients: { ssm: new SSMClient({ region: 'us-east-1' }) },
          store,
          logger: silent,
          parentConcurrency: 2,
          now,
        });

        const keys: [TableId, Record<string, string>][] = [
          ['maintenanceWindowExecutions', { WindowExecutionId: truth.execution.WindowExecutionId as string }],
          ...tasks.map((task): [TableId, Record<string, string>] => [
            'maintenanceWindowTasks',
            { WindowExecutionId: task.WindowExecutionId as string, TaskExecutionId: task.TaskExecutionId as string },
          ]),
          ...invocations.map((invocation): [TableId, Record<string, string>] => [
            'maintenanceWindowTaskInvocations',
            { TaskExecutionId: invocation.TaskExecutionId as string, InvocationId: invocation.InvocationId as string },
          ]),
        ];
        const forwardOnly = new ForwardOnly(maintenanceWindowLifecycle);
        const checkNoRegression = async () => {
          for (const [table, key] of keys) forwardOnly.check(`${table} ${JSON.stringify(key)}`, await store.get(table, key));
        };

        let batch: ReturnType<typeof queueMessage>[] = [];
        const flush = async () => {
          const { failedMessageIds } = await collector.collect(batch);
          expect(failedMessageIds).toEqual([]);
          batch = [];
          await checkNoRegression();
        };
        for (const delivery of deliveries) {
          if (delivery.type === 'poll') {
            await store.upsert(delivery.observation);
            await checkNoRegression();
            continue;
          }
          batch.push(queueMessage(delivery.body));
          if (batch.length === batchSize) await flush();
        }
        if (batch.length > 0) await flush();

        const storedExecution = await store.get('maintenanceWindowExecutions', { WindowExecutionId: truth.execution.WindowExecutionId as string });
        expect(windowExecutionFromItem(storedExecution ?? {})).toEqual(truth.execution);
        expect(parseTimeline(storedExecution?.statusTimeline as Set<string>).map((entry) => entry.status)).toContain(truth.execution.Status);
        for (const task of tasks) {
          const item = await store.get('maintenanceWindowTasks', { WindowExecutionId: task.WindowExecutionId as string, TaskExecutionId: task.TaskExecutionId as string });
          expect(windowTaskFromItem(item ?? {})).toEqual(task);
          expect(parseTimeline(item?.statusTimeline as Set<string>).map((entry) => entry.status)).toContain(task.Status);
        }
        for (const invocation of invocations) {
          const item = await store.get('maintenanceWindowTaskInvocations', {
            TaskExecutionId: invocation.TaskExecutionId as string,
            InvocationId: invocation.InvocationId as string,
          });
          expect(windowTaskInvocationFromItem(item ?? {})).toEqual(invocation);
          expect(parseTimeline(item?.statusTimeline as Set<string>).map((entry) => entry.status)).toContain(invocation.Status);
        }
      }),
      { numRuns: propertyRuns(30) },
    );
  });

  it('among running statuses the stored one is always the furthest of SSM’s furthest read and the messages after it, whatever the sightings’ times', async () => {
    const { execution } = truthWindow([['SUCCESS']]);
    const sightingsOf = (windowExecutionId: string): Sighting<Observation>[] => {
      const polled = (status: string, seconds: number): Sighting<Observation> => ({
        status,
        poll: windowExecutionObservation(
          { ...execution, WindowExecutionId: windowExecutionId, Status: status as MaintenanceWindowExecution['Status'], StatusDetails: undefined, EndTime: undefined },
          { observedAt: new Date(at(seconds)), producers: new Set(['poll']) },
        ),
        readAt: at(seconds),
      });
      const event = (status: string, seconds: number): Sighting<Observation> => ({
        status,
        message: JSON.stringify(windowExecutionEvent(status, at(seconds))).replaceAll(TRUTH_WINDOW_EXECUTION_ID, windowExecutionId),
      });
      return [
        event('PENDING', 0),
        event('IN_PROGRESS', 0.5),
        // A lagging listing, taken after the IN_PROGRESS event, that still says PENDING.
        polled('PENDING', 0.75),
        event('CANCELLING', 1),
        // And one taken after the cancel request that still says IN_PROGRESS.
        polled('IN_PROGRESS', 1.5),
      ];
    };
    const store = new RecordStore(database.doc, tableSchemas, await database.tables('mwr'), () => new Date(at(60)));
    const collector = new Collector({ sources: historySources, clients: { ssm: new SSMClient({ region: 'us-east-1' }) }, store, logger: silent, parentConcurrency: 1 });
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.shuffledSubarray([0, 1, 2, 3, 4], { minLength: 1, maxLength: 5 }), fc.integer({ min: 1, max: 3 }), async (order, batchSize) => {
        // A record of its own for each run, in the same tables.
        const windowExecutionId = `3c0f1a2b-4d5e-4f60-8a7b-${String(++run).padStart(12, '0')}`;
        const sightings = sightingsOf(windowExecutionId);
        await expectFurthestStored(
          {
            collect: async (bodies) => expect((await collector.collect(bodies.map(queueMessage))).failedMessageIds).toEqual([]),
            store: async (observation) => void (await store.upsert(observation)),
            storedStatus: async () => (await store.get('maintenanceWindowExecutions', { WindowExecutionId: windowExecutionId }))?.Status,
          },
          maintenanceWindowLifecycle,
          order.map((index) => sightings[index] as Sighting<Observation>),
          batchSize,
        );
      }),
      { numRuns: propertyRuns(60) },
    );
  });
});
