/**
 * The archive's API as the console reads it: same origin, JSON. The shapes mirror the query
 * API's answers (GET /executions, /executions/{id}, /instances/{id}/history, /status,
 * /failures/daily, and local mode's /alerts); the browser bundle imports nothing of the
 * server's code, so they are restated here.
 */

export type RecordKind =
  | 'command'
  | 'command-invocation'
  | 'automation-execution'
  | 'automation-step'
  | 'association-execution'
  | 'association-target'
  | 'maintenance-window-execution'
  | 'maintenance-window-task'
  | 'maintenance-window-task-invocation'
  | 'session';

/** One entry of a listing, whatever its kind; absent fields are left out. */
export interface ExecutionItem {
  readonly kind: RecordKind;
  readonly status?: string;
  readonly statusDetails?: string;
  readonly time: string;
  readonly requestedDateTime?: string;
  readonly commandId?: string;
  readonly instanceId?: string;
  readonly instanceName?: string;
  readonly documentName?: string;
  readonly automationExecutionId?: string;
  readonly stepExecutionId?: string;
  readonly stepName?: string;
  readonly parentAutomationExecutionId?: string;
  readonly associationId?: string;
  readonly associationVersion?: string;
  readonly executionId?: string;
  readonly detailedStatus?: string;
  readonly resourceType?: string;
  readonly resourceCountByStatus?: string;
  readonly lastExecutionDate?: string;
  readonly windowId?: string;
  readonly windowExecutionId?: string;
  readonly taskExecutionId?: string;
  readonly invocationId?: string;
  readonly taskArn?: string;
  readonly taskType?: string;
  readonly windowTargetId?: string;
  readonly ownerInformation?: string;
  readonly endTime?: string;
  readonly sessionId?: string;
  readonly owner?: string;
  readonly reason?: string;
  readonly firstSeenAt?: string;
  readonly observedAt?: string;
  readonly unconfirmed?: boolean;
  readonly targetCount?: number;
  readonly completedCount?: number;
  readonly errorCount?: number;
  readonly error?: string;
  readonly errorTruncated?: boolean;
}

export interface ItemPage {
  readonly items: readonly ExecutionItem[];
  readonly nextToken?: string;
}

export interface LineageLink {
  readonly kind: RecordKind;
  /** What GET /executions/{id} takes. */
  readonly id: string;
  readonly ids: Readonly<Record<string, string>>;
}

export interface ExecutionDetail {
  readonly kind: RecordKind;
  readonly id: string;
  readonly record: ExecutionItem;
  readonly children: readonly ExecutionItem[];
  readonly moreChildren: boolean;
  readonly startedBy: readonly LineageLink[];
  readonly started: readonly LineageLink[];
}

export interface KindStatus {
  readonly kind: string;
  readonly watermark?: string;
  readonly lastPollStartedAt?: string;
  readonly lastSuccessfulPollAt?: string;
  readonly listingInProgress: boolean;
  readonly backfillStartedAt?: string;
  readonly backfillCompletedAt?: string;
  readonly recordsStored: number;
  readonly missedByEvents: number;
  readonly parentsListed: number;
  readonly throttles: number;
  readonly oldestRecordSsmReturned?: string;
}

export interface Alert {
  readonly kind: RecordKind;
  readonly status: string;
  readonly statusDetails?: string;
  readonly subject: string;
  readonly publishedAt: string;
  readonly commandId?: string;
  readonly instanceId?: string;
  readonly instanceName?: string;
  readonly automationExecutionId?: string;
  readonly stepName?: string;
  readonly executionId?: string;
  readonly windowExecutionId?: string;
  readonly sessionId?: string;
  readonly documentName?: string;
  readonly node?: string;
  readonly times: { readonly requested?: string; readonly started?: string; readonly ended?: string };
  readonly errorExcerpt?: string;
  readonly errorExcerptTruncated?: boolean;
  readonly consoleUrl: string;
}

export interface DailyFailures {
  readonly kinds: readonly string[];
  /** Oldest day first; the last is today (UTC). */
  readonly days: readonly { readonly day: string; readonly counts: Readonly<Record<string, number>> }[];
}

/** An answer other than 2xx: the API's own `message` when it gave one. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

const messageOf = (body: unknown): string | undefined => {
  if (body === null || typeof body !== 'object') return undefined;
  const message = (body as Record<string, unknown>)['message'];
  return typeof message === 'string' ? message : undefined;
};

async function answerOf(response: Response): Promise<unknown> {
  const text = await response.text();
  let body: unknown;
  try {
    body = text === '' ? {} : JSON.parse(text);
  } catch {
    throw new ApiError(response.status, `The archive answered ${response.status} with something other than JSON`);
  }
  if (!response.ok) throw new ApiError(response.status, messageOf(body) ?? `The archive answered ${response.status} ${response.statusText}`);
  return body;
}

/** GET a JSON view; `query`'s undefined and empty values are left out. */
export async function getJson<T>(path: string, query: Readonly<Record<string, string | undefined>> = {}, signal?: AbortSignal): Promise<T> {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) if (value !== undefined && value !== '') search.set(name, value);
  const encoded = search.toString();
  const url = encoded === '' ? path : `${path}?${encoded}`;
  const response = await fetch(url, { headers: { accept: 'application/json' }, ...(signal ? { signal } : {}) });
  return (await answerOf(response)) as T;
}

/**
 * One call to the archive's SSM-compatible endpoint (POST /, SSM's JSON protocol): what the
 * views leave out of a record (a plugin's output, a step's inputs and outputs) is read there,
 * as the AWS CLI would read it from SSM.
 */
export async function ssmCall<T>(operation: string, input: object, signal?: AbortSignal): Promise<T> {
  const response = await fetch('/', {
    method: 'POST',
    headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': `AmazonSSM.${operation}` },
    body: JSON.stringify(input),
    ...(signal ? { signal } : {}),
  });
  return (await answerOf(response)) as T;
}

/** The id GET /executions/{id} takes for an entry: its parent execution's. */
export function executionIdOf(item: { readonly kind: RecordKind } & Partial<Record<'commandId' | 'automationExecutionId' | 'executionId' | 'windowExecutionId' | 'sessionId', string>>): string | undefined {
  switch (item.kind) {
    case 'command':
    case 'command-invocation':
      return item.commandId;
    case 'automation-execution':
    case 'automation-step':
      return item.automationExecutionId;
    case 'association-execution':
    case 'association-target':
      return item.executionId;
    case 'maintenance-window-execution':
    case 'maintenance-window-task':
    case 'maintenance-window-task-invocation':
      return item.windowExecutionId;
    case 'session':
      return item.sessionId;
  }
}
