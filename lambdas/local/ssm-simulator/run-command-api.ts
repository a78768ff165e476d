import type {
  CommandInvocation,
  GetCommandInvocationResult,
  ListCommandInvocationsResult,
  ListCommandsResult,
} from '@aws-sdk/client-ssm';
import { SsmError } from './errors';
import { parseCommandFilters, type FilterSubject } from './filters';
import {
  checkCommandIdLength,
  optionalArray,
  optionalBoolean,
  optionalInteger,
  optionalString,
  requiredString,
  type JsonObject,
} from './input';
import type { OperationContext } from './operations';
import { commandRecord, getInvocationRecord, invocationRecord } from './records';
import { isTerminalDetails } from './command-status';
import { compareCommands, compareText, invocationStep, type CommandRun, type InvocationRun } from './runs';

/** Run Command's read API: ListCommands, ListCommandInvocations, GetCommandInvocation. */

const PAGE_MAX = 50;
const INSTANCE_ID = /(^i-(\w{8}|\w{17})$)|(^mi-\w{17}$)/;

export function listCommands(input: JsonObject, ctx: OperationContext): ListCommandsResult {
  const commandId = optionalString(input, 'CommandId');
  const instanceId = optionalInstanceId(input);
  const maxResults = optionalInteger(input, 'MaxResults', 1, PAGE_MAX) ?? PAGE_MAX;
  const matches = parseCommandFilters(optionalArray(input, 'Filters'), 'ListCommands');
  const nextToken = optionalString(input, 'NextToken');
  const query = { commandId, instanceId, filters: input['Filters'] ?? null };

  let candidates: readonly CommandRun[] = ctx.runCommand.list();
  if (commandId !== undefined) {
    checkCommandIdLength('CommandId', commandId);
    const command = ctx.runCommand.get(commandId);
    if (command === undefined) throw new SsmError('InvalidCommandId', `Command ${commandId} does not exist`);
    candidates = [command];
  }
  let start = 0;
  if (nextToken !== undefined) {
    const [requestedAt, id] = ctx.tokens.read('ListCommands', query, nextToken);
    if (typeof requestedAt !== 'number' || typeof id !== 'string') throw new SsmError('InvalidNextToken', 'The specified token is not valid.');
    start = firstAfter(candidates, { requestedAt, id });
  }

  const page: CommandRun[] = [];
  let more = false;
  for (let i = start; i < candidates.length; i++) {
    const command = candidates[i];
    if (command === undefined) continue;
    if (instanceId !== undefined && !command.byInstance.has(instanceId)) continue;
    if (!matches(commandSubject(command))) continue;
    if (page.length === maxResults) {
      more = true;
      break;
    }
    page.push(command);
  }
  const last = page[page.length - 1];
  return {
    Commands: page.map(commandRecord),
    ...(more && last !== undefined ? { NextToken: ctx.tokens.issue('ListCommands', query, [last.requestedAt, last.id]) } : {}),
  };
}

