import { parseArgs } from 'node:util';

/** Local mode's query API (npm start). */
export const DEFAULT_ENDPOINT = 'http://127.0.0.1:3000';

export const USAGE = `Usage: ssm-history <command> [options]

Reads the ssm-history archive: local mode (npm start) or the deployed query API.

Commands:
  executions              executions of every kind, newest first
  history <instanceId>    one node's history, newest first

Filters:
  --kind <kind>           executions only: command, command-invocation, automation-execution,
                          automation-step, association-execution, association-target,
                          maintenance-window-execution or session (omitted: every parent kind)
  --status <status>       a Status or StatusDetails, e.g. Failed, Success, TimedOut
  --since <ISO time>      from this time on (inclusive), e.g. 2026-03-01T08:00:00Z
  --until <ISO time>      before this time (exclusive)

Paging:
  --limit <n>             items per page (the API takes 1 to 100; default 50)
  --next-token <token>    the page after the one that printed this token
  --all                   follow every page and print them all

Connection and output:
  --endpoint <url>        the query API (default ${DEFAULT_ENDPOINT}, local mode). Any
                          other than a loopback address is called with SigV4 signatures
                          for execute-api, from the default AWS credential chain
  --region <region>       the Region to sign for (default: the one in an execute-api
                          hostname, else AWS_REGION or AWS_DEFAULT_REGION)
  --profile <name>        the AWS profile to sign with (default: AWS_PROFILE, or the chain)
  --json                  print the API's JSON instead of a table
  -h, --help              show this help

Exit status: 0 done, 1 the request failed, 2 bad usage.`;

/** Bad usage: the message, then the usage text, exit status 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export interface ViewQuery {
  readonly kind?: string;
  readonly status?: string;
  readonly since?: string;
  readonly until?: string;
  readonly limit?: number;
  readonly nextToken?: string;
}

export type CliCommand =
  | { readonly name: 'help' }
  | {
      readonly name: 'executions' | 'history';
      /** history only */
      readonly instanceId?: string;
      readonly query: ViewQuery;
      readonly all: boolean;
      readonly json: boolean;
      readonly endpoint: string;
      readonly region?: string;
      readonly profile?: string;
    };

const options = {
  kind: { type: 'string' },
  status: { type: 'string' },
  since: { type: 'string' },
  until: { type: 'string' },
  limit: { type: 'string' },
  'next-token': { type: 'string' },
  all: { type: 'boolean' },
  endpoint: { type: 'string' },
  region: { type: 'string' },
  profile: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

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

/** Parses the command line (without `node` and the script). Throws UsageError. */
export function parseCommandLine(argv: readonly string[]): CliCommand {
  const { values, positionals } = parsed(argv);
  if (values.help) return { name: 'help' };
  const [name, ...operands] = positionals;
  if (name === undefined) throw new UsageError('no command given');
  if (name !== 'executions' && name !== 'history') throw new UsageError(`unknown command "${name}"`);

  let instanceId: string | undefined;
  if (name === 'history') {
    if (operands.length !== 1 || operands[0]?.trim() === '') throw new UsageError('history needs exactly one <instanceId>');
    instanceId = operands[0];
    if (values.kind !== undefined) throw new UsageError("--kind applies to executions only: a node's history is its command invocations, association targets and sessions");
  } else if (operands.length > 0) {
    throw new UsageError(`executions takes no operands, got "${operands.join(' ')}"`);
  }
  if (values.all && values['next-token'] !== undefined) {
    throw new UsageError('--all starts from the first page; leave out --next-token');
  }

  const endpoint = values.endpoint ?? DEFAULT_ENDPOINT;
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw new UsageError(`--endpoint must be a URL such as ${DEFAULT_ENDPOINT}, got "${endpoint}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UsageError(`--endpoint must be http or https, got "${endpoint}"`);

  const query: ViewQuery = {
    kind: nonEmpty('kind', values.kind),
    status: nonEmpty('status', values.status),
    since: nonEmpty('since', values.since),
    until: nonEmpty('until', values.until),
    limit: positiveInteger('limit', values.limit),
    nextToken: nonEmpty('next-token', values['next-token']),
  };
  return {
    name,
    ...(instanceId === undefined ? {} : { instanceId }),
    query,
    all: values.all ?? false,
    json: values.json ?? false,
    endpoint,
    ...(values.region === undefined ? {} : { region: nonEmpty('region', values.region) }),
    ...(values.profile === undefined ? {} : { profile: nonEmpty('profile', values.profile) }),
  };
}
