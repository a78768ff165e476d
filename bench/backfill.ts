import { SSMClient, type CommandInvocationStatus } from '@aws-sdk/client-ssm';
import { Collector, type QueueMessage } from '../lambdas/collector/collector';
import { encodeWorkItem } from '../lambdas/collector/messages';
import { forEachBounded } from '../lambdas/concurrency';
import type { Log } from '../lambdas/log';
import { CallCounter } from '../local/call-counter';
import { DEFAULT_VIRTUAL_START, fleetCommand, SeededRandom, SsmSimulator, VirtualClock, type Outcome } from '../local/ssm-simulator';
import type { Checkpoint, CheckpointCounters, CheckpointPatch } from '../lambdas/store/checkpoint-store';
import { DEFAULT_CALLS_PER_SECOND, pollOnce } from '../lambdas/polling/poller';
import { TokenBucket } from '../lambdas/polling/rate-limit';
import type { WorkSink } from '../lambdas/polling/work-sink';
import { DEFAULT_COLLECT_SETTINGS, type HistoryKind, type Observation } from '../lambdas/core/model';
import { COMMAND_LISTING_PAGE_SIZE } from '../lambdas/sources/run-command/listing';
import { LIST_PAGE_SIZE } from '../lambdas/sources/run-command/fetch';
import { pluginsReadInDetail, runCommandSource } from '../lambdas/sources/run-command';
import { statusInfo } from '../lambdas/core/status';
import type { UpsertOutcome } from '../lambdas/store/record-store';
import { keyNames, schemaOf, type RecordKey, type TableId } from '../lambdas/core/table-schema';
import { tableSchemas } from '../lambdas/sources/tables';

/**
 * The backfill benchmark: a month of Run Command history (days x commandsPerDay commands,
 * each to the same fleet of `nodes` nodes) scripted into the simulator, then archived the way
 * a first deployment archives it: the real Run Command poller (pollOnce) lists what SSM holds
 * and enqueues one work item per command; the real Collector takes those work items in SQS
 * batches and reads each command from the simulator over HTTP with the real SDK.
 *
 * SSM's rate limit is modelled on a virtual clock: every SSM request (poller and collectors
 * alike) takes a token from one shared bucket of `tps` calls/s, burst 1. Waiting for a token
 * moves the virtual clock instead of sleeping, so the run goes as fast as this machine allows
 * and the modelled duration is what the same calls take when SSM admits `tps` a second. The
 * poller's own bucket (callsPerSecond, default 2/s) runs on the same virtual clock. The
 * listing completes before the collectors start (deployed, they overlap: a few seconds of the
 * modelled time at 12 listing pages). The modelled client never exceeds the rate, so SSM never
 * throttles it: a deployment that does get throttled makes retried calls on top of these.
 *
 * The archive side is an in-memory store with the collector's store interface (the record
 * store's created/written/stale rule: a record only moves to a higher status rank, within a
 * rank only to a newer observation), so the figures are SSM's cost and the wall time of the
 * SSM side, not a 600,000-item dynalite load.
 */

export interface BackfillOptions {
  readonly days: number;
  readonly commandsPerDay: number;
  readonly nodes: number;
  /** The modelled SSM rate limit: calls per second, shared by every SSM read of the account. */
  readonly tps: number;
  readonly seed: number;
  /** SQS batch size of the collector's event source (deployed: 10). */
  readonly batchSize: number;
  /** Collector invocations at once (deployed event source maxConcurrency: 5). */
  readonly collectors: number;
  /** Parents each collector works on at once (deployed PARENT_CONCURRENCY: 4). */
  readonly parentConcurrency: number;
}

