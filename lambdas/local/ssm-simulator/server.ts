import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SsmError } from './errors';
import { isJsonObject, type JsonObject } from './input';

/**
 * SSM's wire protocol (AWS JSON 1.1) over node:http on loopback: `POST /` with
 * `X-Amz-Target: AmazonSSM.<Operation>`, JSON both ways, errors as `__type` + `message`
 * with the type repeated in `x-amzn-ErrorType`. Signatures are not checked.
 */
export type SsmRequestHandler = (operation: string, input: JsonObject) => Promise<object>;

const TARGET_PREFIX = 'AmazonSSM.';
const CONTENT_TYPE = 'application/x-amz-json-1.1';
const MAX_BODY_BYTES = 1024 * 1024;

export class SsmJsonServer {
  private server: Server | undefined;

  constructor(private readonly handler: SsmRequestHandler) {}

  /** Listens on 127.0.0.1 only; port 0 picks a free one. Resolves to the endpoint URL. */
  async listen(port = 0): Promise<{ endpoint: string; port: number }> {
    if (this.server !== undefined) throw new Error('SSM simulator is already listening');
    const server = createServer((req, res) => {
      this.serve(req, res).catch((error: unknown) => {
        send(res, 500, errorBody('InternalServerError', error instanceof Error ? error.message : String(error)), 'InternalServerError');
      });
    });
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
    const address = server.address() as AddressInfo;
    return { endpoint: `http://127.0.0.1:${address.port}`, port: address.port };
  }

  async close(): Promise<void> {
    const server = this.server;
    if (server === undefined) return;
    this.server = undefined;
    await new Promise<void>((resolve, reject) => {
      server.close((error) => (error ? reject(error) : resolve()));
      // SDK clients keep connections alive; close() must not wait for them to time out.
      server.closeAllConnections();
    });
  }

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await readBody(req);
    if (raw === undefined) {
      send(res, 413, errorBody('SerializationException', 'Request body too large'), 'SerializationException');
      return;
    }
    const target = req.headers['x-amz-target'];
    if (req.method !== 'POST' || typeof target !== 'string' || !target.startsWith(TARGET_PREFIX)) {
      send(res, 400, errorBody('UnknownOperationException', `Unknown operation ${String(target)}`), 'UnknownOperationException');
      return;
    }
    let input: unknown;
    try {
      input = raw.length === 0 ? {} : JSON.parse(raw);
    } catch {
      send(res, 400, errorBody('SerializationException', 'Request body is not valid JSON'), 'SerializationException');
      return;
    }
    if (!isJsonObject(input)) {
      send(res, 400, errorBody('SerializationException', 'Request body must be a JSON object'), 'SerializationException');
      return;
    }
    try {
      const output = await this.handler(target.slice(TARGET_PREFIX.length), input);
      send(res, 200, encodeJson(output));
    } catch (error) {
      if (error instanceof SsmError) {
        send(res, error.httpStatus, errorBody(error.type, error.message), error.type);
      } else {
        send(res, 500, errorBody('InternalServerError', error instanceof Error ? error.message : String(error)), 'InternalServerError');
      }
    }
  }
}

/** JSON with timestamps as epoch seconds (fractional milliseconds), as AWS JSON 1.1 sends them. */
export function encodeJson(value: unknown): string {
  return JSON.stringify(value, function (this: Record<string, unknown>, key: string, encoded: unknown) {
    const original = this[key];
    return original instanceof Date ? original.getTime() / 1000 : encoded;
  });
}

function errorBody(type: string, message: string): string {
  return JSON.stringify({ __type: type, message });
}

function send(res: ServerResponse, status: number, body: string, errorType?: string): void {
  if (res.headersSent) return;
  const headers: Record<string, string | number> = {
    'Content-Type': CONTENT_TYPE,
    'Content-Length': Buffer.byteLength(body),
    'x-amzn-RequestId': randomUUID(),
  };
  if (errorType !== undefined) headers['x-amzn-ErrorType'] = errorType;
  res.writeHead(status, headers);
  res.end(body);
}

/** Undefined when the body is over the limit. */
async function readBody(req: IncomingMessage): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  let tooLarge = false;
  for await (const chunk of req) {
    const buf = chunk as Buffer;
    size += buf.length;
    if (size > MAX_BODY_BYTES) tooLarge = true;
    else chunks.push(buf);
  }
  return tooLarge ? undefined : Buffer.concat(chunks).toString('utf8');
}
