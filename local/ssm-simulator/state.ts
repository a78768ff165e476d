import type { GetCommandInvocationResult } from '@aws-sdk/client-ssm';
import { buildCommand } from './command-script';
import { deriveCommandStatus } from './command-status';
import type { SeededRandom } from './random';
import { listedPlugin } from './records';
import { compareCommands, type CommandRequest, type CommandRun, type InvocationRun, type PluginRun, type Transition } from './runs';
import { Schedule } from './schedule';
import { OUTCOMES, type CommandInvocationSeed, type CommandSpec, type Outcome } from './spec';

/** SendCommand's defaults, for a seeded command given without its ListCommands record. */
const SEED_TIMEOUT_SECONDS = 3600;
const SEED_EXECUTION_TIMEOUT_SECONDS = 3600;

/**
 * Run Command's data: commands with their invocations, each moving along its scripted
 * path as the sync time advances. Records for the API are built from this in records.ts.
 */
export class RunCommandState {
  private readonly commands = new Map<string, CommandRun>();
  /** ListCommands order: newest RequestedDateTime first, then CommandId. */
  private readonly ordered: CommandRun[] = [];
  private readonly schedule = new Schedule<{ invocation: InvocationRun; step: number }>();
  private syncedAtMs: number;

  constructor(
    private readonly random: SeededRandom,
    private readonly region: string,
    private readonly onTransition: (transition: Transition) => void,
    startAt: number,
  ) {
    this.syncedAtMs = startAt;
  }

  get syncedAt(): number {
    return this.syncedAtMs;
  }

  get(commandId: string): CommandRun | undefined {
    return this.commands.get(commandId);
  }

  list(): readonly CommandRun[] {
    return this.ordered;
  }

  add(spec: CommandSpec, now: number): CommandRun {
    const id = spec.commandId ?? this.random.uuid();
    if (this.commands.has(id)) throw new Error(`sendCommand: command ${id} already exists`);
    const command = buildCommand(spec, id, now, this.region);
    this.commands.set(id, command);
    this.ordered.splice(this.insertionIndex(command), 0, command);

    this.onTransition({ kind: 'command', at: command.requestedAt, command });
    for (const invocation of command.invocations) {
      this.onTransition({ kind: 'invocation', at: command.requestedAt, command, invocation });
      invocation.steps.forEach((step, index) => {
        if (index > 0) this.schedule.push(step.at, { invocation, step: index });
      });
    }
    this.syncTo(Math.max(now, this.syncedAtMs));
    return command;
  }

  /**
   * Loads one invocation of a command as exact records (seedCommandInvocation): nothing is
   * scheduled and no transition reported. The run behind them carries what the filters,
   * paging, forgetBefore and plugin selection need; the records themselves are served as given.
   */
  seed(seed: CommandInvocationSeed): CommandRun {
    const { invocation, pluginOutputs } = seed;
    const given = seed.command;
    const id = invocation.CommandId;
    const instanceId = invocation.InstanceId;
    if (id === undefined || id === '') throw new RangeError('seedCommandInvocation: the invocation needs a CommandId');
    if (instanceId === undefined || instanceId === '') throw new RangeError('seedCommandInvocation: the invocation needs an InstanceId');
    if (given?.CommandId !== undefined && given.CommandId !== id) {
      throw new RangeError(`seedCommandInvocation: command ${given.CommandId} does not match the invocation's ${id}`);
    }
    if (this.commands.has(id)) throw new Error(`seedCommandInvocation: command ${id} already exists`);
    if (pluginOutputs.length === 0) throw new RangeError('seedCommandInvocation: at least one plugin output is needed');
    for (const output of pluginOutputs) {
      if ((output.CommandId ?? id) !== id || (output.InstanceId ?? instanceId) !== instanceId) {
        throw new RangeError(`seedCommandInvocation: plugin output ${output.PluginName ?? ''} belongs to another invocation`);
      }
    }
    const requestedAt = (given?.RequestedDateTime ?? invocation.RequestedDateTime)?.getTime();
    if (requestedAt === undefined || Number.isNaN(requestedAt)) {
      throw new RangeError('seedCommandInvocation: the invocation (or command) needs a RequestedDateTime');
    }

    const request = seededRequest(seed, instanceId, this.region);
    const details = invocation.StatusDetails ?? invocation.Status ?? 'Pending';
    const invocations: InvocationRun[] = [];
    const byInstance = new Map<string, InvocationRun>();
    const command: CommandRun = {
      id,
      request,
      requestedAt,
      expiresAt: given?.ExpiresAfter?.getTime() ?? requestedAt + (request.timeoutSeconds + SEED_EXECUTION_TIMEOUT_SECONDS) * 1000,
      invocations,
      byInstance,
      detailCounts: new Map([[details, 1]]),
      status: 'Pending',
      statusDetails: 'Pending',
      forgotten: false,
      ...(given !== undefined ? { verbatim: { ...given } } : {}),
    };
    const location = { region: request.outputS3Region, bucket: request.outputS3BucketName, keyPrefix: request.outputS3KeyPrefix };
    const listed = invocation.CommandPlugins ?? pluginOutputs.map((output) => listedPlugin({ CommandId: id, InstanceId: instanceId, ...output }, location));
    const plugins = pluginOutputs.map(seededPlugin);
    const names = (list: readonly { Name?: string }[]): string => list.map((p) => p.Name ?? '').join('\n');
    if (names(listed) !== names(plugins.map((p) => ({ Name: p.name })))) {
      throw new RangeError("seedCommandInvocation: the invocation's CommandPlugins must name the plugin outputs' PluginNames, in order");
    }
    const run: InvocationRun = {
      command,
      instanceId,
      requestedAt: invocation.RequestedDateTime?.getTime() ?? requestedAt,
      instanceName: invocation.InstanceName ?? '',
      steps: [{ at: requestedAt, status: invocation.Status ?? 'Pending', details }],
      current: 0,
      plugins,
      verbatim: { ...invocation, CommandPlugins: listed },
    };
    invocations.push(run);
    byInstance.set(instanceId, run);
    const [status, statusDetails] = deriveCommandStatus(command);
    command.status = given?.Status ?? status;
    command.statusDetails = given?.StatusDetails ?? given?.Status ?? statusDetails;

    this.commands.set(id, command);
    this.ordered.splice(this.insertionIndex(command), 0, command);
    return command;
  }

