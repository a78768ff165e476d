import { SSMClient } from '@aws-sdk/client-ssm';
import { AdaptiveRetryStrategy, DefaultRateLimiter } from '@smithy/core/retry';
import { Collector } from '../../lambdas/collector/collector';
import { encodeWorkItem, MessageReader } from '../../lambdas/collector/messages';
import {
  auditAssociationArchive,
  auditAutomationArchive,
  auditMaintenanceWindowArchive,
  auditSessionArchive,
  auditRunCommandArchive,
  type KindAuditResult,
} from '../../bench/archive-audit';
import { fleetCommand, SsmSimulator, VirtualClock, type SimulatorTruth } from '../../local/ssm-simulator';
import type { Log } from '../../lambdas/log';
import { CheckpointStore, type Checkpoint } from '../../lambdas/store/checkpoint-store';
import { DefinitionStore } from '../../lambdas/store/definition-store';
import { associationFromItem } from '../../lambdas/sources/association/definitions';
import { maintenanceWindowFromItem } from '../../lambdas/sources/maintenance-window/definitions';
import { DEFAULT_OVERLAP_MS, pollOnce, type KindPollResult, type PollerDependencies } from '../../lambdas/polling/poller';
import type { WorkSink } from '../../lambdas/polling/work-sink';
import { historySources } from '../../lambdas/sources';
import { associationExecutionFromItem } from '../../lambdas/sources/association/records';
import { automationExecutionFromItem } from '../../lambdas/sources/automation/records';
import { historyKinds, type HistoryKind, type WorkItem } from '../../lambdas/core/model';
import { windowExecutionFromItem } from '../../lambdas/sources/maintenance-window/records';
import { commandFromItem } from '../../lambdas/sources/run-command/records';
import { sessionFromItem } from '../../lambdas/sources/session/records';
import { RecordStore } from '../../lambdas/store/record-store';
import { startDynalite, type TestDatabase } from '../support/databases';
import { tableSchemas } from '../../lambdas/sources/tables';

/**
 * The pollers end to end, with no event ever delivered: the real listers and pollOnce list the
 * SSM simulator (over HTTP, real SDK) into an in-memory work queue, the real Collector drains
 * it (ten messages a batch, failed ones delivered again as SQS would) into dynalite, and the
 * archive is audited field for field against what the simulator holds.
 */
const NOW = new Date('2026-11-20T12:00:00.000Z');
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const KINDS: readonly HistoryKind[] = historyKinds;
const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };
const silentLog: Log = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };
/** A rate clock that never waits: the tests that do not measure the rate list as fast as SSM answers. */
const instantClock = { now: () => 0, sleep: () => Promise.resolve() };
const reader = new MessageReader(historySources);
/** The backfills take seconds (about 15 s and 6 s on an idle machine); room for a loaded one. */
const HEAVY_TEST_MS = 120_000;

/** The work queue: what the pollers send, received by the collector ten at a time; failed messages come back. */
class MemoryQueue implements WorkSink {
  /** Every body ever sent, in order. */
  readonly sent: string[] = [];
  /** Collector receives of messages that failed (and were delivered again). */
  redelivered = 0;
  private waiting: { id: string; body: string; receives: number }[] = [];
  private sequence = 0;

  send(bodies: readonly string[]): Promise<void> {
    for (const body of bodies) {
      this.sent.push(body);
      this.waiting.push({ id: `m${++this.sequence}`, body, receives: 0 });
    }
    return Promise.resolve();
  }

  /** Work items sent since `from` (an index into `sent`). */
  itemsSince(from: number): WorkItem[] {
    return this.sent.slice(from).map((body) => reader.read(body));
  }

  async drain(collector: Collector, maxReceives = 30): Promise<void> {
    while (this.waiting.length > 0) {
      const batch = this.waiting.splice(0, 10);
      const result = await collector.collect(batch.map(({ id, body }) => ({ id, body })));
      const failed = new Set(result.failedMessageIds);
      for (const message of batch) {
        if (!failed.has(message.id)) continue;
        message.receives++;
        this.redelivered++;
        if (message.receives >= maxReceives) throw new Error(`message ${message.id} failed ${message.receives} times: ${result.failureReasons.get(message.id) ?? '?'}`);
        this.waiting.push(message);
      }
    }
  }
}

interface Harness {
  readonly sim: SsmSimulator;
  readonly pollerSsm: SSMClient;
  readonly collectorSsm: SSMClient;
  readonly store: RecordStore;
  readonly checkpoints: CheckpointStore;
  /** The associations and windows the pollers list, kept as the deployed poller keeps them. */
  readonly definitions: DefinitionStore;
  readonly collector: Collector;
  readonly queue: MemoryQueue;
}

/** SSM's throttling retry base is a second: these retry in milliseconds, so that a test of hundreds of throttles stays fast. */
const quickBackoff = { computeNextBackoffDelay: (attempt: number) => 1 + attempt, setDelayBase: () => undefined };

