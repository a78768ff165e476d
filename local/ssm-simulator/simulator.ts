import type { Command, CommandInvocation, GetCommandInvocationResult } from '@aws-sdk/client-ssm';
import type { Session } from '@aws-sdk/client-ssm';
import type { Association, AssociationExecution, AssociationExecutionTarget, AutomationExecutionMetadata, StepExecution } from '@aws-sdk/client-ssm';
import type {
  MaintenanceWindowExecution,
  MaintenanceWindowExecutionTaskIdentity,
  MaintenanceWindowExecutionTaskInvocationIdentity,
  MaintenanceWindowIdentity,
} from '@aws-sdk/client-ssm';
import { AssociationState, associationExecutionRecord, associationRecord, associationTargetRecord, type AssociationSpec } from './association';
import { AutomationState, executionMetadataRecord, stepRecord, type AutomationSpec } from './automation';
import { realClock, VirtualClock, type Clock } from './clock';
import { SsmError } from '../../lambdas/ssm-protocol/errors';
import { eventsFor, type SimulatorEvent } from './events';
import {
  MaintenanceWindowState,
  invocationRecord as mwInvocationRecord,
  listedInvocations,
  taskRecord as mwTaskRecord,
  windowExecutionRecord,
  windowRecord,
  type MaintenanceWindowExecutionSeed,
  type MaintenanceWindowSpec,
} from './maintenance-window';
import { CallStats, FaultInjector, TokenBucket, type FaultConfig, type OperationStats, type RateLimit } from './faults';
import type { JsonObject } from '../../lambdas/ssm-protocol/input';
import { simulatedKind, type ScheduledKind, type SimulatedKind } from './operations';
import { associationOperations } from './association-api';
import { automationOperations } from './automation-api';
import { maintenanceWindowOperations } from './maintenance-window-api';
import { runCommandOperations } from './run-command-api';
import { sessionOperations } from './session-api';
import { PageTokens } from '../../lambdas/ssm-protocol/page-token';
import { SeededRandom } from './random';
import { commandRecord, getInvocationRecord, invocationRecord, pluginView } from './records';
import { SsmJsonServer } from './server';
import type { CommandInvocationSeed, CommandSpec } from './spec';
import { invocationsInListingOrder, type Transition } from './runs';
import type { CommandStarter } from './started-commands';
import { SessionState, sessionRecord, type SessionSpec } from './session';
import { RunCommandState } from './state';

export interface SsmSimulatorOptions {
  /** Default: a new VirtualClock at DEFAULT_VIRTUAL_START. 'real' follows wall time (local mode). */
  clock?: VirtualClock | 'real';
  /** Default us-east-1. */
  region?: string;
  /** Default 123456789012. */
  accountId?: string;
  /** Seeds command ids, event ids and page-token keys. Default 1. */
  seed?: number;
  /** Where rate limits read time. Default wall time: the SDK's retries wait in wall time, whatever the simulator's clock. */
  rateClock?: Clock;
}

/**
 * What SSM answers in a Region that is not enabled for the account (an opt-in Region): the
 * Region's services do not know the account's credentials, and AWS's JSON services (SSM among
 * them) reject the call before any operation runs.
 */
export const REGION_NOT_ENABLED_TYPE = 'UnrecognizedClientException';
export const REGION_NOT_ENABLED_MESSAGE = 'The security token included in the request is invalid';

/** One plugin's complete output, which SSM itself only gives cut (2,500 / 24,000 / 8,000 characters). */
export interface PluginOutputTruth {
  commandId: string;
  instanceId: string;
  pluginName: string;
  /** Full text once the plugin has finished, else empty. */
  stdout: string;
  stderr: string;
  /** What GetCommandInvocation returns for this plugin now. */
  invocation: GetCommandInvocationResult;
}

/** Everything SSM would return now, in API order, for comparing an archive against. */
export interface SimulatorTruth {
  /** ListCommands order. */
  commands: Command[];
  /** ListCommandInvocations order, Details=true. */
  invocations: CommandInvocation[];
  pluginOutputs: PluginOutputTruth[];
  /** DescribeAutomationExecutions order (newest first), each execution with all its steps. */
  automations: AutomationTruth[];
  /**
   * ListAssociations order, each association with its executions (newest first) and their
   * targets. truth() always sets it; optional only so that truths built by hand elsewhere
   * (local mode's tests) still type-check until they list associations too.
   */
  associations?: AssociationTruth[];
  /**
   * DescribeMaintenanceWindows order, each window with its executions (newest first), their
   * tasks and the tasks' invocations. truth() always sets it; optional like `associations`.
   */
  maintenanceWindows?: MaintenanceWindowTruth[];
  /** Every session, Active and History, newest first; optional like `associations`. */
  sessions?: Session[];
}

