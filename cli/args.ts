import { parseArgs } from 'node:util';
import { parseAskedTime } from '../lambdas/query/views/parameters';

/** Local mode's query API (npm start). */
export const DEFAULT_ENDPOINT = 'http://127.0.0.1:3000';

export const USAGE = `Usage: ssm-history <command> [options]

Reads the ssm-history archive: local mode (npm start) or the deployed query API.

Commands:
  executions              executions of every kind, newest first
  history <instanceId>    one node's history, newest first
  show <executionId>      one execution: its status timeline, its children (invocations,
                          steps, targets, tasks) and its lineage; any CommandId,
                          AutomationExecutionId, association ExecutionId, WindowExecutionId
                          or SessionId
  alerts                  the failure alerts sent, newest first
  status                  per kind: how far collection is, and what the events missed
  proxy --api <url> [--port 3000]  serve the deployed archive on 127.0.0.1, signed for you (any SSM client, and the console)

Filters (executions and history):
  --status <status>       a Status or StatusDetails, e.g. Failed, TimedOut; repeat it or
                          separate with commas for any of several (--status Failed,TimedOut)
  --since <time>          from this time on (inclusive): ISO 8601 such as
                          2026-03-01T08:00:00Z, or a time before now such as 30m, 24h or 7d
  --until <time>          before this time (exclusive), in the same forms
  --document <name>       one SSM document or runbook, exactly, e.g. AWS-RunShellScript
  --kind <kind>           executions: command, command-invocation, automation-execution,
                          automation-step, association-execution, association-target,
                          maintenance-window-execution, maintenance-window-task,
                          maintenance-window-task-invocation or session (omitted: every
                          parent kind); alerts: the kind of record that failed
  --instance <id>         executions only: one managed node (i-... or mi-...)

Paging (executions, history, alerts):
  --limit <n>             items per page (the API takes 1 to 100, alerts 1 to 1000); for
                          show, the children listed (1 to 1000, default 100)
  --next-token <token>    the page after the one that printed this token
  --all                   follow every page and print them all

Output:
  --format <format>       table (the default), json (the API's JSON) or csv (RFC 4180: a
                          header row, one row per item, full values; show lists the children,
                          status one row per kind)
  --json                  an alias of --format json

Connection:
  --endpoint <url>        the query API (default ${DEFAULT_ENDPOINT}, local mode). Any
                          other than a loopback address is called with SigV4 signatures
                          for execute-api, from the default AWS credential chain
  --region <region>       the Region to sign for (default: the one in an execute-api
                          hostname, else AWS_REGION or AWS_DEFAULT_REGION)
  --profile <name>        the AWS profile to sign with (default: AWS_PROFILE, or the chain)
  -h, --help              show this help

Exit status: 0 done, 1 the request failed, 2 bad usage.`;

/** Bad usage: the message, then the usage text, exit status 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** Query parameters of a listing, as the CLI holds them before naming them as the API does. */
export interface ViewQuery {
  readonly kind?: string;
  /** One or more statuses, comma-joined. */
  readonly status?: string;
  /** ISO 8601 or relative (30m, 24h, 7d), as given: the API counts a relative time on each request. */
  readonly since?: string;
  readonly until?: string;
  readonly documentName?: string;
  readonly instanceId?: string;
  readonly limit?: number;
  readonly nextToken?: string;
}

