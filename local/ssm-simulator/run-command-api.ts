import type {
  CommandInvocation,
  GetCommandInvocationResult,
  ListCommandInvocationsResult,
  ListCommandsResult,
} from '@aws-sdk/client-ssm';
import { SsmError } from '../../lambdas/ssm-protocol/errors';
import { EXECUTING_COMMAND_STATUSES, matchesFilters, type FilterSubject } from '../../lambdas/ssm-protocol/filters';
import type { JsonObject } from '../../lambdas/ssm-protocol/input';
import {
  readGetCommandInvocation,
  readListCommandInvocations,
  readListCommands,
  selectPlugin,
} from '../../lambdas/sources/run-command/requests';
import type { KindOperations, OperationContext } from './operations';
import type { RunCommandState } from './state';
import { commandRecord, getInvocationRecord, invocationRecord } from './records';
import { isTerminalDetails } from './command-status';
import { compareCommands, compareText, invocationStep, type CommandRun, type InvocationRun } from './runs';

/** Run Command's read API: ListCommands, ListCommandInvocations, GetCommandInvocation. */

export function listCommands(input: JsonObject, ctx: OperationContext<RunCommandState>): ListCommandsResult {
  const { commandId, instanceId, maxResults, filters, nextToken, tokenQuery: query } = readListCommands(input);
  const matches = (subject: FilterSubject): boolean => matchesFilters(filters, subject);

  let candidates: readonly CommandRun[] = ctx.state.list();
  if (commandId !== undefined) {
    const command = ctx.state.get(commandId);
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

export function listCommandInvocations(input: JsonObject, ctx: OperationContext<RunCommandState>): ListCommandInvocationsResult {
  const { commandId, instanceId, maxResults, filters, details, nextToken, tokenQuery: query } = readListCommandInvocations(input);
  const matches = (subject: FilterSubject): boolean => matchesFilters(filters, subject);

  let commands: readonly CommandRun[] = ctx.state.list();
  if (commandId !== undefined) {
    // An unknown (or forgotten) command lists nothing rather than failing.
    const command = ctx.state.get(commandId);
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
  const at = ctx.state.syncedAt;
  const last = page[page.length - 1];
  const records: CommandInvocation[] = page.map((invocation) => invocationRecord(invocation, at, details));
  return {
    CommandInvocations: records,
    ...(more && last !== undefined
      ? { NextToken: ctx.tokens.issue('ListCommandInvocations', query, [last.command.requestedAt, last.command.id, last.instanceId]) }
      : {}),
  };
}

export function getCommandInvocation(input: JsonObject, ctx: OperationContext<RunCommandState>): GetCommandInvocationResult {
  const { commandId, instanceId, pluginName } = readGetCommandInvocation(input);
  const invocation = ctx.state.get(commandId)?.byInstance.get(instanceId);
  if (invocation === undefined) throw new SsmError('InvocationDoesNotExist', 'An invocation for this command and instance does not exist.');
  const plugin = selectPlugin(invocation.plugins, (p) => p.name, pluginName);
  return getInvocationRecord(invocation, plugin, ctx.state.syncedAt);
}

function commandSubject(command: CommandRun): FilterSubject {
  return {
    requestedAt: command.requestedAt,
    documentName: command.request.documentName,
    status: command.status,
    statusDetails: command.statusDetails,
    terminal: !EXECUTING_COMMAND_STATUSES.includes(command.status),
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

/** The SSM operations the simulator answers for this kind, over its state. */
export const runCommandOperations: KindOperations<RunCommandState> = {
  ListCommands: listCommands,
  ListCommandInvocations: listCommandInvocations,
  GetCommandInvocation: getCommandInvocation,
};