export function listCommandInvocations(input: JsonObject, ctx: OperationContext): ListCommandInvocationsResult {
  const commandId = optionalString(input, 'CommandId');
  const instanceId = optionalInstanceId(input);
  const maxResults = optionalInteger(input, 'MaxResults', 1, PAGE_MAX) ?? PAGE_MAX;
  const matches = parseCommandFilters(optionalArray(input, 'Filters'), 'ListCommandInvocations');
  const details = optionalBoolean(input, 'Details') ?? false;
  const nextToken = optionalString(input, 'NextToken');
  const query = { commandId, instanceId, filters: input['Filters'] ?? null };

  let commands: readonly CommandRun[] = ctx.runCommand.list();
  if (commandId !== undefined) {
    checkCommandIdLength('CommandId', commandId);
    // An unknown (or forgotten) command lists nothing rather than failing.
    const command = ctx.runCommand.get(commandId);
    commands = command === undefined ? [] : [command];
  }
  let startCommand = 0;
  let afterInstance: string | undefined;
  let afterCommand: string | undefined;
  if (nextToken !== undefined) {
    const [requestedAt, id, instance] = ctx.tokens.read('ListCommandInvocations', query, nextToken);
    if (typeof requestedAt !== 'number' || typeof id !== 'string' || typeof instance !== 'string') {
      throw new SsmError('InvalidNextToken', 'The specified token is not valid.');
    }
    // Resume inside the command the last page ended in, if it is still there.
    startCommand = firstAfter(commands, { requestedAt, id });
    const previous = commands[startCommand - 1];
    if (previous !== undefined && previous.id === id) {
      startCommand -= 1;
      afterCommand = id;
      afterInstance = instance;
    }
  }

  const page: InvocationRun[] = [];
  let more = false;
  outer: for (let c = startCommand; c < commands.length; c++) {
    const command = commands[c];
    if (command === undefined) continue;
    let invocations: readonly InvocationRun[] = command.invocations;
    if (instanceId !== undefined) {
      const one = command.byInstance.get(instanceId);
      invocations = one === undefined ? [] : [one];
    }
    const from = command.id === afterCommand && afterInstance !== undefined ? firstInstanceAfter(invocations, afterInstance) : 0;
    for (let i = from; i < invocations.length; i++) {
      const invocation = invocations[i];
      if (invocation === undefined || !matches(invocationSubject(invocation))) continue;
      if (page.length === maxResults) {
        more = true;
        break outer;
      }
      page.push(invocation);
    }
  }
  const at = ctx.runCommand.syncedAt;
  const last = page[page.length - 1];
  const records: CommandInvocation[] = page.map((invocation) => invocationRecord(invocation, at, details));
  return {
    CommandInvocations: records,
    ...(more && last !== undefined
      ? { NextToken: ctx.tokens.issue('ListCommandInvocations', query, [last.command.requestedAt, last.command.id, last.instanceId]) }
      : {}),
  };
}

export function getCommandInvocation(input: JsonObject, ctx: OperationContext): GetCommandInvocationResult {
  const commandId = requiredString(input, 'CommandId');
  const instanceId = requiredString(input, 'InstanceId');
  const pluginName = optionalString(input, 'PluginName');
  checkCommandIdLength('CommandId', commandId);
  if (!INSTANCE_ID.test(instanceId)) throw new SsmError('InvalidInstanceId', `Instance Id ${instanceId} is not valid`);
  const invocation = ctx.runCommand.get(commandId)?.byInstance.get(instanceId);
  if (invocation === undefined) throw new SsmError('InvocationDoesNotExist', 'An invocation for this command and instance does not exist.');
  let plugin = invocation.plugins.length === 1 ? invocation.plugins[0] : undefined;
  if (pluginName !== undefined) {
    plugin = invocation.plugins.find((p) => p.name === pluginName);
    if (plugin === undefined) throw new SsmError('InvalidPluginName', `Plugin ${pluginName} is not part of this invocation`);
  } else if (plugin === undefined) {
    throw new SsmError('InvalidPluginName', 'The document has more than one step: PluginName is required');
  }
  return getInvocationRecord(invocation, plugin, ctx.runCommand.syncedAt);
}

function optionalInstanceId(input: JsonObject): string | undefined {
  const instanceId = optionalString(input, 'InstanceId');
  if (instanceId !== undefined && !INSTANCE_ID.test(instanceId)) {
    throw new SsmError('InvalidInstanceId', `Instance Id ${instanceId} is not valid`);
  }
  return instanceId;
}

function commandSubject(command: CommandRun): FilterSubject {
  return {
    requestedAt: command.requestedAt,
    documentName: command.request.documentName,
    status: command.status,
    statusDetails: command.statusDetails,
    terminal: command.status !== 'Pending' && command.status !== 'InProgress' && command.status !== 'Cancelling',
  };
}

function invocationSubject(invocation: InvocationRun): FilterSubject {
  const step = invocationStep(invocation);
  return {
    requestedAt: invocation.command.requestedAt,
    documentName: invocation.command.request.documentName,
    status: step.status,
    statusDetails: step.details,
    terminal: isTerminalDetails(step.details),
  };
}

/** Index of the first command ordered after `key`. */
function firstAfter(commands: readonly CommandRun[], key: { requestedAt: number; id: string }): number {
  let lo = 0;
  let hi = commands.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    const command = commands[mid];
    if (command !== undefined && compareCommands(command, key) <= 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function firstInstanceAfter(invocations: readonly InvocationRun[], instanceId: string): number {
  let lo = 0;
  let hi = invocations.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    const invocation = invocations[mid];
    if (invocation !== undefined && compareText(invocation.instanceId, instanceId) <= 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
