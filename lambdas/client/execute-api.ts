/**
 * Calling the deployed query API from outside AWS: API Gateway checks that each request is
 * signed with SigV4 for the `execute-api` service (not `ssm`) in the API's Region.
 *
 * Client-side code (the CLI, SDK users). Lambda bundles must not import it: it pulls in the
 * Node credential chain, which the handlers do not need.
 */
import { Hash } from '@smithy/hash-node';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4, type SignatureV4Init } from '@smithy/signature-v4';

/** The service name API Gateway expects in the signature's credential scope. */
export const EXECUTE_API = 'execute-api';

/** Static credentials or a provider of them (such as the default Node credential chain). */
export type Credentials = SignatureV4Init['credentials'];

/** SHA-256 for SignatureV4, from Node's crypto. */
export const sha256 = Hash.bind(null, 'sha256');

/** A SigV4 signer for `execute-api` in one Region. */
export function executeApiSigner(region: string, credentials: Credentials): SignatureV4 {
  return new SignatureV4({ service: EXECUTE_API, region, credentials, sha256 });
}

/**
 * True for endpoints on this machine (local mode), which take unsigned requests: localhost,
 * 127.0.0.0/8 and ::1.
 */
export function isLoopback(url: URL): boolean {
  const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return host === 'localhost' || host.endsWith('.localhost') || host === '::1' || /^127(\.\d{1,3}){3}$/.test(host);
}

/**
 * The Region in an API Gateway default endpoint's hostname,
 * `{api-id}.execute-api.{region}.amazonaws.com` (or `.amazonaws.com.cn`); undefined for any
 * other host, such as a custom domain.
 */
export function regionOfExecuteApiHost(hostname: string): string | undefined {
  return /^[a-z0-9]+\.execute-api\.([a-z0-9-]+)\.amazonaws\.com(\.cn)?$/i.exec(hostname)?.[1]?.toLowerCase();
}

/**
 * Percent-encodes as SigV4 does (RFC 3986 unreserved characters stay). The query string sent
 * on the wire is built with this too, so that what API Gateway reads is exactly what was
 * signed: URLSearchParams would send a space as "+", which SigV4 reads as a literal plus.
 */
export function encodeRfc3986(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** A query string of the given parameters (unset ones left out), RFC 3986-encoded, or ''. */
export function queryString(query: Readonly<Record<string, string | undefined>>): string {
  return queryStringOfPairs(Object.entries(query).filter((entry): entry is [string, string] => entry[1] !== undefined));
}

/**
 * A query string of name-value pairs in the order given (a name may repeat), RFC 3986-encoded,
 * or '': for forwarding a query as it arrived (URLSearchParams' pairs) in the form that is signed.
 */
export function queryStringOfPairs(pairs: Iterable<readonly [string, string]>): string {
  const encoded = [...pairs].map(([key, value]) => `${encodeRfc3986(key)}=${encodeRfc3986(value)}`);
  return encoded.length === 0 ? '' : `?${encoded.join('&')}`;
}

export interface OutgoingRequest {
  readonly method: string;
  /** The full URL as it will be sent (query string included, encoded with `queryString`). */
  readonly url: URL;
  readonly headers: Readonly<Record<string, string>>;
  /** Bytes are signed as they are: a forwarded body is signed exactly as it will be sent. */
  readonly body?: string | Uint8Array;
}

/**
 * Signs a request for `execute-api`: returns its headers plus `host`, `x-amz-date`,
 * `x-amz-content-sha256`, `x-amz-security-token` (temporary credentials) and `authorization`.
 * Send them with the request unchanged (an HTTP client sets the same `host` from the URL).
 */
export async function signExecuteApiRequest(
  request: OutgoingRequest,
  options: { readonly region: string; readonly credentials: Credentials; readonly signingDate?: Date },
): Promise<Record<string, string>> {
  const { url } = request;
  // A repeated name is signed with all its values, as API Gateway reads them from the wire.
  const values = new Map<string, string[]>();
  for (const [key, value] of url.searchParams) values.set(key, [...(values.get(key) ?? []), value]);
  // fromEntries defines each name as an own property, "__proto__" included.
  const query = Object.fromEntries([...values].map(([key, all]) => [key, all.length === 1 ? (all[0] ?? '') : all]));
  const unsigned = new HttpRequest({
    method: request.method,
    protocol: url.protocol,
    hostname: url.hostname,
    ...(url.port ? { port: Number(url.port) } : {}),
    path: url.pathname,
    query,
    // url.host carries the port only when it is not the scheme's default, as HTTP clients send it.
    headers: { ...request.headers, host: url.host },
    ...(request.body === undefined ? {} : { body: request.body }),
  });
  const signed = await executeApiSigner(options.region, options.credentials).sign(unsigned, {
    ...(options.signingDate ? { signingDate: options.signingDate } : {}),
  });
  return { ...(signed.headers as Record<string, string>) };
}
