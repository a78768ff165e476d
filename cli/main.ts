import { defaultProvider } from '@aws-sdk/credential-provider-node';
import { isLoopback, regionOfExecuteApiHost, type Credentials } from '../lambdas/client/execute-api';
import { parseCommandLine, UsageError, USAGE, type ApiCommand, type CliCommand, type ListingCommand, type ShowCommand, type StatusCommand, type ViewQuery } from './args';
import { alertColumns } from './alert-view';
import { ApiError, ArchiveViews, ConnectionError, SigningError, type ViewItem, type ViewPage } from './archive-views';
import { formatCsv } from './csv';
import { childColumnsOf, executionText } from './execution-view';
import { listingColumns, withScopeColumns } from './listing-view';
import { failingLines, scopedStatusColumns, statusColumns } from './status-view';
import { runProxyCommand, type ProxyCommandDependencies } from './proxy-command';
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
  /** What relative --since/--until and the ages `status` shows count back from. @default the system clock */
  readonly now?: () => Date;
  /** `proxy`: its signals and the pages it serves itself (the console). */
  readonly proxy?: Pick<ProxyCommandDependencies, 'signals' | 'localRoutes'>;
}

/** What a command prints: its result on stdout, and a remark for the person (a next page) on stderr. */
interface Output {
  readonly stdout: string;
  readonly remark?: string;
}

/** SigV4 settings for the endpoint, or undefined for a loopback one (local mode takes unsigned requests). */
function signingFor(command: ApiCommand, env: CliIo['env'], deps: CliDependencies) {
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

const json = (value: unknown): string => `${JSON.stringify(value, null, 2)}\n`;

function emptyListing(command: ListingCommand): string {
  if (command.name === 'history') return `No history for ${command.instanceId ?? ''}.`;
  return command.name === 'alerts' ? 'No alerts found.' : 'No executions found.';
}

function renderListing(command: ListingCommand, page: ViewPage): Output {
  if (command.format === 'json') return { stdout: json(page) };
  const columns = withScopeColumns(command.name === 'alerts' ? alertColumns : listingColumns, page.items);
  // A token continues the query that issued it: the same command, the same filters.
  const more = page.nextToken === undefined ? undefined : `More: repeat this command with --next-token ${page.nextToken} (or with --all for every page).`;
  if (command.format === 'csv') return { stdout: formatCsv(columns, page.items), ...(more === undefined ? {} : { remark: `${more}\n` }) };
  const lines = [page.items.length === 0 ? emptyListing(command) : formatTable(columns, page.items)];
  if (more !== undefined) lines.push('', more);
  return { stdout: `${lines.join('\n')}\n` };
}

async function runListing(command: ListingCommand, views: ArchiveViews): Promise<Output> {
  const { name, instanceId } = command;
  const fetchPage = (query: ViewQuery): Promise<ViewPage> => {
    if (name === 'alerts') return views.alerts(query);
    return instanceId === undefined ? views.executions(query) : views.history(instanceId, query);
  };
  const page = command.all ? await allPages(fetchPage, command.query) : await fetchPage(command.query);
  return renderListing(command, page);
}

async function runShow(command: ShowCommand, views: ArchiveViews): Promise<Output> {
  const detail = await views.execution(command.executionId, command.childLimit);
  if (command.format === 'json') return { stdout: json(detail) };
  if (command.format === 'table') return { stdout: executionText(detail) };
  const remark = detail.moreChildren ? `More children than these ${detail.children.length}: repeat with a larger --limit (up to 1000).\n` : undefined;
  return { stdout: formatCsv(childColumnsOf(detail), detail.children), ...(remark === undefined ? {} : { remark }) };
}

async function runStatus(command: StatusCommand, views: ArchiveViews, now: Date): Promise<Output> {
  const page = await views.status();
  if (command.format === 'json') return { stdout: json(page) };
  // An organization's archive: one row per account, Region and kind, and what is failing where.
  const organization = page.organization;
  const rows = organization?.collections ?? page.kinds;
  const columns = organization === undefined ? statusColumns(now) : scopedStatusColumns(now);
  if (command.format === 'csv') return { stdout: formatCsv(columns, rows) };
  const lines = [rows.length === 0 ? 'No kinds reported.' : formatTable(columns, rows), ...failingLines(page, now)];
  return { stdout: `${lines.join('\n')}\n` };
}

/** What went wrong, for a person: the API's own message, or what to check. */
function describe(error: unknown, command: ApiCommand): string {
  if (error instanceof ApiError) {
    if (error.status === 404 && command.name === 'show') {
      return `the archive holds no execution ${command.executionId}: check the id (a CommandId, AutomationExecutionId, association ExecutionId, WindowExecutionId or SessionId, as SSM gave it) and the endpoint; ssm-history executions lists what it holds`;
    }
    if (error.status === 404 && command.name === 'alerts') {
      return `the API answered 404: ${error.message} (an archive deployed before GET /alerts existed has no such route: deploy it again)`;
    }
    return `the API answered ${error.status}: ${error.message}`;
  }
  if (error instanceof ConnectionError) {
    const local = isLoopback(new URL(command.endpoint));
    return local ? `${error.message} (is local mode running? npm start)` : error.message;
  }
  if (error instanceof SigningError) {
    return `${error.message} (configure AWS credentials: aws configure, AWS_PROFILE or --profile)`;
  }
  return error instanceof Error ? error.message : String(error);
}

function run(command: ApiCommand, views: ArchiveViews, now: Date): Promise<Output> {
  switch (command.name) {
    case 'executions':
    case 'history':
    case 'alerts':
      return runListing(command, views);
    case 'show':
      return runShow(command, views);
    case 'status':
      return runStatus(command, views, now);
  }
}

/**
 * `ssm-history` on the given arguments (without `node` and the script). Resolves to the exit
 * status: 0 done, 1 the request failed, 2 bad usage. Never rejects.
 */
export async function runCli(argv: readonly string[], io: CliIo, deps: CliDependencies = {}): Promise<number> {
  // The proxy is a server, not a read: it parses its own options and runs until stopped.
  if (argv[0] === 'proxy') return runProxyCommand(argv.slice(1), io, { ...deps.proxy, ...(deps.credentials ? { credentials: deps.credentials } : {}), ...(deps.fetch ? { fetch: deps.fetch } : {}) });
  const now = deps.now ?? (() => new Date());
  let command: CliCommand;
  try {
    command = parseCommandLine(argv, now());
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
    const output = await run(command, views, now());
    io.stdout.write(output.stdout);
    if (output.remark !== undefined) io.stderr.write(output.remark);
    return 0;
  } catch (error) {
    io.stderr.write(`ssm-history: ${describe(error, command)}\n`);
    return error instanceof UsageError ? 2 : 1;
  }
}