/** One maintenance window as SSM would return it now, in API order throughout. */
export interface MaintenanceWindowTruth {
  /** DescribeMaintenanceWindows' record. */
  window: MaintenanceWindowIdentity;
  /** DescribeMaintenanceWindowExecutions order (newest first). */
  executions: {
    execution: MaintenanceWindowExecution;
    /** DescribeMaintenanceWindowExecutionTasks order (run order), each with DescribeMaintenanceWindowExecutionTaskInvocations' records (target order). */
    tasks: { task: MaintenanceWindowExecutionTaskIdentity; invocations: MaintenanceWindowExecutionTaskInvocationIdentity[] }[];
  }[];
}

/** One State Manager association as SSM would return it now. */
export interface AssociationTruth {
  /** ListAssociations' record. */
  association: Association;
  /** DescribeAssociationExecutions order (newest first), each with DescribeAssociationExecutionTargets' records (ResourceId order). */
  executions: { execution: AssociationExecution; targets: AssociationExecutionTarget[] }[];
}

/** One Automation execution as SSM would return it now: its metadata and every step, in API order. */
export interface AutomationTruth {
  /** DescribeAutomationExecutions' record. */
  execution: AutomationExecutionMetadata;
  /** DescribeAutomationStepExecutions' records, in step order. */
  steps: StepExecution[];
}

export type SimulatorEventListener = (event: SimulatorEvent) => void;

/**
 * An in-process stand-in for AWS Systems Manager's Run Command read API. Scripted commands
 * play out on the simulator's clock, emit the events SSM would, and are served over SSM's
 * own JSON protocol so the real SDK and CLI can read them.
 */
export class SsmSimulator {
  readonly region: string;
  readonly accountId: string;

  private readonly clock: Clock;
  private readonly virtualClock: VirtualClock | undefined;
  private readonly random: SeededRandom;
  private readonly runCommand: RunCommandState;
  private readonly automation: AutomationState;
  private readonly association: AssociationState;
  private readonly maintenanceWindow: MaintenanceWindowState;
  private readonly session: SessionState;
  /** Every kind's state, for what the simulator does to all alike: advance, find the next change. */
  private readonly kinds: readonly ScheduledKind[];
  /** Every operation of every kind, bound to its kind's state. */
  private readonly operations: ReadonlyMap<string, (input: JsonObject) => object>;
  private readonly faults = new FaultInjector();
  private readonly calls = new CallStats();
  private readonly rateClock: Clock;
  private rateLimit: TokenBucket | undefined;
  private regionEnabled = true;
  private readonly emitted: SimulatorEvent[] = [];
  private readonly listeners = new Set<SimulatorEventListener>();
  private pending: SimulatorEvent[] = [];
  private server: SsmJsonServer | undefined;
  private wakeTimer: NodeJS.Timeout | undefined;

  constructor(options: SsmSimulatorOptions = {}) {
    this.region = options.region ?? 'us-east-1';
    this.accountId = options.accountId ?? '123456789012';
    if (options.clock === 'real') {
      this.clock = realClock;
      this.virtualClock = undefined;
    } else {
      this.virtualClock = options.clock ?? new VirtualClock();
      this.clock = this.virtualClock;
    }
    this.rateClock = options.rateClock ?? realClock;
    const seed = options.seed ?? 1;
    this.random = new SeededRandom(seed);
    const eventContext = { region: this.region, accountId: this.accountId, random: this.random };
    this.runCommand = new RunCommandState(
      this.random,
      this.region,
      (transition: Transition) => this.pending.push(...eventsFor(transition, eventContext)),
      this.clock.now().getTime(),
    );
    // SSM runs window tasks, associations and aws:runCommand steps through Run Command: their commands are real ones.
    const startCommand: CommandStarter = (spec, at) => void this.runCommand.add(spec, at);
    this.automation = new AutomationState(eventContext, (event) => this.pending.push(event), this.clock.now().getTime(), startCommand);
    this.association = new AssociationState(eventContext, (event) => this.pending.push(event), startCommand);
    this.maintenanceWindow = new MaintenanceWindowState(eventContext, (event) => this.pending.push(event), startCommand);
    this.session = new SessionState(eventContext, (event) => this.pending.push(event));
    const tokens = new PageTokens(`ssm-simulator:${seed}`);
    const plugins: readonly SimulatedKind[] = [
      simulatedKind(this.runCommand, runCommandOperations, tokens),
      simulatedKind(this.automation, automationOperations, tokens),
      simulatedKind(this.association, associationOperations, tokens),
      simulatedKind(this.maintenanceWindow, maintenanceWindowOperations, tokens),
      simulatedKind(this.session, sessionOperations, tokens),
    ];
    this.kinds = plugins.map((plugin) => plugin.state);
    this.operations = new Map(plugins.flatMap((plugin) => [...plugin.operations]));
  }

