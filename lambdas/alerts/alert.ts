import type { CommandInvocation, CommandPlugin } from '@aws-sdk/client-ssm';
import { associationExecutionFromItem, associationExecutionTargetFromItem } from '../sources/association/records';
import { automationExecutionFromItem, automationStepFromItem } from '../sources/automation/records';
import type { HistoryKind, RecordKind } from '../core/model';
import { historyKinds, isHistoryKind } from '../core/model';
import { windowExecutionFromItem, windowTaskFromItem, windowTaskInvocationFromItem } from '../sources/maintenance-window/records';
import { ERROR_TITLE } from '../sources/run-command/output-limits';
import { commandFromItem, commandInvocationFromItem } from '../sources/run-command/records';
import { sessionFromItem } from '../sources/session/records';
import { historySources } from '../sources';
import { statusInfo, type StatusInfo } from '../core/status';
import type { TableId } from '../store/schema';

/**
 * A failure alert's content: a pure function of one stored item (no AWS calls). Which
 * records alert, so that one failure is one alert:
 *
 * - Run Command: each failed invocation (one alert per failed node). A command does not
 *   alert, except one with TargetCount 0 (e.g. NoInstancesInTag): it has no invocations.
 * - Automation: the execution, with the step it stopped at (CurrentStepName, else its failed
 *   step) and its FailureMessage (else the failed step's). Steps never alert (their failure
 *   fails the execution), nor does a child automation (ParentAutomationExecutionId set): its
 *   parent's failure is the alert.
 * - State Manager: the association execution, with its ResourceCountByStatus and its failed
 *   targets (the node, when one failed). Targets do not alert: one failed run over 500 nodes
 *   is one alert.
 * - Maintenance Windows: the window execution, with its failed tasks (the document of a
 *   RUN_COMMAND or AUTOMATION task) and their failed invocations. Tasks and task invocations
 *   do not alert: a failed task fails its window execution.
 * - Session Manager: the session, only when the configuration names a session status (off
 *   by default: a session is an audit record, not an incident).
 *
 * The children come from the same collection pass (`related`): the execution's steps,
 * targets or tasks, fetched with it.
 *
 * Console links (checked against links others build to the same pages; the console has no
 * documented URL scheme, so these may need a fix if it changes):
 * - Run Command: /systems-manager/run-command/<CommandId>/<InstanceId> (the invocation's
 *   output page; a command alone: /run-command/<CommandId>).
 * - Automation: /systems-manager/automation/execution/<AutomationExecutionId>.
 * - State Manager: /systems-manager/state-manager/<AssociationId>/executionhistory (the
 *   association's execution history; no per-execution page with a known address).
 * - Maintenance Windows: /systems-manager/maintenance-windows/<WindowId>/history/<WindowExecutionId>.
 * - Session Manager: /systems-manager/session-manager/sessions (the sessions list; no
 *   per-session page with a known address).
 * All on https://<region>.<console host>/ with ?region=<region>; the host follows the
 * partition (aws: console.aws.amazon.com, aws-us-gov: console.amazonaws-us-gov.com,
 * aws-cn: console.amazonaws.cn).
 */

/** The archive views' kind names of the records that alert. */
export const alertKinds = [
  'command',
  'command-invocation',
  'automation-execution',
  'association-execution',
  'maintenance-window-execution',
  'session',
] as const satisfies readonly RecordKind[];
export type AlertKind = (typeof alertKinds)[number];

export interface AlertTimes {
  readonly requested?: string;
  readonly started?: string;
  readonly ended?: string;
}

