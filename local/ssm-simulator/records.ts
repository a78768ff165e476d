import type {
  Command,
  CommandInvocation,
  CommandPlugin,
  CommandPluginStatus,
  GetCommandInvocationResult,
} from '@aws-sdk/client-ssm';
import { completedCount, countOf, isTerminalDetails, statusForOutcome } from './command-status';
import { invocationStep, type CommandRun, type InvocationRun, type PluginRun } from './runs';
import { javaDuration } from '../../lambdas/ssm-protocol/elapsed-time';
import { isoMillis } from './time-format';
import { STDERR_CONTENT_LIMIT, STDOUT_CONTENT_LIMIT } from '../../lambdas/sources/run-command/output-limits';
import { cut, listedPluginOutput } from './truncation';

/**
 * The API shapes (SDK types, Dates as Dates) built from the state as of a given time.
 * Optional members are left out rather than set to undefined, so these compare equal to
 * what the SDK parses off the wire.
 */

export function commandRecord(command: CommandRun): Command {
  if (command.verbatim !== undefined) return { ...command.verbatim };
  const r = command.request;
  return {
    CommandId: command.id,
    DocumentName: r.documentName,
    DocumentVersion: r.documentVersion,
    Comment: r.comment,
    ExpiresAfter: new Date(command.expiresAt),
    Parameters: r.parameters,
    InstanceIds: r.instanceIds,
    Targets: r.targets,
    RequestedDateTime: new Date(command.requestedAt),
    Status: command.status,
    StatusDetails: command.statusDetails,
    OutputS3Region: r.outputS3Region,
    OutputS3BucketName: r.outputS3BucketName,
    OutputS3KeyPrefix: r.outputS3KeyPrefix,
    MaxConcurrency: r.maxConcurrency,
    MaxErrors: r.maxErrors,
    TargetCount: command.invocations.length,
    CompletedCount: completedCount(command),
    ErrorCount: countOf(command, 'Failed') + countOf(command, 'ExecutionTimedOut'),
    DeliveryTimedOutCount: countOf(command, 'DeliveryTimedOut'),
    ServiceRole: r.serviceRole,
    NotificationConfig: notificationConfigOf(command),
    CloudWatchOutputConfig: r.cloudWatchOutputConfig,
    TimeoutSeconds: r.timeoutSeconds,
  };
}

/** With details=false, CommandPlugins is an empty list, as the SSM CLI shows it. */
export function invocationRecord(invocation: InvocationRun, at: number, details: boolean): CommandInvocation {
  if (invocation.verbatim !== undefined) {
    return { ...invocation.verbatim, CommandPlugins: details ? [...(invocation.verbatim.CommandPlugins ?? [])] : [] };
  }
  const command = invocation.command;
  const r = command.request;
  const step = invocationStep(invocation);
  const single = invocation.plugins.length === 1 ? invocation.plugins[0] : undefined;
  const singleDone = single !== undefined && isTerminalDetails(step.details) && single.endAt !== undefined;
  return {
    CommandId: command.id,
    InstanceId: invocation.instanceId,
    InstanceName: invocation.instanceName,
    Comment: r.comment,
    DocumentName: r.documentName,
    DocumentVersion: r.documentVersion,
    RequestedDateTime: new Date(invocation.requestedAt),
    Status: step.status,
    StatusDetails: step.details,
    TraceOutput: '',
    StandardOutputUrl: singleDone ? outputUrl(invocation, single, 'stdout') : '',
    StandardErrorUrl: singleDone ? outputUrl(invocation, single, 'stderr') : '',
    CommandPlugins: details ? invocation.plugins.map((plugin) => pluginRecord(invocation, plugin, at)) : [],
    ServiceRole: r.serviceRole,
    NotificationConfig: notificationConfigOf(command),
    CloudWatchOutputConfig: r.cloudWatchOutputConfig,
  };
}

