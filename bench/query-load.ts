import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import * as path from 'node:path';
import { launchLocalMode } from './local-start';
import { percentile } from './percentile';

/** How hard and how long the load test pushes: bounded in requests and in time, whichever ends first. */
export const QUERY_LOAD = { clients: 50, maxRequests: 3_000, maxSeconds: 15 } as const;

/** A request unanswered after this long is an error: the run ends at most this long after maxSeconds. */
const REQUEST_TIMEOUT_MS = 10_000;

/** Target: queries per second local mode answers with QUERY_LOAD.clients clients at once, none failing. */
export const QUERY_LOAD_TARGET_QPS = 100;

export interface QueryKindFigures {
  readonly requests: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
}

export interface QueryLoadFigures {
  readonly clients: number;
  /** Requests answered or failed in the timed run. */
  readonly requests: number;
  readonly wallSeconds: number;
  readonly queriesPerSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  /** Non-2xx answers and network errors. */
  readonly errors: number;
  /** The first few errors: query, then status and body, or the network error. */
  readonly errorSamples: readonly string[];
  /** Per query of the mix, in the mix's order. */
  readonly byQuery: Readonly<Record<string, QueryKindFigures>>;
  /** The archive queried: records stored (GET /status) when the run started, accounts x Regions. */
  readonly archiveRecords: number;
  readonly scopes: number;
  /** Whether the background collection had settled (nothing stored for a second) before the run. */
  readonly settled: boolean;
  /** CPU local mode's process used over the run, in cores (1 = one core busy throughout); undefined where /proc is not. */
  readonly serverCores: number | undefined;
  /** CPU this process (the clients) used over the run, in cores. */
  readonly clientCores: number;
  /** Local mode's CPU time per query answered, ms: steadier than queries/s on a machine others are using too. */
  readonly serverCpuMsPerQuery: number | undefined;
}

/** One query of the mix, as a script or the console sends it. */
interface LoadQuery {
  readonly name: string;
  readonly path: string;
  readonly init?: RequestInit;
}

const ssm = (operation: string, input: object, at = '/'): Pick<LoadQuery, 'path' | 'init'> => ({
  path: at,
  init: {
    method: 'POST',
    headers: { 'x-amz-target': `AmazonSSM.${operation}`, 'content-type': 'application/x-amz-json-1.1' },
    body: JSON.stringify(input),
  },
});

/** The real ids the mix cycles through, read from the archive through the API itself. */
interface ArchiveIds {
  readonly commandIds: readonly string[];
  /** Invocations for GetCommandInvocation: a plugin named where the document has several, as SSM requires. */
  readonly invocations: readonly { readonly commandId: string; readonly instanceId: string; readonly pluginName?: string }[];
  readonly instanceIds: readonly string[];
  /** Executions of every kind that has children: commands, Automation, maintenance windows. */
  readonly executionIds: readonly string[];
  /** Accounts and Regions other than the home (empty with one account in one Region). */
  readonly members: readonly { readonly account: string; readonly region: string }[];
}

const pick = <T>(values: readonly T[], round: number): T => values[round % values.length] as T;

/**
 * The mix, one of each per turn: what an operator's scripts and the console ask. Round `n`
 * takes the n-th id of each pool, so consecutive turns read different commands and nodes.
 */
