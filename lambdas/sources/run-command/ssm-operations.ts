import type {
  CommandInvocation,
  GetCommandInvocationResult,
  ListCommandInvocationsResult,
  ListCommandsResult,
} from '@aws-sdk/client-ssm';
import { SsmError } from '../../ssm-protocol/errors';
import { matchesFilters } from '../../ssm-protocol/filters';
import type { JsonObject } from '../../ssm-protocol/input';
import {
  readGetCommandInvocation,
  readListCommandInvocations,
  readListCommands,
  selectPlugin,
  type CommandInvocationListing,
  type CommandListing,
} from './requests';
import { commandFromItem, commandInvocationFields, commandInvocationFromItem } from './records';
import type { StoredItem } from '../../store/record-store';
import { INVOCATION_INDEX_ATTRIBUTES } from './tables';
import type { ArchiveReader } from '../../query/archive-reader';
import type { TimeRange } from '../../core/archive-reads';
import { readSize, takePage, type ListingPosition, type Page } from '../../ssm-protocol/paging';
import { filterSubjectOf, itemFilterOf, timeRangeOf } from './command-filters';
import { rebuiltResult, savedResult } from './plugin-result';
import type { EndpointContext, SsmOperations } from '../../query/ssm-endpoint/endpoint-context';

/**
 * Run Command's read API answered from the archive, page for page as SSM answers it: the
 * same request checks (sources/run-command/requests), the same order (commands newest first, ties by
 * CommandId; invocations newest RequestedDateTime first, ties by InstanceId, each command's
 * together), a NextToken only when more follows.
 */

/** A listed invocation without its plugins: every field of the record but CommandPlugins. */
const BRIEF_INVOCATION = commandInvocationFields.filter((field) => field !== 'CommandPlugins');
/** Commands read at once when a listing maps index entries to full records (BatchGetItem takes 100). */
const COMMAND_BATCH = 100;

export async function listCommands(input: JsonObject, ctx: EndpointContext): Promise<ListCommandsResult> {
  const request = readListCommands(input);
  const keep = (item: StoredItem): boolean => matchesFilters(request.filters, filterSubjectOf(item));
  let page: Page<StoredItem>;
  if (request.commandId !== undefined) {
    // As SSM: an unknown CommandId is an error before the token is even looked at.
    const command = await ctx.reader.getCommand(request.commandId);
    if (command === undefined) throw new SsmError('InvalidCommandId', `Command ${request.commandId} does not exist`);
    const after = readPosition('ListCommands', request, ctx);
    const onInstance = request.instanceId === undefined || (await ctx.reader.getInvocation(request.commandId, request.instanceId, ['CommandId'])) !== undefined;
    page = await takePage(onInstance && isAfter(command, after) ? [command] : [], request.maxResults, keep);
  } else {
    const after = readPosition('ListCommands', request, ctx);
    const range = timeRangeOf(request.filters);
    if (range === 'empty') return { Commands: [] };
    const start = after && { time: requireTime(after), id: after.id, inclusive: false };
    const commands =
      request.instanceId !== undefined
        ? commandsOnInstance(ctx.reader, request.instanceId, range, start, request)
        : newestCommands(ctx.reader, range, start, request);
    page = await takePage(commands, request.maxResults, keep);
  }
  const last = page.items[page.items.length - 1];
  return {
    Commands: page.items.map(commandFromItem),
    ...(page.more && last !== undefined
      ? { NextToken: ctx.tokens.issue('ListCommands', request.tokenQuery, positionOf(last, '')) }
      : {}),
  };
}

export async function listCommandInvocations(input: JsonObject, ctx: EndpointContext): Promise<ListCommandInvocationsResult> {
  const request = readListCommandInvocations(input);
  const after = readPosition('ListCommandInvocations', request, ctx);
  const keep = (item: StoredItem): boolean => matchesFilters(request.filters, filterSubjectOf(item));
  const attributes = request.details ? commandInvocationFields : BRIEF_INVOCATION;
  const range = timeRangeOf(request.filters);
  if (range === 'empty') return { CommandInvocations: [] };

  let page: Page<StoredItem>;
  if (request.commandId !== undefined && request.instanceId !== undefined) {
    const invocation = await ctx.reader.getInvocation(request.commandId, request.instanceId, attributes);
    const listed = invocation !== undefined && (after === undefined || after.within < request.instanceId) ? [invocation] : [];
    page = await takePage(listed, request.maxResults, keep);
  } else if (request.commandId !== undefined) {
    // An unknown (or never archived) command lists nothing, as in SSM.
    const filter = itemFilterOf(request.filters, ['Status', 'DocumentName', 'InvokedAfter', 'InvokedBefore']);
    const invocations = ctx.reader.invocationsOfCommand(request.commandId, {
      ...(after !== undefined ? { after: { time: requireTime(after), instanceId: after.within } } : {}),
      filter,
      attributes,
      pageSize: readSize(request.maxResults, filter.length > 0),
    });
    page = await takePage(invocations, request.maxResults, keep);
  } else if (request.instanceId !== undefined) {
    // The index holds summaries: find the page there, then read its records by key.
    const filter = itemFilterOf(request.filters, ['Status', 'DocumentName']);
    const summaries = ctx.reader.invocationsOfInstance(request.instanceId, {
      range,
      start: after && { time: requireTime(after), id: after.id, inclusive: false },
      filter,
      attributes: INVOCATION_INDEX_ATTRIBUTES,
      pageSize: readSize(request.maxResults, filter.length > 0),
    });
    const found = await takePage(summaries, request.maxResults, keep);
    const keys = found.items.map((item) => ({ CommandId: String(item['CommandId']), InstanceId: String(item['InstanceId']) }));
    page = { items: await ctx.reader.getInvocations(keys, attributes), more: found.more };
  } else {
    const filter = itemFilterOf(request.filters, ['Status']);
    const invocations = ctx.reader.invocationsNewestFirst({
      range,
      ...(after !== undefined ? { start: { time: requireTime(after), id: after.id, within: after.within } } : {}),
      commandFilter: itemFilterOf(request.filters, ['DocumentName']),
      filter,
      attributes,
      pageSize: readSize(request.maxResults, filter.length > 0),
    });
    page = await takePage(invocations, request.maxResults, keep);
  }
  const last = page.items[page.items.length - 1];
  return {
    CommandInvocations: page.items.map((item) => invocationRecord(item, request.details)),
    ...(page.more && last !== undefined
      ? { NextToken: ctx.tokens.issue('ListCommandInvocations', request.tokenQuery, positionOf(last, String(last['InstanceId']))) }
      : {}),
  };
}

