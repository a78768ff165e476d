import { SCOPE_ATTRIBUTES, scopeOf } from '../core/scope';
import type { AlertBody, AlertContext, AlertContent, AlertDescriptions, AlertFields, RecordAlert, RelatedRecords } from '../core/alert-content';
import { excerpt } from '../core/alert-content';
import type { HistoryKind, RecordKind } from '../core/model';
import { historyKinds, isHistoryKind } from '../core/model';
import { collectedSources } from '../sources';
import type { StatusInfo } from '../core/status';
import type { TableId } from '../core/table-schema';

export type { AlertBody, AlertTimes, RelatedRecords } from '../core/alert-content';
export { excerpt, EXCERPT_MAX_CHARS, EXCERPT_MAX_LINES } from '../core/alert-content';

/**
 * A failure alert: a pure function of one stored item (no AWS calls). Each kind declares which
 * of its records alert and what their alerts say (sources/<kind>/alert.ts), so that one
 * failure is one alert; this engine applies the configuration (statuses, ignored documents,
 * excerpts), SNS's rules (subject, attributes) and the console's address.
 *
 * Console links (checked against links others build to the same pages; the console has no
 * documented URL scheme, so these may need a fix if it changes) are on
 * https://<region>.<console host>/systems-manager/<the kind's path> with ?region=<region>;
 * the host follows the partition (aws: console.aws.amazon.com, aws-us-gov:
 * console.amazonaws-us-gov.com, aws-cn: console.amazonaws.cn).
 */

/** Every record alert the kinds declare, by the table it reads. */
const recordAlerts: ReadonlyMap<TableId, { readonly kind: HistoryKind; readonly alert: RecordAlert }> = new Map(
  collectedSources.flatMap((source) => (source.alerts ?? []).map((alert) => [alert.table, { kind: source.kind, alert }] as const)),
);

/** The archive views' kind names of the records that alert. */
export const alertKinds: readonly RecordKind[] = [...recordAlerts.values()].map(({ alert }) => alert.recordKind);
export type AlertKind = RecordKind;


export interface MessageAttribute {
  readonly DataType: 'String';
  readonly StringValue: string;
}

export interface Alert {
  /** At most SUBJECT_MAX ASCII characters, one line: SNS's Subject rules. */
  readonly subject: string;
  readonly body: AlertBody;
  /** SNS MessageAttributes (kind, status, document when known) for subscription filters. */
  readonly messageAttributes: Readonly<Record<string, MessageAttribute>>;
}

export interface AlertOptions {
  readonly region: string;
  readonly accountId?: string;
  /** aws (default), aws-us-gov or aws-cn: the console's host. */
  readonly partition?: string;
}

/** SNS: a Subject is ASCII, with no line breaks or control characters, and under 100 characters. */
export const SUBJECT_MAX = 99;
/** Any other free text (status details, comment) is capped too, so a body stays far below SNS's 256 KB. */
export const TEXT_MAX_CHARS = 1_000;

/** Each history kind's status table, as its source declares it. */
export const statusTables: Readonly<Record<HistoryKind, Readonly<Record<string, StatusInfo>>>> = Object.fromEntries(
  collectedSources.map((source) => [source.kind, source.statuses]),
) as Record<HistoryKind, Readonly<Record<string, StatusInfo>>>;

const noRelated: RelatedRecords = () => [];

/** The default: every terminal status whose outcome is failure; none for a kind whose alerts are off by default. */
const alertsByDefault = (kind: HistoryKind): boolean => collectedSources.find((source) => source.kind === kind)?.alertsByDefault !== false;

export function alertingStatuses(kind: HistoryKind): ReadonlySet<string> {
  if (!alertsByDefault(kind)) return new Set();
  return new Set(
    Object.entries(statusTables[kind])
      .filter(([, info]) => info.terminal && info.outcome === 'failure')
      .map(([status]) => status),
  );
}

export interface AlertConfig {
  readonly statuses: Readonly<Record<HistoryKind, ReadonlySet<string>>>;
  readonly ignoredDocuments: ReadonlySet<string>;
  /** False: bodies leave out the error excerpt (output can hold secrets; mail is not the archive). */
  readonly errorExcerpts: boolean;
}

