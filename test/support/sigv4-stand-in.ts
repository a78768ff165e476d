import { createHash, randomUUID, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { EXECUTE_API, sha256 } from '../../lambdas/client/execute-api';
import { queryParameters, type ApiHandler, type ApiResponse } from '../../lambdas/query/http';

/**
 * The deployed query API's front door, on 127.0.0.1: checks each request's SigV4 signature the
 * way API Gateway does for IAM authorization, then hands the accepted ones to a handler (the
 * query API itself). Its refusals are 403s with API Gateway's own words, as quoted by its users:
 *
 * - no Authorization header: `Missing Authentication Token`; another Region in the scope:
 *   `Credential should be scoped to a valid region, not '<region>'. ` (both quoted in "API
 *   Gatewayをクロスアカウントで参照する場合のトラブルシューティング", zenn.dev);
 * - a scope for another service: `Credential should be scoped to correct service:
 *   'execute-api'. `, trailing space included, with `x-amzn-ErrorType: InvalidSignatureException`
 *   (a full API Gateway response quoted in ex-aws/ex_aws's "`credentialScope` is not applied");
 * - an unknown access key: `The security token included in the request is invalid.` (the same
 *   zenn.dev article); expired temporary credentials: `The security token included in the
 *   request is expired`;
 * - X-Amz-Date more than 5 minutes before the API's clock: `Signature expired: <date> is now
 *   earlier than <now - 5 min> (<now> - 5 min.)` (quoted from API Gateway in
 *   aws-amplify/aws-sdk-android's "Handling ApiClientException:Signature Expired for generated
 *   AWS API Gateway Client"); AWS's IAM User Guide on SigV4: "a request must reach AWS within
 *   five minutes of the time stamp in the request", against replays. More than 5 minutes after:
 *   `Signature not yet current: ...`;
 * - anything signed differently from what arrived (body, path, query, a signed header): `The
 *   request signature we calculated does not match the signature you provided. Check your AWS
 *   Secret Access Key and signing method. Consult the service documentation for details.` (AWS
 *   Knowledge Center, "signature mismatch errors ... SigV4 ... IAM authentication for API
 *   Gateway").
 */
export interface SigV4StandInOptions {
  /** The API's Region: a credential scope naming another is refused. */
  readonly region: string;
  /** The access keys it knows: access key id to secret access key. */
  readonly secrets: Readonly<Record<string, string>>;
  /** Session tokens to refuse as expired. */
  readonly expiredSessionTokens?: readonly string[];
  /** The API's clock, which X-Amz-Date must be within 5 minutes of. @default the system clock */
  readonly now?: () => Date;
  /** A named stage's path (`/prod`): the API's URL carries it and requests outside it are not found. @default '' ($default) */
  readonly stage?: string;
  /** What answers the accepted requests, the stage path taken off (createQueryApi's handler). */
  readonly handler: ApiHandler;
}

export interface ReceivedRequest {
  readonly method: string;
  /** Path and raw query string as they arrived. */
  readonly rawUrl: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
  /** The access key id the request was signed with, if it named one. */
  readonly accessKeyId?: string;
  /** 'accepted', or the message it was refused with. */
  readonly outcome: string;
}

export interface SigV4StandIn {
  /** http://127.0.0.1:<port><stage>/ : what `--api` is given. */
  readonly apiUrl: string;
  readonly requests: ReceivedRequest[];
  close(): Promise<void>;
}

const FIVE_MINUTES_MS = 5 * 60_000;
const AMZ_DATE = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;
const AUTHORIZATION = /^AWS4-HMAC-SHA256 (.*)$/;
const SIGNATURE_MISMATCH =
  'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.';

interface Refusal {
  readonly status: number;
  readonly message: string;
  readonly errorType?: string;
}

const refused = (message: string, errorType?: string): Refusal => ({ status: 403, message, ...(errorType === undefined ? {} : { errorType }) });

const amzDate = (date: Date): string => date.toISOString().replace(/[-:]|\.\d{3}/g, '');

interface ParsedAuthorization {
  readonly accessKeyId: string;
  readonly date: string;
  readonly region: string;
  readonly service: string;
  readonly signedHeaders: readonly string[];
  readonly signature: string;
}

/** `AWS4-HMAC-SHA256 Credential=AKID/20260301/eu-west-1/execute-api/aws4_request, SignedHeaders=host;x-amz-date, Signature=...` */
function parseAuthorization(header: string): ParsedAuthorization | Refusal {
  const parameters = new Map<string, string>();
  for (const part of (AUTHORIZATION.exec(header)?.[1] ?? '').split(',')) {
    const at = part.indexOf('=');
    if (at > 0) parameters.set(part.slice(0, at).trim(), part.slice(at + 1).trim());
  }
  const missing = ['Credential', 'Signature', 'SignedHeaders'].filter((name) => !parameters.has(name));
  if (!AUTHORIZATION.test(header) || missing.length > 0) {
    return refused(`${missing.map((name) => `Authorization header requires '${name}' parameter.`).join(' ')} Authorization=${header}`, 'IncompleteSignatureException');
  }
  const [accessKeyId = '', date = '', region = '', service = '', terminator = ''] = (parameters.get('Credential') ?? '').split('/');
  if (terminator !== 'aws4_request') return refused(`Credential should be scoped with a valid terminator: 'aws4_request', not '${terminator}'. `, 'InvalidSignatureException');
  return {
    accessKeyId,
    date,
    region,
    service,
    signedHeaders: (parameters.get('SignedHeaders') ?? '').split(';'),
    signature: parameters.get('Signature') ?? '',
  };
}

/** The query string's pairs as the wire carries them, decoded once; a repeated name's values together. */
function wireQuery(rawQuery: string): Record<string, string | string[]> | undefined {
  const values = new Map<string, string[]>();
  try {
    for (const pair of rawQuery.split('&')) {
      if (pair === '') continue;
      const at = pair.indexOf('=');
      const [key, value] = at < 0 ? [pair, ''] : [pair.slice(0, at), pair.slice(at + 1)];
      const name = decodeURIComponent(key);
      values.set(name, [...(values.get(name) ?? []), decodeURIComponent(value)]);
    }
  } catch {
    return undefined;
  }
  return Object.fromEntries([...values].map(([key, all]) => [key, all.length === 1 ? (all[0] ?? '') : all]));
}

const headerValue = (headers: IncomingHttpHeaders, name: string): string | undefined => {
  const value = headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
};

/** Undefined when the request is signed, for this API, by a key it knows, within the time allowed. */
async function verify(req: IncomingMessage, body: Buffer, options: SigV4StandInOptions): Promise<Refusal | undefined> {
  const authorization = headerValue(req.headers, 'authorization');
  if (authorization === undefined) return refused('Missing Authentication Token');
  const parsed = parseAuthorization(authorization);
  if ('status' in parsed) return parsed;
  if (parsed.service !== EXECUTE_API) return refused(`Credential should be scoped to correct service: '${EXECUTE_API}'. `, 'InvalidSignatureException');
  if (parsed.region !== options.region) return refused(`Credential should be scoped to a valid region, not '${parsed.region}'. `, 'InvalidSignatureException');

  const secret = options.secrets[parsed.accessKeyId];
  if (secret === undefined) return refused('The security token included in the request is invalid.');
  const sessionToken = headerValue(req.headers, 'x-amz-security-token');
  if (sessionToken !== undefined && options.expiredSessionTokens?.includes(sessionToken)) {
    return refused('The security token included in the request is expired');
  }

  const sent = headerValue(req.headers, 'x-amz-date') ?? '';
  const fields = AMZ_DATE.exec(sent);
  if (fields === null) return refused(`Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. Authorization=${authorization}`, 'IncompleteSignatureException');
  const [, year, month, day, hour, minute, second] = fields;
  const signedAt = new Date(`${year}-${month}-${day}T${hour}:${minute}:${second}Z`);
  if (parsed.date !== sent.slice(0, 8)) {
    return refused(`Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${parsed.date}' != '${sent.slice(0, 8)}', from '${sent}'.`, 'InvalidSignatureException');
  }
  const now = (options.now ?? (() => new Date()))();
  if (signedAt.getTime() < now.getTime() - FIVE_MINUTES_MS) {
    return refused(`Signature expired: ${sent} is now earlier than ${amzDate(new Date(now.getTime() - FIVE_MINUTES_MS))} (${amzDate(now)} - 5 min.)`, 'InvalidSignatureException');
  }
  if (signedAt.getTime() > now.getTime() + FIVE_MINUTES_MS) {
    return refused(`Signature not yet current: ${sent} is still later than ${amzDate(new Date(now.getTime() + FIVE_MINUTES_MS))} (${amzDate(now)} + 5 min.)`, 'InvalidSignatureException');
  }
  if (!parsed.signedHeaders.includes('host')) return refused("'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.", 'InvalidSignatureException');

  // The request rebuilt from what arrived, its signed headers only, signed again with the
  // secret: the same signature, or the request is not what was signed.
  const rawUrl = req.url ?? '/';
  const at = rawUrl.indexOf('?');
  const query = wireQuery(at < 0 ? '' : rawUrl.slice(at + 1));
  if (query === undefined) return refused(SIGNATURE_MISMATCH, 'InvalidSignatureException');
  const headers: Record<string, string> = {};
  for (const name of parsed.signedHeaders) {
    const value = headerValue(req.headers, name);
    if (value === undefined) return refused(SIGNATURE_MISMATCH, 'InvalidSignatureException');
    headers[name] = value;
  }
  const payloadHash = createHash('sha256').update(body).digest('hex');
  const claimedHash = headers['x-amz-content-sha256'];
  if (claimedHash !== undefined && claimedHash !== payloadHash) return refused(SIGNATURE_MISMATCH, 'InvalidSignatureException');
  const rebuilt = new HttpRequest({
    method: req.method ?? 'GET',
    protocol: 'http:',
    hostname: '127.0.0.1',
    path: at < 0 ? rawUrl : rawUrl.slice(0, at),
    query,
    headers,
    body,
  });
  const signer = new SignatureV4({
    service: parsed.service,
    region: parsed.region,
    credentials: { accessKeyId: parsed.accessKeyId, secretAccessKey: secret, ...(parsed.signedHeaders.includes('x-amz-security-token') && sessionToken !== undefined ? { sessionToken } : {}) },
    sha256,
    // The payload hash is signed only as the client sent it (a header, or not at all).
    applyChecksum: false,
  });
  const expected = await signer.sign(rebuilt, { signingDate: signedAt, signableHeaders: new Set(parsed.signedHeaders) });
  const expectedAuthorization = String(expected.headers.authorization ?? '');
  const expectedSignature = /Signature=([0-9a-f]+)$/.exec(expectedAuthorization)?.[1] ?? '';
  const expectedSigned = /SignedHeaders=([^,]+)/.exec(expectedAuthorization)?.[1] ?? '';
  const same =
    expectedSigned === parsed.signedHeaders.join(';') &&
    expectedSignature.length === parsed.signature.length &&
    timingSafeEqual(Buffer.from(expectedSignature), Buffer.from(parsed.signature));
  return same ? undefined : refused(SIGNATURE_MISMATCH, 'InvalidSignatureException');
}

export async function startSigV4StandIn(options: SigV4StandInOptions): Promise<SigV4StandIn> {
  const stage = (options.stage ?? '').replace(/\/+$/, '');
  const requests: ReceivedRequest[] = [];
  const server = createServer((req, res) => {
    void (async () => {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const body = Buffer.concat(chunks);
      const rawUrl = req.url ?? '/';
      const url = new URL(`http://127.0.0.1${rawUrl}`);
      const inStage = stage === '' || url.pathname === stage || url.pathname.startsWith(`${stage}/`);
      const refusal: Refusal | undefined = inStage ? await verify(req, body, options) : { status: 404, message: 'Not Found' };
      const accessKeyId = /Credential=([^/]*)\//.exec(headerValue(req.headers, 'authorization') ?? '')?.[1];
      requests.push({
        method: req.method ?? '',
        rawUrl,
        headers: req.headers,
        body: body.toString('utf8'),
        ...(accessKeyId === undefined ? {} : { accessKeyId }),
        outcome: refusal?.message ?? 'accepted',
      });
      const requestId = randomUUID();
      let response: ApiResponse;
      if (refusal !== undefined) {
        response = {
          statusCode: refusal.status,
          headers: { 'content-type': 'application/json', ...(refusal.errorType === undefined ? {} : { 'x-amzn-errortype': refusal.errorType }) },
          body: JSON.stringify({ message: refusal.message }),
        };
      } else {
        const headers: Record<string, string> = {};
        for (const [name, value] of Object.entries(req.headers)) if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
        response = await options.handler({
          method: req.method ?? 'GET',
          path: url.pathname.slice(stage.length) || '/',
          query: queryParameters(url.searchParams),
          headers,
          body: body.toString('utf8'),
        });
      }
      res.writeHead(response.statusCode, { ...response.headers, 'x-amzn-requestid': requestId, 'content-length': Buffer.byteLength(response.body) });
      res.end(response.body);
    })().catch((error: unknown) => {
      res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ message: `stand-in failed: ${error instanceof Error ? error.message : String(error)}` }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    apiUrl: `http://127.0.0.1:${port}${stage}/`,
    requests,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