/** JSON-serialisable; absent fields are left out, never null. */
export interface AlertBody {
  readonly kind: AlertKind;
  readonly status: string;
  readonly statusDetails?: string;
  readonly region: string;
  readonly accountId?: string;
  readonly commandId?: string;
  readonly instanceId?: string;
  readonly instanceName?: string;
  readonly automationExecutionId?: string;
  readonly stepName?: string;
  readonly associationId?: string;
  readonly associationVersion?: string;
  readonly executionId?: string;
  readonly resourceCountByStatus?: string;
  readonly windowId?: string;
  readonly windowExecutionId?: string;
  /** The failed task of a window execution (the first, if several failed). */
  readonly taskExecutionId?: string;
  /** Session Manager: the session, who started it and why (the node is `node`). */
  readonly sessionId?: string;
  readonly owner?: string;
  readonly reason?: string;
  /** The SSM document, or the Automation runbook. */
  readonly documentName?: string;
  readonly documentVersion?: string;
  readonly comment?: string;
  /** The managed node (Run Command invocations, a session's target). */
  readonly node?: string;
  readonly times: AlertTimes;
  /** The first lines of the error output or failure message, capped (EXCERPT_MAX_*). */
  readonly errorExcerpt?: string;
  readonly errorExcerptTruncated?: boolean;
  readonly consoleUrl: string;
}

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
export const EXCERPT_MAX_LINES = 20;
export const EXCERPT_MAX_CHARS = 2_000;
/** Any other free text (status details, comment) is capped too, so a body stays far below SNS's 256 KB. */
export const TEXT_MAX_CHARS = 1_000;

/** Each history kind's status table, as its source declares it. */
export const statusTables: Readonly<Record<HistoryKind, Readonly<Record<string, StatusInfo>>>> = Object.fromEntries(
  historySources.map((source) => [source.kind, source.statuses]),
) as Record<HistoryKind, Readonly<Record<string, StatusInfo>>>;

/**
 * The stored items of `table` gathered with the alerting record (its steps, targets, tasks,
 * task invocations): asked for only when an alert is built, so a pass over 1,000 successful
 * invocations costs nothing.
 */
export type RelatedRecords = (table: TableId) => readonly Readonly<Record<string, unknown>>[];

const noRelated: RelatedRecords = () => [];

const failed = (statuses: Readonly<Record<string, StatusInfo>>, status: string | undefined): boolean =>
  status !== undefined && statusInfo(statuses, status).outcome === 'failure';

/** The default: every terminal status whose outcome is failure; none for a kind whose alerts are off by default. */
const alertsByDefault = (kind: HistoryKind): boolean => historySources.find((source) => source.kind === kind)?.alertsByDefault !== false;

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

const text = (value: unknown): string | undefined => (typeof value === 'string' && value.length > 0 ? value : undefined);
const iso = (value: Date | string | undefined): string | undefined =>
  value === undefined ? undefined : value instanceof Date ? value.toISOString() : text(value);

/** Drops absent fields, so the JSON never shows null or undefined. */
function compact<T extends object>(fields: T): T {
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined)) as T;
}

function cap(value: string | undefined, max = TEXT_MAX_CHARS): string | undefined {
  if (value === undefined) return undefined;
  return value.length > max ? `${value.slice(0, max - 3)}...` : value;
}

/** The first EXCERPT_MAX_LINES lines, at most EXCERPT_MAX_CHARS characters. */
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

function attributes(kind: AlertKind, status: string, document: string | undefined): Record<string, MessageAttribute> {
  const result: Record<string, MessageAttribute> = {
    kind: { DataType: 'String', StringValue: kind },
    status: { DataType: 'String', StringValue: status },
  };
  // SNS rejects an empty attribute value: no document, no attribute.
  if (document !== undefined) result.document = { DataType: 'String', StringValue: document };
  return result;
}

function alertOf(subject: string, body: AlertBody): Alert {
  return { subject: subjectLine(subject), body: compact(body), messageAttributes: attributes(body.kind, body.status, body.documentName) };
}

function errorFields(output: string | undefined): Pick<AlertBody, 'errorExcerpt' | 'errorExcerptTruncated'> {
  const cut = output === undefined ? undefined : excerpt(output);
  return cut === undefined ? {} : { errorExcerpt: cut.text, ...(cut.truncated ? { errorExcerptTruncated: true } : {}) };
}

function alerts(config: AlertConfig, kind: HistoryKind, status: string | undefined, document: string | undefined): status is string {
  if (status === undefined || !config.statuses[kind].has(status)) return false;
  return document === undefined || !config.ignoredDocuments.has(document);
}

// ---- Run Command -----------------------------------------------------------------------------

/** A plugin's error output: the full StandardErrorContent if the archive fetched it, else the listed Output's error part. */
function pluginError(plugin: CommandPlugin, fullOutputs: Readonly<Record<string, unknown>>): string | undefined {
  const full = plugin.Name === undefined ? undefined : fullOutputs[plugin.Name];
  if (full && typeof full === 'object') {
    const stderr = text((full as Record<string, unknown>).StandardErrorContent);
    if (stderr !== undefined) return stderr;
  }
  const listed = text(plugin.Output);
  if (listed === undefined) return undefined;
  const at = listed.indexOf(ERROR_TITLE);
  return at >= 0 ? listed.slice(at + ERROR_TITLE.length) : listed;
}

