/**
 * `ssm-history proxy`: the deployed query API for every SSM client. API Gateway takes only
 * requests signed for `execute-api`; the AWS CLI, boto3 and the other SSM clients sign for
 * `ssm`. The proxy listens on this machine's loopback address and forwards each request to the
 * deployed API, re-signed for `execute-api` with the caller's own AWS credentials, so that
 *
 *   aws ssm list-command-invocations --endpoint-url http://127.0.0.1:3000
 *
 * reads the deployed archive. What the client signed with is thrown away: its credentials
 * need not be valid anywhere.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  isLoopback,
  queryStringOfPairs,
  regionOfExecuteApiHost,
  signExecuteApiRequest,
  type Credentials,
} from '../lambdas/client/execute-api';
import type { ApiRequest, ApiResponse } from '../lambdas/query/http';
import { apiRequestOf, listening, readBody, send } from '../lambdas/query/node-http';

/**
 * Requests the proxy answers itself (a web console, say), tried before forwarding: a response,
 * or undefined to forward the request to the API.
 */
export type LocalRoutes = (request: ApiRequest) => Promise<ApiResponse | undefined>;

export interface ProxyOptions {
  /** The deployed query API (the stack's QueryApiUrl), with its stage path if it has one. */
  readonly api: string | URL;
  /** 0: any free port. @default 0 */
  readonly port?: number;
  /** A loopback address only: the proxy signs with its user's credentials. @default 127.0.0.1 */
  readonly host?: string;
  /**
   * The Region to sign for when the API's hostname names none (a custom domain). An
   * execute-api hostname's own Region is the only one its API accepts, so it comes first.
   */
  readonly region?: string;
  /** Who signs: the default Node credential chain in the CLI, resolved again for every request. */
  readonly credentials: Credentials;
  /** The AWS profile the credentials come from, named in what the proxy advises. */
  readonly profile?: string;
  readonly localRoutes?: LocalRoutes;
  /** @default globalThis.fetch */
  readonly fetch?: typeof fetch;
  /** One line per problem its user must act on (no newline). @default stderr */
  readonly log?: (line: string) => void;
  /** The signing clock. @default the system clock */
  readonly now?: () => Date;
}

export interface RunningProxy {
  /** e.g. http://127.0.0.1:3000 (no trailing slash): the clients' --endpoint-url. */
  readonly url: string;
  readonly port: number;
  /** Where requests go, and the Region they are signed for. */
  readonly api: URL;
  readonly region: string;
  close(): Promise<void>;
}

/** The proxy cannot start with these options (a bad --api, a non-loopback host, no Region). */
export class ProxySetupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProxySetupError';
  }
}

/** API Gateway HTTP APIs take payloads of 10 MB at most. */
const MAX_BODY_BYTES = 10 * 1024 * 1024;

/**
 * Never forwarded: the client's own signature (the proxy signs anew), `host` (the API's, from
 * its URL), cookies (the API has no use for this machine's), what the HTTP client owns
 * (`content-length`, `accept-encoding`: fetch decodes what it asks for) and hop-by-hop headers
 * (RFC 9110 section 7.6.1; `expect` too, which fetch refuses).
 */
const NOT_FORWARDED = new Set([
  'authorization',
  'x-amz-date',
  'x-amz-security-token',
  'x-amz-content-sha256',
  'host',
  'cookie',
  'content-length',
  'accept-encoding',
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'expect',
]);

/** What comes back from the API besides the body; not content-length or content-encoding (fetch decoded the body). */
const RETURNED_HEADERS = ['content-type', 'cache-control', 'allow', 'retry-after', 'x-amzn-requestid', 'x-amzn-errortype'];

/** API Gateway's answer to a request signed with expired temporary credentials (403). */
const EXPIRED_TOKEN = /security token included in the request is expired/i;

/**
 * An error the client reads in its own protocol. The codes are AWS's common errors where one
 * fits (every service's API reference, "Common Errors"): MissingAuthenticationToken (403: no
 * access key to sign with), ExpiredTokenException (403), ServiceUnavailable, InternalFailure.
 * Credential problems are 4xx so that SDKs do not retry what only the proxy's user can fix.
 */
interface ProxyFailure {
  readonly status: number;
  readonly type: 'MissingAuthenticationToken' | 'ExpiredTokenException' | 'ServiceUnavailable' | 'InvalidRequest' | 'InternalFailure';
  /** For the client and, prefixed, the log: what went wrong and what to do. */
  readonly message: string;
  /** Whether its user must hear of it (the log line). */
  readonly logged: boolean;
}