export const OUTPUT_FORMATS = ['table', 'json', 'csv'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

/** What every command that calls the API shares: where, how it signs, how it prints. */
export interface ApiCommandBase {
  readonly format: OutputFormat;
  readonly endpoint: string;
  readonly region?: string;
  readonly profile?: string;
}

export interface ListingCommand extends ApiCommandBase {
  readonly name: 'executions' | 'history' | 'alerts';
  /** history only */
  readonly instanceId?: string;
  readonly query: ViewQuery;
  readonly all: boolean;
}

export interface ShowCommand extends ApiCommandBase {
  readonly name: 'show';
  readonly executionId: string;
  /** Children listed; the API's default when absent. */
  readonly childLimit?: number;
}

export interface StatusCommand extends ApiCommandBase {
  readonly name: 'status';
}

export type ApiCommand = ListingCommand | ShowCommand | StatusCommand;
export type CliCommand = { readonly name: 'help' } | ApiCommand;

const options = {
  kind: { type: 'string' },
  status: { type: 'string', multiple: true },
  since: { type: 'string' },
  until: { type: 'string' },
  document: { type: 'string' },
  instance: { type: 'string' },
  limit: { type: 'string' },
  'next-token': { type: 'string' },
  all: { type: 'boolean' },
  format: { type: 'string' },
  json: { type: 'boolean' },
  endpoint: { type: 'string' },
  region: { type: 'string' },
  profile: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

type OptionName = keyof typeof options;
type CommandName = ApiCommand['name'];

/** Options every command takes. */
const COMMON: readonly OptionName[] = ['format', 'json', 'endpoint', 'region', 'profile', 'help'];

/** The options each command takes besides the common ones: anything else is a usage error, never silently ignored. */
const COMMAND_OPTIONS: Readonly<Record<CommandName, readonly OptionName[]>> = {
  executions: ['kind', 'status', 'since', 'until', 'document', 'instance', 'limit', 'next-token', 'all'],
  history: ['status', 'since', 'until', 'document', 'limit', 'next-token', 'all'],
  alerts: ['kind', 'limit', 'next-token', 'all'],
  show: ['limit'],
  status: [],
};

/** Why an option does not apply, where the generic message would not say. */
const NOT_APPLICABLE: Partial<Record<CommandName, Partial<Record<OptionName, string>>>> = {
  history: {
    kind: "a node's history is its command invocations, association targets and sessions",
    instance: 'the node is the <instanceId> operand',
  },
  show: { all: 'show lists up to --limit children (at most 1000)', 'next-token': 'show lists up to --limit children (at most 1000)' },
};

const isCommandName = (name: string): name is CommandName => Object.hasOwn(COMMAND_OPTIONS, name);

function parsed(argv: readonly string[]) {
  try {
    return parseArgs({ args: [...argv], options, allowPositionals: true, strict: true });
  } catch (error) {
    // node:util's messages name the option and say what is wrong with it.
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}

function positiveInteger(name: string, raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  if (!/^[1-9]\d*$/.test(raw)) throw new UsageError(`--${name} must be a positive integer, got "${raw}"`);
  return Number(raw);
}

function nonEmpty(name: string, raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  if (raw.trim() === '') throw new UsageError(`--${name} needs a value`);
  return raw;
}

/** `--status A --status B,C` → "A,B,C", as the API takes several. */
export function statusList(raw: readonly string[] | undefined): string | undefined {
  if (raw === undefined) return undefined;
  const statuses = raw.flatMap((value) => value.split(',')).map((status) => status.trim()).filter((status) => status !== '');
  if (statuses.length === 0) throw new UsageError('--status needs a value, e.g. --status Failed or --status Failed,TimedOut');
  return statuses.join(',');
}

/**
 * A --since or --until value as epoch ms (a relative one counted back from `now`), read as
 * the API reads it, so that a typo is caught here rather than after a round trip.
 */
export function timeOption(name: 'since' | 'until', raw: string, now: Date): number {
  const time = parseAskedTime(raw, now, { name: `--${name}`, joiner: ' ' });
  if ('problem' in time) throw new UsageError(time.problem);
  return time.ms;
}

function timeWindow(since: string | undefined, until: string | undefined, now: Date): void {
  const sinceMs = since === undefined ? undefined : timeOption('since', since, now);
  const untilMs = until === undefined ? undefined : timeOption('until', until, now);
  if (sinceMs !== undefined && untilMs !== undefined && sinceMs >= untilMs) {
    throw new UsageError(`--since (${since ?? ''}) must be before --until (${until ?? ''})`);
  }
}

function outputFormat(format: string | undefined, json: boolean | undefined): OutputFormat {
  if (format !== undefined && !(OUTPUT_FORMATS as readonly string[]).includes(format)) {
    throw new UsageError(`--format must be table, json or csv, got "${format}"`);
  }
  if (json && format !== undefined && format !== 'json') throw new UsageError(`--json is --format json: it cannot go with --format ${format}`);
  return json ? 'json' : ((format as OutputFormat | undefined) ?? 'table');
}

function endpointOption(raw: string | undefined): string {
  const endpoint = raw ?? DEFAULT_ENDPOINT;
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw new UsageError(`--endpoint must be a URL such as ${DEFAULT_ENDPOINT}, got "${endpoint}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UsageError(`--endpoint must be http or https, got "${endpoint}"`);
  return endpoint;
}

function checkApplicable(name: CommandName, given: readonly string[]): void {
  const allowed: readonly string[] = [...COMMON, ...COMMAND_OPTIONS[name]];
  for (const option of given) {
    if (allowed.includes(option)) continue;
    const why = NOT_APPLICABLE[name]?.[option as OptionName];
    const takes = COMMAND_OPTIONS[name].map((taken) => `--${taken}`).join(', ');
    throw new UsageError(`--${option} does not apply to ${name}: ${why ?? (takes === '' ? `${name} takes no filters` : `${name} takes ${takes}`)}`);
  }
}

function oneOperand(name: string, operands: readonly string[], what: string): string {
  const [operand] = operands;
  if (operands.length !== 1 || operand === undefined || operand.trim() === '') throw new UsageError(`${name} needs exactly one ${what}`);
  return operand;
}

/**
 * Parses the command line (without `node` and the script). Throws UsageError. `now` counts
 * relative --since/--until back, to check that since comes before until.
 */
export function parseCommandLine(argv: readonly string[], now: Date = new Date()): CliCommand {
  const { values, positionals } = parsed(argv);
  if (values.help) return { name: 'help' };
  const [name, ...operands] = positionals;
  if (name === undefined) throw new UsageError('no command given');
  if (!isCommandName(name)) throw new UsageError(`unknown command "${name}"`);
  checkApplicable(
    name,
    Object.entries(values)
      .filter(([, value]) => value !== undefined)
      .map(([option]) => option),
  );

  const base: ApiCommandBase = {
    format: outputFormat(values.format, values.json),
    endpoint: endpointOption(values.endpoint),
    ...(values.region === undefined ? {} : { region: nonEmpty('region', values.region) }),
    ...(values.profile === undefined ? {} : { profile: nonEmpty('profile', values.profile) }),
  };
  const limit = positiveInteger('limit', values.limit);

  if (name === 'status') {
    if (operands.length > 0) throw new UsageError(`status takes no operands, got "${operands.join(' ')}"`);
    return { name, ...base };
  }
  if (name === 'show') {
    const executionId = oneOperand('show', operands, '<executionId> (a CommandId, AutomationExecutionId, association ExecutionId, WindowExecutionId or SessionId)');
    return { name, executionId, ...(limit === undefined ? {} : { childLimit: limit }), ...base };
  }

  const instanceId = name === 'history' ? oneOperand('history', operands, '<instanceId>') : undefined;
  if (name !== 'history' && operands.length > 0) throw new UsageError(`${name} takes no operands, got "${operands.join(' ')}"`);
  if (values.all && values['next-token'] !== undefined) {
    throw new UsageError('--all starts from the first page; leave out --next-token');
  }
  const since = nonEmpty('since', values.since);
  const until = nonEmpty('until', values.until);
  timeWindow(since, until, now);
  const query: ViewQuery = {
    kind: nonEmpty('kind', values.kind),
    status: statusList(values.status),
    since,
    until,
    documentName: nonEmpty('document', values.document),
    instanceId: nonEmpty('instance', values.instance),
    limit,
    nextToken: nonEmpty('next-token', values['next-token']),
  };
  return { name, ...(instanceId === undefined ? {} : { instanceId }), query, all: values.all ?? false, ...base };
}
