import type { Command, CommandInvocation, GetCommandInvocationCommandOutput } from '@aws-sdk/client-ssm';
import { runCommandStatuses } from './statuses';
import { toStoredFields, toSsmRecord } from '../../store/stored-fields';
import type { Observation, Producer, StoredFields } from '../../core/model';

/**
 * Run Command records as the archive stores them: SSM's ListCommands `Command` and
 * ListCommandInvocations `CommandInvocation` (Details=true), field for field, plus
 * GetCommandInvocation's own answer for the plugins the collector read it for (every plugin
 * of a failed, timed-out or cancelled invocation, or of all with the `all` setting, and any
 * plugin whose listed output SSM cut short) under the archive attribute `pluginOutputs`
 * (keyed by plugin name); the other plugins are named in `derivedPluginAnswers`.
 */

/** Every top-level field of the two shapes (ListCommandInvocations' API reference), so a newer record can drop stale ones. */
export const commandFields = [
  'CommandId', 'DocumentName', 'DocumentVersion', 'Comment', 'ExpiresAfter', 'Parameters', 'InstanceIds',
  'Targets', 'RequestedDateTime', 'Status', 'StatusDetails', 'OutputS3Region', 'OutputS3BucketName',
  'OutputS3KeyPrefix', 'MaxConcurrency', 'MaxErrors', 'TargetCount', 'CompletedCount', 'ErrorCount',
  'DeliveryTimedOutCount', 'ServiceRole', 'NotificationConfig', 'CloudWatchOutputConfig', 'TimeoutSeconds',
  'AlarmConfiguration', 'TriggeredAlarms',
] as const;

export const commandInvocationFields = [
  'CommandId', 'InstanceId', 'InstanceName', 'Comment', 'DocumentName', 'DocumentVersion', 'RequestedDateTime',
  'Status', 'StatusDetails', 'TraceOutput', 'StandardOutputUrl', 'StandardErrorUrl', 'CommandPlugins',
  'ServiceRole', 'NotificationConfig', 'CloudWatchOutputConfig',
] as const;

export const commandDatePaths = ['RequestedDateTime', 'ExpiresAfter'] as const;
export const commandInvocationDatePaths = [
  'RequestedDateTime',
  'CommandPlugins[].ResponseStartDateTime',
  'CommandPlugins[].ResponseFinishDateTime',
] as const;

const absent = (fields: readonly string[], record: StoredFields): string[] => fields.filter((name) => !(name in record));

interface DetailContext {
  readonly observedAt: Date;
  readonly producers: ReadonlySet<Producer>;
}

export function commandObservation(command: Command, context: DetailContext): Observation {
  const fields = toStoredFields(command);
  const status = command.Status ?? 'Pending';
  const observedAt = context.observedAt.toISOString();
  return {
    table: 'commands',
    key: { CommandId: requireId(command.CommandId, 'CommandId') },
    status,
    statuses: runCommandStatuses,
    observedAt,
    fields,
    complete: true,
    absentFields: absent(commandFields, fields),
    producers: context.producers,
    timeline: [{ status, at: observedAt }],
  };
}

/**
 * The plugins whose GetCommandInvocation answer the archive does not hold but rebuilds from
 * the listed plugin (ExecutionElapsedTime as end minus start, the output split at the
 * agent's error title): derived, not SSM's, so a reader can tell.
 */
export const DERIVED_PLUGIN_ANSWERS = 'derivedPluginAnswers';
/** The archive's own attributes about plugin answers, dropped when a newer record has none. */
const ARCHIVE_ANSWERS = ['pluginOutputs', DERIVED_PLUGIN_ANSWERS] as const;

/** GetCommandInvocation's own answers the collector read, keyed by plugin name. */
export type PluginOutputs = Readonly<Record<string, GetCommandInvocationCommandOutput>>;

export function commandInvocationObservation(
  invocation: CommandInvocation,
  pluginOutputs: PluginOutputs,
  context: DetailContext,
): Observation {
  const fields = toStoredFields(invocation);
  if (Object.keys(pluginOutputs).length > 0) fields.pluginOutputs = toStoredFields(pluginOutputs);
  const derived = (invocation.CommandPlugins ?? []).flatMap((plugin) => (plugin.Name !== undefined && !(plugin.Name in pluginOutputs) ? [plugin.Name] : []));
  if (derived.length > 0) fields[DERIVED_PLUGIN_ANSWERS] = derived;
  const status = invocation.Status ?? 'Pending';
  const observedAt = context.observedAt.toISOString();
  return {
    table: 'commandInvocations',
    key: {
      CommandId: requireId(invocation.CommandId, 'CommandId'),
      InstanceId: requireId(invocation.InstanceId, 'InstanceId'),
    },
    status,
    statuses: runCommandStatuses,
    observedAt,
    fields,
    complete: true,
    absentFields: [...absent(commandInvocationFields, fields), ...ARCHIVE_ANSWERS.filter((name) => !(name in fields))],
    producers: context.producers,
    timeline: [{ status, at: observedAt }],
  };
}

function requireId(value: string | undefined, name: string): string {
  if (!value) throw new Error(`SSM returned a Run Command record without ${name}`);
  return value;
}

/** The SSM shapes back from stored items (for the SSM-compatible API and the benchmark's check). */
export const commandFromItem = (item: Readonly<Record<string, unknown>>): Command =>
  toSsmRecord<Command>(item, commandDatePaths);

export const commandInvocationFromItem = (item: Readonly<Record<string, unknown>>): CommandInvocation =>
  toSsmRecord<CommandInvocation>(item, commandInvocationDatePaths);