function queryMix(ids: ArchiveIds): ((round: number) => LoadQuery)[] {
  const mix: ((round: number) => LoadQuery)[] = [
    () => ({ name: 'ListCommands', ...ssm('ListCommands', { MaxResults: 50 }) }),
    (round) => ({ name: 'ListCommandInvocations by command', ...ssm('ListCommandInvocations', { CommandId: pick(ids.commandIds, round), Details: true, MaxResults: 50 }) }),
    (round) => ({ name: 'ListCommandInvocations by node', ...ssm('ListCommandInvocations', { InstanceId: pick(ids.instanceIds, round), MaxResults: 50 }) }),
    (round) => {
      const invocation = pick(ids.invocations, round);
      return {
        name: 'GetCommandInvocation',
        ...ssm('GetCommandInvocation', { CommandId: invocation.commandId, InstanceId: invocation.instanceId, ...(invocation.pluginName !== undefined ? { PluginName: invocation.pluginName } : {}) }),
      };
    },
    () => ({ name: 'GET /executions', path: '/executions?limit=25' }),
    // Filtered as the console's Executions page is. Not kind=command-invocation&status=...: that
    // reads the invocations of every command in the window (two DynamoDB calls a command, about
    // 300 here), a search of its own whose cost follows the archive and would make this figure its own.
    () => ({ name: 'GET /executions failed, 24 h', path: '/executions?kind=command&status=Failed,TimedOut&since=24h&limit=25' }),
    (round) => ({ name: 'GET /executions/{id}', path: `/executions/${encodeURIComponent(pick(ids.executionIds, round))}` }),
    (round) => ({ name: 'GET /instances/{id}/history', path: `/instances/${encodeURIComponent(pick(ids.instanceIds, round))}/history?limit=25` }),
    () => ({ name: 'GET /status', path: '/status' }),
    () => ({ name: 'GET /alerts', path: '/alerts?limit=10' }),
    () => ({ name: 'GET /failures/daily', path: '/failures/daily?days=14' }),
  ];
  if (ids.members.length > 0) {
    mix.push(
      (round) => {
        const member = pick(ids.members, round);
        return { name: 'ListCommands in a member', ...ssm('ListCommands', { MaxResults: 50 }, `/accounts/${member.account}/regions/${member.region}`) };
      },
      (round) => {
        const member = pick(ids.members, round);
        return { name: 'GET /executions in a member', path: `/executions?account=${member.account}&region=${member.region}&limit=25` };
      },
    );
  }
  return mix;
}

async function getJson<T>(url: string, init?: RequestInit): Promise<T> {
  const response = await fetch(url, init);
  const body = await response.text();
  if (!response.ok) throw new Error(`${init?.method ?? 'GET'} ${url} answered ${response.status}: ${body.slice(0, 300)}`);
  return JSON.parse(body) as T;
}

/** What GET /status says of one kind's collection, in the home or in one account-Region. */
interface CollectionStatus {
  readonly recordsStored?: number;
  readonly listingInProgress: boolean;
  readonly backfillCompletedAt?: string;
}

interface StatusAnswer {
  readonly kinds: readonly CollectionStatus[];
  readonly organization?: {
    readonly home: { readonly account: string; readonly region: string };
    readonly summary: { readonly scopesNeverPolled: number };
    readonly collections: readonly (CollectionStatus & { readonly account: string; readonly region: string })[];
  };
}

const recordsIn = (status: StatusAnswer): number => status.kinds.reduce((sum, kind) => sum + (kind.recordsStored ?? 0), 0);

/**
 * Waits until the background collection after startup is done: every account-Region's first
 * poll (its backfill) completed, and nothing more stored for a second. The home simulator's
 * occasional live command still plays during the run, as it does for an operator.
 */
async function settle(url: string, timeoutMs: number): Promise<{ settled: boolean; status: StatusAnswer }> {
  const deadline = Date.now() + timeoutMs;
  let previous = -1;
  for (;;) {
    const status = await getJson<StatusAnswer>(`${url}/status`);
    const collections = [...status.kinds, ...(status.organization?.collections ?? [])];
    const polled = (status.organization?.summary.scopesNeverPolled ?? 0) === 0 && collections.every((c) => !c.listingInProgress && c.backfillCompletedAt !== undefined);
    const records = recordsIn(status);
    if (polled && records === previous) return { settled: true, status };
    if (Date.now() > deadline) return { settled: false, status };
    previous = polled ? records : -1;
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  }
}

interface Page<T> {
  readonly items: readonly T[];
}