/**
 * An SDK client in adaptive retry mode, as the Lambdas build it; for the faulty simulator with
 * a quick backoff and the adaptive limiter's floor raised (its default, half a call a second,
 * would turn seconds into minutes: the simulator throttles at random, not above a rate).
 */
function ssmClientFor(endpoint: string, adaptive: boolean): SSMClient {
  const maxAttempts = adaptive ? 12 : 3;
  return new SSMClient({
    endpoint,
    region: 'us-east-1',
    credentials,
    retryMode: 'adaptive',
    maxAttempts,
    ...(adaptive
      ? { retryStrategy: new AdaptiveRetryStrategy(maxAttempts, { backoff: quickBackoff, rateLimiter: new DefaultRateLimiter({ minFillRate: 1000, minCapacity: 100 }) }) }
      : {}),
  });
}

async function harness(database: TestDatabase, options: { seed: number; faultTolerant?: boolean }): Promise<Harness> {
  const sim = new SsmSimulator({ clock: new VirtualClock(NOW), seed: options.seed });
  const { endpoint } = await sim.listen();
  const tables = await database.tables('p');
  const pollerSsm = ssmClientFor(endpoint, options.faultTolerant === true);
  const collectorSsm = ssmClientFor(endpoint, options.faultTolerant === true);
  const store = new RecordStore(database.doc, tableSchemas, tables, () => sim.now());
  const checkpoints = new CheckpointStore(database.doc, tables.pollCheckpoints);
  const collector = new Collector({
    sources: historySources,
    clients: { ssm: collectorSsm },
    store,
    logger: silentLog,
    parentConcurrency: 4,
    now: () => sim.now(),
    checkpoints,
  });
  const definitions = new DefinitionStore(database.doc, tableSchemas, tables, () => sim.now());
  return { sim, pollerSsm, collectorSsm, store, checkpoints, definitions, collector, queue: new MemoryQueue() };
}

async function closeHarness(h: Harness | undefined): Promise<void> {
  if (h === undefined) return;
  h.pollerSsm.destroy();
  h.collectorSsm.destroy();
  await h.sim.close();
}

function pollerDeps(h: Harness, overrides: Partial<PollerDependencies> = {}): PollerDependencies {
  return {
    sources: historySources,
    ssm: h.pollerSsm,
    checkpoints: h.checkpoints,
    definitions: h.definitions,
    sink: h.queue,
    encode: encodeWorkItem,
    now: () => h.sim.now(),
    log: silentLog,
    callsPerSecond: 1000,
    rateClock: instantClock,
    ...overrides,
  };
}

/** One poll of every kind, then the collector drains the queue. */
async function pollAndCollect(h: Harness, deps: PollerDependencies, shouldStop: () => boolean = () => false): Promise<KindPollResult[]> {
  const results = await pollOnce(deps, shouldStop);
  await h.queue.drain(h.collector);
  return results;
}

const byKind = <T extends { kind: HistoryKind }>(results: readonly T[], kind: HistoryKind): T => {
  const found = results.find((result) => result.kind === kind);
  if (found === undefined) throw new Error(`no result for ${kind}`);
  return found;
};

interface MonthScript {
  readonly days: number;
  readonly commandsPerDay: number;
  readonly nodes: number;
  readonly automationsPerDay: number;
  readonly associationEveryMs: number;
}

/**
 * `days` of activity ending an hour before NOW, all of it finished by NOW: fleet commands
 * (some nodes failing, some outputs long), Automation executions (some failing, one with a
 * child), two associations on named nodes every few hours (one target failing once), a daily
 * maintenance window of two tasks (one invocation failing once).
 */
