import { resolve } from 'node:path';
import type { SSMClient } from '@aws-sdk/client-ssm';
import { alertDescriptions, parseAlertConfig } from '../../lambdas/alerts/alert';
import { FailureAlerts } from '../../lambdas/alerts/failure-alerts';
import { FailureDayStore } from '../../lambdas/store/failure-days';
import { consoleAssets, consoleRoute } from '../../console/assets';
import { createLog, type Log } from '../../lambdas/log';
import type { ApiHandler } from '../../lambdas/query/http';
import { serveApi, type ServedApi } from '../../lambdas/query/node-http';
import { createQueryApi } from '../../lambdas/query/router';
import { historySources } from '../../lambdas/sources';
import { CheckpointStore } from '../../lambdas/store/checkpoint-store';
import { DefinitionStore } from '../../lambdas/store/definition-store';
import { RecordStore } from '../../lambdas/store/record-store';
import { tableSchemas, type TableNames } from '../../lambdas/sources/tables';
import { alertsRoute, LocalAlertLog } from './alert-log';
import { collectorConsumer, type StoredRecord } from './collect';
import { openArchiveDatabase, type ArchiveDatabase } from './dynamodb';
import { RequestGate } from './gate';
import { LocalPollers } from './pollers';
import { eventsRoute, localRoutes } from './routes';
import { SimulatedSsm } from './simulated-ssm';
import type { SsmSourceName } from './arguments';
import { chooseSsmSource, createSsmClient, describeSsmSource, type SsmSourceChoice } from './ssm-source';
import { loadState, lockDataDir, saveState, type LocalState } from './state';
import { LocalWorkQueue } from './work-queue';
import { gatheringDelayMs } from './gathering';
import { PassLedger } from '../../lambdas/store/pass-ledger';
import { LocalOrganization } from './organization';
import { DEFAULT_HOME_ACCOUNT } from '../ssm-simulator';
import type { SsmScope } from '../../lambdas/core/scope';

/** The port asked for is taken. */
export class PortInUseError extends Error {
  constructor(port: number, options?: { cause?: unknown }) {
    super(`port ${port} on 127.0.0.1 is in use: stop what is using it, or pass --port (0 picks a free one)`, options);
    this.name = 'PortInUseError';
  }
}

export interface LocalModeOptions {
  /** 0 picks a free port. */
  readonly port: number;
  readonly dataDir: string;
  /** Default: the simulator (or ssmEndpoint, when given); 'aws' reads real SSM. */
  readonly ssm?: SsmSourceName;
  readonly ssmEndpoint?: string;
  readonly dynamodbEndpoint?: string;
  readonly region?: string;
  /** The pollers' interval; 0: no pollers (tests that want only what they send). */
  readonly pollIntervalMs: number;
  /** Where the Region (and, for real SSM, credentials) are looked up. Default process.env. */
  readonly env?: NodeJS.ProcessEnv;
  /** Default: JSON lines on stdout at the level of POWERTOOLS_LOG_LEVEL (INFO). */
  readonly logger?: Log;
  /** The simulator's pace: mean ms between live commands (default 45 s; 0: none). */
  readonly commandIntervalMs?: number;
  /** Prints each alert; default: stdout. */
  readonly printAlert?: (text: string) => void;
  /**
   * The simulated organization: accounts (the home account included) in Regions (the home's
   * first). Default: the home alone, one account in one Region, as the stack deploys by
   * default; more accounts without Regions named play the home's Region and one more. Only
   * with the simulator.
   */
  readonly organization?: { readonly accounts: number; readonly regions?: readonly string[] };
}

/** The simulated organization when none is asked for: the home alone, as the stack deploys by default. */
export const DEFAULT_ORGANIZATION = { accounts: 1 } as const;

/** The archive's own account in local mode: the simulator's. */
export const LOCAL_HOME_ACCOUNT = DEFAULT_HOME_ACCOUNT;

/** The Regions of the simulated organization: the home's, then a second one. */
function organizationRegions(home: string, asked: NonNullable<LocalModeOptions['organization']>): string[] {
  if (asked.regions !== undefined) return [home, ...asked.regions.filter((region) => region !== home)];
  if (asked.accounts === 1) return [home];
  return [home, home === 'eu-west-1' ? 'us-east-1' : 'eu-west-1'];
}

