import { SSMClient } from '@aws-sdk/client-ssm';
import { Collector } from '../../lambdas/collector/collector';
import { forEachBounded } from '../../lambdas/concurrency';
import { SsmSimulator, VirtualClock, type CommandSpec } from '../../local/ssm-simulator';
import { historySources } from '../../lambdas/sources';
import { RecordStore } from '../../lambdas/store/record-store';
import { tableSchemas, type TableNames } from '../../lambdas/sources/tables';
import type { TestDatabase } from '../support/databases';
import { silentLog as silent } from '../support/silent-log';

/**
 * An archive of Automation executions filled as production fills it (the simulator's events
 * through the Collector into dynalite): executions across two years, two started in the same
 * millisecond, a failed one, a child of another, a cross-account one, and one of 120 steps.
 */
export interface AutomationFixture {
  readonly sim: SsmSimulator;
  readonly simulatorEndpoint: string;
  readonly tables: TableNames;
  readonly parent: string;
  readonly child: string;
  readonly failed: string;
  readonly long: string;
  readonly tiedA: string;
  readonly tiedB: string;
  readonly crossAccount: string;
  /** Two commands: one at the archive's start, one at tiedA's and tiedB's millisecond. */
  readonly commands: readonly string[];
  stop(): Promise<void>;
}

const command = (instanceId: string): CommandSpec => ({
  documentName: 'AWS-RunShellScript',
  plugins: [{ name: 'aws:runShellScript' }],
  invocations: [{ instanceId, plugins: [{ name: 'aws:runShellScript', stdout: 'ok\n' }] }],
});


export async function buildAutomationArchive(database: TestDatabase): Promise<AutomationFixture> {
  const sim = new SsmSimulator({ clock: new VirtualClock(new Date('2023-12-31T22:00:00.000Z')), seed: 17 });
  const parent = sim.startAutomation({ steps: 4, documentName: 'Ops-Parent' });
  // Commands beside the executions, for the timeline's merged parent kinds: one at the same millisecond as an execution.
  const earlyCommand = sim.sendCommand(command('i-0ccccccccccccccc1'));
  sim.advanceBy(90_000);
  const child = sim.startAutomation({ steps: 3, documentName: 'Ops-Child', parentAutomationExecutionId: parent });
  const failed = sim.startAutomation({ steps: 7, failAtStep: 3, documentName: 'AWS-RestartEC2Instance' });
  sim.advanceTo(new Date('2024-01-01T01:00:00.000Z'));
  const long = sim.startAutomation({ steps: 120, stepDurationMs: 500, documentName: 'Ops-LongRunbook' });
  sim.advanceTo(new Date('2024-03-05T10:00:00.000Z'));
  const tiedA = sim.startAutomation({ steps: 2, documentName: 'AWS-Tied' });
  const tiedB = sim.startAutomation({ steps: 2, documentName: 'AWS-Tied' });
  const tiedCommand = sim.sendCommand(command('i-0ccccccccccccccc2'));
  sim.advanceBy(60_000);
  const crossAccount = sim.startAutomation({ steps: 5, failAtStep: 4, targetLocation: { accounts: ['123456789012'], regions: ['us-east-1', 'eu-west-1'] } });
  sim.runToCompletion();

  const { endpoint } = await sim.listen();
  const tables = await database.tables('automation');
  const ssm = new SSMClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' }, maxAttempts: 3 });
  try {
    const collector = new Collector({ sources: historySources, clients: { ssm }, store: new RecordStore(database.doc, tableSchemas, tables), logger: silent, parentConcurrency: 4 });
    const bodies = sim.events.map((event) => event.body);
    const batches: { id: string; body: string }[][] = [];
    for (let i = 0; i < bodies.length; i += 10) batches.push(bodies.slice(i, i + 10).map((body, j) => ({ id: `m${i + j}`, body })));
    await forEachBounded(batches, 4, async (batch) => {
      const { failedMessageIds } = await collector.collect(batch);
      if (failedMessageIds.length > 0) throw new Error(`collector failed ${failedMessageIds.length} messages`);
    });
  } finally {
    ssm.destroy();
  }
  database.calls.reset();
  return { sim, simulatorEndpoint: endpoint, tables, parent, child, failed, long, tiedA, tiedB, crossAccount, commands: [earlyCommand, tiedCommand], stop: () => sim.close() };
}
