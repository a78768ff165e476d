import type { TableId } from './table-schema';
import type { RecordKind } from './model';
import { statusInfo, type StatusInfo } from './status';

/**
 * What a kind says about one failed record, for the alerts engine to deliver: the kind knows
 * which of its records alert and what matters in them (the failed step, the failed nodes);
 * the engine caps the text, cuts the error excerpt, builds the console link and the SNS
 * message, and applies the configuration.
 */
export interface AlertTimes {
  readonly requested?: string;
  readonly started?: string;
  readonly ended?: string;
}

/** The IDs and names an alert carries besides its kind and status; absent ones are left out. */
export interface AlertFields {
  readonly commandId?: string;
  readonly instanceId?: string;
  readonly instanceName?: string;
  readonly automationExecutionId?: string;
  readonly stepName?: string;
  readonly associationId?: string;
  readonly associationVersion?: string;
  readonly executionId?: string;
  /** An association execution's targets by status, as SSM writes it: "{Failed=1, Success=59}". */
  readonly resourceCountByStatus?: string;
  readonly windowId?: string;
  readonly windowExecutionId?: string;
  /** The failed task of a window execution (the first, if several failed). */
  readonly taskExecutionId?: string;
  /** Session Manager: the session, who started it and why. */
  readonly sessionId?: string;
  readonly owner?: string;
  readonly reason?: string;
  /** The SSM document, or the Automation runbook. */
  readonly documentName?: string;
  readonly documentVersion?: string;
  readonly comment?: string;
  /** The managed node (a Run Command invocation's, a session's target, the one failed target). */
  readonly node?: string;
}

export interface AlertContent {
  readonly kind: RecordKind;
  readonly status: string;
  readonly statusDetails?: string;
  /** The subject before SNS's rules are applied (the engine folds and cuts it). */
  readonly subject: string;
  readonly fields: AlertFields;
  readonly times: AlertTimes;
  /** The error output or failure message, whole: the engine keeps its first lines. */
  readonly errorText?: string;
  /** The console page under /systems-manager/, one path segment each. */
  readonly consolePath: readonly string[];
}

/**
 * The stored items of `table` gathered with the alerting record (its steps, targets, tasks,
 * task invocations): asked for only when an alert is built, so a pass over 1,000 successful
 * invocations costs nothing.
 */
export type RelatedRecords = (table: TableId) => readonly Readonly<Record<string, unknown>>[];

export interface AlertContext {
  /** Whether the configuration alerts for this status of the kind, and not for an ignored document. */
  alerting(status: string | undefined, document: string | undefined): status is string;
  readonly related: RelatedRecords;
}

/** How one of a kind's tables alerts: the content for a stored item, or undefined when it does not alert. */
export interface RecordAlert {
  readonly table: TableId;
  readonly recordKind: RecordKind;
  content(item: Readonly<Record<string, unknown>>, ctx: AlertContext): AlertContent | undefined;
}

/** A non-empty string, else undefined: alerts never show empty fields. */
/** An alert's body, as SNS carries it and GET /alerts lists it. JSON-serialisable; absent fields are left out, never null. */
export interface AlertBody extends AlertFields {
  readonly kind: RecordKind;
  readonly status: string;
  readonly statusDetails?: string;
  readonly region: string;
  readonly accountId?: string;
  readonly times: AlertTimes;
  /** The first lines of the error output or failure message, capped (EXCERPT_MAX_*). */
  readonly errorExcerpt?: string;
  readonly errorExcerptTruncated?: boolean;
  readonly consoleUrl: string;
}

/** What an alert said: its JSON body (kind, status, ids, times, error excerpt, console link) and subject. */
export interface AlertDescription {
  readonly subject: string;
  readonly body: Readonly<Record<string, unknown>>;
}

/**
 * How the alerts engine describes a stored failure, for the query API's alert views: given to
 * the query API by whoever assembles it (the query handler, local mode), so that neither
 * engine imports the other.
 */
export interface AlertDescriptions {
  /** The views' kind of a table's records, for the tables whose records alert. */
  kindOf(table: TableId): RecordKind | undefined;
  /** The alert of a stored failure, rebuilt from its record as the collector built it. */
  describe(table: TableId, record: Readonly<Record<string, unknown>>): AlertDescription | undefined;
}

/** GET /failures/daily: failures that alert, per UTC day and kind. */
export interface DailyFailures {
  /** Every kind whose records alert, in the archive's order of tables. */
  readonly kinds: readonly RecordKind[];
  /** Oldest first; the last is today (UTC). Each day counts every kind, zeros included. */
  readonly days: readonly { readonly day: string; readonly counts: Readonly<Record<string, number>> }[];
}

export const alertText = (value: unknown): string | undefined => (typeof value === 'string' && value.length > 0 ? value : undefined);

/** A time as ISO 8601, from a Date or a stored string. */
export const alertTime = (value: Date | string | undefined): string | undefined =>
  value === undefined ? undefined : value instanceof Date ? value.toISOString() : alertText(value);

/** Whether a status of this table is a failure. */
export const isFailure = (statuses: Readonly<Record<string, StatusInfo>>, status: string | undefined): boolean =>
  status !== undefined && statusInfo(statuses, status).outcome === 'failure';

/** An excerpt is at most this many lines and characters: an alert's body, and an archive view's failed entry. */
export const EXCERPT_MAX_LINES = 20;
export const EXCERPT_MAX_CHARS = 2_000;

/**
 * The first EXCERPT_MAX_LINES lines, at most EXCERPT_MAX_CHARS characters: what an alert
 * carries of an error, and what the archive views show of the same failure.
 */
export function excerpt(output: string): { text: string; truncated: boolean } | undefined {
  const trimmed = output.replace(/^\s*\n/, '').trimEnd();
  if (trimmed.trim().length === 0) return undefined;
  const lines = trimmed.split(/\r?\n/);
  let result = lines.slice(0, EXCERPT_MAX_LINES).join('\n');
  let truncated = lines.length > EXCERPT_MAX_LINES;
  if (result.length > EXCERPT_MAX_CHARS) {
    result = result.slice(0, EXCERPT_MAX_CHARS);
    truncated = true;
  }
  return { text: result, truncated };
}
