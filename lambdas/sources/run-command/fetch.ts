import {
  GetCommandInvocationCommand,
  ListCommandsCommand,
  paginateListCommandInvocations,
  type Command,
  type CommandInvocation,
  type GetCommandInvocationCommandOutput,
  type SSMClient,
} from '@aws-sdk/client-ssm';
import { ParentNotFoundError } from '../eventual-consistency';

/**
 * The Run Command read calls the collector makes, each the cheapest form that answers:
 * ListCommandInvocations with Details=true at its maximum page size (50), ListCommands by
 * CommandId, and GetCommandInvocation for one plugin only when its listed output was cut.
 */
export const LIST_PAGE_SIZE = 50;

const isNotFound = (error: unknown): boolean =>
  error instanceof Error && (error.name === 'InvalidCommandId' || error.name === 'InvocationDoesNotExist');

export async function listCommandInvocations(
  ssm: SSMClient,
  commandId: string,
  instanceId?: string,
): Promise<CommandInvocation[]> {
  const invocations: CommandInvocation[] = [];
  try {
    const pages = paginateListCommandInvocations(
      { client: ssm, pageSize: LIST_PAGE_SIZE },
      { CommandId: commandId, ...(instanceId ? { InstanceId: instanceId } : {}), Details: true },
    );
    for await (const page of pages) invocations.push(...(page.CommandInvocations ?? []));
  } catch (error) {
    if (isNotFound(error)) throw new ParentNotFoundError(`command ${commandId}`, { cause: error });
    throw error;
  }
  return invocations;
}

export async function getCommand(ssm: SSMClient, commandId: string): Promise<Command> {
  try {
    const { Commands } = await ssm.send(new ListCommandsCommand({ CommandId: commandId }));
    const command = Commands?.find((candidate) => candidate.CommandId === commandId);
    if (!command) throw new ParentNotFoundError(`command ${commandId}`);
    return command;
  } catch (error) {
    if (isNotFound(error)) throw new ParentNotFoundError(`command ${commandId}`, { cause: error });
    throw error;
  }
}

export async function getPluginOutput(
  ssm: SSMClient,
  commandId: string,
  instanceId: string,
  pluginName: string,
): Promise<GetCommandInvocationCommandOutput> {
  try {
    return await ssm.send(
      new GetCommandInvocationCommand({ CommandId: commandId, InstanceId: instanceId, PluginName: pluginName }),
    );
  } catch (error) {
    if (isNotFound(error)) throw new ParentNotFoundError(`command ${commandId}`, { cause: error });
    throw error;
  }
}
