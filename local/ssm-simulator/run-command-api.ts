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
import { compareCommands, compareInvocations, invocationStep, invocationsInListingOrder, type CommandRun, type InvocationRun } from './runs';

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
  // On one node, the commands in the order of that node's invocations (newest first).
  const listedAt = (command: CommandRun): number =>
    instanceId === undefined ? command.requestedAt : (command.byInstance.get(instanceId)?.requestedAt ?? command.requestedAt);
  if (instanceId !== undefined) {
    candidates = candidates
      .filter((command) => command.byInstance.has(instanceId))
      .sort((a, b) => compareCommands({ requestedAt: listedAt(a), id: a.id }, { requestedAt: listedAt(b), id: b.id }));
  }
  let start = 0;
  if (nextToken !== undefined) {
    const [requestedAt, id] = ctx.tokens.read('ListCommands', query, nextToken);
    if (typeof requestedAt !== 'number' || typeof id !== 'string') throw new SsmError('InvalidNextToken', 'The specified token is not valid.');
    start = firstAfter(candidates, { requestedAt, id }, (command) => ({ requestedAt: listedAt(command), id: command.id }));
  }

  const page: CommandRun[] = [];
  let more = false;
  for (let i = start; i < candidates.length; i++) {
    const command = candidates[i];
    if (command === undefined) continue;
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
    ...(more && last !== undefined ? { NextToken: ctx.tokens.issue('ListCommands', query, [listedAt(last), last.id]) } : {}),
  };
}

/** What an invocation's place in a listing is made of. */
interface ListedInvocation {
  readonly command: { readonly requestedAt: number; readonly id: string };
  readonly requestedAt: number;
  readonly instanceId: string;
}

/**
 * Invocations newest RequestedDateTime first, InstanceId among equal times: each command's
 * together, the commands in ListCommands order; on one node, in the order of its invocations.
 */
export function listCommandInvocations(input: JsonObject, ctx: OperationContext<RunCommandState>): ListCommandInvocationsResult {
  const { commandId, instanceId, maxResults, filters, details, nextToken, tokenQuery: query } = readListCommandInvocations(input);
  const matches = (subject: FilterSubject): boolean => matchesFilters(filters, subject);

  let invocations: readonly InvocationRun[];
  let order: (a: ListedInvocation, b: ListedInvocation) => number;
  if (commandId !== undefined) {
    // An unknown (or forgotten) command lists nothing rather than failing.
    const command = ctx.state.get(commandId);
    const all = command === undefined ? [] : invocationsInListingOrder(command);
    invocations = instanceId === undefined ? all : all.filter((invocation) => invocation.instanceId === instanceId);
    order = compareInvocations;
  } else if (instanceId !== undefined) {
    order = (a, b) => compareCommands({ requestedAt: a.requestedAt, id: a.command.id }, { requestedAt: b.requestedAt, id: b.command.id });
    invocations = ctx.state
      .list()
      .flatMap((command) => {
        const one = command.byInstance.get(instanceId);
        return one === undefined ? [] : [one];
      })
      .sort(order);
  } else {
    invocations = ctx.state.list().flatMap(invocationsInListingOrder);
    order = (a, b) => compareCommands(a.command, b.command) || compareInvocations(a, b);
  }
  let from = 0;
  if (nextToken !== undefined) {
    const [commandAt, id, requestedAt, instance] = ctx.tokens.read('ListCommandInvocations', query, nextToken);
    if (typeof commandAt !== 'number' || typeof id !== 'string' || typeof requestedAt !== 'number' || typeof instance !== 'string') {
      throw new SsmError('InvalidNextToken', 'The specified token is not valid.');
    }
    // After the last invocation listed, by position: it may since have been forgotten.
    const last: ListedInvocation = { command: { requestedAt: commandAt, id }, requestedAt, instanceId: instance };
    from = invocations.findIndex((invocation) => order(invocation, last) > 0);
    if (from < 0) from = invocations.length;
  }

  const page: InvocationRun[] = [];
  let more = false;
  for (let i = from; i < invocations.length; i++) {
    const invocation = invocations[i];
    if (invocation === undefined || !matches(invocationSubject(invocation))) continue;
    if (page.length === maxResults) {
      more = true;
      break;
    }
    page.push(invocation);
  }
  const at = ctx.state.syncedAt;
  const last = page[page.length - 1];
  const records: CommandInvocation[] = page.map((invocation) => invocationRecord(invocation, at, details));
  return {
    CommandInvocations: records,
    ...(more && last !== undefined ? { NextToken: ctx.tokens.issue('ListCommandInvocations', query, [last.command.requestedAt, last.command.id, last.requestedAt, last.instanceId]) } : {}),
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
function firstAfter<T>(items: readonly T[], key: { requestedAt: number; id: string }, keyOf: (item: T) => { requestedAt: number; id: string }): number {
  let lo = 0;
  let hi = items.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    const item = items[mid];
    if (item !== undefined && compareCommands(keyOf(item), key) <= 0) lo = mid + 1;
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
