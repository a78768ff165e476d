import type { CommandInvocation, CommandPlugin } from '@aws-sdk/client-ssm';
import { alertText as text, alertTime as iso, type AlertTimes, type RecordAlert } from '../../core/alert-content';
import { ERROR_TITLE } from './output-limits';
import { commandFromItem, commandInvocationFromItem } from './records';

/**
 * Run Command alerts per failed invocation: one alert per failed node. A command does not
 * alert, except one with TargetCount 0 (e.g. NoInstancesInTag): it has no invocations.
 * Console: /run-command/<CommandId>/<InstanceId> (the invocation's output page), or
 * /run-command/<CommandId> for a command alone.
 */

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

function pluginTimes(plugins: readonly CommandPlugin[]): Pick<AlertTimes, 'started' | 'ended'> {
  const starts = plugins.map((plugin) => iso(plugin.ResponseStartDateTime)).filter((time): time is string => time !== undefined).sort();
  const ends = plugins.map((plugin) => iso(plugin.ResponseFinishDateTime)).filter((time): time is string => time !== undefined).sort();
  return { started: starts[0], ended: ends[ends.length - 1] };
}

export const commandInvocationAlert: RecordAlert = {
  table: 'commandInvocations',
  recordKind: 'command-invocation',
  content(item, { alerting }) {
    const invocation = commandInvocationFromItem(item);
    const status = text(invocation.Status);
    const document = text(invocation.DocumentName);
    if (!alerting(status, document)) return undefined;
    const commandId = invocation.CommandId ?? '';
    const instanceId = invocation.InstanceId ?? '';
    const instanceName = text(invocation.InstanceName);
    const node = instanceName === undefined ? instanceId : `${instanceId} (${instanceName})`;
    return {
      kind: 'command-invocation',
      status,
      statusDetails: text(invocation.StatusDetails),
      subject: `SSM Run Command ${status}: ${document ?? commandId} on ${node}`,
      fields: {
        commandId,
        instanceId,
        instanceName,
        documentName: document,
        documentVersion: text(invocation.DocumentVersion),
        comment: text(invocation.Comment),
        node: instanceId,
      },
      times: { requested: iso(invocation.RequestedDateTime), ...pluginTimes(invocation.CommandPlugins ?? []) },
      errorText: invocationError(invocation, item),
      consolePath: ['run-command', commandId, instanceId],
    };
  },
};

export const commandAlert: RecordAlert = {
  table: 'commands',
  recordKind: 'command',
  content(item, { alerting }) {
    const command = commandFromItem(item);
    // A command with targets alerts through its invocations, one per failed node.
    if (command.TargetCount !== 0) return undefined;
    const status = text(command.Status);
    const document = text(command.DocumentName);
    if (!alerting(status, document)) return undefined;
    const commandId = command.CommandId ?? '';
    const statusDetails = text(command.StatusDetails);
    return {
      kind: 'command',
      status,
      statusDetails,
      subject: `SSM Run Command ${status}: ${document ?? commandId} (no targets)`,
      fields: { commandId, documentName: document, documentVersion: text(command.DocumentVersion), comment: text(command.Comment) },
      times: { requested: iso(command.RequestedDateTime) },
      errorText: statusDetails,
      consolePath: ['run-command', commandId],
    };
  },
};
