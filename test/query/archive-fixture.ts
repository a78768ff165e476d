import { SSMClient, type GetCommandInvocationCommandOutput } from '@aws-sdk/client-ssm';
import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import { Collector } from '../../lambdas/collector/collector';
import { forEachBounded } from '../../lambdas/concurrency';
import { fleetCommand, SsmSimulator, VirtualClock, type CommandSpec } from '../../local/ssm-simulator';
import { historySources } from '../../lambdas/sources';
import { isListedOutputCut } from '../../lambdas/sources/run-command/output-limits';
import { commandInvocationObservation, commandObservation } from '../../lambdas/sources/run-command/records';
import { firstItemOf, RecordStore, type StoredItem } from '../../lambdas/store/record-store';
import { tableSchemas, type TableNames, type ArchiveTableId as TableId } from '../../lambdas/sources/tables';
import type { TestDatabase } from '../support/databases';
import { silentLog as silent } from '../support/silent-log';

/**
 * An archive filled the way production fills it: the simulator's EventBridge events and SNS
 * notifications through the Collector, which reads SSM (the simulator, over HTTP with the
 * real SDK) and writes DynamoDB. Commands span three years, two share a RequestedDateTime
 * (and a node), and one fans out to 320 nodes, so listings cross year partitions, break
 * ties and page through hundreds of invocations.
 */
export const START = new Date('2022-12-31T23:00:00.000Z');

/**
 * The simulator's account and Region (its defaults), which its events name: where the
 * collector stores their records, and the home the views' suites give the query API.
 */
export const SIMULATED_HOME = { account: '123456789012', region: 'us-east-1' } as const;
const MINUTE = 60_000;

/** Nodes that ran several commands, for the per-node listings. */
export const SHARED_NODE = 'i-0aaaaaaaaaaaaaaa1';
export const TIED_NODE = 'i-0bbbbbbbbbbbbbbb1';

export interface ArchiveFixture {
  readonly sim: SsmSimulator;
  readonly simulatorEndpoint: string;
  readonly tables: TableNames;
  /** 2022: five nodes, one per kind of outcome. */
  readonly mixed: string;
  /** 2023, the same millisecond: a two-step document with long output, and a tag-targeted command. */
  readonly twoStep: string;
  readonly tagged: string;
  /** 2024: 320 nodes. */
  readonly fleet: string;
  /** 2024, ten minutes later: 40 nodes, two plugins, S3 output. */
  readonly deploy: string;
  stop(): Promise<void>;
}


/**
 * `collector`: the events through the Collector, as in production (a few seconds).
 * `bulk`: the records the collector would write, loaded directly (firstItemOf gives the
 * upsert's item layout), for suites that test reading rather than collecting.
 */
export type FillMode = 'collector' | 'bulk';

