import { defaultProvider } from '@aws-sdk/credential-provider-node';
import { isLoopback, regionOfExecuteApiHost, type Credentials } from '../lambdas/client/execute-api';
import { parseCommandLine, UsageError, USAGE, type CliCommand, type ViewQuery } from './args';
import { ApiError, ArchiveViews, ConnectionError, SigningError, type ViewItem, type ViewPage } from './archive-views';
import { formatTable } from './table';

export interface CliIo {
  readonly stdout: { write(chunk: string): unknown };
  readonly stderr: { write(chunk: string): unknown };
  /** Where AWS_REGION and AWS_DEFAULT_REGION are read from. */
  readonly env: Readonly<Record<string, string | undefined>>;
}

export interface CliDependencies {
  /** @default globalThis.fetch */
  readonly fetch?: typeof fetch;
  /** Who signs requests to a non-loopback endpoint. @default the default Node credential chain (with --profile) */
  readonly credentials?: Credentials;
}

type ViewCommand = Exclude<CliCommand, { name: 'help' }>;

/** SigV4 settings for the endpoint, or undefined for a loopback one (local mode takes unsigned requests). */
function signingFor(command: ViewCommand, env: CliIo['env'], deps: CliDependencies) {
  const url = new URL(command.endpoint);
  if (isLoopback(url)) return undefined;
  // An execute-api hostname names the only Region whose signature the API accepts, so it
  // comes before the environment's default Region; --region overrides both.
  const region = command.region ?? regionOfExecuteApiHost(url.hostname) ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
  if (!region) throw new UsageError(`cannot tell which Region ${url.host} is in: pass --region (or set AWS_REGION)`);
  const credentials = deps.credentials ?? defaultProvider(command.profile === undefined ? {} : { profile: command.profile });
  return { region, credentials };
}

/** Every page from the first, in order. */
async function allPages(fetchPage: (query: ViewQuery) => Promise<ViewPage>, query: ViewQuery): Promise<ViewPage> {
  const items: ViewItem[] = [];
  const seen = new Set<string>();
  let nextToken: string | undefined;
  do {
    const page = await fetchPage({ ...query, nextToken });
    items.push(...page.items);
    nextToken = page.nextToken;
    if (nextToken !== undefined) {
      if (seen.has(nextToken)) throw new ApiError(200, 'the API returned a page token it had returned before; stopping');
      seen.add(nextToken);
    }
  } while (nextToken !== undefined);
  return { items };
}

function render(command: ViewCommand, page: ViewPage): string {
  if (command.json) return `${JSON.stringify(page, null, 2)}\n`;
  const lines: string[] = [];
  if (page.items.length === 0) {
    lines.push(command.name === 'history' ? `No history for ${command.instanceId ?? ''}.` : 'No executions found.');
  } else {
    lines.push(formatTable(page.items));
  }
  if (page.nextToken !== undefined) {
    // A token continues the query that issued it: the same command, the same filters.
    lines.push('', `More: repeat this command with --next-token ${page.nextToken} (or with --all for every page).`);
  }
  return `${lines.join('\n')}\n`;
}

/** What went wrong, for a person: the API's own message, or what to check. */
function describe(error: unknown, command: ViewCommand): string {
  if (error instanceof ApiError) return `the API answered ${error.status}: ${error.message}`;
  if (error instanceof ConnectionError) {
    const local = isLoopback(new URL(command.endpoint));
    return local ? `${error.message} (is local mode running? npm start)` : error.message;
  }
  if (error instanceof SigningError) {
    return `${error.message} (configure AWS credentials: aws configure, AWS_PROFILE or --profile)`;
  }
  return error instanceof Error ? error.message : String(error);
}

/**
 * `ssm-history` on the given arguments (without `node` and the script). Resolves to the exit
 * status: 0 done, 1 the request failed, 2 bad usage. Never rejects.
 */
export async function runCli(argv: readonly string[], io: CliIo, deps: CliDependencies = {}): Promise<number> {
  let command: CliCommand;
  try {
    command = parseCommandLine(argv);
  } catch (error) {
    io.stderr.write(`ssm-history: ${error instanceof Error ? error.message : String(error)}\n\n${USAGE}\n`);
    return 2;
  }
  if (command.name === 'help') {
    io.stdout.write(`${USAGE}\n`);
    return 0;
  }

  try {
    const views = new ArchiveViews({
      endpoint: command.endpoint,
      signing: signingFor(command, io.env, deps),
      ...(deps.fetch ? { fetch: deps.fetch } : {}),
    });
    const instanceId = command.instanceId;
    const fetchPage = (query: ViewQuery) =>
      instanceId === undefined ? views.executions(query) : views.history(instanceId, query);
    const page = command.all ? await allPages(fetchPage, command.query) : await fetchPage(command.query);
    io.stdout.write(render(command, page));
    return 0;
  } catch (error) {
    io.stderr.write(`ssm-history: ${describe(error, command)}\n`);
    return error instanceof UsageError ? 2 : 1;
  }
}