function invocationError(invocation: CommandInvocation, item: Readonly<Record<string, unknown>>): string | undefined {
  const plugins = invocation.CommandPlugins ?? [];
  const failed = plugins.filter((plugin) => plugin.Status !== undefined && plugin.Status !== 'Success');
  const fullOutputs = item.pluginOutputs && typeof item.pluginOutputs === 'object' ? (item.pluginOutputs as Record<string, unknown>) : {};
  const parts = (failed.length > 0 ? failed : plugins)
    .map((plugin) => ({ name: plugin.Name, error: pluginError(plugin, fullOutputs) }))
    .filter((part): part is { name: string | undefined; error: string } => part.error !== undefined);
  if (parts.length === 0) return text(invocation.StatusDetails);
  if (parts.length === 1) return parts[0]?.error;
  return parts.map((part) => `[${part.name ?? 'plugin'}]\n${part.error.trimEnd()}`).join('\n');
}

function pluginTimes(plugins: readonly CommandPlugin[]): { started?: string; ended?: string } {
  const starts = plugins.map((plugin) => iso(plugin.ResponseStartDateTime)).filter((time): time is string => time !== undefined).sort();
  const ends = plugins.map((plugin) => iso(plugin.ResponseFinishDateTime)).filter((time): time is string => time !== undefined).sort();
  return compact({ started: starts[0], ended: ends[ends.length - 1] });
}

function commandInvocationAlert(item: Readonly<Record<string, unknown>>, options: AlertOptions, config: AlertConfig): Alert | undefined {
  const invocation = commandInvocationFromItem(item);
  const status = text(invocation.Status);
  const document = text(invocation.DocumentName);
  if (!alerts(config, 'run-command', status, document)) return undefined;
  const commandId = invocation.CommandId ?? '';
  const instanceId = invocation.InstanceId ?? '';
  const instanceName = text(invocation.InstanceName);
  const node = instanceName === undefined ? instanceId : `${instanceId} (${instanceName})`;
  return alertOf(`SSM Run Command ${status}: ${document ?? commandId} on ${node}`, {
    kind: 'command-invocation',
    status,
    statusDetails: cap(text(invocation.StatusDetails)),
    region: options.region,
    accountId: options.accountId,
    commandId,
    instanceId,
    instanceName,
    documentName: document,
    documentVersion: text(invocation.DocumentVersion),
    comment: cap(text(invocation.Comment)),
    node: instanceId,
    times: compact({ requested: iso(invocation.RequestedDateTime), ...pluginTimes(invocation.CommandPlugins ?? []) }),
    ...errorFields(invocationError(invocation, item)),
    consoleUrl: consoleUrl(options, ['run-command', commandId, instanceId]),
  });
}

function commandAlert(item: Readonly<Record<string, unknown>>, options: AlertOptions, config: AlertConfig): Alert | undefined {
  const command = commandFromItem(item);
  // A command with targets alerts through its invocations, one per failed node.
  if (command.TargetCount !== 0) return undefined;
  const status = text(command.Status);
  const document = text(command.DocumentName);
  if (!alerts(config, 'run-command', status, document)) return undefined;
  const commandId = command.CommandId ?? '';
  const statusDetails = text(command.StatusDetails);
  return alertOf(`SSM Run Command ${status}: ${document ?? commandId} (no targets)`, {
    kind: 'command',
    status,
    statusDetails: cap(statusDetails),
    region: options.region,
    accountId: options.accountId,
    commandId,
    documentName: document,
    documentVersion: text(command.DocumentVersion),
    comment: cap(text(command.Comment)),
    times: compact({ requested: iso(command.RequestedDateTime) }),
    ...errorFields(statusDetails),
    consoleUrl: consoleUrl(options, ['run-command', commandId]),
  });
}

// ---- Automation ------------------------------------------------------------------------------

