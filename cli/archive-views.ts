import { encodeRfc3986, queryString, signExecuteApiRequest, type Credentials } from '../lambdas/client/execute-api';
import type { ViewQuery } from './args';

/** One execution as the archive views list it (kind, status, time, ids, document...). */
export type ViewItem = Readonly<Record<string, unknown>>;

/** A page of `GET /executions` or `GET /instances/{id}/history`. */
export interface ViewPage {
  readonly items: readonly ViewItem[];
  readonly nextToken?: string;
}

/** The API answered with an error status; `message` is the API's own. */
export class ApiError extends Error {
  constructor(
    public readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** The request never got an answer (connection refused, DNS, TLS...). */
export class ConnectionError extends Error {
  constructor(message: string, options: { cause: unknown }) {
    super(message, options);
    this.name = 'ConnectionError';
  }
}

/** The request could not be signed, usually for want of AWS credentials. */
export class SigningError extends Error {
  constructor(message: string, options: { cause: unknown }) {
    super(message, options);
    this.name = 'SigningError';
  }
}

export interface ArchiveViewsOptions {
  readonly endpoint: string;
  /** SigV4 for execute-api; leave out for an unsigned endpoint (local mode). */
  readonly signing?: { readonly region: string; readonly credentials: Credentials };
  /** @default globalThis.fetch */
  readonly fetch?: typeof fetch;
}

/** Query parameters of the archive views, as the API names them. */
function parametersOf(query: ViewQuery): Record<string, string | undefined> {
  return {
    kind: query.kind,
    status: query.status,
    since: query.since,
    until: query.until,
    limit: query.limit === undefined ? undefined : String(query.limit),
    nextToken: query.nextToken,
  };
}

/** The API's message from an error body: `{"message": ...}` (ours and API Gateway's) or SSM's `{"Message": ...}`. */
function messageOf(body: string, statusText: string): string {
  try {
    const parsed = JSON.parse(body) as unknown;
    if (parsed && typeof parsed === 'object') {
      for (const key of ['message', 'Message', 'error']) {
        const value = (parsed as Record<string, unknown>)[key];
        if (typeof value === 'string' && value !== '') return value;
      }
    }
  } catch {
    // Not JSON: fall through to the text.
  }
  const text = body.trim();
  if (text !== '') return text.length > 300 ? `${text.slice(0, 300)}...` : text;
  return statusText || 'no message';
}

function isViewPage(value: unknown): value is ViewPage {
  if (!value || typeof value !== 'object') return false;
  const { items, nextToken } = value as Record<string, unknown>;
  return (
    Array.isArray(items) &&
    items.every((item) => item !== null && typeof item === 'object') &&
    (nextToken === undefined || nextToken === null || typeof nextToken === 'string')
  );
}

/** The archive views of the query API, over HTTP: one call per page. */
export class ArchiveViews {
  private readonly base: URL;
  private readonly fetch: typeof fetch;

  constructor(private readonly options: ArchiveViewsOptions) {
    this.base = new URL(options.endpoint);
    this.fetch = options.fetch ?? globalThis.fetch;
  }

  public executions(query: ViewQuery): Promise<ViewPage> {
    return this.page('/executions', query);
  }

  public history(instanceId: string, query: ViewQuery): Promise<ViewPage> {
    return this.page(`/instances/${encodeRfc3986(instanceId)}/history`, query);
  }

  private async page(route: string, query: ViewQuery): Promise<ViewPage> {
    // Keep any base path of the endpoint (a custom domain's API mapping, say).
    const path = `${this.base.pathname.replace(/\/+$/, '')}${route}`;
    const url = new URL(`${this.base.origin}${path}${queryString(parametersOf(query))}`);
    const headers = await this.headersFor(url);

    let response: Response;
    try {
      response = await this.fetch(url, { method: 'GET', headers });
    } catch (error) {
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      const reason = cause?.code ?? cause?.message ?? (error instanceof Error ? error.message : String(error));
      throw new ConnectionError(`cannot reach ${this.base.origin}: ${reason}`, { cause: error });
    }
    const body = await response.text();
    if (!response.ok) throw new ApiError(response.status, messageOf(body, response.statusText));

    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch {
      throw new ApiError(response.status, `the API answered with something other than JSON: ${body.slice(0, 100)}`);
    }
    if (!isViewPage(parsed)) throw new ApiError(response.status, 'the API answered without an "items" list');
    return parsed.nextToken === null ? { items: parsed.items } : parsed;
  }

  private async headersFor(url: URL): Promise<Record<string, string>> {
    const headers = { accept: 'application/json' };
    const signing = this.options.signing;
    if (!signing) return headers;
    let signed: Record<string, string>;
    try {
      signed = await signExecuteApiRequest({ method: 'GET', url, headers }, signing);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new SigningError(`cannot sign the request for ${url.host} with AWS credentials: ${reason}`, { cause: error });
    }
    // fetch sets Host itself, from the same URL the signature names.
    const { host: _host, ...rest } = signed;
    return rest;
  }
}