export interface LocalModeSummary {
  readonly url: string;
  readonly dataDir: string;
  readonly region: string;
  readonly pollIntervalMs: number;
  readonly database: {
    readonly description: string;
    readonly endpoint: string;
    readonly path: string | undefined;
    readonly tableNames: TableNames;
  };
  readonly ssm: {
    readonly source: SsmSourceChoice['kind'];
    readonly description: string;
    readonly endpoint: string | undefined;
    /** Why this source (the default, or the option that chose it), and for real SSM where its Region and credentials come from. */
    readonly reason: string;
  };
  /** The accounts and Regions collected; undefined: the home alone. */
  readonly organization: { readonly accounts: readonly string[]; readonly regions: readonly string[]; readonly memberCommands: number } | undefined;
  /** The simulator's seeded day; undefined when SSM is not the simulator. */
  readonly seed:
    | {
        readonly commands: number;
        readonly invocations: number;
        readonly automations: number;
        readonly associationExecutions: number;
        readonly windowExecutions: number;
        readonly sessions: number;
        readonly events: number;
        readonly collectedNow: boolean;
        readonly endedAt: string;
        /** Live commands of the last run that were still running when it stopped, played again. */
        readonly resumedCommands: number;
      }
    | undefined;
  /** From the call to startLocalMode until the archive answers. */
  readonly startupMs: number;
}

export interface LocalMode extends LocalModeSummary {
  /** The simulator, when it is the SSM source (tests send commands through it). */
  readonly simulator: SimulatedSsm | undefined;
  /** The pollers, unless pollIntervalMs is 0 (tests can poll at once with pollNow()). */
  readonly pollers: LocalPollers | undefined;
  /** The alerts published so far (GET /alerts). */
  readonly alerts: LocalAlertLog;
  /** Stops taking requests and events, collects what is queued, closes everything. Idempotent. */
  stop(): Promise<void>;
}

/** Mean time between the simulator's live commands. */
export const DEFAULT_COMMAND_INTERVAL_MS = 45_000;

/**
 * Local mode alerts for failures of the last hour: the end of the seeded day and what happens
 * while it runs, not every failure of the day it plays in at the first start.
 */
export const LOCAL_ALERT_MAX_AGE_MS = 3_600_000;

/**
 * Local mode, in-process: the archive's tables in dynalite (or another endpoint), the
 * collector behind an in-process work queue, the SSM source, and one HTTP server on
 * 127.0.0.1 for the query API and POST /events. Resolves once the server answers and, with
 * the simulator, its seeded day is in the archive.
 */