export interface AlertConfigInput {
  /**
   * Comma list. `Status` applies to every kind that has that status and alerts by default;
   * `kind:Status` to one kind (kinds: run-command, automation, association,
   * maintenance-window, session; session's alerts are off unless named so); `kind:none`
   * turns a kind's alerts off. A kind the list does not concern keeps its default.
   * Empty or absent: every kind's default.
   */
  readonly statuses?: string;
  /** Comma list of document (runbook) names whose failures do not alert. */
  readonly ignoredDocuments?: string;
  /** "false" leaves the error excerpt out of every alert; absent or "true": kept. */
  readonly errorExcerpts?: string;
}


const commaList = (value: string | undefined): string[] =>
  (value ?? '')
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part.length > 0);

function requireTerminal(kind: HistoryKind, status: string, entry: string): void {
  const info = statusTables[kind][status];
  if (info === undefined) {
    throw new Error(`alert statuses: unknown ${kind} status "${status}" in "${entry}"; known: ${Object.keys(statusTables[kind]).join(', ')}`);
  }
  if (!info.terminal) throw new Error(`alert statuses: ${kind} status "${status}" in "${entry}" is not terminal`);
}

/** Reads the alert configuration once; throws on anything it does not understand. */
export function parseAlertConfig(input: AlertConfigInput = {}): AlertConfig {
  const chosen = new Map<HistoryKind, Set<string>>();
  const choose = (kind: HistoryKind): Set<string> => {
    let set = chosen.get(kind);
    if (set === undefined) {
      set = new Set();
      chosen.set(kind, set);
    }
    return set;
  };
  for (const entry of commaList(input.statuses)) {
    const separator = entry.indexOf(':');
    if (separator >= 0) {
      const kind = entry.slice(0, separator).trim();
      const status = entry.slice(separator + 1).trim();
      if (!isHistoryKind(kind)) throw new Error(`alert statuses: unknown kind "${kind}" in "${entry}"; kinds: ${historyKinds.join(', ')}`);
      if (status === 'none') {
        choose(kind);
        continue;
      }
      requireTerminal(kind, status, entry);
      choose(kind).add(status);
      continue;
    }
    const kinds = historyKinds.filter((kind) => statusTables[kind][entry] !== undefined && alertsByDefault(kind));
    if (kinds.length === 0) throw new Error(`alert statuses: unknown status "${entry}" (no history kind that alerts by default has it; name one: kind:${entry})`);
    for (const kind of kinds) {
      requireTerminal(kind, entry, entry);
      choose(kind).add(entry);
    }
  }
  const statuses = Object.fromEntries(historyKinds.map((kind) => [kind, chosen.get(kind) ?? alertingStatuses(kind)])) as Record<
    HistoryKind,
    ReadonlySet<string>
  >;
  const excerpts = (input.errorExcerpts ?? 'true').trim();
  if (excerpts !== 'true' && excerpts !== 'false') throw new Error(`alert error excerpts: "${excerpts}" is neither true nor false`);
  return { statuses, ignoredDocuments: new Set(commaList(input.ignoredDocuments)), errorExcerpts: excerpts === 'true' };
}

/** Built when first asked for (tests, tools): deployed code always passes its own configuration. */
let defaultConfig: AlertConfig | undefined;

// ---- helpers ---------------------------------------------------------------------------------

/** Drops absent fields, so the JSON never shows null or undefined. */
function compact<T extends object>(fields: T): T {
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined)) as T;
}

function cap(value: string | undefined, max = TEXT_MAX_CHARS): string | undefined {
  if (value === undefined) return undefined;
  return value.length > max ? `${value.slice(0, max - 3)}...` : value;
}

/**
 * One line of ASCII, no control characters, at most SUBJECT_MAX characters (SNS's Subject
 * rules). A node's Name tag may hold any Unicode: accents fold to their letter, anything else
 * becomes "?", since SNS refuses the whole publish otherwise.
 */
export function subjectLine(value: string): string {
  const ascii = value
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^\u0000-\u007f]/g, '?');
  const line = ascii.replace(/[\u0000-\u001f\u007f]+/g, ' ').replace(/\s+/g, ' ').trim();
  return line.length > SUBJECT_MAX ? `${line.slice(0, SUBJECT_MAX - 3)}...` : line;
}

const CONSOLE_HOSTS: Readonly<Record<string, string>> = {
  aws: 'console.aws.amazon.com',
  'aws-us-gov': 'console.amazonaws-us-gov.com',
  'aws-cn': 'console.amazonaws.cn',
};

function consoleUrl(options: AlertOptions, path: readonly string[]): string {
  const host = CONSOLE_HOSTS[options.partition ?? 'aws'] ?? 'console.aws.amazon.com';
  const region = encodeURIComponent(options.region);
  return `https://${region}.${host}/systems-manager/${path.map(encodeURIComponent).join('/')}?region=${region}`;
}

