import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createLog } from '../log';
import { errorAttributes, type QueryLog } from './failures';
import { queryParameters, type ApiHandler, type ApiRequest, type ApiResponse } from './http';
import { messageResponse } from './responses';

/**
 * The query API (or any ApiHandler) over node:http: local mode serves it this way, and
 * tests point the real SDK and the AWS CLI at it. API Gateway does the same job in AWS
 * (lambdas/query/api-gateway.ts).
 */
export interface ServeOptions {
  /** Default 127.0.0.1: loopback only. */
  readonly host?: string;
  /** Default 0: any free port. */
  readonly port?: number;
  /** Where a handler that throws is reported (the query API's own handler never does). */
  readonly log?: Pick<QueryLog, 'error'>;
}

export interface ServedApi {
  /** e.g. http://127.0.0.1:3000 (no trailing slash). */
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

/** API Gateway HTTP APIs take at most 10 MB; the query API's requests are a few KB. */
const MAX_BODY_BYTES = 1024 * 1024;

export async function serveApi(handler: ApiHandler, options: ServeOptions = {}): Promise<ServedApi> {
  const host = options.host ?? '127.0.0.1';
  const log = options.log ?? createLog('ssm-history-query');
  const server: Server = createServer((req, res) => {
    answer(handler, req)
      .catch((error: unknown) => {
        log.error('Handler failed', { method: req.method, url: req.url, ...errorAttributes(error) });
        return messageResponse(500, 'An internal error occurred.');
      })
      .then((response) => send(res, response))
      .catch((error: unknown) => {
        log.error('Could not send the response', { method: req.method, url: req.url, ...errorAttributes(error) });
        res.destroy();
      });
  });
  return listening(server, host, options.port ?? 0);
}

/**
 * A node:http server listening on `host`:`port` (0: any free port): its URL, its port, and a
 * close that does not wait for kept-alive connections (SDK clients keep theirs open).
 */
export async function listening(server: Server, host: string, port: number): Promise<ServedApi> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port: bound } = server.address() as AddressInfo;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${bound}`,
    port: bound,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

async function answer(handler: ApiHandler, req: IncomingMessage): Promise<ApiResponse> {
  const body = await readBody(req, MAX_BODY_BYTES);
  if (body === undefined) return messageResponse(413, `Request body over ${MAX_BODY_BYTES} bytes`);
  return handler(apiRequestOf(req, body.toString('utf8')));
}

/** The path stays percent-encoded, as API Gateway's rawPath; query values are decoded, a repeated name's joined with commas, as API Gateway's. */
/** A node:http request as the query API's handlers take it. */
export function apiRequestOf(req: IncomingMessage, body: string): ApiRequest {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const query = queryParameters(url.searchParams);
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return { method: req.method ?? 'GET', path: url.pathname, query, headers, body };
}

export function send(res: ServerResponse, response: ApiResponse): void {
  if (res.headersSent) return;
  res.writeHead(response.statusCode, { ...response.headers, 'content-length': Buffer.byteLength(response.body) });
  res.end(response.body);
}

/** The request's body as sent; undefined when it is over `maxBytes`. */
export async function readBody(req: IncomingMessage, maxBytes: number): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size <= maxBytes) chunks.push(buffer);
  }
  return size > maxBytes ? undefined : Buffer.concat(chunks);
}
