import { REGION_FORM } from '../../lambdas/core/scope';
import { parseArgs } from 'node:util';

/**
 * `npm start -- [options]`: the command line of local mode, read with node:util parseArgs.
 * Every mistake is a UsageError whose message says what is wrong and what is expected.
 */
export interface LocalModeArguments {
  readonly port: number;
  readonly dataDir: string;
  /** --ssm; undefined when not given (the simulator, unless --ssm-endpoint names another). */
  readonly ssm?: SsmSourceName;
  readonly ssmEndpoint?: string;
  readonly dynamodbEndpoint?: string;
  readonly region?: string;
  readonly pollIntervalMs: number;
  /** --accounts and --regions: the simulated organization; undefined: the default (the archive's own account and Region alone). */
  readonly organization?: { readonly accounts: number; readonly regions?: readonly string[] };
  readonly help: boolean;
}

export class UsageError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'UsageError';
  }
}

/** What `--ssm` names: the built-in simulator (the default) or the account's real SSM. */
export const SSM_SOURCES = ['simulator', 'aws'] as const;
export type SsmSourceName = (typeof SSM_SOURCES)[number];

export const DEFAULT_PORT = 3000;
export const DEFAULT_DATA_DIR = '.local-data';
/** Five minutes: the pollers' interval when none is given. */
export const DEFAULT_POLL_INTERVAL_MS = 5 * 60_000;

export const USAGE = `Usage: npm start -- [options]

Runs the archive on this machine: DynamoDB (embedded dynalite), the collector, the query API,
GET /alerts and POST /events on http://127.0.0.1:<port>. SSM is the built-in simulator,
whatever AWS credentials the environment holds; --ssm aws reads the account's real SSM instead
and --ssm-endpoint another SSM-compatible endpoint. Failure alerts are printed here;
ALERT_STATUSES and ALERT_IGNORED_DOCUMENTS in the environment choose them, as for the
deployed collector.

Options:
  --port <n>                  port on 127.0.0.1 (default ${DEFAULT_PORT}; 0 picks a free one)
  --data-dir <path>           where the archive is kept between runs (default ${DEFAULT_DATA_DIR})
  --ssm <source>              simulator (default): the built-in SSM simulator, with a day of
                              history and new commands as it runs; aws: real SSM in --region
                              (or AWS_REGION, AWS_DEFAULT_REGION; one is required) with the AWS
                              SDK's usual credentials (environment, AWS_PROFILE, SSO, a role)
  --ssm-endpoint <url>        another SSM-compatible endpoint to read from (not with --ssm)
  --dynamodb-endpoint <url>   another DynamoDB-compatible endpoint (e.g. DynamoDB Local)
                              instead of the embedded dynalite
  --region <region>           AWS Region (default: AWS_REGION, AWS_DEFAULT_REGION, else us-east-1)
  --poll-interval <duration>  pollers' interval, e.g. 90s, 5m, 1h (default 5m)
  --accounts <n>              accounts the simulator plays, the archive's own included (default 1:
                              the archive's own; more play an organization, as one archive for
                              many accounts runs deployed)
  --regions <list>            Regions collected in each account, comma-separated (default --region
                              alone, and one more with --accounts above 1); with the simulator only
  -h, --help                  show this help
`;

function httpUrl(option: string, value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch (error) {
    throw new UsageError(`--${option} must be a URL such as http://127.0.0.1:8000, got "${value}"`, { cause: error });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UsageError(`--${option} must be an http:// or https:// URL, got "${value}"`);
  }
  return value;
}

function port(value: string | undefined): number {
  if (value === undefined) return DEFAULT_PORT;
  const parsed = Number(value);
  if (!/^\d+$/.test(value) || parsed > 65535) throw new UsageError(`--port must be a whole number from 0 to 65535, got "${value}"`);
  return parsed;
}

const UNITS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** "90s", "5m", "1h", "500ms", or a bare number of seconds. */
export function parseDuration(value: string): number | undefined {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(value.trim());
  if (match === null) return undefined;
  const ms = Number(match[1]) * (UNITS[match[2] ?? 's'] ?? 1000);
  return Number.isFinite(ms) ? Math.round(ms) : undefined;
}

function pollInterval(value: string | undefined): number {
  if (value === undefined) return DEFAULT_POLL_INTERVAL_MS;
  const ms = parseDuration(value);
  if (ms === undefined || ms < 1000) {
    throw new UsageError(`--poll-interval must be a duration of at least 1s, such as 90s, 5m or 1h, got "${value}"`);
  }
  return ms;
}

function ssmSource(value: string | undefined): SsmSourceName | undefined {
  if (value === undefined) return undefined;
  const name = SSM_SOURCES.find((source) => source === value);
  if (name === undefined) throw new UsageError(`--ssm must be one of ${SSM_SOURCES.join(', ')} (default simulator), got "${value}"`);
  return name;
}

function region(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (!/^[a-z]{2}(-[a-z]+)+-\d+$/.test(value)) throw new UsageError(`--region must be an AWS Region such as eu-west-1, got "${value}"`);
  return value;
}

export function parseLocalModeArguments(argv: readonly string[]): LocalModeArguments {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        port: { type: 'string' },
        'data-dir': { type: 'string' },
        ssm: { type: 'string' },
        'ssm-endpoint': { type: 'string' },
        'dynamodb-endpoint': { type: 'string' },
        region: { type: 'string' },
        'poll-interval': { type: 'string' },
        accounts: { type: 'string' },
        regions: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error), { cause: error });
  }
  const text = (name: string): string | undefined => {
    const value = values[name];
    if (typeof value !== 'string') return undefined;
    if (value.trim() === '') throw new UsageError(`--${name} needs a value`);
    return value;
  };
  const ssm = ssmSource(text('ssm'));
  const ssmEndpoint = httpUrl('ssm-endpoint', text('ssm-endpoint'));
  const dynamodbEndpoint = httpUrl('dynamodb-endpoint', text('dynamodb-endpoint'));
  const regionValue = region(text('region'));
  const accountsText = text('accounts');
  const regionsText = text('regions');
  let organization: LocalModeArguments['organization'];
  if (accountsText !== undefined || regionsText !== undefined) {
    const accounts = accountsText === undefined ? 1 : Number(accountsText);
    if (!/^\d+$/.test(accountsText ?? '1') || accounts < 1 || accounts > 20) throw new UsageError(`--accounts must be a whole number from 1 to 20, got "${accountsText ?? ''}"`);
    const regions = regionsText?.split(',').map((entry) => entry.trim()).filter((entry) => entry !== '').map((entry) => {
      if (!REGION_FORM.test(entry)) throw new UsageError(`--regions must list AWS Regions such as eu-west-1,us-east-1, got "${entry}"`);
      return entry;
    });
    organization = { accounts, ...(regions !== undefined ? { regions } : {}) };
  }
  return {
    port: port(text('port')),
    dataDir: text('data-dir') ?? DEFAULT_DATA_DIR,
    ...(ssm !== undefined ? { ssm } : {}),
    ...(ssmEndpoint !== undefined ? { ssmEndpoint } : {}),
    ...(dynamodbEndpoint !== undefined ? { dynamodbEndpoint } : {}),
    ...(regionValue !== undefined ? { region: regionValue } : {}),
    pollIntervalMs: pollInterval(text('poll-interval')),
    ...(organization !== undefined ? { organization } : {}),
    help: values.help === true,
  };
}
