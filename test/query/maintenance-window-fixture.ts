import { SSMClient } from '@aws-sdk/client-ssm';
import { Collector } from '../../lambdas/collector/collector';
import { forEachBounded } from '../../lambdas/concurrency';
import { SsmSimulator, VirtualClock } from '../../local/ssm-simulator';
import { historySources } from '../../lambdas/sources';
import { RecordStore } from '../../lambdas/store/record-store';
import { tableSchemas, type TableNames } from '../../lambdas/sources/tables';
import type { TestDatabase } from '../support/databases';
import { silentLog as silent } from '../support/silent-log';

/**
 * An archive of Maintenance Windows history filled as production fills it (the simulator's
 * events through the Collector into dynalite):
 * - `patch`: 3 executions an hour apart across New Year, each a RUN_COMMAND task on 12
 *   targets (target 5 fails in execution 1) then an AUTOMATION task on 2;
 * - `many`: 2 executions of 12 one-target tasks, the first in the same millisecond as
 *   patch's first (their executions tie on StartTime), so task listings page;
 * - `often`: 13 executions ten minutes apart, so execution listings page (MaxResults >= 10);
 * and a command in the millisecond the windows first open, for the merged timeline.
 */
export interface MaintenanceWindowFixture {
  readonly sim: SsmSimulator;
  readonly simulatorEndpoint: string;
  readonly tables: TableNames;
  readonly patch: string;
  readonly many: string;
  readonly often: string;
  readonly command: string;
  stop(): Promise<void>;
}

export const WINDOW_START = new Date('2023-12-31T22:30:00.000Z');

export async function buildMaintenanceWindowArchive(database: TestDatabase): Promise<MaintenanceWindowFixture> {
  const sim = new SsmSimulator({ clock: new VirtualClock(WINDOW_START), seed: 53 });
  const patch = sim.createMaintenanceWindow({
    name: 'patch',
    executions: 3,
    intervalMs: 60 * 60_000,
    tasks: [
      { targets: 12, failures: [{ execution: 1, target: 5 }] },
      { targets: 2, taskType: 'AUTOMATION', taskArn: 'AWS-RestartEC2Instance' },
    ],
  });
  const many = sim.createMaintenanceWindow({
    name: 'many',
    executions: 2,
    intervalMs: 45 * 60_000,
    invocationDurationMs: 500,
    tasks: Array.from({ length: 12 }, (_, i) => ({ targets: 1, taskArn: `Task-${i}` })),
  });
  const command = sim.sendCommand({
    documentName: 'AWS-RunShellScript',
    plugins: [{ name: 'aws:runShellScript' }],
    invocations: [{ instanceId: 'i-0ddddddddddddddd1', plugins: [{ name: 'aws:runShellScript', stdout: 'ok\n' }] }],
  });
  sim.advanceBy(5 * 60_000);
  const often = sim.createMaintenanceWindow({ name: 'often', executions: 13, intervalMs: 10 * 60_000, tasks: [{ targets: 1 }] });
  sim.runToCompletion();

  const { endpoint } = await sim.listen();
  const tables = await database.tables('mw');
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
  return { sim, simulatorEndpoint: endpoint, tables, patch, many, often, command, stop: () => sim.close() };
}