export async function startProxy(options: ProxyOptions): Promise<RunningProxy> {
  const api = apiUrlOf(options.api);
  const region = regionFor(api, options.region);
  const host = options.host ?? '127.0.0.1';
  if (!namesLoopback(host.includes(':') ? `[${host}]` : host)) {
    throw new ProxySetupError(`the proxy listens on a loopback address only (127.0.0.1, ::1, localhost), not ${host}: it signs with your AWS credentials`);
  }
  const context: ProxyContext = {
    api,
    basePath: api.pathname.replace(/\/+$/, ''),
    region,
    credentials: options.credentials,
    profile: options.profile,
    localRoutes: options.localRoutes,
    fetch: options.fetch ?? globalThis.fetch,
    log: options.log ?? ((line) => process.stderr.write(`${line}\n`)),
    now: options.now ?? (() => new Date()),
  };

  const server = createServer((req, res) => {
    handle(context, req, res).catch((error: unknown) => {
      context.log(`ssm-history proxy: ${req.method ?? ''} ${req.url ?? ''} failed: ${reasonOf(error)}`);
      if (!res.headersSent) sendFailure(res, isSsmRequest(req), { status: 500, type: 'InternalFailure', message: `ssm-history proxy: ${reasonOf(error)}`, logged: true });
      else res.destroy();
    });
  });
  const served = await listening(server, host, options.port ?? 0);
  return { ...served, api, region };
}

function apiUrlOf(api: string | URL): URL {
  let url: URL;
  try {
    url = new URL(api);
  } catch {
    throw new ProxySetupError(`--api must be the query API's URL (the stack's QueryApiUrl output), not ${String(api)}`);
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopback(url))) {
    // A session token travels in a header: it must not cross the network in clear.
    throw new ProxySetupError(`--api must be an https:// URL (plain http only on this machine), not ${url.href}`);
  }
  if (url.search !== '' || url.hash !== '') throw new ProxySetupError(`--api takes no query string or fragment: ${url.href}`);
  return url;
}

function regionFor(api: URL, fallback: string | undefined): string {
  const region = regionOfExecuteApiHost(api.hostname) ?? fallback;
  if (!region) throw new ProxySetupError(`cannot tell which Region ${api.host} is in: pass --region (or set AWS_REGION)`);
  return region;
}

interface ProxyContext {
  readonly api: URL;
  /** The API URL's path without its trailing slash ('' or a stage such as '/prod'), put before every forwarded path. */
  readonly basePath: string;
  readonly region: string;
  readonly credentials: Credentials;
  readonly profile: string | undefined;
  readonly localRoutes: LocalRoutes | undefined;
  readonly fetch: typeof fetch;
  readonly log: (line: string) => void;
  readonly now: () => Date;
}

/** SSM's JSON protocol: POST / with `X-Amz-Target: AmazonSSM.<Operation>`. Its errors carry `__type`. */
const isSsmRequest = (req: IncomingMessage): boolean => req.headers['x-amz-target'] !== undefined;

async function handle(context: ProxyContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const ssm = isSsmRequest(req);
  const fail = (failure: ProxyFailure): void => {
    if (failure.logged) context.log(failure.message);
    sendFailure(res, ssm, failure);
  };
  if (!namesLoopback(req.headers.host)) {
    // A web page that rebinds its own hostname to 127.0.0.1 must not read the archive with its visitor's credentials.
    return fail({ status: 403, type: 'InvalidRequest', message: `ssm-history proxy: answers requests to 127.0.0.1, localhost or [::1] only, not to ${req.headers.host ?? 'no host'}`, logged: false });
  }
  const target = requestTarget(req.url ?? '/');
  if (target === undefined) return fail({ status: 400, type: 'InvalidRequest', message: `ssm-history proxy: cannot read the request target ${req.url ?? ''}`, logged: false });
  const body = await readBody(req, MAX_BODY_BYTES);
  if (body === undefined) return fail({ status: 413, type: 'InvalidRequest', message: `ssm-history proxy: request body over ${MAX_BODY_BYTES} bytes`, logged: false });
  const method = req.method ?? 'GET';

  if (context.localRoutes) {
    const answer = await context.localRoutes(apiRequestOf(req, body.toString('utf8')));
    if (answer !== undefined) return send(res, answer);
  }

  let credentials: Awaited<ReturnType<typeof resolveCredentials>>;
  try {
    // Every request asks the chain: it caches and refreshes, so a new `aws sso login` takes effect at once.
    credentials = await resolveCredentials(context.credentials);
  } catch (error) {
    return fail(credentialsFailure(error, context.profile));
  }

  const upstream = new URL(`${context.api.origin}${context.basePath}${target.pathname}${queryStringOfPairs(target.searchParams)}`);
  const payload = method === 'GET' || method === 'HEAD' ? undefined : body;
  const signed = await signExecuteApiRequest(
    { method, url: upstream, headers: forwardedHeaders(req), ...(payload === undefined ? {} : { body: payload }) },
    { region: context.region, credentials, signingDate: context.now() },
  );
  // fetch sets the same Host from the URL.
  const { host: _host, ...headers } = signed;

  let response: Response;
  try {
    response = await context.fetch(upstream, { method, headers, ...(payload === undefined ? {} : { body: payload }), redirect: 'manual' });
  } catch (error) {
    return fail({ status: 502, type: 'ServiceUnavailable', message: `ssm-history proxy: cannot reach the API at ${context.api.origin}: ${connectionFailureOf(error)} (check --api and the network)`, logged: true });
  }

  const returned: Record<string, string> = {};
  for (const name of RETURNED_HEADERS) {
    const value = response.headers.get(name);
    if (value !== null) returned[name] = value;
  }
  if (response.status === 403) {
    // Small, and read whole: an expired token is told apart from the API's other refusals.
    const text = await response.text();
    if (EXPIRED_TOKEN.test(text)) return fail(expiredFailure(context.profile, 'the API says the security token is expired'));
    res.writeHead(403, returned);
    res.end(text);
    return;
  }
  res.writeHead(response.status, returned);
  if (response.body === null || method === 'HEAD') {
    res.end();
    return;
  }
  await pipeline(Readable.fromWeb(response.body), res);
}

