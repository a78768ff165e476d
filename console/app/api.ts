/**
 * The archive's API as the console reads it: same origin, JSON. The answers' shapes are the
 * query API's own types, imported as types only: erased from the bundle, so none of the
 * server's code is in it.
 */
import type { AlertBody, DailyFailures } from '../../lambdas/core/alert-content';
import type { KindStatus, StatusPage } from '../../lambdas/core/collection-status';
import type { ExecutionDetail, ExecutionItem, LineageLink } from '../../lambdas/core/execution-item';
import type { RecordKind } from '../../lambdas/core/model';

export type { DailyFailures, ExecutionDetail, ExecutionItem, KindStatus, LineageLink, RecordKind, StatusPage };

export interface ItemPage {
  readonly items: readonly ExecutionItem[];
  readonly nextToken?: string;
}


/** GET /alerts' items: an alert's body, its subject and when it was published. */
export type Alert = AlertBody & { readonly subject: string; readonly publishedAt: string; readonly messageId?: string };

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
