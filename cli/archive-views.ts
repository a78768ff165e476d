import { encodeRfc3986, queryString, signExecuteApiRequest, type Credentials } from '../lambdas/client/execute-api';
import type { ViewQuery } from './args';

/** One execution as the archive views list it (kind, status, time, ids, document...), or one alert. */
export type ViewItem = Readonly<Record<string, unknown>>;

/** A page of `GET /executions`, `GET /instances/{id}/history` or `GET /alerts`. */
export interface ViewPage {
  readonly items: readonly ViewItem[];
  readonly nextToken?: string;
}

/** `GET /status`: one entry per history kind (watermark, last poll, counters...). */
export interface StatusPage {
  /** The archive's home account and Region, kind by kind. */
  readonly kinds: readonly ViewItem[];
  /** An archive that collects an organization's accounts and Regions: each of them, kind by kind. */
  readonly organization?: OrganizationStatusView;
}

/** `GET /status`'s `organization`: one entry per account, Region and kind, and what is failing where. */
export interface OrganizationStatusView {
  readonly collections: readonly ViewItem[];
  readonly summary: ViewItem & { readonly failing: readonly ViewItem[] };
}

/** `GET /executions/{id}`: one execution, its children and its lineage. */
export interface ExecutionDetail {
  readonly kind: string;
  readonly id: string;
  readonly record: ViewItem;
  readonly children: readonly ViewItem[];
  readonly moreChildren: boolean;
  /** Each link: `kind`, `id` (what `show` takes) and `ids` (the linked record's own ids). */
  readonly startedBy: readonly ViewItem[];
  readonly started: readonly ViewItem[];
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

type QueryParameters = Readonly<Record<string, string | undefined>>;

/** Query parameters of the archive views, as the API names them; those not given are left out. */
function parametersOf(query: ViewQuery): QueryParameters {
  return {
    kind: query.kind,
    status: query.status,
    documentName: query.documentName,
    instanceId: query.instanceId,
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

const isRecord = (value: unknown): value is ViewItem => value !== null && typeof value === 'object' && !Array.isArray(value);
const isRecordList = (value: unknown): value is readonly ViewItem[] => Array.isArray(value) && value.every(isRecord);

function isViewPage(value: unknown): value is ViewPage {
  if (!isRecord(value)) return false;
  const { items, nextToken } = value;
  return isRecordList(items) && (nextToken === undefined || nextToken === null || typeof nextToken === 'string');
}

function asViewPage(body: unknown, status: number): ViewPage {
  if (!isViewPage(body)) throw new ApiError(status, 'the API answered without an "items" list');
  return body.nextToken === null ? { items: body.items } : body;
}

function asStatusPage(body: unknown, status: number): StatusPage {
  if (!isRecord(body) || !isRecordList(body.kinds)) throw new ApiError(status, 'the API answered without a "kinds" list');
  const { organization, ...rest } = body;
  return { ...rest, kinds: body.kinds, ...(isOrganizationStatus(organization) ? { organization } : {}) };
}

/** An organization's status as the API reports it; anything else is left out, so that its kinds still show. */
function isOrganizationStatus(value: unknown): value is OrganizationStatusView {
  return isRecord(value) && isRecordList(value.collections) && isRecord(value.summary) && isRecordList(value.summary.failing);
}

/** Lineage lists are optional, so that an older API's answer still shows. */
function asExecutionDetail(body: unknown, status: number): ExecutionDetail {
  if (!isRecord(body) || !isRecord(body.record) || !isRecordList(body.children)) {
    throw new ApiError(status, 'the API answered without an execution "record" and its "children"');
  }
  const links = (value: unknown): readonly ViewItem[] => (isRecordList(value) ? value : []);
  return {
    ...body,
    kind: typeof body.kind === 'string' ? body.kind : String(body.record.kind ?? ''),
    id: typeof body.id === 'string' ? body.id : '',
    record: body.record,
    children: body.children,
    moreChildren: body.moreChildren === true,
    startedBy: links(body.startedBy),
    started: links(body.started),
  };
}

/** The archive views of the query API, over HTTP: one call per page. */
export class ArchiveViews {
  private readonly base: URL;
  private readonly fetch: typeof fetch;

  constructor(private readonly options: ArchiveViewsOptions) {
    this.base = new URL(options.endpoint);
    this.fetch = options.fetch ?? globalThis.fetch;
  }

  public async executions(query: ViewQuery): Promise<ViewPage> {
    const { status, body } = await this.get('/executions', parametersOf(query));
    return asViewPage(body, status);
  }

  public async history(instanceId: string, query: ViewQuery): Promise<ViewPage> {
    const { status, body } = await this.get(`/instances/${encodeRfc3986(instanceId)}/history`, parametersOf(query));
    return asViewPage(body, status);
  }

  /** The failure alerts sent, newest first (kind, limit, nextToken). */
  public async alerts(query: ViewQuery): Promise<ViewPage> {
    const { status, body } = await this.get('/alerts', parametersOf(query));
    return asViewPage(body, status);
  }

  public async status(): Promise<StatusPage> {
    const { status, body } = await this.get('/status', {});
    return asStatusPage(body, status);
  }

  /** One execution by any id SSM gave it; `childLimit` children at most (the API's default when absent). */
  public async execution(id: string, childLimit: number | undefined): Promise<ExecutionDetail> {
    const { status, body } = await this.get(`/executions/${encodeRfc3986(id)}`, { limit: childLimit === undefined ? undefined : String(childLimit) });
    return asExecutionDetail(body, status);
  }

  /** GET a route: its status and parsed JSON body, or an ApiError with the API's message. */
  private async get(route: string, parameters: QueryParameters): Promise<{ status: number; body: unknown }> {
    // Keep any base path of the endpoint (a custom domain's API mapping, say).
    const path = `${this.base.pathname.replace(/\/+$/, '')}${route}`;
    const url = new URL(`${this.base.origin}${path}${queryString(parameters)}`);
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

    try {
      return { status: response.status, body: JSON.parse(body) as unknown };
    } catch {
      throw new ApiError(response.status, `the API answered with something other than JSON: ${body.slice(0, 100)}`);
    }
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