function scriptActivity(sim: SsmSimulator, script: MonthScript): void {
  const from = NOW.getTime() - script.days * DAY;
  for (let day = 0; day < script.days; day++) {
    for (let n = 0; n < script.commandsPerDay; n++) {
      const requestedAt = new Date(from + day * DAY + Math.floor((n * DAY) / script.commandsPerDay) + 17_003 * ((day * 7 + n) % 11));
      sim.sendCommand(
        fleetCommand({ nodes: script.nodes, failureRate: 0.12, longOutputRate: 0.05, seed: 1000 + day * 10 + n, plugins: n % 2 === 0 ? 1 : 2, requestedAt }),
      );
    }
    for (let n = 0; n < script.automationsPerDay; n++) {
      const index = day * script.automationsPerDay + n;
      sim.startAutomation({
        steps: 3,
        documentName: n % 2 === 0 ? 'Restart-Service' : 'Patch-Instance',
        startAt: new Date(from + day * DAY + 3 * HOUR + n * 5 * HOUR + 3_001 * (index % 13)),
        ...(index % 6 === 2 ? { failAtStep: 1 } : {}),
      });
    }
  }
  const parentAt = from + Math.floor(script.days / 2) * DAY + 90 * MINUTE;
  const parent = sim.startAutomation({ steps: 2, documentName: 'Parent-Runbook', startAt: new Date(parentAt) });
  sim.startAutomation({ steps: 2, documentName: 'Child-Runbook', parentAutomationExecutionId: parent, startAt: new Date(parentAt + 4_000), failAtStep: 1 });

  const associationRuns = Math.floor((script.days * DAY - 2 * HOUR) / script.associationEveryMs);
  sim.createAssociation({
    documentName: 'AWS-UpdateSSMAgent',
    targets: 3,
    executions: associationRuns,
    intervalMs: script.associationEveryMs,
    instanceIds: ['i-0a11111111111111a', 'i-0a22222222222222a', 'i-0a33333333333333a'],
    failures: [{ execution: Math.max(0, associationRuns - 7), target: 1 }],
    startAt: new Date(from + 20 * MINUTE),
  });
  sim.createAssociation({
    documentName: 'AWS-GatherSoftwareInventory',
    targets: 2,
    executions: associationRuns,
    intervalMs: script.associationEveryMs,
    instanceIds: ['i-0b11111111111111b', 'i-0b22222222222222b'],
    startAt: new Date(from + 50 * MINUTE),
  });
  // Shell sessions on the nodes, ended each way: TerminateSession, an idle timeout, a broken connection.
  const ends = ['terminate', 'timeout', 'fail'] as const;
  for (let day = 0; day < script.days; day++) {
    sim.startSession({
      target: `i-0a${String(day % 3 + 1).repeat(15)}a`,
      reason: day % 2 === 0 ? 'restart the web service' : undefined,
      durationMs: (10 + (day % 5)) * MINUTE,
      end: ends[day % ends.length],
      startAt: new Date(from + day * DAY + 9 * HOUR + 11_003 * (day % 7)),
    });
  }
  sim.createMaintenanceWindow({
    name: 'nightly-patching',
    executions: script.days - 1,
    intervalMs: DAY,
    tasks: [{ targets: 2 }, { targets: 2, taskArn: 'AWS-RunShellScript', failures: [{ execution: Math.max(0, script.days - 3), target: 0 }] }],
    startAt: new Date(from + 2 * HOUR),
  });
}

const iso = (ms: number): string => new Date(ms).toISOString();
const timeOf = (date: Date | undefined): number => {
  if (date === undefined) throw new Error('no time');
  return date.getTime();
};

/** Each kind's parents as SSM lists them: id and listing time (epoch ms). */
function parentsOf(truth: SimulatorTruth, kind: HistoryKind): { id: string; at: number }[] {
  switch (kind) {
    case 'run-command':
      return truth.commands.map((command) => ({ id: command.CommandId as string, at: timeOf(command.RequestedDateTime) }));
    case 'automation':
      return truth.automations.map(({ execution }) => ({ id: execution.AutomationExecutionId as string, at: timeOf(execution.ExecutionStartTime) }));
    case 'association':
      return (truth.associations ?? []).flatMap(({ association, executions }) =>
        executions.map(({ execution }) => ({ id: association.AssociationId as string, at: timeOf(execution.CreatedTime) })),
      );
    case 'maintenance-window':
      return (truth.maintenanceWindows ?? []).flatMap(({ executions }) =>
        executions.map(({ execution }) => ({ id: execution.WindowExecutionId as string, at: timeOf(execution.StartTime) })),
      );
    case 'session':
      return (truth.sessions ?? []).map((session) => ({ id: session.SessionId as string, at: timeOf(session.StartDate) }));
  }
}

type Audits = Record<HistoryKind, KindAuditResult> & { readonly fullOutputs: number };

/** All five audits at once: each kind's records compared field for field with the simulator's truth. */
async function audits(h: Harness): Promise<Audits> {
  const truth = h.sim.truth();
  const [runCommand, automation, association, maintenanceWindow, session] = await Promise.all([
    auditRunCommandArchive(h.store, truth),
    auditAutomationArchive(h.store, truth),
    auditAssociationArchive(h.store, truth),
    auditMaintenanceWindowArchive(h.store, truth),
    auditSessionArchive(h.store, truth),
  ]);
  return {
    'run-command': { matches: runCommand.matches, records: runCommand.commands + runCommand.invocations, differences: runCommand.differences },
    automation,
    association,
    'maintenance-window': maintenanceWindow,
    session,
    fullOutputs: runCommand.fullOutputs,
  };
}

async function expectArchiveEqualsTruth(h: Harness): Promise<Audits> {
  const results = await audits(h);
  for (const kind of KINDS) {
    expect({ kind, differences: results[kind].differences }).toEqual({ kind, differences: [] });
    expect(results[kind].records).toBeGreaterThan(0);
  }
  return results;
}

