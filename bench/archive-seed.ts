import { BatchWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { FailureDayStore } from '../lambdas/store/failure-days';
import { forEachBounded } from '../lambdas/concurrency';
import { fleetCommand, SsmSimulator, VirtualClock } from '../local/ssm-simulator';
import type { Observation } from '../lambdas/core/model';
import { commandInvocationObservation, commandObservation } from '../lambdas/sources/run-command/records';
import { archiveAttributes, firstItemOf, type StoredItem } from '../lambdas/store/record-store';
import { FAILURE_ATTRIBUTES } from '../lambdas/core/table-schema';
import { tableSchemas, type TableNames, type ArchiveTableId as TableId } from '../lambdas/sources/tables';

export interface SeededArchive {
  readonly commandIds: readonly string[];
  readonly instanceIds: readonly string[];
}

const BATCH_WRITE_LIMIT = 25;
const FAILURES: ReadonlySet<string | undefined> = new Set(['Failed', 'TimedOut', 'Cancelled']);

/** What the collector's alert writes add to a failed invocation: its place in the failure index, and its alert sent. */
function alertedFailure(status: string | undefined, key: { CommandId?: string; InstanceId?: string; RequestedDateTime?: Date }, now: Date): Record<string, string> {
  if (!FAILURES.has(status)) return {};
  const failedAt = (key.RequestedDateTime ?? now).toISOString();
  return {
    [FAILURE_ATTRIBUTES.year]: failedAt.slice(0, 4),
    [FAILURE_ATTRIBUTES.at]: failedAt,
    [FAILURE_ATTRIBUTES.id]: `${key.CommandId ?? ''}/${key.InstanceId ?? ''}`,
    [archiveAttributes.alertState]: 'sent',
    [archiveAttributes.alertSentAt]: now.toISOString(),
  };
}

/**
 * An archive of `commands` commands to one fleet of `fleetSize` nodes (each node has a history),
 * a quarter of an hour apart, with the collector's item layout (firstItemOf), loaded with
 * BatchWriteItem: the query benchmark needs a large archive quickly, not the collector's path.
 */
export async function seedArchive(
  db: DynamoDBDocumentClient,
  tables: TableNames,
  commands: number,
  fleetSize: number,
  /** When the series ends: the simulator's default start, or now for an archive the console's last days show. */
  endAt?: Date,
): Promise<SeededArchive> {
  const simulator = new SsmSimulator({ seed: 3, ...(endAt === undefined ? {} : { clock: new VirtualClock(endAt) }) });
  const fleet = fleetCommand({ nodes: fleetSize, seed: 1 }).invocations.map((invocation) => invocation.instanceId);
  // Commands must be in the simulator's past: end the quarter-hourly series at its clock.
  const start = simulator.now().getTime() - commands * 15 * 60_000;
  const commandIds: string[] = [];
  for (let c = 0; c < commands; c++) {
    const spec = fleetCommand({ nodes: fleetSize, seed: 100 + c, requestedAt: new Date(start + c * 15 * 60_000) });
    spec.invocations.forEach((invocation, n) => (invocation.instanceId = fleet[n] as string));
    commandIds.push(simulator.sendCommand(spec));
  }
  simulator.runToCompletion();
  const truth = simulator.truth();
  const now = new Date();
  const context = { observedAt: now, producers: new Set(['poll'] as const) };

  const items: [TableId, StoredItem][] = [
    ...truth.commands.map((command): [TableId, StoredItem] => ['commands', firstItemOf(tableSchemas, commandObservation(command, context), now)]),
    ...truth.invocations.map((invocation): [TableId, StoredItem] => {
      const observation: Observation = commandInvocationObservation(invocation, {}, context);
      return ['commandInvocations', { ...firstItemOf(tableSchemas, observation, now), ...alertedFailure(invocation.Status, invocation, now) }];
    }),
  ];
  const batches: [TableId, StoredItem][][] = [];
  for (let i = 0; i < items.length; i += BATCH_WRITE_LIMIT) batches.push(items.slice(i, i + BATCH_WRITE_LIMIT));
  await forEachBounded(batches, 8, async (batch) => {
    let requests: Record<string, { PutRequest: { Item: StoredItem } }[]> = {};
    for (const [table, item] of batch) (requests[tables[table]] ??= []).push({ PutRequest: { Item: item } });
    while (Object.keys(requests).length > 0) {
      const { UnprocessedItems } = await db.send(new BatchWriteCommand({ RequestItems: requests }));
      requests = (UnprocessedItems ?? {}) as typeof requests;
    }
  });
  // And their counts per day, as the collector keeps them for GET /failures/daily.
  const perDay = new Map<string, number>();
  for (const invocation of truth.invocations) {
    if (!FAILURES.has(invocation.Status)) continue;
    const day = (invocation.RequestedDateTime ?? now).toISOString().slice(0, 10);
    perDay.set(day, (perDay.get(day) ?? 0) + 1);
  }
  const failureDays = new FailureDayStore(db, tables.failureDays);
  for (const [day, count] of perDay) await failureDays.add(new Date(`${day}T00:00:00.000Z`), 'command-invocation', count);
  return { commandIds, instanceIds: fleet };
}
