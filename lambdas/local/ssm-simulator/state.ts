import { buildCommand } from './command-script';
import { deriveCommandStatus } from './command-status';
import type { SeededRandom } from './random';
import { compareCommands, type CommandRun, type InvocationRun, type Transition } from './runs';
import { Schedule } from './schedule';
import type { CommandSpec } from './spec';

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

  /** Applies every scripted change due at or before `now`, in time order. */
  syncTo(now: number): void {
    for (let next = this.schedule.peek(); next !== undefined && next.at <= now; next = this.schedule.peek()) {
      this.schedule.pop();
      const { invocation, step } = next.item;
      if (invocation.command.forgotten) continue;
      this.apply(invocation, step);
    }
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
