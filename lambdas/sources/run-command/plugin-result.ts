import type {
  CommandInvocation,
  CommandInvocationStatus,
  CommandPlugin,
  GetCommandInvocationResult,
} from '@aws-sdk/client-ssm';
import { javaDuration } from '../../ssm-protocol/elapsed-time';
import { ERROR_TITLE } from './output-limits';
import { isSsmField } from '../../store/stored-fields';

/**
 * GetCommandInvocation's answer for one plugin, from what the archive holds: SSM's own
 * answer where the collector saved it (pluginOutputs: every plugin whose listed output SSM
 * cut short), otherwise rebuilt from the listed plugin, which then holds the whole output.
 */

/** SSM's saved answer, without anything that is not an SSM field. */
export function savedResult(saved: Readonly<Record<string, unknown>>): GetCommandInvocationResult {
  return Object.fromEntries(Object.entries(saved).filter(([name]) => isSsmField(name))) as GetCommandInvocationResult;
}

/**
 * The answer rebuilt from ListCommandInvocations' plugin: the same fields, the listed
 * Output split back into stdout and stderr at the agent's ERROR_TITLE, times as ISO
 * strings, and ExecutionElapsedTime up to the plugin's end, or up to `now` while it runs
 * ("duration since ExecutionStartDateTime").
 */
export function rebuiltResult(invocation: CommandInvocation, plugin: CommandPlugin, now: Date): GetCommandInvocationResult {
  const start = plugin.ResponseStartDateTime;
  const end = plugin.ResponseFinishDateTime;
  const { stdout, stderr } = splitListedOutput(plugin.Output ?? '');
  return definedOnly({
    CommandId: invocation.CommandId,
    InstanceId: invocation.InstanceId,
    Comment: invocation.Comment,
    DocumentName: invocation.DocumentName,
    DocumentVersion: invocation.DocumentVersion,
    PluginName: plugin.Name,
    ResponseCode: plugin.ResponseCode,
    ExecutionStartDateTime: start ? start.toISOString() : '',
    ExecutionElapsedTime: start ? javaDuration((end ?? now).getTime() - start.getTime()) : '',
    ExecutionEndDateTime: end ? end.toISOString() : '',
    // A plugin's statuses are a subset of an invocation's.
    Status: plugin.Status as CommandInvocationStatus | undefined,
    StatusDetails: plugin.StatusDetails,
    StandardOutputContent: stdout,
    StandardOutputUrl: plugin.StandardOutputUrl,
    StandardErrorContent: stderr,
    StandardErrorUrl: plugin.StandardErrorUrl,
    CloudWatchOutputConfig: invocation.CloudWatchOutputConfig,
  });
}

/**
 * The agent lists stdout, then ERROR_TITLE and stderr when there is any stderr. An uncut
 * listing splits back exactly, unless stdout itself contains ERROR_TITLE's text.
 */
export function splitListedOutput(output: string): { stdout: string; stderr: string } {
  const at = output.indexOf(ERROR_TITLE);
  if (at < 0) return { stdout: output, stderr: '' };
  return { stdout: output.slice(0, at), stderr: output.slice(at + ERROR_TITLE.length) };
}

function definedOnly<T extends object>(record: T): T {
  return Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined)) as T;
}
