import { SSMClient } from '@aws-sdk/client-ssm';
import { Collector, type QueueMessage } from '../../lambdas/collector/collector';
import { SsmSimulator, type AssociationTruth } from '../../local/ssm-simulator';
import { historySources } from '../../lambdas/sources';
import { associationExecutionFromItem, associationExecutionTargetFromItem } from '../../lambdas/sources/association/records';
import { RecordStore } from '../../lambdas/store/record-store';
import { startDynalite, type TestDatabase } from '../support/databases';
import { silentLog as silent } from '../support/silent-log';
import { tableSchemas } from '../../lambdas/sources/tables';
import { withoutRunCommand } from '../support/simulator-events';

/**
 * The collector against the SSM simulator over HTTP (real SDK) and dynalite: a State Manager
 * association that ran several times on many nodes, from its events, archived exactly as SSM
 * serves it (every execution, every target), with the SSM calls per stored record reported.
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

async function expectArchived(store: RecordStore, truth: AssociationTruth): Promise<number> {
  let records = 0;
  for (const { execution, targets } of truth.executions) {
    const key = { AssociationId: execution.AssociationId as string, ExecutionId: execution.ExecutionId as string };
    expect(associationExecutionFromItem((await store.get('associationExecutions', key)) ?? {})).toEqual(execution);
    const stored = [];
    for (
      let page = await store.page('associationExecutionTargets', key.ExecutionId, 100);
      ;
      page = await store.page('associationExecutionTargets', key.ExecutionId, 100, page.nextKey)
    ) {
      stored.push(...page.items.map(associationExecutionTargetFromItem));
      if (!page.nextKey) break;
    }
    expect(stored).toEqual(targets);
    records += 1 + targets.length;
  }
  return records;
}

const totalCalls = (simulator: SsmSimulator): number => Object.values(simulator.stats()).reduce((sum, stats) => sum + stats.calls, 0);

describe('collecting a State Manager association from its events, with the SSM simulator', () => {
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
    simulator = new SsmSimulator({ seed: 33 });
    const { endpoint } = await simulator.listen();
    ssm = new SSMClient({ endpoint, region: 'us-east-1', credentials, maxAttempts: 5 });
    store = new RecordStore(database.doc, tableSchemas, await database.tables());
    collector = new Collector({ sources: historySources, clients: { ssm }, store, logger: silent, parentConcurrency: 2 });
  });
  afterEach(async () => {
    ssm.destroy();
    await simulator.close();
  });

  it('archives 4 executions on 60 nodes exactly as SSM serves them, for fewer SSM calls than stored records', async () => {
    const id = simulator.createAssociation({ targets: 60, executions: 4, intervalMs: 30 * 60 * 1000, failures: [{ execution: 2, target: 17 }] });
    simulator.runToCompletion();
    const bodies = withoutRunCommand(simulator.events).map((event) => event.body);
    // Per execution: the association's Pending and terminal events; each node's InProgress and terminal.
    expect(bodies).toHaveLength(4 * (2 + 2 * 60));
    const [truth] = simulator.truth().associations ?? [];
    expect(truth?.association.AssociationId).toBe(id);
    expect(truth?.executions.map(({ execution }) => execution.Status)).toEqual(['Success', 'Failed', 'Success', 'Success']);

    simulator.resetStats();
    // Delivered after the fact, one collector run per 10 messages: every execution is finished.
    expect(await collectAll(collector, bodies)).toEqual([]);
    const calls = totalCalls(simulator);
    const stats = simulator.stats();

    simulator.forgetAssociationExecutionsBefore(new Date(8.64e15));
    const records = await expectArchived(store, truth as AssociationTruth);
    expect(records).toBe(4 * 61);
    console.log(`State Manager: ${calls} SSM calls for ${records} stored records (${(calls / records).toFixed(3)} per record)`, stats);
    // Each batch with a terminal event costs one DescribeAssociationExecutions page plus, per finished
    // execution in the lookback hour (at most 2 here), ceil(60/50) = 2 target pages.
    const batches = Math.ceil(bodies.length / 10);
    expect(calls).toBeLessThanOrEqual(batches * (1 + 2 * 2));
    expect(calls / records).toBeLessThan(1);
    expect(await store.get('associationExecutions', { AssociationId: id, ExecutionId: truth?.executions[0]?.execution.ExecutionId as string })).toMatchObject({
      createdYear: '2024',
    });
  });

  it('archives executions as they happen, event by event, while SSM throttles 30% of calls', async () => {
    simulator.setFaults({ throttleRate: 0.3, seed: 5 });
    const delivered: string[] = [];
    // The association's own events; the commands it runs on its nodes are Run Command's.
    simulator.onEvent((event) => delivered.push(...withoutRunCommand([event]).map((own) => own.body)));
    simulator.createAssociation({ targets: 3, executions: 3, intervalMs: 10 * 60 * 1000, failures: [{ execution: 1, target: 0 }] });
    for (let step = 0; step < 40; step++) {
      simulator.advanceBy(1000);
      const bodies = delivered.splice(0);
      expect(await collectAll(collector, bodies)).toEqual([]);
    }
    simulator.runToCompletion();
    expect(await collectAll(collector, delivered.splice(0))).toEqual([]);
    simulator.setFaults({});
    const [truth] = simulator.truth().associations ?? [];
    expect(truth?.executions).toHaveLength(3);
    expect(truth?.executions[1]?.targets[0]?.Status).toBe('Failed');
    await expectArchived(store, truth as AssociationTruth);
  });
});