function automationAlert(item: Readonly<Record<string, unknown>>, options: AlertOptions, config: AlertConfig, related: RelatedRecords): Alert | undefined {
  const execution = automationExecutionFromItem(item);
  // A child's failure fails its parent, which alerts.
  if (text(execution.ParentAutomationExecutionId) !== undefined) return undefined;
  const status = text(execution.AutomationExecutionStatus);
  const document = text(execution.DocumentName);
  if (!alerts(config, 'automation', status, document)) return undefined;
  const id = execution.AutomationExecutionId ?? '';
  // CurrentStepName is "the step that is currently running": a finished execution may not name it.
  const failedStep = related('automationSteps')
    .filter((step) => step.AutomationExecutionId === id)
    .map(automationStepFromItem)
    .find((step) => failed(statusTables.automation, step.StepStatus));
  const stepName = text(execution.CurrentStepName) ?? text(failedStep?.StepName);
  const failure = text(execution.FailureMessage) ?? text(failedStep?.FailureMessage);
  const where = stepName === undefined ? '' : ` at step ${stepName}`;
  return alertOf(`SSM Automation ${status}: ${document ?? id}${where}`, {
    kind: 'automation-execution',
    status,
    statusDetails: cap(failure),
    region: options.region,
    accountId: options.accountId,
    automationExecutionId: id,
    stepName,
    documentName: document,
    documentVersion: text(execution.DocumentVersion),
    times: compact({
      requested: iso(execution.ScheduledTime),
      started: iso(execution.ExecutionStartTime),
      ended: iso(execution.ExecutionEndTime),
    }),
    ...errorFields(failure),
    consoleUrl: consoleUrl(options, ['automation', 'execution', id]),
  });
}

// ---- State Manager ---------------------------------------------------------------------------

function associationAlert(item: Readonly<Record<string, unknown>>, options: AlertOptions, config: AlertConfig, related: RelatedRecords): Alert | undefined {
  const execution = associationExecutionFromItem(item);
  const status = text(execution.Status);
  // The record names no document: ignoredDocuments cannot apply.
  if (!alerts(config, 'association', status, undefined)) return undefined;
  const associationId = execution.AssociationId ?? '';
  const counts = text(execution.ResourceCountByStatus);
  const detailed = text(execution.DetailedStatus);
  const failedTargets = related('associationExecutionTargets')
    .filter((target) => target.ExecutionId === execution.ExecutionId)
    .map(associationExecutionTargetFromItem)
    .filter((target) => failed(statusTables.association, target.Status))
    .sort((a, b) => (a.ResourceId ?? '').localeCompare(b.ResourceId ?? ''));
  const onlyNode = failedTargets.length === 1 ? text(failedTargets[0]?.ResourceId) : undefined;
  // One line per failed node: which, and how SSM put it.
  const targetLines = failedTargets.map((target) => {
    const detail = text(target.DetailedStatus);
    return `${target.ResourceId ?? ''}: ${target.Status ?? ''}${detail !== undefined && detail !== target.Status ? ` (${detail})` : ''}`;
  });
  return alertOf(`SSM State Manager ${status}: association ${associationId}${counts === undefined ? '' : ` ${counts}`}`, {
    kind: 'association-execution',
    status,
    statusDetails: cap(detailed),
    region: options.region,
    accountId: options.accountId,
    associationId,
    associationVersion: text(execution.AssociationVersion),
    executionId: text(execution.ExecutionId),
    resourceCountByStatus: cap(counts),
    node: onlyNode,
    times: compact({ requested: iso(execution.CreatedTime), ended: iso(execution.LastExecutionDate) }),
    ...errorFields(targetLines.length > 0 ? targetLines.join('\n') : undefined),
    consoleUrl: consoleUrl(options, ['state-manager', associationId, 'executionhistory']),
  });
}

// ---- Maintenance Windows ---------------------------------------------------------------------

/** A task's TaskArn is a document name for these task types, an ARN for the others. */
const DOCUMENT_TASK_TYPES: ReadonlySet<string> = new Set(['RUN_COMMAND', 'AUTOMATION']);

