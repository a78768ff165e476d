import { ssmIds } from '../../core/ssm-ids';
import { commandAlert, commandInvocationAlert } from './alert';
import type { Command, CommandInvocation, CommandPlugin, GetCommandInvocationCommandOutput } from '@aws-sdk/client-ssm';
import { forEachBounded } from '../../concurrency';
import { statusInfo } from '../../core/status';
import { runCommandStatuses } from './statuses';
import { mayNotBeVisibleYet, ParentNotFoundError } from '../eventual-consistency';
import { DEFAULT_COLLECT_SETTINGS, type ArchiveLookup, type CollectSettings, type HistorySource, type ListedSource, type Observation, type Producer, type SourceClients, type WorkItem, withLister } from '../../core/model';
import { COMMAND_DETAIL_TYPE, INVOCATION_DETAIL_TYPE, parseRunCommandEvent, parseRunCommandNotification } from './events';
import { getCommand, getPluginOutput, listCommandInvocations } from './fetch';
import { runCommandLister } from './listing';
import { isListedOutputCut } from './output-limits';
import { commandInvocationObservation, commandObservation, type PluginOutputs } from './records';
import { runCommandTables } from './tables';

/** SSM calls one parent's collection makes at once (single-invocation fetches, plugin outputs). */
const CALLS_PER_PARENT = 4;


interface FetchedInvocation {
  readonly invocation: CommandInvocation;
  readonly producers: ReadonlySet<Producer>;
}

function union(target: Set<Producer>, producers: Iterable<Producer>): void {
  for (const producer of producers) target.add(producer);
}

/** The invocations whose every plugin's answer the collector reads by default: the ones people investigate. */
const INVESTIGATED: ReadonlySet<string> = new Set(['Failed', 'TimedOut', 'Cancelled']);

/** The GetCommandInvocation answers the archive holds for this invocation in this same finished status. */
async function heldOutputs(archive: ArchiveLookup | undefined, invocation: CommandInvocation): Promise<Readonly<Record<string, GetCommandInvocationCommandOutput>> | undefined> {
  if (archive === undefined || invocation.CommandId === undefined || invocation.InstanceId === undefined) return undefined;
  const stored = await archive.get('commandInvocations', { CommandId: invocation.CommandId, InstanceId: invocation.InstanceId });
  if (stored === undefined || stored['Status'] !== invocation.Status) return undefined;
  const saved = stored['pluginOutputs'];
  return saved !== null && typeof saved === 'object' ? (saved as Readonly<Record<string, GetCommandInvocationCommandOutput>>) : undefined;
}

/** The plugins of a finished invocation whose GetCommandInvocation answer the collector reads under these settings. */
export function pluginsReadInDetail(invocation: CommandInvocation, settings: CollectSettings): CommandPlugin[] {
  const everyPlugin = settings.invocationDetail === 'all' || INVESTIGATED.has(invocation.Status ?? '');
  return (invocation.CommandPlugins ?? []).filter((plugin) => plugin.Name && (everyPlugin || isListedOutputCut(plugin.Output)));
}

/**
 * GetCommandInvocation's own answer for the plugins the archive keeps it for: each plugin of
 * an invocation the settings name (its ExecutionElapsedTime and output exactly as SSM gave
 * them), and any plugin whose listed output SSM cut short.
 */
async function fullOutputs({ ssm, archive }: SourceClients, invocation: CommandInvocation, settings: CollectSettings): Promise<PluginOutputs> {
  const outputs: Record<string, GetCommandInvocationCommandOutput> = {};
  // Only a finished invocation's output is final; a running one is fetched again when it ends.
  if (!statusInfo(runCommandStatuses, invocation.Status ?? 'Pending').terminal) return outputs;
  const wanted = pluginsReadInDetail(invocation, settings);
  if (wanted.length === 0) return outputs;
  // A finished invocation's answers never change: those the archive holds for it are not read again
  // (the events of one invocation reach the collector in several batches).
  const held = await heldOutputs(archive, invocation);
  for (const plugin of wanted) {
    const kept = held?.[plugin.Name as string];
    if (kept !== undefined) {
      outputs[plugin.Name as string] = kept;
      continue;
    }
    outputs[plugin.Name as string] = await getPluginOutput(
      ssm,
      invocation.CommandId as string,
      invocation.InstanceId as string,
      plugin.Name as string,
    );
  }
  return outputs;
}