export interface BackfillFigures {
  readonly days: number;
  readonly commandsPerDay: number;
  readonly nodes: number;
  readonly commands: number;
  /** ListCommands pages to list every command, and ListCommandInvocations pages to read every invocation. */
  readonly minimumListingPages: number;
  readonly minimumInvocationPages: number;
  /** GetCommandInvocation calls the default settings make: each plugin of a failed, timed-out or cancelled invocation. */
  readonly minimumDetailReads: number;
  readonly expectedInvocations: number;
  /** Invocation records the archive holds at the end. */
  readonly invocations: number;
  /** Command records the archive holds at the end. */
  readonly archivedCommands: number;
  /** Archived invocations whose terminal status is not the one scripted. */
  readonly statusMismatches: number;
  /** SSM calls by operation ("ListCommands", ...), as the SDK sent them. */
  readonly ssmCalls: Record<string, number>;
  readonly totalCalls: number;
  /** ListCommands pages to list every command + ListCommandInvocations pages to read every invocation. */
  readonly minimumCalls: number;
  readonly ratio: number;
  /** Poller runs (Lambda invocations, 270 s each, modelled) until the listing completed. */
  readonly pollerRuns: number;
  readonly listingPages: number;
  readonly workItems: number;
  readonly failedMessages: number;
  /** Scripting the month into the simulator (not part of the backfill). */
  readonly scriptSeconds: number;
  /** Real elapsed time of the backfill: listing and collection. */
  readonly wallSeconds: number;
  /** The backfill's duration on the virtual clock, SSM admitting `tps` calls a second. */
  readonly modelledSeconds: number;
  readonly tps: number;
  /** The process's peak resident set size so far (bytes). */
  readonly peakRssBytes: number;
}

export const BACKFILL_DEFAULTS: BackfillOptions = {
  days: 30,
  commandsPerDay: 20,
  nodes: 1000,
  tps: 5,
  seed: 11,
  batchSize: 10,
  collectors: 5,
  parentConcurrency: 4,
};

/**
 * SSM publishes no TPS quota for ListCommands, ListCommandInvocations or GetCommandInvocation
 * (none found in AWS's docs; the
 * account's Service Quotas console or AWS Support would say). 5 calls/s shared by every Run
 * Command read of the account and Region is an assumption, not a published figure; 3 calls/s
 * is printed beside it as a conservative bound.
 */
export const ASSUMED_RUN_COMMAND_TPS = 5;
export const CONSERVATIVE_TPS = 3;

const DAY_MS = 24 * 3_600_000;
/** Listed outputs are cut at 2,500 characters; these stay far below, so no GetCommandInvocation. */
const SHORT_OUTPUT_CHARS = 64;
/** The deployed poller's timeout (lib/poller.ts: 5-minute interval less 30 s) and save margin. */
const POLLER_RUN_MS = 270_000;
const POLLER_SAVE_MARGIN_MS = 20_000;
const credentials = { accessKeyId: 'bench', secretAccessKey: 'bench' };
const silent: Log = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

/** A virtual clock that a token bucket's waits move forward instead of sleeping. */
class ModelledClock {
  private ms = 0;

  now = (): number => this.ms;

  /** TokenBucket calls this right after reading now(): the wait ends `ms` after that. */
  sleep = (ms: number): Promise<void> => {
    this.ms += ms;
    return Promise.resolve();
  };
}

/** Every SSM request of the client takes a token first: SSM's account-wide rate limit, modelled. */
function attachModelledRateLimit(ssm: SSMClient, bucket: TokenBucket): void {
  ssm.middlewareStack.add(
    (next) => async (args) => {
      await bucket.take();
      return next(args);
    },
    { step: 'initialize', name: 'benchModelledSsmRateLimit', override: true },
  );
}

interface StoredRecord {
  rank: number;
  observedAt: string;
  status: string;
}

/**
 * The collector's store, in memory: the record store's monotonic rule, keeping each record's
 * status, rank and observation time under its key (partition, then sort key) and nothing else.
 */
class MemoryArchive {
  private readonly tables = new Map<TableId, Map<string, Map<string, StoredRecord>>>();

  private partition(table: TableId, key: RecordKey, create: boolean): Map<string, StoredRecord> | undefined {
    const [partitionName = ''] = keyNames(schemaOf(tableSchemas, table));
    const value = key[partitionName] ?? '';
    let partitions = this.tables.get(table);
    if (partitions === undefined) {
      if (!create) return undefined;
      partitions = new Map();
      this.tables.set(table, partitions);
    }
    let records = partitions.get(value);
    if (records === undefined && create) {
      records = new Map();
      partitions.set(value, records);
    }
    return records;
  }

