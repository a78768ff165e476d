import { SSMClient } from '@aws-sdk/client-ssm';
import { Collector, type QueueMessage } from '../../lambdas/collector/collector';
import { SsmSimulator, type AutomationTruth } from '../../local/ssm-simulator';
import { historySources } from '../../lambdas/sources';
import { automationExecutionFromItem, automationStepFromItem } from '../../lambdas/sources/automation/records';
import { RecordStore } from '../../lambdas/store/record-store';
import { startDynalite, type TestDatabase } from '../support/databases';
import { silentLog as silent } from '../support/silent-log';
import { tableSchemas } from '../../lambdas/sources/tables';
import { withoutRunCommand } from '../support/simulator-events';

/**
 * The collector against the SSM simulator over HTTP (real SDK) and dynalite: an Automation of
 * 200 steps, from its events, archived exactly as SSM serves it, for at most ceil(200/50)+2 SSM calls.
 */
const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };
const PARENT = '0f0e0d0c-0b0a-4909-8807-060504030201';

async function collectAll(collector: Collector, bodies: readonly string[]): Promise<string[]> {
  const failed: string[] = [];
  for (let i = 0; i < bodies.length; i += 10) {
    const batch: QueueMessage[] = bodies.slice(i, i + 10).map((body, j) => ({ id: `m${i + j}`, body }));
    failed.push(...(await collector.collect(batch)).failedMessageIds);
  }
  return failed;
}

async function expectArchived(store: RecordStore, truth: AutomationTruth): Promise<void> {
  const id = truth.execution.AutomationExecutionId as string;
  expect(automationExecutionFromItem((await store.get('automationExecutions', { AutomationExecutionId: id })) ?? {})).toEqual(truth.execution);
  const stored = [];
  for (let page = await store.page('automationSteps', id, 100); ; page = await store.page('automationSteps', id, 100, page.nextKey)) {
    stored.push(...page.items.map(automationStepFromItem));
    if (!page.nextKey) break;
  }
  const byId = (a: { StepExecutionId?: string }, b: { StepExecutionId?: string }) => (a.StepExecutionId ?? '').localeCompare(b.StepExecutionId ?? '');
  expect(stored.sort(byId)).toEqual([...truth.steps].sort(byId));
}

describe('collecting an Automation from its events, with the SSM simulator', () => {
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
    simulator = new SsmSimulator({ seed: 21 });
    const { endpoint } = await simulator.listen();
    ssm = new SSMClient({ endpoint, region: 'us-east-1', credentials, maxAttempts: 5 });
    store = new RecordStore(database.doc, tableSchemas, await database.tables());
    collector = new Collector({ sources: historySources, clients: { ssm }, store, logger: silent, parentConcurrency: 2 });
  });
  afterEach(async () => {
    ssm.destroy();
    await simulator.close();
  });

  it('archives an execution of 200 steps exactly as SSM serves it, for at most ceil(200/50)+2 SSM calls', async () => {
    const id = simulator.startAutomation({ steps: 200, parentAutomationExecutionId: PARENT });
    simulator.runToCompletion();
    const bodies = withoutRunCommand(simulator.events).map((event) => event.body);
    // Pending, InProgress and Success of the execution; InProgress and Success of each step.
    expect(bodies).toHaveLength(3 + 2 * 200);
    const [truth] = simulator.truth().automations;
    expect(truth?.execution).toMatchObject({ AutomationExecutionId: id, AutomationExecutionStatus: 'Success', ParentAutomationExecutionId: PARENT });
    expect(truth?.steps).toHaveLength(200);

    simulator.resetStats();
    expect(await collectAll(collector, bodies)).toEqual([]);
    const calls = Object.values(simulator.stats()).reduce((sum, stats) => sum + stats.calls, 0);
    expect(calls).toBeLessThanOrEqual(Math.ceil(200 / 50) + 2);

    simulator.forgetAutomationsBefore(new Date(8.64e15));
    await expectArchived(store, truth as AutomationTruth);
    expect(await store.get('automationExecutions', { AutomationExecutionId: id })).toMatchObject({ startYear: '2024' });
  });

  it('archives a failed execution, its failed step fetched at once, while SSM throttles 30% of calls', async () => {
    simulator.startAutomation({ steps: 60, failAtStep: 41, targetLocation: { accounts: ['123456789012'], regions: ['us-east-1', 'eu-west-1'] } });
    simulator.runToCompletion();
    simulator.setFaults({ throttleRate: 0.3, seed: 4 });
    expect(await collectAll(collector, withoutRunCommand(simulator.events).map((event) => event.body))).toEqual([]);
    simulator.setFaults({});
    const [truth] = simulator.truth().automations;
    expect(truth?.execution.AutomationExecutionStatus).toBe('Failed');
    expect(truth?.steps[41]?.FailureDetails).toBeDefined();
    await expectArchived(store, truth as AutomationTruth);
  });
});