function attributes(kind: AlertKind, status: string, document: string | undefined, region: string, account: string | undefined): Record<string, MessageAttribute> {
  const result: Record<string, MessageAttribute> = {
    kind: { DataType: 'String', StringValue: kind },
    status: { DataType: 'String', StringValue: status },
    // A subscription can filter on where the failure happened (one team per account).
    region: { DataType: 'String', StringValue: region },
  };
  if (account !== undefined) result.account = { DataType: 'String', StringValue: account };
  // SNS rejects an empty attribute value: no document, no attribute.
  if (document !== undefined) result.document = { DataType: 'String', StringValue: document };
  return result;
}

function alertOf(subject: string, body: AlertBody): Alert {
  return { subject: subjectLine(subject), body: compact(body), messageAttributes: attributes(body.kind, body.status, body.documentName, body.region, body.accountId) };
}

function errorFields(output: string | undefined): Pick<AlertBody, 'errorExcerpt' | 'errorExcerptTruncated'> {
  const cut = output === undefined ? undefined : excerpt(output);
  return cut === undefined ? {} : { errorExcerpt: cut.text, ...(cut.truncated ? { errorExcerptTruncated: true } : {}) };
}

function alerts(config: AlertConfig, kind: HistoryKind, status: string | undefined, document: string | undefined): status is string {
  if (status === undefined || !config.statuses[kind].has(status)) return false;
  return document === undefined || !config.ignoredDocuments.has(document);
}

/**
 * The alert for a stored item of `table`, or undefined when the record does not alert (not
 * a record kind that alerts, a status not configured to alert, or an ignored document).
 * Says nothing about whether this failure was already alerted: the caller keeps that.
 */
export function alertFor(
  table: TableId,
  storedItem: Readonly<Record<string, unknown>>,
  options: AlertOptions,
  config: AlertConfig = (defaultConfig ??= parseAlertConfig()),
  related: RelatedRecords = noRelated,
): Alert | undefined {
  const alert = kindAlert(table, storedItem, options, config, related);
  if (alert === undefined || config.errorExcerpts) return alert;
  const { errorExcerpt: _excerpt, errorExcerptTruncated: _truncated, ...body } = alert.body;
  return { ...alert, body };
}

/** The query API's view of alerts: each sent alert rebuilt from its record, with the collector's settings. */
export function alertDescriptions(options: AlertOptions, config: AlertConfig): AlertDescriptions {
  return {
    kindOf: (table) => recordAlerts.get(table)?.alert.recordKind,
    describe: (table, record) => {
      const alert = alertFor(table, record, options, config);
      return alert === undefined ? undefined : { subject: alert.subject, body: { ...alert.body } };
    },
  };
}

function kindAlert(
  table: TableId,
  storedItem: Readonly<Record<string, unknown>>,
  options: AlertOptions,
  config: AlertConfig,
  related: RelatedRecords,
): Alert | undefined {
  const declared = recordAlerts.get(table);
  if (declared === undefined) return undefined;
  const context: AlertContext = {
    alerting: (status, document): status is string => alerts(config, declared.kind, status, document),
    related,
  };
  const content = declared.alert.content(storedItem, context);
  return content === undefined ? undefined : alertOfContent(content, whereStored(storedItem, options));
}

/**
 * The account and Region the record lives in, when the archive stored them (a member's
 * failure is named and linked in its own Region); else the archive's own.
 */
function whereStored(storedItem: Readonly<Record<string, unknown>>, options: AlertOptions): AlertOptions {
  const scope = scopeOf(storedItem[SCOPE_ATTRIBUTES.account], storedItem[SCOPE_ATTRIBUTES.region]);
  return scope === undefined ? options : { ...options, region: scope.region, accountId: scope.account };
}

/** Every free text capped, the error cut to its first lines, the console address built. */
function alertOfContent(content: AlertContent, options: AlertOptions): Alert {
  const fields = Object.fromEntries(Object.entries(content.fields).map(([name, value]) => [name, typeof value === 'string' ? cap(value) : value])) as AlertFields;
  // Kind, status and where first: the SNS message is this body as indented JSON, read top down.
  return alertOf(content.subject, {
    kind: content.kind,
    status: content.status,
    statusDetails: cap(content.statusDetails),
    region: options.region,
    accountId: options.accountId,
    ...fields,
    times: compact(content.times),
    ...errorFields(content.errorText),
    consoleUrl: consoleUrl(options, content.consolePath),
  });
}
