// The bench's and the tests' audit of an archive against the simulator's truth: it never ships in
// a Lambda or in local mode, so it lives with the bench.
import { isDeepStrictEqual } from 'node:util';
import { associationExecutionFromItem, associationExecutionTargetFromItem } from '../lambdas/sources/association/records';
import { automationExecutionFromItem, automationStepFromItem } from '../lambdas/sources/automation/records';
import { windowExecutionFromItem, windowTaskFromItem, windowTaskInvocationFromItem } from '../lambdas/sources/maintenance-window/records';
import { sessionFromItem } from '../lambdas/sources/session/records';
import { isListedOutputCut } from '../lambdas/sources/run-command/output-limits';
import { commandFromItem, commandInvocationFromItem } from '../lambdas/sources/run-command/records';
import type { RecordStore, StoredItem } from '../lambdas/store/record-store';
import { toStoredFields } from '../lambdas/store/stored-fields';
import type { SimulatorTruth } from '../local/ssm-simulator';
import type { ArchiveTableId as TableId } from '../lambdas/sources/tables';

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

/** What an audit of one history kind found: records compared, and the first differences. */
export interface KindAuditResult {
  readonly matches: boolean;
  readonly records: number;
  readonly differences: readonly string[];
}

/** Every item under one partition key, by key order. */
async function allUnder(store: RecordStore, table: TableId, partitionValue: string): Promise<StoredItem[]> {
  const items: StoredItem[] = [];
  let page = await store.page(table, partitionValue, 100);
  items.push(...page.items);
  while (page.nextKey) {
    page = await store.page(table, partitionValue, 100, page.nextKey);
    items.push(...page.items);
  }
  return items;
}

/** Compares a parent's stored children with SSM's, matched by their own id. */
function compareChildren<T extends object>(
  what: string,
  stored: readonly T[],
  expected: readonly T[],
  idOf: (record: T) => string | undefined,
  differ: (what: string) => void,
): void {
  const byId = new Map(stored.map((record) => [idOf(record), record]));
  if (stored.length !== expected.length) differ(`${what}: ${stored.length} stored, SSM has ${expected.length}`);
  for (const record of expected) {
    const found = byId.get(idOf(record));
    if (!found) differ(`${what} ${idOf(record)} missing`);
    else if (!isDeepStrictEqual(found, record)) differ(`${what} ${idOf(record)} differs in ${differingFields(found, record)}`);
  }
}

function auditor(): { differences: string[]; differ: (what: string) => void } {
  const differences: string[] = [];
  return { differences, differ: (what) => void (differences.length < MAX_DIFFERENCES && differences.push(what)) };
}

/** Does the archive hold every Automation execution of the truth, and every step, field for field? */
export async function auditAutomationArchive(store: RecordStore, truth: SimulatorTruth): Promise<KindAuditResult> {
  const { differences, differ } = auditor();
  let records = 0;
  for (const { execution, steps } of truth.automations) {
    const id = execution.AutomationExecutionId as string;
    records += 1 + steps.length;
    const item = await store.get('automationExecutions', { AutomationExecutionId: id });
    if (!item) differ(`automation execution ${id} missing`);
    else if (!isDeepStrictEqual(automationExecutionFromItem(item), execution)) {
      differ(`automation execution ${id} differs in ${differingFields(automationExecutionFromItem(item), execution)}`);
    }
    const stored = (await allUnder(store, 'automationSteps', id)).map(automationStepFromItem);
    compareChildren(`step of ${id}`, stored, steps, (step) => step.StepExecutionId, differ);
  }
  return { matches: differences.length === 0, records, differences };
}

/** Does the archive hold every association execution of the truth, and every target, field for field? */
export async function auditAssociationArchive(store: RecordStore, truth: SimulatorTruth): Promise<KindAuditResult> {
  const { differences, differ } = auditor();
  let records = 0;
  for (const { executions } of truth.associations ?? []) {
    for (const { execution, targets } of executions) {
      const key = { AssociationId: execution.AssociationId as string, ExecutionId: execution.ExecutionId as string };
      records += 1 + targets.length;
      const item = await store.get('associationExecutions', key);
      if (!item) differ(`association execution ${key.ExecutionId} missing`);
      else if (!isDeepStrictEqual(associationExecutionFromItem(item), execution)) {
        differ(`association execution ${key.ExecutionId} differs in ${differingFields(associationExecutionFromItem(item), execution)}`);
      }
      const stored = (await allUnder(store, 'associationExecutionTargets', key.ExecutionId)).map(associationExecutionTargetFromItem);
      compareChildren(`target of ${key.ExecutionId}`, stored, targets, (target) => target.ResourceId, differ);
    }
  }
  return { matches: differences.length === 0, records, differences };
}

/** Does the archive hold every window execution of the truth, its tasks and their invocations, field for field? */
export async function auditMaintenanceWindowArchive(store: RecordStore, truth: SimulatorTruth): Promise<KindAuditResult> {
  const { differences, differ } = auditor();
  let records = 0;
  for (const { executions } of truth.maintenanceWindows ?? []) {
    for (const { execution, tasks } of executions) {
      const id = execution.WindowExecutionId as string;
      records += 1 + tasks.length + tasks.reduce((sum, { invocations }) => sum + invocations.length, 0);
      const item = await store.get('maintenanceWindowExecutions', { WindowExecutionId: id });
      if (!item) differ(`window execution ${id} missing`);
      else if (!isDeepStrictEqual(windowExecutionFromItem(item), execution)) {
        differ(`window execution ${id} differs in ${differingFields(windowExecutionFromItem(item), execution)}`);
      }
      const storedTasks = (await allUnder(store, 'maintenanceWindowTasks', id)).map(windowTaskFromItem);
      compareChildren(`task of ${id}`, storedTasks, tasks.map(({ task }) => task), (task) => task.TaskExecutionId, differ);
      for (const { task, invocations } of tasks) {
        const taskId = task.TaskExecutionId as string;
        const stored = (await allUnder(store, 'maintenanceWindowTaskInvocations', taskId)).map(windowTaskInvocationFromItem);
        compareChildren(`invocation of ${taskId}`, stored, invocations, (invocation) => invocation.InvocationId, differ);
      }
    }
  }
  return { matches: differences.length === 0, records, differences };
}

/** Does the archive hold every session of the truth, field for field? */
export async function auditSessionArchive(store: RecordStore, truth: SimulatorTruth): Promise<KindAuditResult> {
  const { differences, differ } = auditor();
  const sessions = truth.sessions ?? [];
  for (const session of sessions) {
    const id = session.SessionId as string;
    const item = await store.get('sessions', { SessionId: id });
    if (!item) differ(`session ${id} missing`);
    else if (!isDeepStrictEqual(sessionFromItem(item), session)) differ(`session ${id} differs in ${differingFields(sessionFromItem(item), session)}`);
  }
  return { matches: differences.length === 0, records: sessions.length, differences };
}