  now(): Date {
    return this.clock.now();
  }

  /** Serves the JSON protocol on 127.0.0.1 (port 0 = any free port). */
  async listen(port = 0): Promise<{ endpoint: string; port: number }> {
    if (this.server !== undefined) throw new Error('SSM simulator is already listening');
    const server = new SsmJsonServer((operation, input) => this.invoke(operation, input));
    const address = await server.listen(port);
    this.server = server;
    return address;
  }

  async close(): Promise<void> {
    if (this.wakeTimer !== undefined) clearTimeout(this.wakeTimer);
    this.wakeTimer = undefined;
    const server = this.server;
    this.server = undefined;
    await server?.close();
  }

  /**
   * One SSM call, as the HTTP server makes it: the Region's access, the rate limit, faults,
   * stats and the operation table. Resolves to the response shape (Dates as Dates); rejects
   * with an SsmError.
   */
  async invoke(operation: string, input: JsonObject): Promise<object> {
    if (!this.regionEnabled) {
      this.calls.record(operation, 'invalid');
      throw new SsmError(REGION_NOT_ENABLED_TYPE, REGION_NOT_ENABLED_MESSAGE);
    }
    const handler = this.operations.get(operation);
    if (handler === undefined) {
      this.calls.record(operation, 'invalid');
      throw new SsmError('UnknownOperationException', `Operation ${operation} is not supported by the SSM simulator`);
    }
    if (this.rateLimit !== undefined && !this.rateLimit.take(this.rateClock.now().getTime())) {
      this.calls.record(operation, 'throttled');
      throw new SsmError('ThrottlingException', 'Rate exceeded');
    }
    const fault = this.faults.decide(operation);
    const latency = this.faults.latencyMs(operation);
    if (latency > 0) await new Promise((resolve) => setTimeout(resolve, latency));
    if (fault === 'throttle') {
      this.calls.record(operation, 'throttled');
      throw new SsmError('ThrottlingException', 'Rate exceeded');
    }
    if (fault === 'serverError') {
      this.calls.record(operation, 'failed');
      throw new SsmError('InternalServerError', 'An internal error occurred (injected by the SSM simulator)', 500);
    }
    this.sync();
    try {
      const output = handler(input);
      this.calls.record(operation, 'ok');
      return output;
    } catch (error) {
      this.calls.record(operation, error instanceof SsmError && error.httpStatus < 500 ? 'invalid' : 'failed');
      throw error;
    }
  }

  /** Creates a command as SendCommand would and schedules its scripted course. Returns its CommandId. */
  sendCommand(spec: CommandSpec): string {
    const command = this.runCommand.add(spec, this.clock.now().getTime());
    this.flush();
    this.scheduleWake();
    return command.id;
  }

  /** Starts an Automation execution as StartAutomationExecution would and schedules its steps. Returns its AutomationExecutionId. */
  startAutomation(spec: AutomationSpec): string {
    const run = this.automation.start(spec, this.clock.now().getTime());
    this.flush();
    this.scheduleWake();
    return run.id;
  }

  /** Opens a Session Manager session as StartSession would and schedules its end. Returns its SessionId. */
  startSession(spec: SessionSpec): string {
    const run = this.session.start(spec, this.clock.now().getTime());
    this.flush();
    this.scheduleWake();
    return run.id;
  }

