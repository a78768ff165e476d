import { SSMClient } from '@aws-sdk/client-ssm';
import { Collector, type QueueMessage } from '../../lambdas/collector/collector';
import { SsmSimulator, type MaintenanceWindowTruth } from '../../local/ssm-simulator';
import { historySources } from '../../lambdas/sources';
import {
  windowExecutionFromItem,
  windowTaskFromItem,
  windowTaskInvocationFromItem,
} from '../../lambdas/sources/maintenance-window/records';
import { RecordStore, type StoredItem } from '../../lambdas/store/record-store';
import { startDynalite, type TestDatabase } from '../support/databases';
import { silentLog as silent } from '../support/silent-log';
import { tableSchemas, type ArchiveTableId as TableId } from '../../lambdas/sources/tables';
import { withoutRunCommand } from '../support/simulator-events';

/**
 * The collector against the SSM simulator over HTTP (real SDK) and dynalite: a maintenance
 * window that ran several times, its tasks on many targets, from its events, archived
 * exactly as SSM serves it (every execution, task and invocation), with the SSM calls per
 * stored record reported.
 */
const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };

async function collectAll(collector: Collector, bodies: readonly string[]): Promise<string[]> {
  const failed: string[] = [];
  for (let i = 0; i < bodies.length; i += 10) {
    const batch: QueueMessage[] = bodies.slice(i, i + 10).map((body, j) => ({ id: `m${i + j}`, body }));
    failed.push(...(await collector.collect(batch)).failedMessageIds);
  }
  return failed;
}

async function allUnder(store: RecordStore, table: TableId, partition: string): Promise<StoredItem[]> {
  const items: StoredItem[] = [];
  for (let page = await store.page(table, partition, 100); ; page = await store.page(table, partition, 100, page.nextKey)) {
    items.push(...page.items);
    if (!page.nextKey) return items;
  }
}

/** Every record of the truth stored field for field, and nothing else under its keys. Returns how many records. */
async function expectArchived(store: RecordStore, truth: MaintenanceWindowTruth): Promise<number> {
  let records = 0;
  for (const { execution, tasks } of truth.executions) {
    const windowExecutionId = execution.WindowExecutionId as string;
    expect(windowExecutionFromItem((await store.get('maintenanceWindowExecutions', { WindowExecutionId: windowExecutionId })) ?? {})).toEqual(execution);
    const storedTasks = (await allUnder(store, 'maintenanceWindowTasks', windowExecutionId)).map(windowTaskFromItem);
    const byId = (a: { TaskExecutionId?: string; InvocationId?: string }, b: { TaskExecutionId?: string; InvocationId?: string }) =>
      `${a.TaskExecutionId ?? ''} ${a.InvocationId ?? ''}`.localeCompare(`${b.TaskExecutionId ?? ''} ${b.InvocationId ?? ''}`);
    expect(storedTasks.sort(byId)).toEqual(tasks.map(({ task }) => task).sort(byId));
    for (const { task, invocations } of tasks) {
      const stored = (await allUnder(store, 'maintenanceWindowTaskInvocations', task.TaskExecutionId as string)).map(windowTaskInvocationFromItem);
      expect(stored.sort(byId)).toEqual([...invocations].sort(byId));
      records += 1 + invocations.length;
    }
    records += 1;
  }
  return records;
}

const totalCalls = (simulator: SsmSimulator): number => Object.values(simulator.stats()).reduce((sum, stats) => sum + stats.calls, 0);

