import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SsmError } from '../../lambdas/ssm-protocol/errors';
import type { JsonObject } from '../../lambdas/ssm-protocol/input';
import { readSsmCall, ssmErrorResponse, ssmOutputResponse, type SsmHttpResponse } from '../../lambdas/ssm-protocol/json-protocol';
import { credentialScopeOf } from '../sts-stand-in/credentials';

/**
 * Who made a call, from its SigV4 signature (`Credential=AKID/date/REGION/ssm/aws4_request`):
 * the access key id (which identifies the account) and the Region signed for. Both absent
 * for an unsigned request.
 */
export interface SsmCaller {
  readonly accessKeyId?: string;
  readonly region?: string;
}

/**
 * SSM's wire protocol (lambdas/ssm-protocol/json-protocol.ts) over node:http on loopback.
 * Signatures are not checked: they only say who called, so that one server can answer as
 * several accounts and Regions.
 */
export type SsmRequestHandler = (operation: string, input: JsonObject, caller: SsmCaller) => Promise<object>;

const MAX_BODY_BYTES = 1024 * 1024;

export class SsmJsonServer {
  private server: Server | undefined;

  constructor(private readonly handler: SsmRequestHandler) {}

  /** Listens on 127.0.0.1 only; port 0 picks a free one. Resolves to the endpoint URL. */
  async listen(port = 0): Promise<{ endpoint: string; port: number }> {
    if (this.server !== undefined) throw new Error('SSM simulator is already listening');
    const server = createServer((req, res) => {
      this.serve(req, res).catch((error: unknown) => {
        send(res, ssmErrorResponse(internalError(error)));
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
      send(res, ssmErrorResponse(new SsmError('SerializationException', 'Request body too large', 413)));
      return;
    }
    const target = req.headers['x-amz-target'];
    try {
      const call = readSsmCall({ method: req.method ?? '', target: typeof target === 'string' ? target : undefined, body: raw });
      send(res, ssmOutputResponse(await this.handler(call.operation, call.input, callerOf(req))));
    } catch (error) {
      send(res, ssmErrorResponse(error instanceof SsmError ? error : internalError(error)));
    }
  }
}

function callerOf(req: IncomingMessage): SsmCaller {
  const authorization = req.headers.authorization;
  const scope = credentialScopeOf(typeof authorization === 'string' ? authorization : undefined);
  return scope === undefined ? {} : { accessKeyId: scope.accessKeyId, region: scope.region };
}

/** The simulator says what went wrong: it is a test peer, not a service with secrets. */
function internalError(error: unknown): SsmError {
  return new SsmError('InternalServerError', error instanceof Error ? error.message : String(error), 500);
}

function send(res: ServerResponse, response: SsmHttpResponse): void {
  if (res.headersSent) return;
  res.writeHead(response.statusCode, { ...response.headers, 'Content-Length': Buffer.byteLength(response.body) });
  res.end(response.body);
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
