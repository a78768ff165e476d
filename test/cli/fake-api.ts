import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { runCli, type CliDependencies } from '../../cli/main';

export interface CapturedRequest {
  readonly method: string;
  /** The request target as sent: path and raw query string. */
  readonly rawUrl: string;
  readonly path: string;
  readonly query: Record<string, string>;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

export interface CannedResponse {
  readonly status?: number;
  readonly headers?: Record<string, string>;
  /** An object is sent as JSON; a string as it is. */
  readonly body: unknown;
}

export interface FakeApi {
  /** http://127.0.0.1:<port> */
  readonly url: string;
  readonly requests: CapturedRequest[];
  close(): Promise<void>;
}

/**
 * A loopback HTTP server playing the query API: answers each request with `respond`'s canned
 * response and records what it was sent.
 */
export async function startFakeApi(respond: (request: CapturedRequest) => CannedResponse): Promise<FakeApi> {
  const requests: CapturedRequest[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const rawUrl = req.url ?? '/';
      const parsed = new URL(rawUrl, 'http://127.0.0.1');
      const request: CapturedRequest = {
        method: req.method ?? '',
        rawUrl,
        path: parsed.pathname,
        query: Object.fromEntries(parsed.searchParams),
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      requests.push(request);
      const response = respond(request);
      const json = typeof response.body !== 'string';
      res.writeHead(response.status ?? 200, {
        'content-type': json ? 'application/json' : 'text/plain',
        ...response.headers,
      });
      res.end(json ? JSON.stringify(response.body) : response.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

/**
 * A `respond` that answers by path: each route's canned response (or a function of the
 * request), and a 404 naming the path for any other, as the API does.
 */
export function byPath(routes: Readonly<Record<string, CannedResponse | ((request: CapturedRequest) => CannedResponse)>>): (request: CapturedRequest) => CannedResponse {
  return (request) => {
    const route = routes[request.path];
    if (route === undefined) return { status: 404, body: { message: `Not found: ${request.path}` } };
    return typeof route === 'function' ? route(request) : route;
  };
}

export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the CLI in-process with captured output and the given environment (none by default). */
export async function runCapturing(
  argv: readonly string[],
  deps: CliDependencies = {},
  env: Record<string, string | undefined> = {},
): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(
    argv,
    { stdout: { write: (chunk: string) => (stdout += chunk) }, stderr: { write: (chunk: string) => (stderr += chunk) }, env },
    deps,
  );
  return { code, stdout, stderr };
}

export type Responder = (request: CapturedRequest) => CannedResponse;

export interface FakeApiPerTest {
  /** This test's API (started before each test, closed after it). */
  readonly api: FakeApi;
  /** What it answers; an empty page unless the test (or the file's beforeEach) says otherwise. */
  respond: Responder;
  /** The CLI in-process against this test's API. */
  run(...argv: string[]): Promise<CliRun>;
}

/**
 * A fresh fake API for each test of the file, the CLI run against it with `deps`. Call it at
 * the top of the file: its beforeEach runs before the file's own.
 */
export function fakeApiPerTest(deps: CliDependencies = {}): FakeApiPerTest {
  let started: FakeApi | undefined;
  const fake: FakeApiPerTest = {
    get api(): FakeApi {
      if (started === undefined) throw new Error('the fake API runs inside a test only');
      return started;
    },
    respond: () => ({ body: { items: [] } }),
    run: (...argv) => runCapturing([...argv, '--endpoint', fake.api.url], deps),
  };
  beforeEach(async () => {
    fake.respond = () => ({ body: { items: [] } });
    started = await startFakeApi((request) => fake.respond(request));
  });
  afterEach(async () => {
    await started?.close();
    started = undefined;
  });
  return fake;
}