describe('collecting a maintenance window from its events, with the SSM simulator', () => {
  let database: TestDatabase;
  let simulator: SsmSimulator;
  let ssm: SSMClient;
  let store: RecordStore;
  let collector: Collector;

  beforeAll(async () => {
    database = await startDynalite();
  });
  afterAll(async () => {
    await database.stop();
  });
  beforeEach(async () => {
    simulator = new SsmSimulator({ seed: 44 });
    const { endpoint } = await simulator.listen();
    ssm = new SSMClient({ endpoint, region: 'us-east-1', credentials, maxAttempts: 5 });
    store = new RecordStore(database.doc, tableSchemas, await database.tables('mwi'));
    collector = new Collector({ sources: historySources, clients: { ssm }, store, logger: silent, parentConcurrency: 2 });
  });
  afterEach(async () => {
    ssm.destroy();
    await simulator.close();
  });

  it('archives 3 executions of 2 tasks on 3 and 120 targets exactly as SSM serves them, for fewer SSM calls than stored records', async () => {
    const windowId = simulator.createMaintenanceWindow({
      executions: 3,
      intervalMs: 60 * 60 * 1000,
      tasks: [
        { targets: 3, failures: [{ execution: 1, target: 2 }] },
        { targets: 120, taskType: 'RUN_COMMAND', taskArn: 'AWS-RunShellScript' },
      ],
    });
    simulator.runToCompletion();
    const bodies = withoutRunCommand(simulator.events).map((event) => event.body);
    // Per execution: PENDING, IN_PROGRESS and terminal; each task's and each invocation's IN_PROGRESS and terminal.
    expect(bodies).toHaveLength(3 * (3 + 2 * 2 + 2 * 123));
    const truth = simulator.truth().maintenanceWindows?.find((window) => window.window.WindowId === windowId);
    expect(truth?.executions.map(({ execution }) => execution.Status).sort()).toEqual(['FAILED', 'SUCCESS', 'SUCCESS']);

    simulator.resetStats();
    // Delivered after the fact, one collector run per 10 messages: every execution is finished.
    expect(await collectAll(collector, bodies)).toEqual([]);
    const calls = totalCalls(simulator);
    const stats = simulator.stats();

    simulator.forgetMaintenanceWindowExecutionsBefore(new Date(8.64e15));
    const records = await expectArchived(store, truth as MaintenanceWindowTruth);
    expect(records).toBe(3 * (1 + 2 + 123));
    console.log(`Maintenance Windows: ${calls} SSM calls for ${records} stored records (${(calls / records).toFixed(3)} per record)`, stats);
    // Per execution's terminal event: 1 listing page, 1 task page, 1 + ceil(120/100) invocation pages;
    // the failed invocation and its task each ask for their task's invocations (1 page) in their own batches.
    expect(calls).toBeLessThanOrEqual(3 * (1 + 1 + 1 + 2) + 2);
    expect(calls / records).toBeLessThan(0.05);
    const first = truth?.executions[0]?.execution;
    expect(await store.get('maintenanceWindowExecutions', { WindowExecutionId: first?.WindowExecutionId as string })).toMatchObject({
      WindowId: windowId,
      startYear: first?.StartTime?.toISOString().slice(0, 4),
    });
  });

  it('archives executions as they happen, event by event, while SSM throttles 30% of calls', async () => {
    simulator.setFaults({ throttleRate: 0.3, seed: 5 });
    const delivered: string[] = [];
    // The window's own events; the commands its RUN_COMMAND tasks run are Run Command's.
    simulator.onEvent((event) => delivered.push(...withoutRunCommand([event]).map((own) => own.body)));
    const windowId = simulator.createMaintenanceWindow({
      executions: 2,
      intervalMs: 10 * 60 * 1000,
      tasks: [{ targets: 3, failures: [{ execution: 0, target: 1 }] }, { targets: 2 }],
    });
    for (let step = 0; step < 40; step++) {
      simulator.advanceBy(500);
      expect(await collectAll(collector, delivered.splice(0))).toEqual([]);
    }
    simulator.runToCompletion();
    expect(await collectAll(collector, delivered.splice(0))).toEqual([]);
    simulator.setFaults({});
    const truth = simulator.truth().maintenanceWindows?.find((window) => window.window.WindowId === windowId);
    expect(truth?.executions).toHaveLength(2);
    expect(truth?.executions.map(({ execution }) => execution.Status).sort()).toEqual(['FAILED', 'SUCCESS']);
    await expectArchived(store, truth as MaintenanceWindowTruth);
  });
});
