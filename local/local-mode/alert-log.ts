import { appendFile, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { alertKinds, type Alert, type AlertBody } from '../../lambdas/alerts/alert';
import type { AlertPublisher } from '../../lambdas/alerts/failure-alerts';
import type { ApiHandler, ApiRequest, ApiResponse } from '../../lambdas/query/http';
import { jsonResponse, messageResponse } from '../../lambdas/query/responses';
import { checkParameterNames, readLimit, ViewRequestError } from '../../lambdas/query/views/parameters';

/** What GET /alerts lists: the alert's JSON body (the views' kind, status and camelCase IDs), its subject, and when. */
export type LocalAlert = AlertBody & {
  readonly subject: string;
  readonly publishedAt: string;
  readonly messageId: string;
};

/** Kept in the data dir, one JSON line per alert, so the list survives restarts as the archive does. */
export const ALERTS_FILE = 'alerts.jsonl';

export interface LocalAlertLogOptions {
  /** Where alerts.jsonl lives; undefined keeps them in memory only. */
  readonly dataDir?: string;
  /** Prints an alert; default: a short block on stdout. */
  readonly print?: (text: string) => void;
  readonly now?: () => Date;
}

/**
 * Local mode's alerts topic: each alert is printed to the console, kept for GET /alerts and
 * appended to the data dir. Publishing fails only when the file cannot be written, and then
 * the alert stays pending and is retried, as with SNS.
 */
export class LocalAlertLog implements AlertPublisher {
  private readonly alerts: LocalAlert[] = [];
  private readonly print: (text: string) => void;
  private readonly now: () => Date;

  private constructor(private readonly options: LocalAlertLogOptions) {
    this.print = options.print ?? ((text) => process.stdout.write(text));
    this.now = options.now ?? (() => new Date());
  }

  /** Reads what earlier runs kept; a line that does not parse is skipped rather than stopping local mode. */
  static async open(options: LocalAlertLogOptions = {}): Promise<LocalAlertLog> {
    const log = new LocalAlertLog(options);
    if (options.dataDir === undefined) return log;
    let text = '';
    try {
      text = await readFile(join(options.dataDir, ALERTS_FILE), 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    for (const line of text.split('\n')) {
      if (line.trim() === '') continue;
      try {
        log.alerts.push(JSON.parse(line) as LocalAlert);
      } catch {
        // A line cut by a crash mid-write: the alert's record is marked sent or not by then, so skipping it loses no failure.
      }
    }
    return log;
  }

  /** Publishes one at a time: the list, the file and the times stay in one order. */
  private published: Promise<unknown> = Promise.resolve();

  publish(alert: Alert): Promise<{ messageId: string }> {
    const next = this.published.then(() => this.append(alert));
    this.published = next.catch(() => undefined);
    return next;
  }

  private async append(alert: Alert): Promise<{ messageId: string }> {
    const entry: LocalAlert = {
      ...alert.body,
      subject: alert.subject,
      publishedAt: this.now().toISOString(),
      messageId: `local-${this.alerts.length + 1}`,
    };
    if (this.options.dataDir !== undefined) await appendFile(join(this.options.dataDir, ALERTS_FILE), `${JSON.stringify(entry)}\n`, { mode: 0o600 });
    this.alerts.push(entry);
    this.print(printedAlert(entry));
    return { messageId: entry.messageId };
  }

  /** Newest first. */
  list(): readonly LocalAlert[] {
    return [...this.alerts].reverse();
  }
}

/** The console's view of an alert: subject, the first line of what went wrong, and where to look. */
export function printedAlert(alert: LocalAlert): string {
  const firstLine = alert.errorExcerpt?.split('\n').find((line) => line.trim() !== '') ?? alert.statusDetails;
  const lines = [`ALERT ${alert.publishedAt}  ${alert.subject}`];
  if (firstLine !== undefined) lines.push(`      ${firstLine.trim()}`);
  lines.push(`      ${alert.consoleUrl}`);
  return `${lines.join('\n')}\n`;
}

/** GET /alerts pages no further: the newest `limit` alerts (default 100, at most 1,000). */
const LIMIT = { fallback: 100, max: 1000 } as const;
const KINDS: ReadonlySet<string> = new Set(alertKinds);

/**
 * `GET /alerts[?limit=N][&kind=K]`: the alerts local mode published, newest first, as
 * `{ "items": [...] }`. Parameters are read as the archive views read theirs: a bad one is a
 * 400 naming it.
 */
export function alertsRoute(log: Pick<LocalAlertLog, 'list'>): ApiHandler {
  return async (request: ApiRequest): Promise<ApiResponse> => {
    if (request.method !== 'GET') return messageResponse(405, 'Use GET /alerts', { allow: 'GET' });
    const query = request.query;
    let limit: number;
    try {
      checkParameterNames(query, ['limit', 'kind']);
      limit = readLimit(query, LIMIT);
      if (query.kind !== undefined && !KINDS.has(query.kind)) {
        throw new ViewRequestError('kind', `kind must be one of ${[...KINDS].join(', ')}, got "${query.kind}"`);
      }
    } catch (error) {
      if (error instanceof ViewRequestError) return messageResponse(400, error.message);
      throw error;
    }
    const items = log.list().filter((alert) => query.kind === undefined || alert.kind === query.kind);
    return jsonResponse(200, { items: items.slice(0, limit) });
  };
}