describe('pollers against the SSM simulator, events switched off', () => {
  let database: TestDatabase;
  let h: Harness | undefined;

  beforeAll(async () => {
    database = await startDynalite();
  });
  afterAll(async () => {
    await database.stop();
  });
  afterEach(async () => {
    await closeHarness(h);
    h = undefined;
  });

  it("archives the simulator's month of activity across all five kinds, complete and equal to what SSM served", async () => {
    h = await harness(database, { seed: 41 });
    const { sim, checkpoints, queue } = h;
    // 31 days scripted; SSM keeps 30 of them (retention modelled for every kind).
    scriptActivity(sim, { days: 31, commandsPerDay: 3, nodes: 6, automationsPerDay: 2, associationEveryMs: 6 * HOUR });
    sim.runToCompletion();
    const retention = new Date(NOW.getTime() - 30 * DAY);
    const forgotten = [
      sim.forgetBefore(retention),
      sim.forgetAutomationsBefore(retention),
      sim.forgetAssociationExecutionsBefore(retention),
      sim.forgetMaintenanceWindowExecutionsBefore(retention),
      sim.forgetSessionsBefore(retention),
    ];
    expect(forgotten.every((count) => count > 0)).toBe(true);
    // SSM emitted its events; none is ever delivered.
    expect(sim.events.length).toBeGreaterThan(1000);
    const truth = sim.truth();
    expect(truth.commands.length).toBeGreaterThanOrEqual(85);
    expect(truth.invocations.some((invocation) => invocation.Status === 'Failed')).toBe(true);
    expect(truth.automations.some(({ execution }) => execution.AutomationExecutionStatus === 'Failed')).toBe(true);
    expect(truth.automations.some(({ execution }) => execution.ParentAutomationExecutionId !== undefined)).toBe(true);
    expect((truth.associations ?? []).flatMap(({ executions }) => executions).some(({ execution }) => execution.Status === 'Failed')).toBe(true);
    expect((truth.maintenanceWindows ?? []).flatMap(({ executions }) => executions).some(({ execution }) => execution.Status === 'FAILED')).toBe(true);
    expect(new Set((truth.sessions ?? []).map((session) => session.Status))).toEqual(new Set(['Terminated', 'Failed']));

    // The first run's Lambda runs out of time after five page checks, with listings in flight;
    // the next runs, five minutes apart, resume them and finish.
    const startedAt = performance.now();
    let checks = 0;
    const first = await pollAndCollect(h, pollerDeps(h), () => ++checks > 5);
    expect(first.some((result) => !result.complete)).toBe(true);
    expect(first.every((result) => result.error === undefined)).toBe(true);
    const completedBy = new Map<HistoryKind, KindPollResult>(first.filter((result) => result.complete).map((result) => [result.kind, result]));
    for (let run = 2; completedBy.size < KINDS.length; run++) {
      if (run > 6) throw new Error(`the backfill did not complete in ${run - 1} runs`);
      sim.advanceBy(5 * MINUTE);
      for (const result of await pollAndCollect(h, pollerDeps(h))) {
        expect(result.error).toBeUndefined();
        if (result.complete && !completedBy.has(result.kind)) completedBy.set(result.kind, result);
      }
    }
    expect(queue.redelivered).toBe(0);
    const collectedMs = performance.now() - startedAt;

    const audited = await expectArchiveEqualsTruth(h);
    // Outputs over what ListCommandInvocations shows were read in full (GetCommandInvocation).
    expect(audited.fullOutputs).toBeGreaterThan(0);
    // Every association and window kept as SSM lists it now (the last poll listed them all).
    const listedNow = sim.truth();
    expect((listedNow.associations ?? []).length).toBeGreaterThan(0);
    expect((listedNow.maintenanceWindows ?? []).length).toBeGreaterThan(0);
    for (const { association } of listedNow.associations ?? []) {
      expect(associationFromItem((await h.store.get('associationDefinitions', { AssociationId: association.AssociationId ?? '' })) ?? {})).toEqual(association);
    }
    for (const { window } of listedNow.maintenanceWindows ?? []) {
      expect(maintenanceWindowFromItem((await h.store.get('maintenanceWindowDefinitions', { WindowId: window.WindowId ?? '' })) ?? {})).toEqual(window);
    }

    const stored: Checkpoint[] = await checkpoints.all(KINDS);
    for (const checkpoint of stored) {
      const kind = checkpoint.kind;
      // Every record was created by a poller's work item: every one was missed by events.
      expect({ kind, recordsStored: checkpoint.recordsStored, missedByEvents: checkpoint.missedByEvents }).toEqual({
        kind,
        recordsStored: audited[kind].records,
        missedByEvents: audited[kind].records,
      });
      // The oldest parent SSM still returns, newer than its retention cut.
      const oldest = Math.min(...parentsOf(truth, kind).map((parent) => parent.at));
      expect(oldest).toBeGreaterThanOrEqual(retention.getTime());
      expect({ kind, oldestSeen: checkpoint.oldestSeen }).toEqual({ kind, oldestSeen: iso(oldest) });
      expect(checkpoint.watermark).toBeDefined();
      expect(checkpoint.position).toBeUndefined();
      expect(checkpoint.listingSince).toBeUndefined();
      expect(checkpoint.backfillCompletedAt).toBeDefined();
      expect(checkpoint.parentsListed).toBeGreaterThan(0);
    }
    console.log(
      `Backfill without events: polled and collected in ${Math.round(collectedMs)} ms, audited in ${Math.round(performance.now() - startedAt - collectedMs)} ms`,
      Object.fromEntries(stored.map((checkpoint) => [checkpoint.kind, { records: checkpoint.recordsStored, parentsListed: checkpoint.parentsListed }])),
    );
  }, HEAVY_TEST_MS);

  it('completes the backfill while SSM throttles 30% of calls and fails 5% with 500s, listing at or under the configured rate', async () => {
    h = await harness(database, { seed: 42, faultTolerant: true });
    const { sim, checkpoints, pollerSsm } = h;
    scriptActivity(sim, { days: 10, commandsPerDay: 6, nodes: 2, automationsPerDay: 6, associationEveryMs: 6 * HOUR });
    // Forty small associations and windows: their listings make one call for each, tens of calls a kind.
    for (let i = 0; i < 40; i++) {
      sim.createAssociation({ targets: 1, executions: 1, startAt: new Date(NOW.getTime() - 9 * DAY + i * 97 * MINUTE) });
      sim.createMaintenanceWindow({ executions: 1, tasks: [{ targets: 1 }], startAt: new Date(NOW.getTime() - 9 * DAY + i * 89 * MINUTE) });
    }
    sim.runToCompletion();

    // The poller's rate clock runs twenty times faster than the wall: 5 calls a second on it
    // is 100 a second of real time, so the bucket, not SSM's answers, sets the pace.
    const SPEED = 20;
    const CALLS_PER_SECOND = 5;
    const origin = performance.now();
    const scaledNow = () => (performance.now() - origin) * SPEED;
    const rateClock = {
      now: scaledNow,
      // A timer may fire early by the event loop's stale time: sleep until the clock has passed the due time.
      async sleep(ms: number): Promise<void> {
        const due = scaledNow() + ms;
        while (scaledNow() < due) await new Promise<void>((resolve) => setTimeout(resolve, Math.max(1, Math.ceil((due - scaledNow()) / SPEED))));
      },
    };
    const operationKind: Readonly<Record<string, HistoryKind>> = {
      ListCommandsCommand: 'run-command',
      DescribeAutomationExecutionsCommand: 'automation',
      ListAssociationsCommand: 'association',
      DescribeAssociationExecutionsCommand: 'association',
      DescribeMaintenanceWindowsCommand: 'maintenance-window',
      DescribeMaintenanceWindowExecutionsCommand: 'maintenance-window',
      DescribeSessionsCommand: 'session',
    };
    let run = 0;
    /** Each listing call (an SDK operation, its retries aside) per kind: the run it belongs to and its time on the rate clock. */
    const calls = new Map<HistoryKind, { run: number; at: number }[]>(KINDS.map((kind) => [kind, []]));
    const attempts = { total: 0, throttled: 0, serverErrors: 0 };
    pollerSsm.middlewareStack.add(
      (next, context) => (args) => {
        const kind = operationKind[context.commandName ?? ''];
        if (kind === undefined) throw new Error(`the poller made a call that is not a listing: ${context.commandName ?? '?'}`);
        calls.get(kind)?.push({ run, at: rateClock.now() });
        return next(args);
      },
      { step: 'build', name: 'testListingCallRecorder' },
    );
    pollerSsm.middlewareStack.add(
      (next) => async (args) => {
        attempts.total++;
        try {
          return await next(args);
        } catch (error) {
          if (error instanceof Error && error.name === 'ThrottlingException') attempts.throttled++;
          if (error instanceof Error && error.name === 'InternalServerError') attempts.serverErrors++;
          throw error;
        }
      },
      { step: 'deserialize', priority: 'high', name: 'testAttemptCounter' },
    );

    sim.setFaults({ throttleRate: 0.3, serverErrorRate: 0.05, seed: 17 });
    const started = performance.now();
    const deps = pollerDeps(h, { callsPerSecond: CALLS_PER_SECOND, rateClock });
    const throttlesReported = new Map<HistoryKind, number>(KINDS.map((kind) => [kind, 0]));
    const complete = new Set<HistoryKind>();
    const errors: string[] = [];
    while (complete.size < KINDS.length) {
      if (++run > 15) throw new Error(`the backfill did not complete in 15 runs: ${errors.join('; ')}`);
      for (const result of await pollAndCollect(h, deps)) {
        throttlesReported.set(result.kind, (throttlesReported.get(result.kind) ?? 0) + result.throttles);
        if (result.complete) complete.add(result.kind);
        if (result.error !== undefined) errors.push(`${result.kind}: ${result.error}`);
      }
      sim.advanceBy(5 * MINUTE);
    }
    const wallMs = performance.now() - started;
    const simStats = sim.stats();
    sim.setFaults({});

    await expectArchiveEqualsTruth(h);

    // The faults happened, on the pollers' calls and the collector's alike.
    const injected = Object.values(simStats).reduce((sum, stats) => ({ throttled: sum.throttled + stats.throttled, failed: sum.failed + stats.failed }), { throttled: 0, failed: 0 });
    expect(injected.throttled).toBeGreaterThan(50);
    expect(injected.failed).toBeGreaterThan(5);
    // (The pollers' own ~90 listing calls see about 30% throttled, 5% failed: counted below, logged at the end.)
    expect(attempts.throttled).toBeGreaterThan(0);

    // Throttles are counted, per kind, in the checkpoints: every throttled listing attempt.
    const stored = await checkpoints.all(KINDS);
    const throttlesStored = stored.reduce((sum, checkpoint) => sum + checkpoint.throttles, 0);
    expect(throttlesStored).toBeGreaterThan(0);
    expect(throttlesStored).toBe(attempts.throttled);
    for (const checkpoint of stored) expect(checkpoint.throttles).toBe(throttlesReported.get(checkpoint.kind));

    // Each kind's listing calls stay within its token bucket (one call of burst, then
    // CALLS_PER_SECOND a second): in every interval of a run, calls <= 1 + rate x length.
    const report: Record<string, { calls: number; runs: number; peakPerSecond: number }> = {};
    for (const kind of KINDS) {
      const own = calls.get(kind) ?? [];
      expect(own.length).toBeGreaterThanOrEqual(2);
      let peak = 0;
      for (let r = 1; r <= run; r++) {
        const times = own.filter((call) => call.run === r).map((call) => call.at);
        for (let i = 0; i < times.length; i++) {
          for (let j = i + 1; j < times.length; j++) {
            const span = (times[j] as number) - (times[i] as number);
            expect(j - i).toBeLessThanOrEqual(1 + (CALLS_PER_SECOND * span) / 1000 + 1e-9);
          }
          // Calls in the second that starts at this one.
          const inSecond = times.filter((at) => at >= (times[i] as number) && at < (times[i] as number) + 1000).length;
          peak = Math.max(peak, inSecond);
        }
      }
      expect(peak).toBeLessThanOrEqual(CALLS_PER_SECOND + 1);
      if (kind === 'association' || kind === 'maintenance-window') expect(own.length).toBeGreaterThan(40);
      report[kind] = { calls: own.length, runs: new Set(own.map((call) => call.run)).size, peakPerSecond: peak };
    }
    console.log('Backfill under faults:', { runs: run, wallMs: Math.round(wallMs), attempts, injected, redelivered: h.queue.redelivered, errors: errors.length, listing: report });
  }, HEAVY_TEST_MS);

  it('archives an execution running at one poll and failed by a later one as Failed, for all five kinds', async () => {
    h = await harness(database, { seed: 43 });
    const { sim, store, checkpoints } = h;
    // Some finished history first.
    scriptActivity(sim, { days: 2, commandsPerDay: 2, nodes: 3, automationsPerDay: 1, associationEveryMs: 8 * HOUR });
    // Each kind: one parent started shortly before NOW that runs for hours and ends failed.
    const commandId = sim.sendCommand({
      documentName: 'AWS-RunShellScript',
      requestedAt: new Date(NOW.getTime() - 20 * MINUTE),
      timeoutSeconds: 6 * 3600,
      parameters: { commands: ['./long-migration.sh'], executionTimeout: [String(6 * 3600)] },
      invocations: [
        { instanceId: 'i-0c11111111111111c', durationMs: 3 * HOUR, outcome: 'Failed' },
        { instanceId: 'i-0c22222222222222c', durationMs: 30_000 },
      ],
    });
    const automationId = sim.startAutomation({ steps: 3, stepDurationMs: 2 * HOUR, failAtStep: 1, startAt: new Date(NOW.getTime() - 30 * MINUTE) });
    const associationId = sim.createAssociation({
      targets: 2,
      executions: 1,
      targetDurationMs: 2 * HOUR,
      failures: [{ execution: 0, target: 1 }],
      instanceIds: ['i-0d11111111111111d', 'i-0d22222222222222d'],
      startAt: new Date(NOW.getTime() - 10 * MINUTE),
    });
    const windowId = sim.createMaintenanceWindow({
      executions: 1,
      tasks: [{ targets: 2, failures: [{ execution: 0, target: 0 }] }],
      invocationDurationMs: 2 * HOUR,
      startAt: new Date(NOW.getTime() - 15 * MINUTE),
    });
    const sessionId = sim.startSession({ target: 'i-0f11111111111111f', durationMs: 3 * HOUR, end: 'fail', startAt: new Date(NOW.getTime() - 25 * MINUTE) });
    sim.sync();
    const before = sim.truth();
    const runningCommand = before.commands.find((command) => command.CommandId === commandId);
    const runningAutomation = before.automations.find(({ execution }) => execution.AutomationExecutionId === automationId)?.execution;
    const runningAssociation = before.associations?.find(({ association }) => association.AssociationId === associationId)?.executions[0]?.execution;
    const runningWindow = before.maintenanceWindows?.find(({ window }) => window.WindowId === windowId)?.executions[0]?.execution;
    const runningSession = before.sessions?.find((session) => session.SessionId === sessionId);
    expect([runningCommand?.Status, runningAutomation?.AutomationExecutionStatus, runningAssociation?.Status, runningWindow?.Status, runningSession?.Status]).toEqual([
      'InProgress',
      'InProgress',
      'InProgress',
      'IN_PROGRESS',
      'Connected',
    ]);
    const keys = {
      command: { CommandId: commandId },
      automation: { AutomationExecutionId: automationId },
      association: { AssociationId: associationId, ExecutionId: runningAssociation?.ExecutionId as string },
      window: { WindowExecutionId: runningWindow?.WindowExecutionId as string },
    };
    const archivedStatuses = async () => [
      commandFromItem((await store.get('commands', keys.command)) ?? {}).Status,
      automationExecutionFromItem((await store.get('automationExecutions', keys.automation)) ?? {}).AutomationExecutionStatus,
      associationExecutionFromItem((await store.get('associationExecutions', keys.association)) ?? {}).Status,
      windowExecutionFromItem((await store.get('maintenanceWindowExecutions', keys.window)) ?? {}).Status,
      sessionFromItem((await store.get('sessions', { SessionId: sessionId })) ?? {}).Status,
    ];

    // Poll 1: all five stored as running; each watermark held at its running parent's start.
    const first = await pollAndCollect(h, pollerDeps(h));
    expect(first.map((result) => [result.kind, result.complete, result.error])).toEqual(KINDS.map((kind) => [kind, true, undefined]));
    expect(await archivedStatuses()).toEqual(['InProgress', 'InProgress', 'InProgress', 'IN_PROGRESS', 'Connected']);
    const heldAt: Record<HistoryKind, string> = {
      'run-command': iso(timeOf(runningCommand?.RequestedDateTime)),
      automation: iso(timeOf(runningAutomation?.ExecutionStartTime)),
      association: iso(timeOf(runningAssociation?.CreatedTime)),
      'maintenance-window': iso(timeOf(runningWindow?.StartTime)),
      session: iso(timeOf(runningSession?.StartDate)),
    };
    for (const kind of KINDS) {
      expect({ kind, watermark: byKind(first, kind).watermark }).toEqual({ kind, watermark: heldAt[kind] });
      expect((await checkpoints.get(kind)).watermark).toBe(heldAt[kind]);
    }

    // Poll 2, an hour later: still running, the watermark still held, the parents listed again.
    sim.advanceBy(HOUR);
    const sentBefore = h.queue.sent.length;
    const second = await pollAndCollect(h, pollerDeps(h));
    const relisted = new Set(h.queue.itemsSince(sentBefore).map((item) => item.parentId));
    for (const id of [commandId, automationId, associationId, keys.window.WindowExecutionId, sessionId]) expect(relisted).toContain(id);
    for (const kind of KINDS) expect(byKind(second, kind).watermark).toBe(heldAt[kind]);
    expect(await archivedStatuses()).toEqual(['InProgress', 'InProgress', 'InProgress', 'IN_PROGRESS', 'Connected']);

    // Poll 3, after all five failed: listed again from the held watermark, archived Failed, and the watermark moves on.
    sim.advanceBy(5 * HOUR);
    const pollAt = sim.now().toISOString();
    const third = await pollAndCollect(h, pollerDeps(h));
    expect(await archivedStatuses()).toEqual(['Failed', 'Failed', 'Failed', 'FAILED', 'Failed']);
    for (const kind of KINDS) expect({ kind, watermark: byKind(third, kind).watermark }).toEqual({ kind, watermark: pollAt });
    await expectArchiveEqualsTruth(h);
  });

  it('a poll after everything is archived enqueues only what started since the watermark, less the overlap', async () => {
    h = await harness(database, { seed: 44 });
    const { sim } = h;
    scriptActivity(sim, { days: 3, commandsPerDay: 4, nodes: 3, automationsPerDay: 3, associationEveryMs: 3 * HOUR });
    // Schedules that go on past NOW: an association every hour, a window every two hours.
    const hourlyAssociation = sim.createAssociation({ targets: 2, executions: 30, intervalMs: HOUR, startAt: new Date(NOW.getTime() - 24 * HOUR + 7 * MINUTE) });
    const window = sim.createMaintenanceWindow({ executions: 20, intervalMs: 2 * HOUR, tasks: [{ targets: 1 }], startAt: new Date(NOW.getTime() - 24 * HOUR + 23 * MINUTE) });
    // Parents close to NOW: inside the next poll's overlap (5 and 8 minutes before) and just outside it (15 minutes).
    const quick = (requestedAt: number) =>
      sim.sendCommand({ documentName: 'AWS-RunShellScript', requestedAt: new Date(requestedAt), invocations: [{ instanceId: 'i-0e11111111111111e', durationMs: 5_000 }] });
    const inOverlap = quick(NOW.getTime() - 5 * MINUTE);
    const outsideOverlap = quick(NOW.getTime() - 15 * MINUTE);
    const automationInOverlap = sim.startAutomation({ steps: 1, startAt: new Date(NOW.getTime() - 8 * MINUTE) });
    sim.sync();

    const first = await pollAndCollect(h, pollerDeps(h));
    for (const kind of KINDS) expect({ kind, watermark: byKind(first, kind).watermark }).toEqual({ kind, watermark: NOW.toISOString() });
    await expectArchiveEqualsTruth(h);
    const firstItems = h.queue.sent.length;

    // Two hours on: new commands and executions, and the schedules ran.
    sim.advanceBy(30 * MINUTE);
    const newCommands = [quick(sim.now().getTime() - MINUTE), quick(sim.now().getTime())];
    sim.advanceBy(30 * MINUTE);
    const newAutomation = sim.startAutomation({ steps: 2, startAt: new Date(sim.now().getTime() - 2 * MINUTE) });
    newCommands.push(quick(sim.now().getTime() - 10_000));
    sim.advanceBy(HOUR);

    const since = NOW.getTime() - DEFAULT_OVERLAP_MS;
    const sinceSecond = Math.floor(since / 1000) * 1000;
    const truth = sim.truth();
    const sentBefore = h.queue.sent.length;
    const second = await pollAndCollect(h, pollerDeps(h));
    expect(second.every((result) => result.complete && result.error === undefined)).toBe(true);
    const items = h.queue.itemsSince(sentBefore);

    // Exactly the parents SSM lists from the watermark less the overlap (the filters take
    // seconds; the association filter is strict, a second before).
    const expected: Record<HistoryKind, string[]> = {
      'run-command': parentsOf(truth, 'run-command').filter((parent) => parent.at >= sinceSecond).map((parent) => parent.id),
      automation: parentsOf(truth, 'automation').filter((parent) => parent.at >= sinceSecond).map((parent) => parent.id),
      association: [...new Set(parentsOf(truth, 'association').filter((parent) => parent.at > sinceSecond - 1000).map((parent) => parent.id))],
      'maintenance-window': parentsOf(truth, 'maintenance-window').filter((parent) => parent.at >= sinceSecond).map((parent) => parent.id),
      session: parentsOf(truth, 'session').filter((parent) => parent.at >= sinceSecond).map((parent) => parent.id),
    };
    const counts: Record<string, { enqueued: number; total: number }> = {};
    for (const kind of KINDS) {
      const enqueued = items.filter((item) => item.kind === kind).map((item) => item.parentId);
      // Each parent once: nothing enqueued twice.
      expect({ kind, enqueued: [...enqueued].sort() }).toEqual({ kind, enqueued: [...expected[kind]].sort() });
      expect(byKind(second, kind).parentsListed).toBe(enqueued.length);
      counts[kind] = { enqueued: enqueued.length, total: new Set(parentsOf(truth, kind).map((parent) => parent.id)).size };
    }
    expect(expected['run-command']).toEqual(expect.arrayContaining([inOverlap, ...newCommands]));
    expect(expected['run-command']).not.toContain(outsideOverlap);
    // And the commands the association's and the window's runs since then ran through Run Command.
    const startedByRuns = expected['run-command'].filter((id) => id !== inOverlap && !newCommands.includes(id));
    expect(startedByRuns.length).toBeGreaterThan(0);
    const started = new Set([
      ...(truth.associations ?? []).flatMap(({ executions }) => executions.flatMap(({ targets }) => targets.map((target) => target.OutputSource?.OutputSourceId))),
      ...(truth.maintenanceWindows ?? []).flatMap(({ executions }) => executions.flatMap(({ tasks }) => tasks.flatMap(({ invocations }) => invocations.map((invocation) => invocation.ExecutionId)))),
      ...truth.automations.flatMap(({ steps }) => steps.flatMap((step) => step.Outputs?.['CommandId'] ?? [])),
    ]);
    expect(startedByRuns.filter((id) => !started.has(id))).toEqual([]);
    expect(expected.automation.sort()).toEqual([automationInOverlap, newAutomation].sort());
    expect(expected.association).toEqual([hourlyAssociation]);
    // The window ran at NOW+23m (its run at NOW-1h37m is older than the overlap).
    expect(expected['maintenance-window']).toHaveLength(1);
    expect(truth.maintenanceWindows?.find((entry) => entry.window.WindowId === window)?.executions[0]?.execution.WindowExecutionId).toBe(expected['maintenance-window'][0]);
    expect(items.length).toBeLessThan(firstItems / 4);
    await expectArchiveEqualsTruth(h);
    console.log('Incremental poll:', { firstPollItems: firstItems, secondPollItems: items.length, counts });
  });
});
