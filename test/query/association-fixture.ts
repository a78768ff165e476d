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
 * An archive of State Manager history filled as production fills it (the simulator's events
 * through the Collector into dynalite): a 60-node association whose four executions cross
 * New Year (one fails on one node), a second association created in the same millisecond
 * (executions of both tie on CreatedTime) on 3 of the same nodes, and commands on the first
 * node: one in the millisecond both first executions are created, one in the millisecond its
 * target of the first execution ends.
 */
export interface AssociationFixture {
  readonly sim: SsmSimulator;
  readonly simulatorEndpoint: string;
  readonly tables: TableNames;
  /** 60 targets, 4 executions 30 minutes apart from 2023-12-31T23:00Z; execution 2 fails on target 17. */
  readonly wide: string;
  /** 3 targets, 3 executions 20 minutes apart, created with `wide`; execution 1 fails on target 0. */
  readonly narrow: string;
  /** The node every association targets first (target 0), which also ran the commands. */
  readonly node: string;
  /** Oldest first: before the associations, at their creation, at wide's first target end, in 2024. */
  readonly commands: readonly string[];
  stop(): Promise<void>;
}

export const ASSOCIATION_START = new Date('2023-12-31T23:00:00.000Z');

const command = (instanceId: string): CommandSpec => ({
  documentName: 'AWS-RunShellScript',
  plugins: [{ name: 'aws:runShellScript' }],
  invocations: [{ instanceId, plugins: [{ name: 'aws:runShellScript', stdout: 'ok\n' }] }],
});

export async function buildAssociationArchive(database: TestDatabase): Promise<AssociationFixture> {
  const sim = new SsmSimulator({ clock: new VirtualClock(new Date(ASSOCIATION_START.getTime() - 60_000)), seed: 41 });
  // The simulator's association targets are i-<17 hex digits> from 0x0a000000 up.
  const node = `i-${(0x0a000000).toString(16).padStart(17, '0')}`;
  const early = sim.sendCommand(command(node));
  sim.advanceTo(ASSOCIATION_START);
  // In the millisecond both associations' first executions are created.
  const atStart = sim.sendCommand(command(node));
  const wide = sim.createAssociation({ targets: 60, executions: 4, intervalMs: 30 * 60_000, failures: [{ execution: 2, target: 17 }] });
  const narrow = sim.createAssociation({ targets: 3, executions: 3, intervalMs: 20 * 60_000, targetDurationMs: 5_000, failures: [{ execution: 1, target: 0 }] });
  // Target 0 of each first execution ends 1 s (start) + its duration after creation: wide's at +3 s.
  sim.advanceTo(new Date(ASSOCIATION_START.getTime() + 3_000));
  const tied = sim.sendCommand(command(node));
  sim.advanceTo(new Date('2024-01-01T00:10:00.000Z'));
  const late = sim.sendCommand(command(node));
  sim.runToCompletion();

  const { endpoint } = await sim.listen();
  const tables = await database.tables('association');
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
  return { sim, simulatorEndpoint: endpoint, tables, wide, narrow, node, commands: [early, atStart, tied, late], stop: () => sim.close() };
}
