import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { LocalModeSummary } from '../../local/local-mode';
import type { Log, LogAttributes } from '../../lambdas/log';
import { tableSchemas } from '../../lambdas/sources/tables';
import { RecordStore } from '../../lambdas/store/record-store';

/** Local mode's tests: temp data dirs, a logger that keeps what it is told, HTTP helpers. */
export async function tempDataDir(): Promise<{ path: string; remove(): Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), 'ssm-history-local-'));
  return { path, remove: () => rm(path, { recursive: true, force: true }) };
}

export interface LogEntry {
  readonly level: 'debug' | 'info' | 'warn' | 'error';
  readonly message: string;
  readonly attributes?: LogAttributes;
}

export function recordingLog(): Log & { readonly entries: LogEntry[] } {
  const entries: LogEntry[] = [];
  const at = (level: LogEntry['level']) => (message: string, attributes?: LogAttributes) => {
    entries.push({ level, message, ...(attributes ? { attributes } : {}) });
  };
  return { entries, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

/** Reads the archive directly, beside local mode (its DynamoDB endpoint is loopback). */
export function archiveOf(mode: LocalModeSummary): { store: RecordStore; close(): void } {
  const client = new DynamoDBClient({
    endpoint: mode.database.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  return { store: new RecordStore(DynamoDBDocumentClient.from(client), tableSchemas, mode.database.tableNames), close: () => client.destroy() };
}

export interface JsonResponse {
  readonly status: number;
  readonly body: Record<string, unknown>;
}

export async function request(url: string, init?: RequestInit): Promise<JsonResponse> {
  const response = await fetch(url, init);
  const text = await response.text();
  return { status: response.status, body: text === '' ? {} : (JSON.parse(text) as Record<string, unknown>) };
}

export const postEvent = (baseUrl: string, body: string | object): Promise<JsonResponse> =>
  request(`${baseUrl}/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });

/** Polls `probe` until it returns something defined, or fails after `timeoutMs`. */
export async function eventually<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