export async function startLocalMode(options: LocalModeOptions): Promise<LocalMode> {
  const started = performance.now();
  const env = options.env ?? process.env;
  const logger = options.logger ?? createLog('ssm-history-local');
  const dataDir = resolve(options.dataDir);
  // First, before anything opens: contradictory options are a UsageError with nothing to clean up.
  const choice = chooseSsmSource({ ssm: options.ssm, ssmEndpoint: options.ssmEndpoint, region: options.region, env });
  const region = choice.region;

  const cleanups: (() => Promise<void>)[] = [];
  const cleanUp = async () => {
    for (const cleanup of cleanups.splice(0).reverse()) {
      try {
        await cleanup();
      } catch (error) {
        logger.error('Could not close part of local mode', { error: error instanceof Error ? error.message : String(error) });
      }
    }
  };

  // The web console builds (esbuild, in memory) while the archive starts; /console waits for it.
  const consoleBuild = consoleAssets();
  consoleBuild.catch((error: unknown) => logger.error('Could not build the web console; GET /console answers 503', { error: error instanceof Error ? error.message : String(error) }));

  try {
    const unlock = await lockDataDir(dataDir);
    cleanups.push(unlock);
    let state: LocalState = await loadState(dataDir);
    const simulated = choice.kind === 'simulator'
      ? new SimulatedSsm({ region, fleetSeed: state.fleetSeed, commandIntervalMs: options.commandIntervalMs ?? DEFAULT_COMMAND_INTERVAL_MS })
      : undefined;
    const [database, simulatorEndpoint] = await Promise.all([
      openArchiveDatabase({ dataDir, region, ...(options.dynamodbEndpoint !== undefined ? { endpoint: options.dynamodbEndpoint } : {}) }),
      simulated?.listen(),
    ]);
    cleanups.push(() => database.stop());
    if (simulated) cleanups.push(() => simulated.close());

    const ssm: SSMClient = createSsmClient(choice, simulatorEndpoint);
    cleanups.push(async () => ssm.destroy());
    const home: SsmScope = { account: LOCAL_HOME_ACCOUNT, region };
    const asked = options.organization ?? DEFAULT_ORGANIZATION;
    const regions = organizationRegions(region, asked);
    const organization =
      simulated !== undefined && (asked.accounts > 1 || regions.length > 1)
        ? new LocalOrganization({ home, accounts: asked.accounts, regions, fleetSeed: state.fleetSeed })
        : undefined;
    if (organization) cleanups.push(() => organization.close());
    const checkpoints = new CheckpointStore(database.doc, database.tableNames.pollCheckpoints, home);
    const store = new RecordStore(database.doc, tableSchemas, database.tableNames);
    const alertLog = await LocalAlertLog.open({ dataDir, ...(options.printAlert !== undefined ? { print: options.printAlert } : {}) });
    // The same variables as the deployed collector's (ALERT_STATUSES, ALERT_IGNORED_DOCUMENTS).
    const alertConfig = parseAlertConfig({ statuses: env.ALERT_STATUSES, ignoredDocuments: env.ALERT_IGNORED_DOCUMENTS });
    const alerts = new FailureAlerts({
      publisher: alertLog,
      claims: store,
      config: alertConfig,
      context: { region },
      failureDays: new FailureDayStore(database.doc, database.tableNames.failureDays),
      maxAgeMs: LOCAL_ALERT_MAX_AGE_MS,
      logger,
    });
    const queue = new LocalWorkQueue<readonly StoredRecord[]>({
      consume: collectorConsumer({
        sources: historySources,
        ssm,
        home,
        ...(organization !== undefined ? { ssmFor: (scope: SsmScope) => organization.ssmFor(scope) } : {}),
        store,
        logger,
        parentConcurrency: 4,
        checkpoints,
        passes: new PassLedger(database.doc, database.tableNames.pollCheckpoints, home),
        alerts,
      }),
      logger,
      // As deployed: the event source's maximum concurrency (ssmHistory:collectorMaxConcurrency).
      concurrency: 5,
    });
    cleanups.push(() => queue.close());

    const routes = localRoutes(
      eventsRoute({ sources: historySources, deliver: (body) => queue.send(body) }),
      alertsRoute(alertLog),
      createQueryApi({
        db: database.doc,
        tableNames: database.tableNames,
        pageTokenKey: state.pageTokenKey,
        log: logger,
        home,
        ...(organization !== undefined ? { organization: { accounts: organization.accounts, regions: organization.regions } } : {}),
        alerts: alertDescriptions({ region }, alertConfig),
      }),
      consoleRoute(consoleBuild),
    );
    // The port is taken now (a taken port fails fast); requests wait until the seeded day is
    // in the archive, so the first answer is a whole one.
    const gate = new RequestGate(routes);
    const server = await listen(gate.handler, options.port, logger);
    cleanups.push(async () => {
      await gate.close();
      await server.close();
    });

    let seed: LocalModeSummary['seed'];
    let memberCommands = 0;
    // The central bus: every member's events reach the queue as they happen.
    // Events reach the queue as they happen; State Manager's are received a minute later, as deployed.
    const deliver = (body: string) => queue.post(body, gatheringDelayMs(historySources, body, new Date()));
    if (organization) await organization.listen(ssm, deliver);
    if (simulated) {
      ({ state, seed } = await seedSimulator(simulated, queue, state, dataDir, logger));
      // Collected while the archive already answers: the home's day is what startup waits for.
      if (organization) memberCommands = organization.seed(new Date(state.seededAt ?? new Date().toISOString()));
      simulated.startLive(deliver);
    }
    gate.open();
    // The pollers start once the archive answers: their first poll (the backfill) runs in the background.
    const pollers =
      options.pollIntervalMs > 0
        ? new LocalPollers({
            sources: historySources,
            targets: [{ ssm }, ...(organization?.members ?? []).map((scope) => ({ scope, ssm: organization?.ssmFor(scope) ?? ssm }))],
            checkpoints,
            definitions: new DefinitionStore(database.doc, tableSchemas, database.tableNames),
            post: (body) => queue.post(body),
            intervalMs: options.pollIntervalMs,
            log: logger,
          })
        : undefined;
    if (pollers) {
      cleanups.push(() => pollers.stop());
      pollers.start();
    }

    let stopping: Promise<void> | undefined;
    const stop = () => {
      stopping ??= (async () => {
        // Events stop first; then the server stops taking requests while the queue is drained
        // (the collector still reads SSM and writes DynamoDB); the database closes last.
        if (simulated) {
          simulated.stopLive();
          await rememberRunning(simulated, state, dataDir, logger);
        }
        await cleanUp();
      })();
      return stopping;
    };

    const collected = organization === undefined ? undefined : { accounts: organization.accounts, regions: organization.regions, memberCommands };
    const summary = describe({ server, dataDir, region, options, database, choice, simulatorEndpoint, seed, organization: collected, started });
    return { ...summary, simulator: simulated, pollers, alerts: alertLog, stop };
  } catch (error) {
    await cleanUp();
    throw error;
  }
}