function windowAlert(item: Readonly<Record<string, unknown>>, options: AlertOptions, config: AlertConfig, related: RelatedRecords): Alert | undefined {
  const execution = windowExecutionFromItem(item);
  const status = text(execution.Status);
  // Before the tasks are looked at: most executions do not alert.
  if (status === undefined || !config.statuses['maintenance-window'].has(status)) return undefined;
  const windowExecutionId = execution.WindowExecutionId ?? '';
  const failedTasks = related('maintenanceWindowTasks')
    .filter((task) => task.WindowExecutionId === windowExecutionId)
    .map(windowTaskFromItem)
    .filter((task) => failed(statusTables['maintenance-window'], task.Status))
    .sort((a, b) => (iso(a.StartTime) ?? '').localeCompare(iso(b.StartTime) ?? ''));
  const firstTask = failedTasks[0];
  const document = firstTask !== undefined && DOCUMENT_TASK_TYPES.has(firstTask.TaskType ?? '') ? text(firstTask.TaskArn) : undefined;
  if (!alerts(config, 'maintenance-window', status, document)) return undefined;
  const windowId = execution.WindowId ?? '';
  const details = text(execution.StatusDetails);
  const failedInvocations = related('maintenanceWindowTaskInvocations')
    .filter((invocation) => invocation.WindowExecutionId === windowExecutionId)
    .map(windowTaskInvocationFromItem)
    .filter((invocation) => failed(statusTables['maintenance-window'], invocation.Status));
  // The window's own details, then each failed task and its failed invocations (a command's id is its ExecutionId).
  const lines = [
    ...(details === undefined ? [] : [details]),
    ...failedTasks.flatMap((task) => [
      `task ${task.TaskArn ?? ''} (${task.TaskExecutionId ?? ''}): ${task.Status ?? ''}${text(task.StatusDetails) !== undefined ? `: ${task.StatusDetails}` : ''}`,
      ...failedInvocations
        .filter((invocation) => invocation.TaskExecutionId === task.TaskExecutionId)
        .map(
          (invocation) =>
            `  ${invocation.ExecutionId ?? invocation.InvocationId ?? ''}: ${invocation.Status ?? ''}${text(invocation.StatusDetails) !== undefined ? `: ${invocation.StatusDetails}` : ''}`,
        ),
    ]),
  ];
  return alertOf(`SSM Maintenance Window ${status}: ${windowId}${document === undefined ? '' : ` (${document})`}`, {
    kind: 'maintenance-window-execution',
    status,
    statusDetails: cap(details),
    region: options.region,
    accountId: options.accountId,
    windowId,
    windowExecutionId,
    taskExecutionId: text(firstTask?.TaskExecutionId),
    documentName: document,
    times: compact({ started: iso(execution.StartTime), ended: iso(execution.EndTime) }),
    ...errorFields(lines.length > 0 ? lines.join('\n') : undefined),
    consoleUrl: consoleUrl(options, ['maintenance-windows', windowId, 'history', windowExecutionId]),
  });
}

// ---- Session Manager -------------------------------------------------------------------------

function sessionAlert(item: Readonly<Record<string, unknown>>, options: AlertOptions, config: AlertConfig): Alert | undefined {
  const session = sessionFromItem(item);
  const status = text(session.Status);
  const document = text(session.DocumentName);
  if (!alerts(config, 'session', status, document)) return undefined;
  const sessionId = session.SessionId ?? '';
  const target = text(session.Target);
  return alertOf(`SSM Session ${status}: ${sessionId}${target === undefined ? '' : ` on ${target}`}`, {
    kind: 'session',
    status,
    statusDetails: cap(text(session.Details)),
    region: options.region,
    accountId: options.accountId,
    sessionId,
    node: target,
    owner: text(session.Owner),
    reason: cap(text(session.Reason)),
    documentName: document,
    times: compact({ started: iso(session.StartDate), ended: iso(session.EndDate) }),
    consoleUrl: consoleUrl(options, ['session-manager', 'sessions']),
  });
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

function kindAlert(
  table: TableId,
  storedItem: Readonly<Record<string, unknown>>,
  options: AlertOptions,
  config: AlertConfig,
  related: RelatedRecords,
): Alert | undefined {
  switch (table) {
    case 'commandInvocations':
      return commandInvocationAlert(storedItem, options, config);
    case 'commands':
      return commandAlert(storedItem, options, config);
    case 'automationExecutions':
      return automationAlert(storedItem, options, config, related);
    case 'associationExecutions':
      return associationAlert(storedItem, options, config, related);
    case 'maintenanceWindowExecutions':
      return windowAlert(storedItem, options, config, related);
    case 'sessions':
      return sessionAlert(storedItem, options, config);
    default:
      return undefined;
  }
}