async function collect(
  items: readonly WorkItem[],
  clients: SourceClients,
  now: () => Date,
  settings: CollectSettings = DEFAULT_COLLECT_SETTINGS,
): Promise<Observation[]> {
  const first = items[0];
  if (!first) return [];
  const commandId = first.parentId;
  const { ssm } = clients;
  const observations: Observation[] = items.flatMap((item) => item.observations);

  const parentProducers = new Set<Producer>();
  const childProducers = new Map<string, Set<Producer>>();
  for (const item of items) {
    if (item.fetch.scope === 'parent') parentProducers.add(item.producer);
    if (item.fetch.scope === 'children') {
      for (const childId of item.fetch.childIds) {
        const producers = childProducers.get(childId) ?? new Set<Producer>();
        producers.add(item.producer);
        childProducers.set(childId, producers);
      }
    }
  }

  const fetched: FetchedInvocation[] = [];
  let command: Command | undefined;
  try {
    if (parentProducers.size > 0) {
      // One pass over the whole command serves every child request too.
      const [found, invocations] = await Promise.all([getCommand(ssm, commandId), listCommandInvocations(ssm, commandId)]);
      command = found;
      for (const invocation of invocations) {
        const producers = new Set(parentProducers);
        union(producers, childProducers.get(invocation.InstanceId ?? '') ?? []);
        fetched.push({ invocation, producers });
      }
    } else if (childProducers.size > 0) {
      await forEachBounded([...childProducers], CALLS_PER_PARENT, async ([instanceId, producers]) => {
        for (const invocation of await listCommandInvocations(ssm, commandId, instanceId)) {
          fetched.push({ invocation, producers });
        }
      });
    }
  } catch (error) {
    if (!(error instanceof ParentNotFoundError) || mayNotBeVisibleYet(items, now())) throw error;
    // Older than SSM's memory: what the events said is all there is to keep.
    return observations;
  }

  const observedAt = now();
  if (command) observations.push(commandObservation(command, { observedAt, producers: parentProducers }));
  await forEachBounded(fetched, CALLS_PER_PARENT, async ({ invocation, producers }) => {
    const outputs = await fullOutputs(clients, invocation, settings);
    observations.push(commandInvocationObservation(invocation, outputs, { observedAt, producers }));
  });
  return observations;
}

/** Run Command as the collector needs it: everything but the pollers' lister, which its bundle leaves out. */
export const runCommandCollection: HistorySource = {
  kind: 'run-command',
  statuses: runCommandStatuses,
  alerts: [commandInvocationAlert, commandAlert],
  parentId: ssmIds.commandId,
  childId: ssmIds.instanceId,
  eventDetailTypes: [COMMAND_DETAIL_TYPE, INVOCATION_DETAIL_TYPE],
  tables: Object.keys(runCommandTables),
  // The plugin answers it already holds for a finished invocation, so as not to read them again.
  tablesRead: ['commandInvocations'],
  collectorActions: ['ssm:ListCommands', 'ssm:ListCommandInvocations', 'ssm:GetCommandInvocation'],
  parseEvent: parseRunCommandEvent,
  parseNotification: parseRunCommandNotification,
  collect,
};

/** Run Command, listed by the pollers too. Pure, so that a bundle that never reads it drops the lister. */
export const runCommandSource: ListedSource = /* @__PURE__ */ withLister(runCommandCollection, runCommandLister);