export function pluginRecord(invocation: InvocationRun, plugin: PluginRun, at: number): CommandPlugin {
  const view = pluginView(invocation, plugin, at);
  const r = invocation.command.request;
  const hasBucket = r.outputS3BucketName !== '';
  return {
    Name: plugin.name,
    Status: view.status,
    StatusDetails: view.details,
    ResponseCode: view.finished && view.started ? plugin.responseCode : -1,
    ...(view.started && plugin.startAt !== undefined ? { ResponseStartDateTime: new Date(plugin.startAt) } : {}),
    ...(view.finished && plugin.endAt !== undefined ? { ResponseFinishDateTime: new Date(plugin.endAt) } : {}),
    Output: view.finished ? listedPluginOutput(plugin.stdout, plugin.stderr) : '',
    StandardOutputUrl: view.finished && hasBucket ? outputUrl(invocation, plugin, 'stdout') : '',
    StandardErrorUrl: view.finished && hasBucket ? outputUrl(invocation, plugin, 'stderr') : '',
    OutputS3Region: r.outputS3Region,
    OutputS3BucketName: r.outputS3BucketName,
    OutputS3KeyPrefix: hasBucket ? pluginKeyPrefix(invocation, plugin) : '',
  };
}

/** GetCommandInvocation for one plugin: its status, times as ISO strings, capped output. */
export function getInvocationRecord(invocation: InvocationRun, plugin: PluginRun, at: number): GetCommandInvocationResult {
  if (plugin.verbatim !== undefined) return { ...plugin.verbatim };
  const view = pluginView(invocation, plugin, at);
  const r = invocation.command.request;
  const hasBucket = r.outputS3BucketName !== '';
  const startAt = view.started ? plugin.startAt : undefined;
  const endAt = view.finished ? plugin.endAt : undefined;
  let elapsed = '';
  if (startAt !== undefined) elapsed = javaDuration((endAt ?? at) - startAt);
  return {
    CommandId: invocation.command.id,
    InstanceId: invocation.instanceId,
    Comment: r.comment,
    DocumentName: r.documentName,
    DocumentVersion: r.documentVersion,
    PluginName: plugin.name,
    ResponseCode: view.finished && view.started ? plugin.responseCode : -1,
    ExecutionStartDateTime: startAt !== undefined ? isoMillis(new Date(startAt)) : '',
    ExecutionElapsedTime: elapsed,
    ExecutionEndDateTime: endAt !== undefined ? isoMillis(new Date(endAt)) : '',
    Status: view.status,
    StatusDetails: view.details,
    StandardOutputContent: view.finished ? cut(plugin.stdout, STDOUT_CONTENT_LIMIT) : '',
    StandardOutputUrl: view.finished && hasBucket ? outputUrl(invocation, plugin, 'stdout') : '',
    StandardErrorContent: view.finished ? cut(plugin.stderr, STDERR_CONTENT_LIMIT) : '',
    StandardErrorUrl: view.finished && hasBucket ? outputUrl(invocation, plugin, 'stderr') : '',
    CloudWatchOutputConfig: r.cloudWatchOutputConfig,
  };
}

/** Where a seeded command's plugins write to S3: the command's OutputS3* settings. */
export interface PluginOutputLocation {
  readonly region: string;
  readonly bucket: string;
  readonly keyPrefix: string;
}

/**
 * ListCommandInvocations' plugin for a GetCommandInvocation answer, for seeds that give only
 * the latter (AWS documents GetCommandInvocation's output, not the listing's):
 * Name = PluginName; Status and StatusDetails, ResponseCode and the output URLs as given
 * (a plugin has no Delayed or Cancelling Status: those list as Pending and InProgress);
 * ResponseStartDateTime / ResponseFinishDateTime = ExecutionStartDateTime /
 * ExecutionEndDateTime parsed, left out when empty (not started / not finished);
 * Output = the agent's listing of StandardOutputContent and StandardErrorContent
 * (listedPluginOutput: the two joined by ERROR_TITLE when there is stderr, cut with the
 * agent's markers beyond 2,500 characters); OutputS3Region / OutputS3BucketName from the
 * command, OutputS3KeyPrefix the agent's prefix/commandId/instanceId/plugin layout when a
 * bucket is set, else "".
 */