  async upsert(observation: Observation): Promise<UpsertOutcome> {
    const records = this.partition(observation.table, observation.key, true) as Map<string, StoredRecord>;
    const sort = sortValue(observation.table, observation.key);
    const rank = statusInfo(observation.statuses, observation.status).rank;
    const stored = records.get(sort);
    if (stored === undefined) {
      records.set(sort, { rank, observedAt: observation.observedAt, status: observation.status });
      return 'created';
    }
    if (rank < stored.rank || (rank === stored.rank && observation.observedAt < stored.observedAt)) return 'stale';
    stored.rank = rank;
    stored.observedAt = observation.observedAt;
    stored.status = observation.status;
    return 'written';
  }

  async get(table: TableId, key: RecordKey): Promise<Record<string, unknown> | undefined> {
    const stored = this.partition(table, key, false)?.get(sortValue(table, key));
    return stored === undefined ? undefined : { ...key, Status: stored.status, statusRank: stored.rank, observedAt: stored.observedAt };
  }

  /** The records of one table: partition value, sort value ('' without a sort key), record. */
  *records(table: TableId): Generator<[string, string, StoredRecord]> {
    for (const [partition, records] of this.tables.get(table) ?? []) {
      for (const [sort, record] of records) yield [partition, sort, record];
    }
  }
}

const sortValue = (table: TableId, key: RecordKey): string => {
  const sortName = keyNames(schemaOf(tableSchemas, table))[1];
  return sortName === undefined ? '' : (key[sortName] ?? '');
};

/** The pollers' checkpoints, in memory (the CheckpointStore's patch rules). */
class MemoryCheckpoints {
  private readonly byKind = new Map<HistoryKind, Record<string, unknown>>();

  async get(kind: HistoryKind): Promise<Checkpoint> {
    const item = this.byKind.get(kind) ?? {};
    return { kind, recordsStored: 0, missedByEvents: 0, throttles: 0, parentsListed: 0, ...item } as unknown as Checkpoint;
  }

  async saveProgress(kind: HistoryKind, patch: CheckpointPatch): Promise<Checkpoint> {
    const item = this.byKind.get(kind) ?? {};
    const { add, ...fields } = patch;
    for (const [name, value] of Object.entries(fields)) {
      if (value === undefined) continue;
      if (value === null) delete item[name];
      else if ((name === 'backfillStartedAt' || name === 'backfillCompletedAt') && item[name] !== undefined) continue;
      else if (name === 'oldestSeen' && typeof item[name] === 'string' && (item[name] as string) <= (value as string)) continue;
      else item[name] = value;
    }
    this.byKind.set(kind, item);
    await this.addCounters(kind, add ?? {});
    return this.get(kind);
  }

  async addCounters(kind: HistoryKind, add: Partial<CheckpointCounters>): Promise<void> {
    const item = this.byKind.get(kind) ?? {};
    for (const [name, value] of Object.entries(add)) item[name] = ((item[name] as number | undefined) ?? 0) + (value ?? 0);
    this.byKind.set(kind, item);
  }
}

/** The work queue, in memory: what the pollers enqueue, in order. */
class MemoryQueue implements WorkSink {
  readonly bodies: string[] = [];

  async send(bodies: readonly string[]): Promise<void> {
    this.bodies.push(...bodies);
  }
}

/**
 * Scripts the month into the simulator: `days` x `commandsPerDay` fleet commands (the seeded
 * mix of fleetCommand: 5% failures, delays, timeouts) to one fleet of `nodes` nodes, outputs
 * kept short. The simulator's clock stands at the end of the month, so each command is sent
 * with its RequestedDateTime in the past and plays out to its end at once; its events are
 * dropped (the backfill reads SSM, not events). Returns the Status each invocation must end in.
 */
