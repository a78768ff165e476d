import { SSMClient } from '@aws-sdk/client-ssm';
import { Collector, type QueueMessage } from '../../lambdas/collector/collector';
import { auditRunCommandArchive } from '../../bench/archive-audit';
import { fleetCommand, SsmSimulator } from '../../local/ssm-simulator';
import { historySources } from '../../lambdas/sources';
import { RecordStore } from '../../lambdas/store/record-store';
import { databaseEngines, startDynalite, type TestDatabase } from '../support/databases';
import { silentLog as silent } from '../support/silent-log';
import { tableSchemas } from '../../lambdas/sources/tables';

/**
 * The collector against real protocol peers: the SSM simulator over HTTP through the real
 * SDK client, and real DynamoDB engines. What it archives must equal what SSM served.
 */
const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };
const NOTIFICATIONS = {
  NotificationArn: 'arn:aws:sns:us-east-1:123456789012:ssm-history-notifications',
  NotificationEvents: ['All' as const],
  NotificationType: 'Invocation' as const,
};

function batchesOf(bodies: readonly string[], size: number): QueueMessage[][] {
  const batches: QueueMessage[][] = [];
  for (let i = 0; i < bodies.length; i += size) batches.push(bodies.slice(i, i + size).map((body, j) => ({ id: `m${i + j}`, body })));
  return batches;
}

async function collectAll(collector: Collector, bodies: readonly string[]): Promise<string[]> {
  const failed: string[] = [];
  for (const batch of batchesOf(bodies, 10)) failed.push(...(await collector.collect(batch)).failedMessageIds);
  return failed;
}

function setUp(endpoint: string, database: TestDatabase, tables: Awaited<ReturnType<TestDatabase['tables']>>, maxAttempts = 3) {
  const ssm = new SSMClient({ endpoint, region: 'us-east-1', credentials, maxAttempts });
  const store = new RecordStore(database.doc, tableSchemas, tables);
  return { ssm, store, collector: new Collector({ sources: historySources, clients: { ssm }, store, logger: silent, parentConcurrency: 2 }) };
}

describe.each(databaseEngines)('collecting a fleet command from its events into %s', (_engine, start) => {
  let database: TestDatabase;
  let simulator: SsmSimulator;
  let endpoint: string;

  beforeAll(async () => {
    database = await start();
  });
  afterAll(async () => {
    await database.stop();
  });
  beforeEach(async () => {
    simulator = new SsmSimulator({ seed: 11 });
    ({ endpoint } = await simulator.listen());
  });
  afterEach(async () => {
    await simulator.close();
  });

  it('archives exactly what SSM served, from EventBridge events and SNS notifications alike, after SSM forgot it', async () => {
    simulator.sendCommand(fleetCommand({ nodes: 120, failureRate: 0.1, longOutputRate: 0.05, seed: 11, plugins: 2, notificationConfig: NOTIFICATIONS }));
    simulator.runToCompletion();
    const truth = simulator.truth();
    const bodies = simulator.events.map((event) => event.body);
    expect(new Set(simulator.events.map((event) => event.channel))).toEqual(new Set(['eventbridge', 'sns']));

    const { collector, store, ssm } = setUp(endpoint, database, await database.tables());
    expect(await collectAll(collector, bodies)).toEqual([]);
    simulator.forgetBefore(new Date(8.64e15));

    const audit = await auditRunCommandArchive(store, truth);
    expect(audit.differences).toEqual([]);
    expect(audit).toMatchObject({ matches: true, commands: 1, invocations: 120 });
    expect(audit.fullOutputs).toBeGreaterThan(0);
    ssm.destroy();
  });
});

describe('collecting while SSM throttles', () => {
  let database: TestDatabase;
  let simulator: SsmSimulator;
  let endpoint: string;

  beforeAll(async () => {
    database = await startDynalite();
  });
  afterAll(async () => {
    await database.stop();
  });
  beforeEach(async () => {
    simulator = new SsmSimulator({ seed: 5 });
    ({ endpoint } = await simulator.listen());
  });
  afterEach(async () => {
    await simulator.close();
  });

  it('still stores everything when 30% of SSM calls are throttled: the SDK retries them', async () => {
    simulator.sendCommand(fleetCommand({ nodes: 80, failureRate: 0.1, longOutputRate: 0.05, seed: 5 }));
    simulator.runToCompletion();
    simulator.setFaults({ throttleRate: 0.3, seed: 3 });
    const { collector, store, ssm } = setUp(endpoint, database, await database.tables(), 10);

    expect(await collectAll(collector, simulator.events.map((event) => event.body))).toEqual([]);

    const throttled = Object.values(simulator.stats()).reduce((sum, stats) => sum + stats.throttled, 0);
    expect(throttled).toBeGreaterThan(0);
    simulator.setFaults({});
    expect((await auditRunCommandArchive(store, simulator.truth())).differences).toEqual([]);
    ssm.destroy();
  });

  it('reports as failed only the messages of the command SSM could not answer', async () => {
    const withLongOutput = simulator.sendCommand(fleetCommand({ nodes: 20, failureRate: 0, longOutputRate: 0.5, seed: 8 }));
    const plain = simulator.sendCommand(fleetCommand({ nodes: 20, failureRate: 0, longOutputRate: 0, seed: 9 }));
    simulator.runToCompletion();
    // GetCommandInvocation always fails: only the command with cut outputs needs it.
    simulator.setFaults({ serverErrorRate: 1, operations: ['GetCommandInvocation'] });
    const { collector, store, ssm } = setUp(endpoint, database, await database.tables());

    const messages = simulator.events.map((event, i) => ({ id: `m${i}`, body: event.body }));
    const terminalCommandEvents = messages.filter((message) => {
      const event = JSON.parse(message.body) as { 'detail-type': string; detail: { status: string } };
      return event['detail-type'] === 'EC2 Command Status-change Notification' && event.detail.status === 'Success';
    });
    expect(terminalCommandEvents).toHaveLength(2);
    const result = await collector.collect(terminalCommandEvents);

    const failedFor = terminalCommandEvents.filter((message) => result.failedMessageIds.includes(message.id));
    expect(failedFor.map((message) => (JSON.parse(message.body) as { detail: { 'command-id': string } }).detail['command-id'])).toEqual([withLongOutput]);
    expect(await store.get('commands', { CommandId: plain })).toMatchObject({ Status: 'Success', detailed: true });
    expect(await store.get('commands', { CommandId: withLongOutput })).toBeUndefined();
    ssm.destroy();
  });
});
