import { randomInt } from 'node:crypto';
import { statusInfo } from '../../lambdas/core/status';
import { runCommandStatuses } from '../../lambdas/sources/run-command/statuses';
import { SeededRandom, SsmSimulator, type AssociationSpec, type AutomationSpec, type CommandSpec, type MaintenanceWindowSpec, type SessionSpec, type SimulatorTruth } from '../ssm-simulator';
import { dayOfActivity, liveAutomation, liveCommand, simulatedFleet, type FleetNode } from './activity';

/**
 * The simulator as local mode runs it: on the real clock, holding a seeded day of history,
 * and sending a new command every so often, each playing out over the following seconds to
 * minutes. Every event it emits goes to `deliver`, as EventBridge would put it on the queue.
 */
export interface SimulatedSsmOptions {
  readonly region: string;
  /** The data dir's fleet seed: the same nodes and the same day on every start. */
  readonly fleetSeed: number;
  /** Mean time between live commands; 0 sends none. */
  readonly commandIntervalMs: number;
}

/** The share of live ticks that also start an Automation execution. */
const AUTOMATION_SHARE = 0.3;

/** What rebuilds a live command: its seed and when it was sent. */
export interface LiveCommandKey {
  readonly seed: number;
  /** ISO 8601. */
  readonly requestedAt: string;
}

export interface PlayedHistory {
  readonly commands: number;
  readonly invocations: number;
  readonly automations: number;
  readonly associationExecutions: number;
  readonly windowExecutions: number;
  readonly sessions: number;
  /** The events they emitted, in order (message bodies for the queue). */
  readonly events: readonly string[];
}

export class SimulatedSsm {
  readonly fleet: readonly FleetNode[];
  private readonly simulator: SsmSimulator;
  private readonly random = new SeededRandom(randomInt(1, 2 ** 31));
  private readonly live = new Map<string, LiveCommandKey>();
  private unsubscribe: (() => void) | undefined;
  private timer: NodeJS.Timeout | undefined;
  private endpointUrl: string | undefined;

  constructor(private readonly options: SimulatedSsmOptions) {
    this.fleet = simulatedFleet(options.fleetSeed);
    // A fresh seed per start for event ids and the simulator's page tokens; command ids are set here.
    this.simulator = new SsmSimulator({ clock: 'real', region: options.region, seed: randomInt(1, 2 ** 31) });
  }

  get endpoint(): string | undefined {
    return this.endpointUrl;
  }

  async listen(): Promise<string> {
    this.endpointUrl = (await this.simulator.listen(0)).endpoint;
    return this.endpointUrl;
  }

  /**
   * Plays the day that ended at `endAt` into the simulator: the same day for the same fleet
   * seed and end, so a restart rebuilds what the archive already holds. Its commands have all
   * finished by `endAt`, so every event is emitted here, at once.
   */
  seedDay(endAt: Date): PlayedHistory {
    const day = dayOfActivity(this.fleet, this.options.fleetSeed, endAt);
    return this.play(day.commands, day.automations, day.associations, day.maintenanceWindows, day.sessions);
  }

  /** Plays again live commands of an earlier run that had not finished when it stopped. */
  resume(commands: readonly LiveCommandKey[]): PlayedHistory {
    const specs = commands.map((key) => {
      const spec = liveCommand(this.fleet, key.seed, new Date(key.requestedAt));
      if (spec.commandId !== undefined) this.live.set(spec.commandId, key);
      return spec;
    });
    return this.play(specs);
  }

  /** From now on: every event to `deliver`, one live command at once and then every so often. */
  startLive(deliver: (body: string) => void): void {
    if (this.unsubscribe !== undefined) return;
    this.unsubscribe = this.simulator.onEvent((event) => deliver(event.body));
    if (this.options.commandIntervalMs > 0) this.tick();
  }

  /** A live command now, as the timer sends them; returns its CommandId. */
  sendLiveCommand(): string {
    const key: LiveCommandKey = { seed: this.random.int(1, 2 ** 31 - 1), requestedAt: this.simulator.now().toISOString() };
    const id = this.send(liveCommand(this.fleet, key.seed, new Date(key.requestedAt)));
    this.live.set(id, key);
    return id;
  }

  /**
   * A live Automation execution now (a few short steps, playing out on the real clock); its
   * events go to `deliver` as a live command's do. Returns its AutomationExecutionId.
   */
  sendLiveAutomation(): string {
    return this.startAutomation(liveAutomation(this.random.int(1, 2 ** 31 - 1)));
  }

  /** Any Automation execution now (tests script their own). */
  startAutomation(spec: AutomationSpec): string {
    const id = this.simulator.startAutomation(spec);
    this.simulator.clearEvents();
    return id;
  }

  /** Any command now (tests script their own). */
  sendCommand(spec: CommandSpec): string {
    return this.send(spec);
  }

  /** Live commands not finished yet: what the next start should play again. */
  running(): LiveCommandKey[] {
    const running: LiveCommandKey[] = [];
    for (const command of this.simulator.truth().commands) {
      const key = command.CommandId === undefined ? undefined : this.live.get(command.CommandId);
      if (key === undefined) continue;
      if (statusInfo(runCommandStatuses, command.Status ?? 'Pending').terminal) this.live.delete(command.CommandId as string);
      else running.push(key);
    }
    return running;
  }

  /** Everything the simulator would answer now (to compare the archive against). */
  truth(): SimulatorTruth {
    return this.simulator.truth();
  }

  /** No more live commands, and events stop flowing to `deliver`; SSM calls are still answered. */
  stopLive(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.unsubscribe?.();
    this.unsubscribe = undefined;
  }

  async close(): Promise<void> {
    this.stopLive();
    await this.simulator.close();
  }

  private play(
    commands: readonly CommandSpec[],
    automations: readonly AutomationSpec[] = [],
    associations: readonly AssociationSpec[] = [],
    maintenanceWindows: readonly MaintenanceWindowSpec[] = [],
    sessions: readonly SessionSpec[] = [],
  ): PlayedHistory {
    const before = this.simulator.events.length;
    for (const spec of commands) this.simulator.sendCommand(spec);
    for (const spec of automations) this.simulator.startAutomation(spec);
    for (const spec of associations) this.simulator.createAssociation(spec);
    for (const spec of maintenanceWindows) this.simulator.createMaintenanceWindow(spec);
    for (const spec of sessions) this.simulator.startSession(spec);
    const events = this.simulator.events.slice(before).map((event) => event.body);
    this.simulator.clearEvents();
    return {
      commands: commands.length,
      invocations: commands.reduce((sum, spec) => sum + spec.invocations.length, 0),
      automations: automations.length,
      associationExecutions: associations.reduce((sum, spec) => sum + spec.executions, 0),
      windowExecutions: maintenanceWindows.reduce((sum, spec) => sum + spec.executions, 0),
      sessions: sessions.length,
      events,
    };
  }

  private send(spec: CommandSpec): string {
    const id = this.simulator.sendCommand(spec);
    // The simulator keeps every event it emitted; local mode has delivered them already.
    this.simulator.clearEvents();
    return id;
  }

  private tick(): void {
    if (this.unsubscribe === undefined) return;
    this.sendLiveCommand();
    // Now and then a runbook too: an Automation execution alongside the commands.
    if (this.random.next() < AUTOMATION_SHARE) this.sendLiveAutomation();
    const mean = this.options.commandIntervalMs;
    this.timer = setTimeout(() => this.tick(), Math.round(mean * (0.5 + this.random.next())));
    this.timer.unref();
  }
}
