import { SsmError } from '../../ssm-protocol/errors';
import { parseCommandFilters, type CommandFilter } from '../../ssm-protocol/filters';
import {
  checkCommandIdLength,
  checkInstanceId,
  optionalArray,
  optionalBoolean,
  optionalInteger,
  optionalString,
  requiredString,
  type JsonObject,
} from '../../ssm-protocol/input';

/**
 * The requests of Run Command's read API (ListCommands, ListCommandInvocations,
 * GetCommandInvocation), read and checked in the order SSM reports problems. Whoever answers
 * them (the simulator from memory, the archive from DynamoDB) starts from these.
 */

/** MaxResults' range in SSM's model (CommandMaxResults); also the default page size. */
const COMMAND_PAGE_MAX = 50;

export interface CommandListing {
  readonly commandId: string | undefined;
  readonly instanceId: string | undefined;
  readonly maxResults: number;
  readonly filters: readonly CommandFilter[];
  readonly nextToken: string | undefined;
  /**
   * What a NextToken is bound to: the same ids and filters. MaxResults and Details may change
   * from page to page, as with SSM.
   */
  readonly tokenQuery: object;
}

export interface CommandInvocationListing extends CommandListing {
  readonly details: boolean;
}

export interface CommandInvocationRequest {
  readonly commandId: string;
  readonly instanceId: string;
  readonly pluginName: string | undefined;
}

export function readListCommands(input: JsonObject): CommandListing {
  return readListing(input, 'ListCommands');
}

export function readListCommandInvocations(input: JsonObject): CommandInvocationListing {
  const listing = readListing(input, 'ListCommandInvocations');
  const details = optionalBoolean(input, 'Details') ?? false;
  return { ...listing, details };
}

function readListing(input: JsonObject, api: 'ListCommands' | 'ListCommandInvocations'): CommandListing {
  const commandId = optionalString(input, 'CommandId');
  const instanceId = optionalString(input, 'InstanceId');
  if (instanceId !== undefined) checkInstanceId(instanceId);
  const maxResults = optionalInteger(input, 'MaxResults', 1, COMMAND_PAGE_MAX) ?? COMMAND_PAGE_MAX;
  const filters = parseCommandFilters(optionalArray(input, 'Filters'), api);
  const nextToken = optionalString(input, 'NextToken');
  if (commandId !== undefined) checkCommandIdLength('CommandId', commandId);
  return { commandId, instanceId, maxResults, filters, nextToken, tokenQuery: { commandId, instanceId, filters: input['Filters'] ?? null } };
}

export function readGetCommandInvocation(input: JsonObject): CommandInvocationRequest {
  const commandId = requiredString(input, 'CommandId');
  const instanceId = requiredString(input, 'InstanceId');
  const pluginName = optionalString(input, 'PluginName');
  checkCommandIdLength('CommandId', commandId);
  checkInstanceId(instanceId);
  return { commandId, instanceId, pluginName };
}

/**
 * GetCommandInvocation's plugin: the named one, or the only one when the document has a
 * single step. Anything else is InvalidPluginName.
 */
export function selectPlugin<T>(plugins: readonly T[], nameOf: (plugin: T) => string | undefined, pluginName: string | undefined): T {
  if (pluginName !== undefined) {
    const named = plugins.find((plugin) => nameOf(plugin) === pluginName);
    if (named === undefined) throw new SsmError('InvalidPluginName', `Plugin ${pluginName} is not part of this invocation`);
    return named;
  }
  const [only, ...others] = plugins;
  if (only === undefined || others.length > 0) {
    throw new SsmError('InvalidPluginName', 'The document has more than one step: PluginName is required');
  }
  return only;
}