/** Saves the live commands still running, so the next start plays them to their end. */
async function rememberRunning(simulated: SimulatedSsm, state: LocalState, dataDir: string, logger: Log): Promise<void> {
  try {
    const running = simulated.running();
    const { resume: _previous, ...rest } = state;
    await saveState(dataDir, running.length > 0 ? { ...rest, resume: running } : rest);
  } catch (error) {
    logger.error('Could not save the commands still running', { error: error instanceof Error ? error.message : String(error) });
  }
}

async function listen(handler: ApiHandler, port: number, logger: Log): Promise<ServedApi> {
  try {
    return await serveApi(handler, { host: '127.0.0.1', port, log: logger });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') throw new PortInUseError(port, { cause: error });
    throw error;
  }
}

/**
 * The simulator's history: its seeded day, played into it on every start (the same day for
 * the same data dir) and delivered to the collector until it has all been collected once;
 * then the live commands the last run left running, played again and delivered so that they
 * finish in the archive too.
 */
async function seedSimulator(
  simulated: SimulatedSsm,
  queue: LocalWorkQueue<readonly StoredRecord[]>,
  initial: LocalState,
  dataDir: string,
  logger: Log,
): Promise<{ state: LocalState; seed: LocalModeSummary['seed'] }> {
  let state = initial;
  if (state.seededAt === undefined) {
    state = { ...state, seededAt: new Date().toISOString() };
    await saveState(dataDir, state);
  }
  const endedAt = state.seededAt as string;
  const day = simulated.seedDay(new Date(endedAt));
  const resumed = simulated.resume(state.resume ?? []);
  const collectNow = state.seedCollected !== true;
  const events = [...(collectNow ? day.events : []), ...resumed.events];
  if (events.length > 0) {
    const before = queue.stats();
    for (const body of events) queue.post(body);
    await queue.idle();
    const after = queue.stats();
    const failed = after.retried + after.deadLettered - before.retried - before.deadLettered;
    if (failed === 0) {
      const { resume: _played, ...rest } = state;
      state = { ...rest, seedCollected: true };
      await saveState(dataDir, state);
    } else {
      logger.warn('Some of the simulator\'s history could not be collected yet; it is delivered again on the next start', { messages: failed });
    }
  }
  return {
    state,
    seed: {
      commands: day.commands,
      invocations: day.invocations,
      automations: day.automations,
      associationExecutions: day.associationExecutions,
      windowExecutions: day.windowExecutions,
      sessions: day.sessions,
      events: day.events.length,
      collectedNow: collectNow,
      endedAt,
      resumedCommands: resumed.commands,
    },
  };
}

function describe(parts: {
  server: ServedApi;
  dataDir: string;
  region: string;
  options: LocalModeOptions;
  database: ArchiveDatabase;
  choice: SsmSourceChoice;
  simulatorEndpoint: string | undefined;
  seed: LocalModeSummary['seed'];
  organization: LocalModeSummary['organization'];
  started: number;
}): LocalModeSummary {
  const { choice } = parts;
  return {
    url: parts.server.url,
    dataDir: parts.dataDir,
    region: parts.region,
    pollIntervalMs: parts.options.pollIntervalMs,
    database: {
      description: parts.database.description,
      endpoint: parts.database.endpoint,
      path: parts.database.path,
      tableNames: parts.database.tableNames,
    },
    ssm: {
      source: choice.kind,
      ...describeSsmSource(choice, parts.simulatorEndpoint),
      endpoint: choice.kind === 'endpoint' ? choice.endpoint : parts.simulatorEndpoint,
    },
    seed: parts.seed,
    organization: parts.organization,
    startupMs: Math.round(performance.now() - parts.started),
  };
}