export async function buildArchive(database: TestDatabase, fill: FillMode = 'collector'): Promise<ArchiveFixture> {
  const sim = new SsmSimulator({ clock: new VirtualClock(START), seed: 7 });
  const mixed = sim.sendCommand({
    documentName: 'AWS-RunShellScript',
    comment: 'mixed outcomes',
    parameters: { commands: ['uptime'] },
    invocations: [
      { instanceId: SHARED_NODE, plugins: [{ name: 'aws:runShellScript', stdout: 'up 3 days\n' }] },
      { instanceId: 'i-0aaaaaaaaaaaaaaa2', outcome: 'Failed', plugins: [{ name: 'aws:runShellScript', stdout: 'partial', stderr: 'boom', responseCode: 2 }] },
      { instanceId: 'i-0aaaaaaaaaaaaaaa3', outcome: 'DeliveryTimedOut', delayedAtMs: 5000, startAtMs: MINUTE },
      { instanceId: 'i-0aaaaaaaaaaaaaaa4', outcome: 'Undeliverable' },
      { instanceId: 'i-0aaaaaaaaaaaaaaa5', outcome: 'ExecutionTimedOut', durationMs: 2 * MINUTE },
    ],
    plugins: [{ name: 'aws:runShellScript' }],
  });
  sim.advanceTo(new Date('2023-01-01T00:30:00.000Z'));
  const twoStep = sim.sendCommand({
    documentName: 'Custom-TwoStep',
    outputS3BucketName: 'archive-bucket',
    outputS3KeyPrefix: 'runs',
    plugins: [{ name: 'install' }, { name: 'verify' }],
    invocations: [
      { instanceId: TIED_NODE, plugins: [{ name: 'install', stdout: 'x'.repeat(30_000) }, { name: 'verify', stdout: 'ok\n' }] },
      { instanceId: 'i-0bbbbbbbbbbbbbbb2', outcome: 'Failed', plugins: [{ name: 'install', stdout: 'done' }, { name: 'verify', stderr: 'e'.repeat(9000) }] },
      { instanceId: 'i-0bbbbbbbbbbbbbbb3', outcome: 'Cancelled', plugins: [{ name: 'install', stdout: 'half' }, { name: 'verify' }] },
    ],
  });
  // Same millisecond as twoStep: ListCommands orders the two by CommandId.
  const tagged = sim.sendCommand({
    documentName: 'AWS-RunPowerShellScript',
    targets: [{ Key: 'tag:role', Values: ['web'] }],
    comment: 'tagged',
    invocations: [
      { instanceId: TIED_NODE, plugins: [{ name: 'aws:runPowerShellScript', stdout: 'out\n', stderr: 'warning: deprecated\n' }] },
      { instanceId: SHARED_NODE, outcome: 'Terminated' },
    ],
    plugins: [{ name: 'aws:runPowerShellScript' }],
  });
  sim.advanceTo(new Date('2024-06-03T09:00:00.000Z'));
  const fleetSpec: CommandSpec = fleetCommand({ nodes: 320, seed: 11, failureRate: 0.2, longOutputRate: 0.05 });
  const first = fleetSpec.invocations[0];
  if (first !== undefined) first.instanceId = SHARED_NODE;
  const fleet = sim.sendCommand(fleetSpec);
  sim.advanceBy(10 * MINUTE);
  const deploySpec = fleetCommand({
    nodes: 40,
    seed: 12,
    plugins: 2,
    failureRate: 0.3,
    longOutputRate: 0.1,
    outputS3BucketName: 'deploy-logs',
    maxErrors: '50%',
    notificationConfig: {
      NotificationArn: 'arn:aws:sns:us-east-1:123456789012:ssm-history-notifications',
      NotificationEvents: ['All'],
      NotificationType: 'Invocation',
    },
  });
  const deployFirst = deploySpec.invocations[0];
  if (deployFirst !== undefined) deployFirst.instanceId = SHARED_NODE;
  const deploy = sim.sendCommand(deploySpec);
  sim.runToCompletion();

  const { endpoint } = await sim.listen();
  const tables = await database.tables('query');
  if (fill === 'collector') await collectEvents(sim, endpoint, database, tables);
  else await loadTruth(sim, database, tables);
  database.calls.reset();
  return { sim, simulatorEndpoint: endpoint, tables, mixed, twoStep, tagged, fleet, deploy, stop: () => sim.close() };
}

/** The simulator's events through the Collector, as in production. */
export async function collectEvents(sim: SsmSimulator, endpoint: string, database: TestDatabase, tables: TableNames): Promise<void> {
  const ssm = new SSMClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' }, maxAttempts: 3 });
  try {
    const collector = new Collector({
      sources: historySources,
      clients: { ssm },
      store: new RecordStore(database.doc, tableSchemas, tables),
      logger: silent,
      parentConcurrency: 4,
    });
    // SQS batches of 10, several at once as Lambda runs them: the writes are order-independent.
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
}

async function loadTruth(sim: SsmSimulator, database: TestDatabase, tables: TableNames): Promise<void> {
  const truth = sim.truth();
  const now = new Date('2026-11-20T12:00:00.000Z');
  const context = { observedAt: now, producers: new Set(['poll'] as const) };
  const items: [TableId, StoredItem][] = truth.commands.map((command) => ['commands', firstItemOf(tableSchemas, commandObservation(command, context), now)]);
  for (const invocation of truth.invocations) {
    // As the collector: SSM's full answer for every plugin whose listed output was cut.
    const outputs: Record<string, GetCommandInvocationCommandOutput> = {};
    for (const plugin of invocation.CommandPlugins ?? []) {
      if (!isListedOutputCut(plugin.Output)) continue;
      const full = truth.pluginOutputs.find((o) => o.commandId === invocation.CommandId && o.instanceId === invocation.InstanceId && o.pluginName === plugin.Name);
      if (full !== undefined && plugin.Name !== undefined) outputs[plugin.Name] = { ...full.invocation, $metadata: {} };
    }
    items.push(['commandInvocations', firstItemOf(tableSchemas, commandInvocationObservation(invocation, outputs, context), now)]);
  }
  for (let i = 0; i < items.length; i += 25) {
    let requests: Record<string, { PutRequest: { Item: StoredItem } }[]> = {};
    for (const [table, item] of items.slice(i, i + 25)) (requests[tables[table]] ??= []).push({ PutRequest: { Item: item } });
    while (Object.keys(requests).length > 0) {
      const { UnprocessedItems } = await database.doc.send(new BatchWriteCommand({ RequestItems: requests }));
      requests = (UnprocessedItems ?? {}) as typeof requests;
    }
  }
}
