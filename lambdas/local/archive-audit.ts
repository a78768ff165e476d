import { isDeepStrictEqual } from 'node:util';
import { isListedOutputCut } from '../sources/run-command/output-limits';
import { commandFromItem, commandInvocationFromItem } from '../sources/run-command/records';
import type { RecordStore } from '../store/record-store';
import { toStoredFields } from '../store/stored-fields';
import type { SimulatorTruth } from './ssm-simulator';

export interface AuditResult {
  readonly matches: boolean;
  readonly commands: number;
  readonly invocations: number;
  readonly fullOutputs: number;
  /** The first differences found, for a person to read. */
  readonly differences: readonly string[];
}

const MAX_DIFFERENCES = 10;

/** The top-level fields where two records differ, so a mismatch says where to look. */
function differingFields(stored: object, expected: object): string {
  const a = stored as Record<string, unknown>;
  const b = expected as Record<string, unknown>;
  const names = [...new Set([...Object.keys(a), ...Object.keys(b)])];
  return names.filter((name) => !isDeepStrictEqual(a[name], b[name])).join(', ');
}

/**
 * Does the archive hold exactly what SSM served? Every command and invocation of the truth,
 * field for field, and GetCommandInvocation's full output wherever the listed output was cut.
 * The benchmark and the integration tests judge the collector by it.
 */
export async function auditRunCommandArchive(store: RecordStore, truth: SimulatorTruth): Promise<AuditResult> {
  const differences: string[] = [];
  const differ = (what: string) => differences.length < MAX_DIFFERENCES && differences.push(what);

  for (const command of truth.commands) {
    const item = await store.get('commands', { CommandId: command.CommandId as string });
    if (!item) differ(`command ${command.CommandId} missing`);
    else if (!isDeepStrictEqual(commandFromItem(item), command)) {
      differ(`command ${command.CommandId} differs in ${differingFields(commandFromItem(item), command)}`);
    }
  }

  const cutPlugins = new Set<string>();
  for (const invocation of truth.invocations) {
    const key = { CommandId: invocation.CommandId as string, InstanceId: invocation.InstanceId as string };
    const item = await store.get('commandInvocations', key);
    if (!item) {
      differ(`invocation ${key.CommandId}/${key.InstanceId} missing`);
      continue;
    }
    const stored = commandInvocationFromItem(item);
    if (!isDeepStrictEqual(stored, invocation)) {
      differ(`invocation ${key.CommandId}/${key.InstanceId} differs in ${differingFields(stored, invocation)}`);
    }
    for (const plugin of invocation.CommandPlugins ?? []) {
      if (isListedOutputCut(plugin.Output)) cutPlugins.add(`${key.CommandId}/${key.InstanceId}/${plugin.Name}`);
    }
  }

  let fullOutputs = 0;
  for (const output of truth.pluginOutputs) {
    if (!cutPlugins.has(`${output.commandId}/${output.instanceId}/${output.pluginName}`)) continue;
    fullOutputs++;
    const item = await store.get('commandInvocations', { CommandId: output.commandId, InstanceId: output.instanceId });
    const stored = (item?.pluginOutputs as Record<string, unknown> | undefined)?.[output.pluginName];
    if (!isDeepStrictEqual(stored, toStoredFields(output.invocation))) {
      differ(`full output of ${output.commandId}/${output.instanceId}/${output.pluginName} differs`);
    }
  }

  return {
    matches: differences.length === 0,
    commands: truth.commands.length,
    invocations: truth.invocations.length,
    fullOutputs,
    differences,
  };
}