  /** Creates a State Manager association as CreateAssociation would and schedules its executions. Returns its AssociationId. */
  createAssociation(spec: AssociationSpec): string {
    const run = this.association.create(spec, this.clock.now().getTime());
    this.flush();
    this.scheduleWake();
    return run.id;
  }

  /** Creates a maintenance window with its tasks and schedules its executions. Returns its WindowId. */
  createMaintenanceWindow(spec: MaintenanceWindowSpec): string {
    const window = this.maintenanceWindow.create(spec, this.clock.now().getTime());
    this.flush();
    this.scheduleWake();
    return window.id;
  }

  /**
   * Loads a window execution with its tasks and invocations as exact SSM records, served as
   * given (not played out, no events), e.g. AWS's documented sample responses. Returns the
   * WindowExecutionId. The ids are not checked against SSM's patterns here: AWS's samples use
   * placeholders such as a06e9f91-3b9c-4c3e-8bd4-246ccEXAMPLE, which the request readers accept
   * too (lambdas/sources/maintenance-window/requests.ts).
   */
  seedMaintenanceWindowExecution(seed: MaintenanceWindowExecutionSeed): string {
    return this.maintenanceWindow.seed(seed).id;
  }

  /**
   * Loads one command invocation as exact SSM records, served as given (not played out, no
   * events), e.g. AWS's documented sample responses: ListCommands, ListCommandInvocations
   * (with and without Details) and GetCommandInvocation return them unchanged, and
   * forgetBefore drops them by their RequestedDateTime. The command's record and the
   * invocation's CommandPlugins default to what SSM would list for them (CommandInvocationSeed).
   * Returns the CommandId.
   */
  seedCommandInvocation(seed: CommandInvocationSeed): string {
    return this.runCommand.seed(seed).id;
  }

  advanceBy(ms: number): void {
    this.requireVirtual('advanceBy').advance(ms);
    this.sync();
  }

  advanceTo(date: Date): void {
    this.requireVirtual('advanceTo').set(date);
    this.sync();
  }

  /** Moves the virtual clock to the last scheduled change, so every command is terminal. */
  runToCompletion(): Date {
    const clock = this.requireVirtual('runToCompletion');
    const last = Math.max(...this.kinds.map((kind) => kind.lastDueAt() ?? -Infinity));
    if (Number.isFinite(last) && last > clock.now().getTime()) clock.set(new Date(last));
    this.sync();
    return clock.now();
  }

  /** Applies the changes due by the clock's now. Calls and clock moves do this already. */
  sync(): void {
    const now = this.clock.now().getTime();
    for (const kind of this.kinds) kind.syncTo(now);
    this.flush();
    this.scheduleWake();
  }

  /** Every event emitted so far, in emission order. */
  get events(): readonly SimulatorEvent[] {
    return this.emitted;
  }

  clearEvents(): void {
    this.emitted.length = 0;
  }