async function archiveIds(url: string, status: StatusAnswer): Promise<ArchiveIds> {
  const post = (operation: string, input: object) => {
    const { path: at, init } = ssm(operation, input);
    return getJson<Record<string, unknown>>(`${url}${at}`, init);
  };
  const listed = (await post('ListCommands', { MaxResults: 50 })) as { Commands: { CommandId: string }[] };
  const commandIds = listed.Commands.map((command) => command.CommandId);
  const invocations: { commandId: string; instanceId: string; pluginName?: string }[] = [];
  for (const commandId of commandIds.slice(0, 20)) {
    const page = (await post('ListCommandInvocations', { CommandId: commandId, Details: true, MaxResults: 50 })) as {
      CommandInvocations: { CommandId: string; InstanceId: string; CommandPlugins?: { Name: string }[] }[];
    };
    const first = page.CommandInvocations[0];
    if (first === undefined) continue;
    const plugins = first.CommandPlugins ?? [];
    invocations.push({ commandId: first.CommandId, instanceId: first.InstanceId, ...(plugins.length > 1 && plugins[0] !== undefined ? { pluginName: plugins[0].Name } : {}) });
  }
  const nodes = await getJson<Page<{ instanceId?: string }>>(`${url}/executions?kind=command-invocation&limit=50`);
  const instanceIds = [...new Set(nodes.items.flatMap((item) => (item.instanceId !== undefined ? [item.instanceId] : [])))];
  const automations = await getJson<Page<{ automationExecutionId: string }>>(`${url}/executions?kind=automation-execution&limit=5`);
  const windows = await getJson<Page<{ windowExecutionId: string }>>(`${url}/executions?kind=maintenance-window-execution&limit=5`);
  const executionIds = [
    ...commandIds.slice(0, 10),
    ...automations.items.map((item) => item.automationExecutionId),
    ...windows.items.map((item) => item.windowExecutionId),
  ];
  const home = status.organization?.home;
  const members = [
    ...new Map(
      (status.organization?.collections ?? [])
        .filter((c) => c.account !== home?.account || c.region !== home.region)
        .map((c) => [`${c.account}/${c.region}`, { account: c.account, region: c.region }]),
    ).values(),
  ];
  if (commandIds.length === 0 || invocations.length === 0 || instanceIds.length === 0) {
    throw new Error(`the archive holds nothing to query: ${commandIds.length} commands, ${invocations.length} invocations, ${instanceIds.length} nodes`);
  }
  return { commandIds, invocations, instanceIds, executionIds, members };
}

const MAX_ERROR_SAMPLES = 5;

export interface QueryLoadOptions {
  /** Play an organization (--accounts 3: 3 accounts x 2 Regions) rather than `npm start`'s one account. */
  readonly organization?: boolean;
}

/**
 * Local mode under query load, as an operator runs it (`npm start`, its own process) and
 * queried only over loopback HTTP: QUERY_LOAD.clients clients at once, each sending the next
 * query of a mix as soon as its last one is answered, until QUERY_LOAD.maxRequests have been
 * sent or QUERY_LOAD.maxSeconds have passed.
 *
 * By default `npm start` as it is (one account in one Region); with `organization`, the
 * organization `--accounts 3` plays, where home listings keep to the home's records, GET
 * /status answers for every account-Region, and member-scoped queries have something to read.
 * Background work (the members' seeded hour, every account-Region's first poll) is waited
 * out first, so the figure is the query path's and not the collector's.
 */