  /** Applies every scripted change due at or before `now`, in time order. */
  syncTo(now: number): void {
    this.schedule.runDue(now, ({ invocation }) => !invocation.command.forgotten, ({ invocation, step }) => this.apply(invocation, step));
    if (now > this.syncedAtMs) this.syncedAtMs = now;
  }

  nextDueAt(): number | undefined {
    return this.schedule.peek()?.at;
  }

  lastDueAt(): number | undefined {
    return this.schedule.latest((item) => !item.invocation.command.forgotten);
  }

  /** Drops commands requested before `cutoff`, as SSM does after its retention period. */
  forgetBefore(cutoff: number): number {
    let dropped = 0;
    for (const command of [...this.ordered]) {
      if (command.requestedAt < cutoff) {
        this.drop(command);
        dropped++;
      }
    }
    if (dropped > 0) this.schedule.retain((item) => !item.invocation.command.forgotten);
    return dropped;
  }

  forget(commandId: string): boolean {
    const command = this.commands.get(commandId);
    if (command === undefined) return false;
    this.drop(command);
    this.schedule.retain((item) => !item.invocation.command.forgotten);
    return true;
  }

  private drop(command: CommandRun): void {
    command.forgotten = true;
    this.commands.delete(command.id);
    const index = this.ordered.indexOf(command);
    if (index >= 0) this.ordered.splice(index, 1);
  }

  private apply(invocation: InvocationRun, stepIndex: number): void {
    const command = invocation.command;
    const before = invocation.steps[invocation.current];
    const step = invocation.steps[stepIndex];
    if (before === undefined || step === undefined) return;
    invocation.current = stepIndex;
    bump(command.detailCounts, before.details, -1);
    bump(command.detailCounts, step.details, 1);
    this.onTransition({ kind: 'invocation', at: step.at, command, invocation });

    const [status, details] = deriveCommandStatus(command);
    if (status !== command.status || details !== command.statusDetails) {
      command.status = status;
      command.statusDetails = details;
      this.onTransition({ kind: 'command', at: step.at, command });
    }
  }

  private insertionIndex(command: CommandRun): number {
    let lo = 0;
    let hi = this.ordered.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const other = this.ordered[mid];
      if (other !== undefined && compareCommands(other, command) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

function bump(counts: Map<string, number>, key: string, delta: number): void {
  counts.set(key, (counts.get(key) ?? 0) + delta);
}

/** The SendCommand request behind a seed: the given command's fields, else the invocation's, else SendCommand's defaults. */
function seededRequest(seed: CommandInvocationSeed, instanceId: string, region: string): CommandRequest {
  const c = seed.command;
  const i = seed.invocation;
  return {
    documentName: c?.DocumentName ?? i.DocumentName ?? '',
    documentVersion: c?.DocumentVersion ?? i.DocumentVersion ?? '$DEFAULT',
    comment: c?.Comment ?? i.Comment ?? '',
    parameters: c?.Parameters ?? {},
    instanceIds: c?.InstanceIds ?? [instanceId],
    targets: c?.Targets ?? [],
    timeoutSeconds: c?.TimeoutSeconds ?? SEED_TIMEOUT_SECONDS,
    maxConcurrency: c?.MaxConcurrency ?? '50',
    maxErrors: c?.MaxErrors ?? '0',
    outputS3Region: c?.OutputS3Region ?? region,
    outputS3BucketName: c?.OutputS3BucketName ?? '',
    outputS3KeyPrefix: c?.OutputS3KeyPrefix ?? '',
    serviceRole: c?.ServiceRole ?? i.ServiceRole ?? '',
    notificationConfig: c?.NotificationConfig ?? i.NotificationConfig,
    cloudWatchOutputConfig: c?.CloudWatchOutputConfig ??
      i.CloudWatchOutputConfig ?? { CloudWatchLogGroupName: '', CloudWatchOutputEnabled: false },
  };
}

const OUTCOME_SET: ReadonlySet<string> = new Set(OUTCOMES);
const isOutcome = (details: string): details is Outcome => OUTCOME_SET.has(details);

/** A seeded plugin: its answer served as given; the run fields only place it (plugin selection, truth's full output). */
function seededPlugin(output: GetCommandInvocationResult): PluginRun {
  const name = output.PluginName;
  if (name === undefined || name === '') throw new RangeError('seedCommandInvocation: every plugin output needs a PluginName');
  const time = (text: string | undefined): number | undefined => (text === undefined || text === '' ? undefined : new Date(text).getTime());
  const details = output.StatusDetails ?? '';
  return {
    name,
    stdout: output.StandardOutputContent ?? '',
    stderr: output.StandardErrorContent ?? '',
    responseCode: output.ResponseCode ?? -1,
    outcome: isOutcome(details) ? details : 'Success',
    startAt: time(output.ExecutionStartDateTime),
    endAt: time(output.ExecutionEndDateTime),
    verbatim: { ...output },
  };
}