  /** Called for each event as it is emitted; returns the unsubscribe function. */
  onEvent(listener: SimulatorEventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Replaces the fault settings; setFaults({}) turns faults off. */
  setFaults(config: FaultConfig): void {
    this.faults.configure(config);
  }

  /** Limits this account and Region's calls (a bucket starting full); undefined lifts the limit. */
  setRateLimit(limit: RateLimit | undefined): void {
    this.rateLimit = limit === undefined ? undefined : new TokenBucket(limit, this.rateClock.now().getTime());
  }

  /** false: the Region is an opt-in Region the account has not enabled, and every call is refused. */
  setRegionEnabled(enabled: boolean): void {
    this.regionEnabled = enabled;
  }

  stats(): Record<string, OperationStats> {
    return this.calls.snapshot();
  }

  resetStats(): void {
    this.calls.reset();
  }

  /** Drops commands requested before `date`, as SSM does after 30 days. Returns how many. */
  forgetBefore(date: Date): number {
    return this.runCommand.forgetBefore(date.getTime());
  }

  /** Drops Automation executions started before `date`, as SSM does after its retention. Returns how many. */
  forgetAutomationsBefore(date: Date): number {
    return this.automation.forgetBefore(date.getTime());
  }

  /** Drops association executions created before `date`, as SSM does after its retention. Returns how many. */
  forgetAssociationExecutionsBefore(date: Date): number {
    return this.association.forgetBefore(date.getTime());
  }

  /** Drops ended sessions started before `date`, as SSM does after 30 days. Returns how many. */
  forgetSessionsBefore(date: Date): number {
    return this.session.forgetBefore(date.getTime());
  }

  /** Drops maintenance window executions started before `date` (with their tasks and invocations); the windows stay. Returns how many. */
  forgetMaintenanceWindowExecutionsBefore(date: Date): number {
    return this.maintenanceWindow.forgetBefore(date.getTime());
  }

  forgetCommand(commandId: string): boolean {
    return this.runCommand.forget(commandId);
  }

  truth(): SimulatorTruth {
    this.sync();
    const at = this.runCommand.syncedAt;
    const commands = this.runCommand.list();
    const truth: SimulatorTruth = {
      commands: commands.map(commandRecord),
      invocations: [],
      pluginOutputs: [],
      automations: this.automationTruth(),
      associations: this.associationTruth(),
      maintenanceWindows: this.maintenanceWindowTruth(),
      sessions: this.sessionTruth(),
    };
    for (const command of commands) {
      for (const invocation of invocationsInListingOrder(command)) {
        truth.invocations.push(invocationRecord(invocation, at, true));
        for (const plugin of invocation.plugins) {
          const finished = pluginView(invocation, plugin, at).finished;
          truth.pluginOutputs.push({
            commandId: command.id,
            instanceId: invocation.instanceId,
            pluginName: plugin.name,
            stdout: finished ? plugin.stdout : '',
            stderr: finished ? plugin.stderr : '',
            invocation: getInvocationRecord(invocation, plugin, at),
          });
        }
      }
    }
    return truth;
  }

  /** Every Automation execution SSM would return now, newest first, each with all its steps. */
  automationTruth(): AutomationTruth[] {
    this.sync();
    return this.automation.list().map((run) => ({
      execution: executionMetadataRecord(run),
      steps: run.steps.map((step) => stepRecord(run, step)),
    }));
  }

  /** Every association SSM would list now, with its executions and their targets. */
  associationTruth(): AssociationTruth[] {
    this.sync();
    return this.association.list().map((run) => ({
      association: associationRecord(run),
      executions: run.executions.map((execution) => ({
        execution: associationExecutionRecord(run, execution),
        targets: [...execution.targets]
          .sort((a, b) => (a.resourceId < b.resourceId ? -1 : a.resourceId > b.resourceId ? 1 : 0))
          .map((target) => associationTargetRecord(run, execution, target)),
      })),
    }));
  }

  /** Every session SSM would list now, running or ended, newest first. */
  sessionTruth(): Session[] {
    this.sync();
    return this.session.list().map(sessionRecord);
  }

  /** Every maintenance window SSM would list now, with its executions, their tasks and invocations, in API order. */
  maintenanceWindowTruth(): MaintenanceWindowTruth[] {
    this.sync();
    return this.maintenanceWindow.list().map((window) => ({
      window: windowRecord(window),
      executions: window.executions.map((execution) => ({
        execution: windowExecutionRecord(execution),
        tasks: execution.tasks.map((task) => ({
          task: mwTaskRecord(execution, task),
          invocations: listedInvocations(task).map((invocation) => mwInvocationRecord(execution, task, invocation)),
        })),
      })),
    }));
  }

  private requireVirtual(method: string): VirtualClock {
    if (this.virtualClock === undefined) throw new Error(`${method} needs a virtual clock; this simulator follows real time`);
    return this.virtualClock;
  }

  /** Records first, then notifies, so a throwing listener cannot lose events. */
  private flush(): void {
    if (this.pending.length === 0) return;
    const batch = this.pending;
    this.pending = [];
    for (const event of batch) this.emitted.push(event);
    for (const event of batch) {
      for (const listener of this.listeners) listener(event);
    }
  }

  /** With a real clock nothing advances time for us: wake up when the next change is due. */
  private scheduleWake(): void {
    if (this.virtualClock !== undefined) return;
    if (this.wakeTimer !== undefined) clearTimeout(this.wakeTimer);
    this.wakeTimer = undefined;
    const dues = this.kinds.map((kind) => kind.nextDueAt()).filter((at): at is number => at !== undefined);
    if (dues.length === 0) return;
    const next = Math.min(...dues);
    const delay = Math.min(Math.max(0, next - Date.now()), 2_147_483_647);
    this.wakeTimer = setTimeout(() => {
      this.wakeTimer = undefined;
      this.sync();
    }, delay);
    this.wakeTimer.unref();
  }
}