async function resolveCredentials(credentials: Credentials) {
  return typeof credentials === 'function' ? credentials() : credentials;
}

/** The path (as sent, percent-encoded) and query of a request target; undefined for one that is no URL. */
function requestTarget(rawTarget: string): URL | undefined {
  try {
    // Origin-form ("/path?query") is read against a fixed base: a target starting "//" is a path, not a host.
    return rawTarget.startsWith('/') ? new URL(`http://loopback${rawTarget}`) : new URL(rawTarget);
  } catch {
    return undefined;
  }
}

function namesLoopback(hostHeader: string | undefined): boolean {
  if (hostHeader === undefined) return false;
  try {
    return isLoopback(new URL(`http://${hostHeader}`));
  } catch {
    return false;
  }
}

function forwardedHeaders(req: IncomingMessage): Record<string, string> {
  // Connection names further hop-by-hop headers of this request.
  const hopByHop = new Set((req.headers.connection ?? '').split(',').map((name) => name.trim().toLowerCase()).filter((name) => name !== ''));
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined || NOT_FORWARDED.has(name) || hopByHop.has(name)) continue;
    headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return headers;
}

/** SSM's JSON protocol error (`__type` and `message`) to an SSM client, `{"message"}` (the API's own shape) to any other. */
function sendFailure(res: ServerResponse, ssm: boolean, failure: ProxyFailure): void {
  const body = JSON.stringify(ssm ? { __type: failure.type, message: failure.message } : { message: failure.message });
  res.writeHead(failure.status, {
    'content-type': ssm ? 'application/x-amz-json-1.1' : 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(body),
  });
  res.end(body);
}

/**
 * The chain's error, with what to do. An SSO profile's expired session reads "... SSO session
 * ... expired ... aws sso login", a missing profile "Could not resolve credentials using
 * profile", no credentials at all "Could not load credentials from any providers".
 */
function credentialsFailure(error: unknown, profile: string | undefined): ProxyFailure {
  const reason = reasonOf(error);
  if (/\bsso\b|expired/i.test(reason)) return expiredFailure(profile, reason);
  const configure = profile === undefined ? 'aws configure (or aws configure sso), AWS_PROFILE or --profile' : `aws configure --profile ${profile} (or aws configure sso --profile ${profile})`;
  return {
    status: 403,
    type: 'MissingAuthenticationToken',
    message: `ssm-history proxy: no AWS credentials to sign with (${reason}): configure them with ${configure}`,
    logged: true,
  };
}

function expiredFailure(profile: string | undefined, reason: string): ProxyFailure {
  const renew =
    profile === undefined
      ? 'run aws sso login (with --profile for a named profile), or export fresh AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN'
      : `run aws sso login --profile ${profile}`;
  return { status: 403, type: 'ExpiredTokenException', message: `ssm-history proxy: your AWS credentials have expired (${reason}): ${renew}, then retry`, logged: true };
}

/**
 * An error's own words, read by shape rather than instanceof: errors from another realm
 * (fetch's) are not this realm's Error.
 */
function reasonOf(error: unknown): string {
  if (typeof error !== 'object' || error === null) return String(error);
  const { errors, message, code, name } = error as { errors?: unknown; message?: unknown; code?: unknown; name?: unknown };
  if (typeof message === 'string' && message !== '') return message;
  // An AggregateError (every address of a host refused) has no message: its first error says why.
  if (Array.isArray(errors) && errors.length > 0) return reasonOf(errors[0]);
  if (typeof code === 'string') return code;
  return typeof name === 'string' ? name : String(error);
}

/** fetch's "fetch failed" says less than its cause: ECONNREFUSED, ENOTFOUND, a certificate... */
function connectionFailureOf(error: unknown): string {
  const cause = typeof error === 'object' && error !== null ? (error as { cause?: unknown }).cause : undefined;
  return reasonOf(cause ?? error);
}