function scriptMonth(simulator: SsmSimulator, options: BackfillOptions, monthStart: number): { expected: Map<string, Map<string, string>>; detailReads: number } {
  const random = new SeededRandom(options.seed);
  const fleet = Array.from({ length: options.nodes }, (_, n) => ({
    instanceId: `i-${random.hex(17)}`,
    instanceName: `${['web', 'api', 'worker', 'db'][n % 4] ?? 'web'}-${String(n).padStart(4, '0')}.prod.example.internal`,
  }));
  const expected = new Map<string, Map<string, string>>();
  let detailReads = 0;
  const slotMs = DAY_MS / options.commandsPerDay;
  for (let day = 0; day < options.days; day++) {
    for (let slot = 0; slot < options.commandsPerDay; slot++) {
      const index = day * options.commandsPerDay + slot;
      const spec = fleetCommand({
        nodes: options.nodes,
        seed: options.seed * 100_003 + index,
        failureRate: 0.05,
        longOutputRate: 0,
        requestedAt: new Date(monthStart + day * DAY_MS + slot * slotMs + 60_000),
        comment: `backfill ${day + 1}/${slot + 1}`,
      });
      spec.invocations.forEach((invocation, n) => {
        const node = fleet[n];
        if (node === undefined) return;
        invocation.instanceId = node.instanceId;
        invocation.instanceName = node.instanceName;
        for (const plugin of invocation.plugins ?? []) {
          if (plugin.stdout !== undefined) plugin.stdout = shortText(plugin.stdout);
          if (plugin.stderr !== undefined) plugin.stderr = shortText(plugin.stderr);
        }
      });
      const commandId = simulator.sendCommand(spec);
      expected.set(commandId, new Map(spec.invocations.map((invocation) => [invocation.instanceId, terminalStatus(invocation.outcome ?? 'Success')])));
      // The collector's GetCommandInvocation reads under the default settings: outputs are short, so only the investigated ones.
      for (const invocation of spec.invocations) {
        const plugins = (invocation.plugins ?? spec.plugins ?? [{ name: 'runShellScript' }]).map((plugin) => ({ Name: plugin.name, Output: '' }));
        detailReads += pluginsReadInDetail({ Status: terminalStatus(invocation.outcome ?? 'Success') as CommandInvocationStatus, CommandPlugins: plugins }, DEFAULT_COLLECT_SETTINGS).length;
      }
      simulator.clearEvents();
    }
  }
  simulator.runToCompletion();
  simulator.clearEvents();
  return { expected, detailReads };
}

/** The text's start as a string of its own (a slice would keep the whole text alive). */
const shortText = (text: string): string => Buffer.from(text.slice(0, SHORT_OUTPUT_CHARS), 'utf8').toString('utf8');

/** The Status SSM shows for an outcome (StatusDetails): the timeouts are TimedOut, Undeliverable and Terminated Failed. */
function terminalStatus(outcome: Outcome): string {
  if (outcome === 'DeliveryTimedOut' || outcome === 'ExecutionTimedOut') return 'TimedOut';
  if (outcome === 'Undeliverable' || outcome === 'Terminated') return 'Failed';
  return outcome;
}

