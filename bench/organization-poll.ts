import { SSMClient } from '@aws-sdk/client-ssm';
import { STSClient } from '@aws-sdk/client-sts';
import { encodeWorkItem } from '../lambdas/collector/messages';
import { forEachBounded } from '../lambdas/concurrency';
import { scopeName, type SsmScope } from '../lambdas/core/scope';
import type { Log } from '../lambdas/log';
import { MemberSsmClients } from '../lambdas/member-ssm';
import { dispatchPolls, POLL_BATCH_SIZE, POLL_MAX_CONCURRENCY, readPollRequest, scopesToPoll } from '../lambdas/polling/poll-requests';
import { pollOnce, type KindPollResult } from '../lambdas/polling/poller';
import { AUTOMATION_LISTING_PAGE_SIZE } from '../lambdas/sources/automation/listing';
import { historySources } from '../lambdas/sources';
import { COMMAND_LISTING_PAGE_SIZE } from '../lambdas/sources/run-command/listing';
import { tableSchemas } from '../lambdas/sources/tables';
import { CheckpointStore } from '../lambdas/store/checkpoint-store';
import { DefinitionStore } from '../lambdas/store/definition-store';
import { openArchiveDatabase } from '../local/local-mode/dynamodb';
import { organizationScopes, SsmOrganizationSimulator, VirtualClock, type SimulatorTruth } from '../local/ssm-simulator';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * An organization's poll cycle: 50 accounts x 4 Regions, each its own simulated SSM with its
 * own rate limit, polled as the deployed poller polls them: one scheduled invocation sends a
 * poll request per account and Region to the poll queue; the queue invokes the poller with
 * batches of POLL_BATCH_SIZE, at most POLL_MAX_CONCURRENCY at once (warm instances keep their
 * member credentials); each invocation polls its batch's accounts and Regions concurrently,
 * each through its member role (the STS stand-in), with checkpoints in dynalite. Two cycles:
 * the first (every kind's 30-day backfill) and the next, five minutes later.
 */
const ACCOUNTS = 50;
const REGIONS = ['us-east-1', 'eu-west-1', 'ap-southeast-2', 'sa-east-1'];
/** Each account and Region's own SSM limit in the simulator: calls per second (the poller asks at most 2 per kind). */
const SCOPE_TPS = 10;
const POLL_INTERVAL_MS = 5 * 60_000;
const COMMANDS_PER_SCOPE = 3;
const START = new Date('2026-11-20T12:00:00.000Z');
const ARCHIVE_CREDENTIALS = { accessKeyId: 'AKIAARCHIVEOWNKEY001', secretAccessKey: 'archive' };
const quiet: Log = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

export interface OrganizationPollCycle {
  readonly wallSeconds: number;
  /** The scheduled invocation plus one per poll-queue batch. */
  readonly lambdaInvocations: number;
  readonly ssmCalls: number;
  readonly throttled: number;
  readonly ssmCallsByOperation: Readonly<Record<string, number>>;
  /** The listing minimum: each listing API's pages at its largest page size, at least one call per listing. */
  readonly minimumCalls: number;
  readonly assumeRoleCalls: number;
  readonly scopesFailed: number;
  readonly kindsIncomplete: number;
  readonly workItems: number;
}

export interface OrganizationPollFigures {
  readonly accounts: number;
  readonly regions: number;
  readonly scopes: number;
  readonly scopeTps: number;
  readonly pollIntervalSeconds: number;
  readonly backfill: OrganizationPollCycle;
  readonly steady: OrganizationPollCycle;
}

export async function benchOrganizationPoll(): Promise<OrganizationPollFigures> {
  const scopes = organizationScopes(ACCOUNTS, REGIONS);
  const home = scopes[0] as SsmScope;
  const accounts = [...new Set(scopes.map((scope) => scope.account))];
  const clock = new VirtualClock(START);
  const org = new SsmOrganizationSimulator({ scopes, clock, seed: 50, rateLimit: { callsPerSecond: SCOPE_TPS } });
  org.seedFleets({ commands: COMMANDS_PER_SCOPE, nodes: 2 });
  for (const scope of scopes) org.simulator(scope).startAutomation({ steps: 2 });
  org.runToCompletion();
  const endpoints = await org.listen();
  const dataDir = await mkdtemp(join(tmpdir(), 'ssm-history-org-bench-'));
  const database = await openArchiveDatabase({ dataDir, region: home.region });
  const checkpoints = new CheckpointStore(database.doc, database.tableNames.pollCheckpoints, home);
  const definitions = new DefinitionStore(database.doc, tableSchemas, database.tableNames, () => org.now());
  const homeSsm = new SSMClient({ region: home.region, endpoint: endpoints.ssm, credentials: ARCHIVE_CREDENTIALS, retryMode: 'adaptive', maxAttempts: 6 });
  // The poller's warm instances, each with its own member credentials (as Lambda keeps them between invocations).
  const instances = Array.from({ length: POLL_MAX_CONCURRENCY }, () => {
    const sts = new STSClient({ region: home.region, endpoint: endpoints.sts, credentials: ARCHIVE_CREDENTIALS });
    return {
      sts,
      members: new MemberSsmClients({
        home,
        homeClient: homeSsm,
        sts,
        sessionName: 'ssm-history-poller',
        clientConfig: { endpoint: endpoints.ssm, retryMode: 'adaptive', maxAttempts: 6 },
        now: () => org.now(),
      }),
    };
  });

  const cycle = async (): Promise<OrganizationPollCycle> => {
    for (const scope of scopes) org.simulator(scope).resetStats();
    org.sts.resetStats();
    const started = performance.now();
    const pollQueue: string[] = [];
    await dispatchPolls(scopesToPoll(home, accounts, REGIONS), { send: (bodies) => Promise.resolve(void pollQueue.push(...bodies)) });
    const batches: string[][] = [];
    for (let i = 0; i < pollQueue.length; i += POLL_BATCH_SIZE) batches.push(pollQueue.slice(i, i + POLL_BATCH_SIZE));
    let workItems = 0;
    const results: KindPollResult[] = [];
    const failedScopes = new Set<string>();
    let next = 0;
    await Promise.all(
      instances.map(async (instance) => {
        while (next < batches.length) {
          const batch = batches[next++] as string[];
          await forEachBounded(batch, POLL_BATCH_SIZE, async (body) => {
            const scope = readPollRequest(body);
            const polled = await pollOnce(
              {
                sources: historySources,
                ssm: instance.members.clientFor(scope),
                scope,
                checkpoints,
                definitions,
                sink: { send: (bodies) => Promise.resolve(void (workItems += bodies.length)) },
                encode: encodeWorkItem,
                now: () => org.now(),
                log: quiet,
              },
              () => false,
            );
            results.push(...polled);
            if (polled.some((result) => result.error !== undefined)) failedScopes.add(scopeName(scope));
          });
        }
      }),
    );
    const wallSeconds = (performance.now() - started) / 1000;
    const byOperation: Record<string, number> = {};
    let throttled = 0;
    let minimumCalls = 0;
    for (const scope of scopes) {
      for (const [operation, stats] of Object.entries(org.simulator(scope).stats())) {
        byOperation[operation] = (byOperation[operation] ?? 0) + stats.calls;
        throttled += stats.throttled;
      }
      minimumCalls += listingMinimum(org.simulator(scope).truth());
    }
    return {
      wallSeconds,
      lambdaInvocations: 1 + batches.length,
      ssmCalls: Object.values(byOperation).reduce((a, b) => a + b, 0),
      throttled,
      ssmCallsByOperation: byOperation,
      minimumCalls,
      assumeRoleCalls: org.sts.stats().calls,
      scopesFailed: failedScopes.size,
      kindsIncomplete: results.filter((result) => !result.complete).length,
      workItems,
    };
  };

  try {
    const backfill = await cycle();
    // Five minutes on, each account and Region has run one more command.
    clock.advance(POLL_INTERVAL_MS);
    org.seedFleets({ commands: 1, nodes: 2, seed: 2, spacingMs: 60_000 });
    org.runToCompletion();
    const steady = await cycle();
    return { accounts: ACCOUNTS, regions: REGIONS.length, scopes: scopes.length, scopeTps: SCOPE_TPS, pollIntervalSeconds: POLL_INTERVAL_MS / 1000, backfill, steady };
  } finally {
    homeSsm.destroy();
    for (const instance of instances) instance.sts.destroy();
    await org.close();
    await database.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

/**
 * The calls one account and Region's listings must make: each listing API's pages at its
 * largest page size for what SSM holds (a bound on what the listing's window holds), at least
 * one call each: ListCommands, DescribeAutomationExecutions, ListAssociations and
 * DescribeMaintenanceWindows (none here, so no nested listing), and DescribeSessions once for
 * running sessions and once for ended ones.
 */
function listingMinimum(truth: SimulatorTruth): number {
  const pages = (count: number, size: number) => Math.max(1, Math.ceil(count / size));
  return pages(truth.commands.length, COMMAND_LISTING_PAGE_SIZE) + pages(truth.automations.length, AUTOMATION_LISTING_PAGE_SIZE) + 1 + 1 + 2;
}

const round = (value: number, digits: number): number => Math.round(value * 10 ** digits) / 10 ** digits;

export function organizationPollLines(figures: OrganizationPollFigures): string[] {
  const target = (ok: boolean, text: string) => `${ok ? 'ok  ' : 'MISS'} ${text}`;
  const cycleLines = (name: string, c: OrganizationPollCycle): string[] => {
    const ratio = c.ssmCalls / c.minimumCalls;
    return [
      `  ${target(c.wallSeconds < figures.pollIntervalSeconds && c.scopesFailed === 0 && c.kindsIncomplete === 0, `${name.padEnd(30)}${round(c.wallSeconds, 1)} s wall, ${c.lambdaInvocations} Lambda invocations  (1 scheduled + ${c.lambdaInvocations - 1} poll-queue batches of ${POLL_BATCH_SIZE}; ${c.scopesFailed} accounts-Regions failed, ${c.kindsIncomplete} listings left for the next cycle; target < ${figures.pollIntervalSeconds} s)`)}`,
      `  ${target(ratio <= 1.1, `SSM calls / listing minimum    ${round(ratio, 3)}  (${c.ssmCalls} / ${c.minimumCalls}; ${c.throttled} throttled; ${JSON.stringify(c.ssmCallsByOperation)}; ${c.assumeRoleCalls} AssumeRole; ${c.workItems} work items; target <= 1.1)`)}`,
    ];
  };
  return [
    `Organization poll cycle: ${figures.accounts} accounts x ${figures.regions} Regions = ${figures.scopes} account-Regions, each its own simulated SSM at ${figures.scopeTps} calls/s  (real poller per account-Region through its member role, STS stand-in, checkpoints in dynalite)`,
    ...cycleLines('first cycle (30-day backfill)', figures.backfill),
    ...cycleLines('next cycle (5 minutes on)', figures.steady),
  ];
}