export function listedPlugin(result: GetCommandInvocationResult, location: PluginOutputLocation): CommandPlugin {
  const name = result.PluginName ?? '';
  const start = seededTime(result.ExecutionStartDateTime, 'ExecutionStartDateTime');
  const end = seededTime(result.ExecutionEndDateTime, 'ExecutionEndDateTime');
  const status = result.Status === 'Delayed' ? 'Pending' : result.Status === 'Cancelling' ? 'InProgress' : result.Status;
  const keyPrefix = [location.keyPrefix, result.CommandId ?? '', result.InstanceId ?? '', name.replace(/:/g, '')];
  return definedOnly({
    Name: name,
    Status: status,
    StatusDetails: result.StatusDetails,
    ResponseCode: result.ResponseCode,
    ResponseStartDateTime: start,
    ResponseFinishDateTime: end,
    Output: listedPluginOutput(result.StandardOutputContent ?? '', result.StandardErrorContent ?? ''),
    StandardOutputUrl: result.StandardOutputUrl ?? '',
    StandardErrorUrl: result.StandardErrorUrl ?? '',
    OutputS3Region: location.region,
    OutputS3BucketName: location.bucket,
    OutputS3KeyPrefix: location.bucket !== '' ? keyPrefix.filter((p) => p !== '').join('/') : '',
  });
}

function seededTime(text: string | undefined, field: string): Date | undefined {
  if (text === undefined || text === '') return undefined;
  const date = new Date(text);
  if (Number.isNaN(date.getTime())) throw new RangeError(`seedCommandInvocation: ${field} ${text} is not a date`);
  return date;
}

function definedOnly<T extends object>(record: T): T {
  return Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined)) as T;
}

interface PluginView {
  status: CommandPluginStatus;
  details: string;
  started: boolean;
  finished: boolean;
}

/** Where a plugin stands at `at`: plugins run one after another inside the invocation's InProgress span. */
export function pluginView(invocation: InvocationRun, plugin: PluginRun, at: number): PluginView {
  const step = invocationStep(invocation);
  const pending: PluginView = { status: 'Pending', details: 'Pending', started: false, finished: false };
  if (isTerminalDetails(step.details)) {
    return {
      status: statusForOutcome(plugin.outcome),
      details: plugin.outcome,
      started: plugin.startAt !== undefined,
      finished: true,
    };
  }
  if (step.status !== 'InProgress' || plugin.startAt === undefined || plugin.endAt === undefined) return pending;
  if (plugin.endAt <= at) {
    return { status: statusForOutcome(plugin.outcome), details: plugin.outcome, started: true, finished: true };
  }
  if (plugin.startAt <= at) return { status: 'InProgress', details: 'InProgress', started: true, finished: false };
  return pending;
}

function notificationConfigOf(command: CommandRun): NonNullable<Command['NotificationConfig']> {
  // SSM echoes an empty config rather than omitting it when none was requested.
  return command.request.notificationConfig ?? { NotificationArn: '', NotificationEvents: [] };
}

/** S3 layout the agent writes to: prefix/commandId/instanceId/<plugin dir>/stdout|stderr. */
function pluginKeyPrefix(invocation: InvocationRun, plugin: PluginRun): string {
  const r = invocation.command.request;
  const parts = [r.outputS3KeyPrefix, invocation.command.id, invocation.instanceId, plugin.name.replace(/:/g, '')];
  return parts.filter((p) => p !== '').join('/');
}

function outputUrl(invocation: InvocationRun, plugin: PluginRun, stream: 'stdout' | 'stderr'): string {
  const r = invocation.command.request;
  if (r.outputS3BucketName === '') return '';
  return `https://s3.${r.outputS3Region}.amazonaws.com/${r.outputS3BucketName}/${pluginKeyPrefix(invocation, plugin)}/${stream}`;
}