export async function benchBackfill(options: BackfillOptions = BACKFILL_DEFAULTS): Promise<BackfillFigures> {
  const monthStart = DEFAULT_VIRTUAL_START.getTime();
  const monthEnd = monthStart + options.days * DAY_MS;
  const simulator = new SsmSimulator({ seed: options.seed, clock: new VirtualClock(new Date(monthEnd)) });
  const { endpoint } = await simulator.listen();
  const ssm = new SSMClient({ endpoint, region: 'us-east-1', credentials, retryMode: 'adaptive', maxAttempts: 6 });
  try {
    const scriptStarted = process.hrtime.bigint();
    const { expected, detailReads } = scriptMonth(simulator, options, monthStart);
    const scriptSeconds = Number(process.hrtime.bigint() - scriptStarted) / 1e9;
    const commands = options.days * options.commandsPerDay;

    const clock = new ModelledClock();
    attachModelledRateLimit(ssm, new TokenBucket({ callsPerSecond: options.tps, now: clock.now, sleep: clock.sleep }));
    const calls = new CallCounter().attach(ssm);
    const checkpoints = new MemoryCheckpoints();
    const queue = new MemoryQueue();
    const archive = new MemoryArchive();
    const started = process.hrtime.bigint();

    // The poller: one scheduled run after another (each stops between pages near its
    // timeout, in modelled time) until the Run Command listing is complete.
    let pollerRuns = 0;
    let listingPages = 0;
    for (let complete = false; !complete; ) {
      if (++pollerRuns > 100) throw new Error('the backfill listing did not complete in 100 poller runs');
      const runStartedAt = clock.now();
      const [result] = await pollOnce(
        {
          sources: [runCommandSource],
          ssm,
          checkpoints,
          sink: queue,
          encode: encodeWorkItem,
          now: () => simulator.now(),
          log: silent,
          callsPerSecond: DEFAULT_CALLS_PER_SECOND,
          rateClock: { now: clock.now, sleep: clock.sleep },
        },
        () => clock.now() - runStartedAt > POLLER_RUN_MS - POLLER_SAVE_MARGIN_MS,
      );
      if (result === undefined) throw new Error('pollOnce polled no kind');
      if (result.error !== undefined) throw new Error(`the backfill listing failed: ${result.error}`);
      listingPages += result.pages;
      complete = result.complete;
    }

    // The collectors: the work queue in SQS batches, `collectors` batches at once.
    const collector = new Collector({
      sources: [runCommandSource],
      clients: { ssm },
      store: archive,
      logger: silent,
      parentConcurrency: options.parentConcurrency,
    });
    const batches: QueueMessage[][] = [];
    for (let i = 0; i < queue.bodies.length; i += options.batchSize) {
      batches.push(queue.bodies.slice(i, i + options.batchSize).map((body, j) => ({ id: `${i + j}`, body })));
    }
    let failedMessages = 0;
    await forEachBounded(batches, options.collectors, async (batch) => {
      failedMessages += (await collector.collect(batch)).failedMessageIds.length;
    });
    const wallSeconds = Number(process.hrtime.bigint() - started) / 1e9;

    // Every scripted invocation archived, in the status it ended in; every command archived.
    let statusMismatches = 0;
    let invocations = 0;
    let expectedInvocations = 0;
    for (const statuses of expected.values()) expectedInvocations += statuses.size;
    for (const [commandId, instanceId, record] of archive.records('commandInvocations')) {
      invocations++;
      if (expected.get(commandId)?.get(instanceId) !== record.status) statusMismatches++;
    }
    let archivedCommands = 0;
    for (const [commandId] of archive.records('commands')) if (expected.has(commandId)) archivedCommands++;
    const ssmCalls = Object.fromEntries(Object.entries(calls.snapshot()).map(([name, n]) => [name.replace(/Command$/, ''), n]));
    const totalCalls = Object.values(ssmCalls).reduce((a, b) => a + b, 0);
    const minimumListingPages = Math.ceil(commands / COMMAND_LISTING_PAGE_SIZE);
    const minimumInvocationPages = commands * Math.ceil(options.nodes / LIST_PAGE_SIZE);
    const minimumCalls = minimumListingPages + minimumInvocationPages + detailReads;
    return {
      days: options.days,
      commandsPerDay: options.commandsPerDay,
      nodes: options.nodes,
      commands,
      minimumListingPages,
      minimumInvocationPages,
      minimumDetailReads: detailReads,
      expectedInvocations,
      invocations,
      archivedCommands,
      statusMismatches,
      ssmCalls,
      totalCalls,
      minimumCalls,
      ratio: totalCalls / minimumCalls,
      pollerRuns,
      listingPages,
      workItems: queue.bodies.length,
      failedMessages,
      scriptSeconds,
      wallSeconds,
      modelledSeconds: clock.now() / 1000,
      tps: options.tps,
      peakRssBytes: process.resourceUsage().maxRSS * 1024,
    };
  } finally {
    ssm.destroy();
    await simulator.close();
  }
}