export async function benchQueryLoad(options: QueryLoadOptions = {}): Promise<QueryLoadFigures> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'ssm-history-load-'));
  try {
    const mode = await launchLocalMode(dataDir, options.organization === true ? ['--region', 'us-east-1', '--accounts', '3'] : []);
    try {
      return await loadQueries(mode.url, mode.pid);
    } catch (error) {
      throw new Error(`${error instanceof Error ? error.message : String(error)}\nlocal mode's stderr:\n${mode.stderr()}`, { cause: error });
    } finally {
      await mode.stop();
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/**
 * The load test against local mode already running at `url` (an `npm start` of one's own, say);
 * with its process id, how much CPU it used too.
 */
export async function loadQueries(url: string, pid?: number): Promise<QueryLoadFigures> {
  const { settled, status } = await settle(url, 90_000);
  const ids = await archiveIds(url, status);
  return load(url, queryMix(ids), pid, { archiveRecords: recordsIn(status), scopes: 1 + ids.members.length, settled });
}

/** Linux's clock ticks per second (USER_HZ), in which /proc reports CPU time. */
const CLOCK_TICKS = 100;

/** A process's CPU time so far (user and system), s; undefined where /proc cannot tell. */
function processCpuSeconds(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    // Fields after the command name (which may hold spaces) in /proc/<pid>/stat: utime and stime are the 12th and 13th.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(') ') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    return Number.isFinite(ticks) ? ticks / CLOCK_TICKS : undefined;
  } catch {
    return undefined;
  }
}

async function load(
  url: string,
  mix: readonly ((round: number) => LoadQuery)[],
  pid: number | undefined,
  archive: Pick<QueryLoadFigures, 'archiveRecords' | 'scopes' | 'settled'>,
): Promise<QueryLoadFigures> {
  const latencies: number[] = [];
  const byName = new Map<string, number[]>();
  for (let i = 0; i < mix.length; i++) byName.set((mix[i] as (round: number) => LoadQuery)(0).name, []);
  const errorSamples: string[] = [];
  let errors = 0;
  const failed = (reason: string) => {
    errors++;
    if (errorSamples.length < MAX_ERROR_SAMPLES) errorSamples.push(reason);
  };

  let sent = 0;
  const serverCpuBefore = processCpuSeconds(pid);
  const clientCpuBefore = process.cpuUsage();
  const started = performance.now();
  const deadline = started + QUERY_LOAD.maxSeconds * 1000;
  const client = async () => {
    while (sent < QUERY_LOAD.maxRequests && performance.now() < deadline) {
      const n = sent++;
      const query = (mix[n % mix.length] as (round: number) => LoadQuery)(Math.floor(n / mix.length));
      const before = performance.now();
      try {
        const response = await fetch(`${url}${query.path}`, { ...query.init, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
        // Read whole: the answer is not in until its last byte is.
        const body = await response.text();
        if (!response.ok) failed(`${query.name}: ${response.status} ${body.slice(0, 200)}`);
      } catch (error) {
        failed(`${query.name}: ${error instanceof Error ? `${error.message}${error.cause instanceof Error ? ` (${error.cause.message})` : ''}` : String(error)}`);
      }
      const ms = performance.now() - before;
      latencies.push(ms);
      byName.get(query.name)?.push(ms);
    }
  };
  await Promise.all(Array.from({ length: QUERY_LOAD.clients }, client));
  const wallSeconds = (performance.now() - started) / 1000;
  const clientCpu = process.cpuUsage(clientCpuBefore);
  const serverCpuAfter = processCpuSeconds(pid);
  const serverCpu = serverCpuBefore !== undefined && serverCpuAfter !== undefined ? serverCpuAfter - serverCpuBefore : undefined;

  const sorted = [...latencies].sort((a, b) => a - b);
  const byQuery: Record<string, QueryKindFigures> = {};
  for (const [name, samples] of byName) {
    const own = [...samples].sort((a, b) => a - b);
    byQuery[name] = { requests: own.length, p50Ms: percentile(own, 50), p99Ms: percentile(own, 99) };
  }
  return {
    clients: QUERY_LOAD.clients,
    requests: latencies.length,
    wallSeconds,
    queriesPerSecond: latencies.length / wallSeconds,
    p50Ms: percentile(sorted, 50),
    p99Ms: percentile(sorted, 99),
    maxMs: sorted[sorted.length - 1] ?? Number.NaN,
    errors,
    errorSamples,
    byQuery,
    ...archive,
    serverCores: serverCpu === undefined ? undefined : serverCpu / wallSeconds,
    clientCores: (clientCpu.user + clientCpu.system) / 1e6 / wallSeconds,
    serverCpuMsPerQuery: serverCpu === undefined || latencies.length === 0 ? undefined : (serverCpu * 1000) / latencies.length,
  };
}

const round = (value: number, digits: number) => Math.round(value * 10 ** digits) / 10 ** digits;

/** The figures under JSON keys for `npm run bench -- --json`, each prefixed (e.g. queryLoadQueriesPerSecond). */
export function queryLoadJson(figures: QueryLoadFigures, prefix = 'queryLoad'): Record<string, unknown> {
  return {
    [`${prefix}Scopes`]: figures.scopes,
    [`${prefix}Clients`]: figures.clients,
    [`${prefix}Requests`]: figures.requests,
    [`${prefix}WallSeconds`]: round(figures.wallSeconds, 2),
    [`${prefix}QueriesPerSecond`]: round(figures.queriesPerSecond, 1),
    [`${prefix}P50Ms`]: round(figures.p50Ms, 1),
    [`${prefix}P99Ms`]: round(figures.p99Ms, 1),
    [`${prefix}MaxMs`]: round(figures.maxMs, 1),
    [`${prefix}Errors`]: figures.errors,
    [`${prefix}ErrorSamples`]: figures.errorSamples,
    [`${prefix}ServerCpuMsPerQuery`]: figures.serverCpuMsPerQuery === undefined ? null : round(figures.serverCpuMsPerQuery, 2),
    [`${prefix}Settled`]: figures.settled,
  };
}

/** The figures as `npm run bench` prints them. */
/** The lines of one load run; `judged` false prints its queries/s as information, without ok or MISS. */
export function queryLoadLines(figures: QueryLoadFigures, judged = true): string[] {
  const target = (ok: boolean, text: string) => (judged ? `${ok ? 'ok  ' : 'MISS'} ${text}` : `     ${text.replace(/; target >= .*\)$/, '; information: the target is for npm start)')}`);
  const ok = figures.queriesPerSecond >= QUERY_LOAD_TARGET_QPS && figures.errors === 0;
  const slowest = Object.entries(figures.byQuery)
    .sort(([, a], [, b]) => b.p99Ms - a.p99Ms)
    .slice(0, 3)
    .map(([name, kind]) => `${name} ${round(kind.p99Ms, 0)} ms`)
    .join(', ');
  const scopes = figures.scopes === 1 ? 'one account in one Region' : `an organization of ${figures.scopes} account-Regions`;
  const cpu =
    figures.serverCores === undefined || figures.serverCpuMsPerQuery === undefined
      ? `clients ${round(figures.clientCores, 2)} cores (local mode's not readable here)`
      : `local mode ${round(figures.serverCores, 2)} cores, ${round(figures.serverCpuMsPerQuery, 1)} ms a query; clients ${round(figures.clientCores, 2)} cores  (of ${cpus().length}; local mode's JavaScript runs on one)`;
  return [
    `Local mode under query load: npm start${figures.scopes === 1 ? '' : ' -- --accounts 3'} in its own process (${scopes}, ${figures.archiveRecords} records, ${figures.settled ? 'startup collection done' : 'startup collection NOT done'}), ` +
      `${figures.clients} clients at once over loopback, ${Object.keys(figures.byQuery).length} queries in turn (SSM's ListCommands, ListCommandInvocations, GetCommandInvocation; the views), ` +
      `${QUERY_LOAD.maxRequests} requests or ${QUERY_LOAD.maxSeconds} s`,
    `  ${target(ok, `queries/s, errors             ${round(figures.queriesPerSecond, 0)} q/s, ${figures.errors} errors  (${figures.requests} requests in ${round(figures.wallSeconds, 1)} s; target >= ${QUERY_LOAD_TARGET_QPS} q/s with 0 errors)`)}`,
    `  latency under load            p50 ${round(figures.p50Ms, 0)} ms, p99 ${round(figures.p99Ms, 0)} ms, max ${round(figures.maxMs, 0)} ms  (highest p99: ${slowest})`,
    `  CPU over the run              ${cpu}`,
    ...figures.errorSamples.map((sample) => `  error                         ${sample}`),
  ];
}