export async function getCommandInvocation(input: JsonObject, ctx: EndpointContext): Promise<GetCommandInvocationResult> {
  const { commandId, instanceId, pluginName } = readGetCommandInvocation(input);
  const item = await ctx.reader.getInvocation(commandId, instanceId);
  const invocation = item && commandInvocationFromItem(item);
  if (invocation === undefined) throw new SsmError('InvocationDoesNotExist', 'An invocation for this command and instance does not exist.');
  // Known only from status events (SSM forgot it before the collector read it): no plugins to answer with.
  if (invocation.CommandPlugins === undefined) {
    throw new SsmError('InvocationDoesNotExist', 'The archive knows this invocation only from its status events: it holds no plugin output.');
  }
  const plugin = selectPlugin(invocation.CommandPlugins, (p) => p.Name, pluginName);
  const saved = (item?.['pluginOutputs'] as Record<string, unknown> | undefined)?.[plugin.Name ?? ''];
  if (saved !== null && typeof saved === 'object') return savedResult(saved as Record<string, unknown>);
  return rebuiltResult(invocation, plugin, ctx.now());
}

/** Without Details, SSM lists CommandPlugins as an empty list. */
function invocationRecord(item: StoredItem, details: boolean): CommandInvocation {
  const record = commandInvocationFromItem(item);
  return { ...record, CommandPlugins: details ? (record.CommandPlugins ?? []) : [] };
}

/**
 * The commands with an invocation on one node, newest first: their order and ids from the
 * byInstance index, their records (and the filters on their own status) from the table.
 */
async function* commandsOnInstance(
  reader: ArchiveReader,
  instanceId: string,
  range: TimeRange,
  start: { time: string; id: string; inclusive: boolean } | undefined,
  request: CommandListing,
): AsyncGenerator<StoredItem> {
  const filter = itemFilterOf(request.filters, ['DocumentName']);
  // The command's own Status and ExecutionStage apply after the read: then read bigger batches.
  const filtered = request.filters.some((f) => f.key === 'Status' || f.key === 'ExecutionStage' || f.key === 'DocumentName');
  const summaries = reader.invocationsOfInstance(instanceId, {
    range,
    ...(start !== undefined ? { start: { ...start, time: requireTime(start) } } : {}),
    filter,
    attributes: ['CommandId', 'RequestedDateTime'],
    pageSize: readSize(request.maxResults, filtered),
    // The commands are read by key below, by a reader that keeps to its account and Region.
    recordsReadByKey: true,
  });
  const batchSize = Math.min(COMMAND_BATCH, readSize(request.maxResults, filtered));
  let batch: string[] = [];
  for await (const summary of summaries) {
    batch.push(String(summary['CommandId']));
    if (batch.length === batchSize) {
      yield* await reader.getCommands(batch);
      batch = [];
    }
  }
  if (batch.length > 0) yield* await reader.getCommands(batch);
}

/** Every command, newest first, the filters applied by DynamoDB as far as they can be. */
function newestCommands(
  reader: ArchiveReader,
  range: TimeRange,
  start: { time: string; id: string; inclusive: boolean } | undefined,
  request: CommandListing,
): AsyncGenerator<StoredItem> {
  const filter = itemFilterOf(request.filters, ['Status', 'DocumentName', 'ExecutionStage']);
  return reader.commandsNewestFirst({ range, start, filter, pageSize: readSize(request.maxResults, filter.length > 0) });
}

function readPosition(operation: string, request: CommandListing | CommandInvocationListing, ctx: EndpointContext): ListingPosition | undefined {
  return request.nextToken === undefined ? undefined : ctx.tokens.read(operation, request.tokenQuery, request.nextToken);
}

/** Listings that walk the newest-first order need the position's time. */
function requireTime(position: { time: string }): string {
  if (position.time === '') throw new SsmError('InvalidNextToken', 'The specified token is not valid.');
  return position.time;
}

function positionOf(item: StoredItem, instanceId: string): ListingPosition {
  const time = item['RequestedDateTime'];
  return { time: typeof time === 'string' ? time : '', id: String(item['CommandId']), within: instanceId };
}

/** Is this command after the position, in ListCommands order? */
function isAfter(command: StoredItem, after: ListingPosition | undefined): boolean {
  if (after === undefined) return true;
  const time = String(command['RequestedDateTime'] ?? '');
  if (time !== after.time) return time < after.time;
  return String(command['CommandId']) > after.id;
}

/** The SSM operations this kind answers from the archive. */
export const runCommandSsmOperations: SsmOperations = {
  ListCommands: listCommands,
  ListCommandInvocations: listCommandInvocations,
  GetCommandInvocation: getCommandInvocation,
};