/** The backfill's figures under bench/run.ts's JSON keys. */
export function backfillJson(figures: BackfillFigures): Record<string, unknown> {
  return {
    backfillInvocations: figures.invocations,
    backfillCommands: figures.archivedCommands,
    backfillSsmCalls: figures.totalCalls,
    backfillSsmCallsByOperation: figures.ssmCalls,
    backfillMinimumCalls: figures.minimumCalls,
    backfillCallsToMinimumRatio: round(figures.ratio, 3),
    backfillWallSeconds: round(figures.wallSeconds, 1),
    backfillModelledSeconds: round(figures.modelledSeconds, 1),
    backfillModelledTps: figures.tps,
    backfillProjectedHours: round(figures.totalCalls / ASSUMED_RUN_COMMAND_TPS / 3600, 2),
    backfillProjectedHoursConservative: round(figures.totalCalls / CONSERVATIVE_TPS / 3600, 2),
    backfillPeakRssMB: round(figures.peakRssBytes / 1e6, 0),
  };
}

/** The backfill section: the archive's completeness, SSM's cost against its minimum, the times. */
export function backfillLines(figures: BackfillFigures): string[] {
  const target = (ok: boolean, text: string) => `${ok ? 'ok  ' : 'MISS'} ${text}`;
  const hours = (tps: number) => round(figures.totalCalls / tps / 3600, 2);
  const complete =
    figures.invocations === figures.expectedInvocations && figures.archivedCommands === figures.commands && figures.statusMismatches === 0 && figures.failedMessages === 0;
  return [
    `Backfill (pollers): ${figures.days} days x ${figures.commandsPerDay} commands/day x ${figures.nodes.toLocaleString('en-US')} nodes  (real poller and collector against the simulator over HTTP; archive in memory: SSM side only, no DynamoDB load; outputs short, 1 plugin)`,
    `  ${target(complete, `invocations archived          ${figures.invocations} of ${figures.expectedInvocations}, commands ${figures.archivedCommands} of ${figures.commands}, ${figures.statusMismatches} in another status, ${figures.failedMessages} messages failed  (${figures.listingPages} listing pages in ${figures.pollerRuns} poller run(s), ${figures.workItems} work items)`)}`,
    `  SSM calls by operation        ${figures.totalCalls}  ${JSON.stringify(figures.ssmCalls)}`,
    `  ${target(figures.ratio < 1.2, `ratio to minimum              ${round(figures.ratio, 3)}  (${figures.totalCalls} / ${figures.minimumCalls} = ${figures.minimumListingPages} ListCommands pages + ${figures.minimumInvocationPages} ListCommandInvocations pages of 50 + ${figures.minimumDetailReads} GetCommandInvocation of the failed, timed-out and cancelled invocations' plugins; target < 1.2)`)}`,
    `  real wall time                ${round(figures.wallSeconds, 1)} s listing and collecting  (scripting the month: ${round(figures.scriptSeconds, 1)} s; process peak RSS ${round(figures.peakRssBytes / 1e9, 2)} GB)`,
    `  ${`modelled duration at ${figures.tps} TPS`.padEnd(30)}${round(figures.modelledSeconds, 0)} s = ${round(figures.modelledSeconds / 60, 1)} min  (virtual clock: one bucket of ${figures.tps} calls/s shared by poller and collectors)`,
    `  projected against real SSM    ${hours(ASSUMED_RUN_COMMAND_TPS)} h at ${ASSUMED_RUN_COMMAND_TPS} TPS, ${hours(CONSERVATIVE_TPS)} h at ${CONSERVATIVE_TPS} TPS  (calls / TPS; SSM publishes no TPS for the Run Command reads: ${ASSUMED_RUN_COMMAND_TPS} is assumed, ${CONSERVATIVE_TPS} a conservative bound)`,
  ];
}

const round = (value: number, digits: number) => Math.round(value * 10 ** digits) / 10 ** digits;

if (require.main === module) {
  benchBackfill()
    .then((figures) => process.stdout.write(`${(process.argv.includes('--json') ? [JSON.stringify(backfillJson(figures))] : backfillLines(figures)).join('\n')}\n`))
    .catch((error: unknown) => {
      process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
      process.exitCode = 1;
    });
}
