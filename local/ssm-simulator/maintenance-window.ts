import type {
  MaintenanceWindowExecution,
  MaintenanceWindowExecutionStatus,
  MaintenanceWindowExecutionTaskIdentity,
  MaintenanceWindowExecutionTaskInvocationIdentity,
  MaintenanceWindowIdentity,
  MaintenanceWindowTaskType,
} from '@aws-sdk/client-ssm';
import type { MaintenanceWindowFilterSubject } from '../../lambdas/sources/maintenance-window/requests';
import { MW_TASK_EXECUTION_DETAIL_TYPE, MW_TASK_INVOCATION_DETAIL_TYPE, MW_WINDOW_EXECUTION_DETAIL_TYPE, eventBridgeEvent, type SimulatorEvent } from './events';
import { SeededRandom } from './random';
import { Schedule } from './schedule';
import { noCommandStarter, startedCommand, type CommandStarter } from './started-commands';
import { isoMillis } from './time-format';

/**
 * Maintenance Windows on the simulator's clock: a window that runs `executions` times,
 * `intervalMs` apart, each execution running the window's tasks one after another.
 *
 * - An execution is created PENDING (its StartTime is its creation time, as SSM stamps it
 *   when the window opens) with all its tasks PENDING; a second later (`startDelayMs`) it is
 *   IN_PROGRESS and its first task starts.
 * - A task that starts is IN_PROGRESS; one invocation per target is created IN_PROGRESS at
 *   once; invocation i ends (SUCCESS, or FAILED when listed in the task's `failures`)
 *   `invocationDurationMs * (i + 1)` after the task started. The task ends with its last
 *   invocation: FAILED if any invocation failed, else SUCCESS. The next task starts then.
 * - A failed task does not stop the later ones (tasks of a window run whatever the earlier
 *   ones did); the execution ends with its last task, FAILED if any task failed.
 *
 * Events (EventBridge, AWS's shapes, test/fixtures/aws/maintenance-window-*.json):
 * - "Maintenance Window Execution State-change Notification" at each execution status
 *   (PENDING, IN_PROGRESS, terminal);
 * - "Maintenance Window Task Execution State-change Notification" at each task change
 *   (IN_PROGRESS, terminal). A task's PENDING is its state at creation, not a change: no event;
 * - "Maintenance Window Task Target Invocation State-change Notification" at each invocation
 *   change (IN_PROGRESS, terminal).
 * `start-time`/`end-time` are ISO 8601 with milliseconds; `end-time` is left out while the
 * subject has not ended (AWS's samples only show ended subjects; a running one has no end).
 *
 * StatusDetails (AWS does not document the texts; chosen plainly): an execution that failed
 * "One or more tasks in the orchestration failed."; a failed task "One or more targets
 * failed."; an invocation the Run Command status of its command (InProgress, Success, Failed).
 * Successful executions and tasks have none, as in the DescribeMaintenanceWindowExecutionTasks
 * sample.
 */
export interface MaintenanceWindowTaskSpec {
  /** Default RUN_COMMAND. */
  readonly taskType?: MaintenanceWindowTaskType;
  /** Document, runbook, function or state machine. Default AWS-RunPatchBaseline. */
  readonly taskArn?: string;
  /** Target nodes, one invocation each; at least 1. */
  readonly targets: number;
  /** Invocations that fail, by execution index and target index. */
  readonly failures?: readonly { readonly execution: number; readonly target: number }[];
}

export interface MaintenanceWindowSpec {
  /** Default: mw- and 17 seeded hex digits. */
  readonly windowId?: string;
  /** Default mw-<n>-window. */
  readonly name?: string;
  /** How many executions; at least 0 (0: a window that has not run yet). */
  readonly executions: number;
  /** Between executions. Default 1 hour. */
  readonly intervalMs?: number;
  /** The tasks every execution runs, in order; at least 1. */
  readonly tasks: readonly MaintenanceWindowTaskSpec[];
  /** PENDING to IN_PROGRESS. Default 1,000 ms. */
  readonly startDelayMs?: number;
  /** Each invocation's run. Default 2,000 ms. */
  readonly invocationDurationMs?: number;
  /** The registered target's OwnerInformation. Default "Owner" (AWS's sample). */
  readonly ownerInformation?: string;
  /** Default rate(<interval> minutes). */
  readonly schedule?: string;
  /** Hours. Defaults 2 and 1. */
  readonly duration?: number;
  readonly cutoff?: number;
  /** When the first execution starts; default now. A past time plays its history at once. */
  readonly startAt?: Date;
  /** Seeds its execution, task and invocation ids, so the same spec gives the same ids on every run; default the simulator's own. */
  readonly seed?: number;
}

/** Exact SSM records to serve as they are (not played out): an execution, its tasks and their invocations. */
export interface MaintenanceWindowExecutionSeed {
  /** The window; created with default settings when unknown. Default: execution.WindowId, else a new seeded window. */
  readonly windowId?: string;
  /** WindowExecutionId is required; WindowId is filled in when absent. */
  readonly execution: MaintenanceWindowExecution;
  /** In DescribeMaintenanceWindowExecutionTasks order. TaskExecutionId is required; WindowExecutionId filled in when absent. */
  readonly tasks: readonly {
    readonly task: MaintenanceWindowExecutionTaskIdentity;
    /** InvocationId is required; WindowExecutionId and TaskExecutionId filled in when absent. */
    readonly invocations?: readonly MaintenanceWindowExecutionTaskInvocationIdentity[];
  }[];
}

const DEFAULT_START_DELAY_MS = 1000;
const DEFAULT_INVOCATION_MS = 2000;
const DEFAULT_INTERVAL_MS = 60 * 60 * 1000;
export const WINDOW_FAILED_DETAILS = 'One or more tasks in the orchestration failed.';
export const TASK_FAILED_DETAILS = 'One or more targets failed.';

export interface MwInvocationRun {
  readonly index: number;
  readonly id: string;
  /** The command (RUN_COMMAND), automation execution, ... the invocation started. */
  readonly executionId: string;
  readonly instanceId: string;
  status: string;
  startedAt?: number;
  endedAt?: number;
  readonly verbatim?: MaintenanceWindowExecutionTaskInvocationIdentity;
}

export interface MwTaskRun {
  readonly index: number;
  readonly id: string;
  readonly taskType: MaintenanceWindowTaskType;
  readonly taskArn: string;
  readonly spec?: MaintenanceWindowTaskSpec;
  readonly invocations: MwInvocationRun[];
  status: string;
  startedAt?: number;
  endedAt?: number;
  readonly verbatim?: MaintenanceWindowExecutionTaskIdentity;
}

export interface MwExecutionRun {
  readonly id: string;
  readonly window: MaintenanceWindowRun;
  readonly index: number;
  readonly startedAt: number;
  readonly tasks: MwTaskRun[];
  status: string;
  endedAt?: number;
  forgotten: boolean;
  readonly verbatim?: MaintenanceWindowExecution;
}

export interface MaintenanceWindowRun {
  readonly id: string;
  readonly seq: number;
  readonly name: string;
  readonly spec: MaintenanceWindowSpec;
  readonly windowTargetId: string;
  /** Where its ids come from. */
  readonly random: SeededRandom;
  /** Newest StartTime first, then WindowExecutionId (DescribeMaintenanceWindowExecutions order). */
  readonly executions: MwExecutionRun[];
  /** Scheduled creation times not reached yet, earliest first. */
  readonly upcoming: number[];
}

type Change =
  | { readonly kind: 'create'; readonly window: MaintenanceWindowRun; readonly index: number }
  | { readonly kind: 'start'; readonly execution: MwExecutionRun }
  | { readonly kind: 'taskStart'; readonly execution: MwExecutionRun; readonly task: number }
  | { readonly kind: 'invocationEnd'; readonly execution: MwExecutionRun; readonly task: number; readonly invocation: number; readonly status: string }
  | { readonly kind: 'taskEnd'; readonly execution: MwExecutionRun; readonly task: number }
  | { readonly kind: 'end'; readonly execution: MwExecutionRun };

export interface MaintenanceWindowEventContext {
  readonly region: string;
  readonly accountId: string;
  readonly random: SeededRandom;
}

export class MaintenanceWindowState {
  private readonly windows = new Map<string, MaintenanceWindowRun>();
  private readonly ordered: MaintenanceWindowRun[] = [];
  private readonly executionsById = new Map<string, MwExecutionRun>();
  private readonly schedule = new Schedule<Change>();
  private plannedEndAt: number | undefined;
  private seq = 0;

  constructor(
    private readonly ctx: MaintenanceWindowEventContext,
    private readonly emit: (event: SimulatorEvent) => void,
    /** Runs a RUN_COMMAND task's invocations as Run Command commands. */
    private readonly startCommand: CommandStarter = noCommandStarter,
  ) {}

  getWindow(id: string): MaintenanceWindowRun | undefined {
    return this.windows.get(id);
  }

  getExecution(id: string): MwExecutionRun | undefined {
    return this.executionsById.get(id);
  }

  /** DescribeMaintenanceWindows order: creation order. */
  list(): readonly MaintenanceWindowRun[] {
    return this.ordered;
  }

  create(spec: MaintenanceWindowSpec, now: number): MaintenanceWindowRun {
    if (!Number.isInteger(spec.executions) || spec.executions < 0) throw new RangeError('createMaintenanceWindow: executions must be a non-negative integer');
    if (spec.tasks.length < 1) throw new RangeError('createMaintenanceWindow: a window needs at least one task');
    for (const task of spec.tasks) {
      if (!Number.isInteger(task.targets) || task.targets < 1) throw new RangeError('createMaintenanceWindow: a task needs a positive integer of targets');
    }
    const window = this.addWindow(spec);
    const interval = spec.intervalMs ?? DEFAULT_INTERVAL_MS;
    const startAt = spec.startAt?.getTime() ?? now;
    for (let index = 0; index < spec.executions; index++) {
      const at = startAt + index * interval;
      window.upcoming.push(at);
      this.schedule.push(at, { kind: 'create', window, index });
    }
    if (spec.executions > 0) {
      const perInvocation = spec.invocationDurationMs ?? DEFAULT_INVOCATION_MS;
      const run = spec.tasks.reduce((sum, task) => sum + task.targets * perInvocation, 0);
      const end = startAt + (spec.executions - 1) * interval + (spec.startDelayMs ?? DEFAULT_START_DELAY_MS) + run;
      this.plannedEndAt = Math.max(this.plannedEndAt ?? end, end);
    }
    this.syncTo(now);
    return window;
  }

  /** Loads exact records; nothing is scheduled and no event emitted. */
  seed(seed: MaintenanceWindowExecutionSeed): MwExecutionRun {
    const executionId = seed.execution.WindowExecutionId;
    if (executionId === undefined) throw new RangeError('seedMaintenanceWindowExecution: the execution needs a WindowExecutionId');
    if (this.executionsById.has(executionId)) throw new Error(`seedMaintenanceWindowExecution: execution ${executionId} already exists`);
    const windowId = seed.windowId ?? seed.execution.WindowId;
    const window = (windowId !== undefined ? this.windows.get(windowId) : undefined) ?? this.addWindow({ windowId, executions: 0, tasks: [] });
    const tasks: MwTaskRun[] = seed.tasks.map(({ task, invocations }, index) => {
      const taskId = task.TaskExecutionId;
      if (taskId === undefined) throw new RangeError('seedMaintenanceWindowExecution: every task needs a TaskExecutionId');
      const verbatim: MaintenanceWindowExecutionTaskIdentity = task.WindowExecutionId === undefined ? { WindowExecutionId: executionId, ...task } : { ...task };
      return {
        index,
        id: taskId,
        taskType: task.TaskType ?? 'RUN_COMMAND',
        taskArn: task.TaskArn ?? '',
        invocations: (invocations ?? []).map((invocation, i): MwInvocationRun => {
          if (invocation.InvocationId === undefined) throw new RangeError('seedMaintenanceWindowExecution: every invocation needs an InvocationId');
          return {
            index: i,
            id: invocation.InvocationId,
            executionId: invocation.ExecutionId ?? '',
            instanceId: '',
            status: invocation.Status ?? '',
            ...(invocation.StartTime ? { startedAt: invocation.StartTime.getTime() } : {}),
            ...(invocation.EndTime ? { endedAt: invocation.EndTime.getTime() } : {}),
            verbatim: { WindowExecutionId: executionId, TaskExecutionId: taskId, ...invocation },
          };
        }),
        status: task.Status ?? '',
        ...(task.StartTime ? { startedAt: task.StartTime.getTime() } : {}),
        ...(task.EndTime ? { endedAt: task.EndTime.getTime() } : {}),
        verbatim,
      };
    });
    const execution: MwExecutionRun = {
      id: executionId,
      window,
      index: -1,
      startedAt: seed.execution.StartTime?.getTime() ?? 0,
      tasks,
      status: seed.execution.Status ?? '',
      ...(seed.execution.EndTime ? { endedAt: seed.execution.EndTime.getTime() } : {}),
      forgotten: false,
      verbatim: seed.execution.WindowId === undefined ? { WindowId: window.id, ...seed.execution } : { ...seed.execution },
    };
    this.addExecution(execution);
    return execution;
  }

  syncTo(now: number): void {
    this.schedule.runDue(now, (change) => change.kind === 'create' || !change.execution.forgotten, (change, at) => this.apply(change, at));
  }

  nextDueAt(): number | undefined {
    return this.schedule.peek()?.at;
  }

  lastDueAt(): number | undefined {
    const latest = this.schedule.latest((change) => change.kind === 'create' || !change.execution.forgotten);
    if (latest === undefined) return undefined;
    return Math.max(latest, this.plannedEndAt ?? latest);
  }

  /** Drops executions that started before `cutoff` (with their tasks and invocations), as SSM does after its retention. Windows stay. */
  forgetBefore(cutoff: number): number {
    let dropped = 0;
    for (const window of this.ordered) {
      for (const execution of [...window.executions]) {
        if (execution.startedAt < cutoff) {
          execution.forgotten = true;
          window.executions.splice(window.executions.indexOf(execution), 1);
          this.executionsById.delete(execution.id);
          dropped++;
        }
      }
    }
    if (dropped > 0) this.schedule.retain((change) => change.kind === 'create' || !change.execution.forgotten);
    return dropped;
  }

  private addWindow(spec: MaintenanceWindowSpec): MaintenanceWindowRun {
    const id = spec.windowId ?? `mw-${this.ctx.random.hex(17)}`;
    if (!/^mw-[0-9a-f]{17}$/.test(id)) throw new RangeError(`createMaintenanceWindow: ${id} is not a WindowId (mw- and 17 hex digits)`);
    if (this.windows.has(id)) throw new Error(`createMaintenanceWindow: window ${id} already exists`);
    const seq = this.seq++;
    const random = spec.seed !== undefined ? new SeededRandom(spec.seed) : this.ctx.random;
    const window: MaintenanceWindowRun = {
      id,
      seq,
      name: spec.name ?? `mw-${seq + 1}-window`,
      spec,
      random,
      windowTargetId: random.uuid(),
      executions: [],
      upcoming: [],
    };
    this.windows.set(id, window);
    this.ordered.push(window);
    return window;
  }

  private addExecution(execution: MwExecutionRun): void {
    const list = execution.window.executions;
    list.push(execution);
    list.sort((a, b) => b.startedAt - a.startedAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    this.executionsById.set(execution.id, execution);
  }

  private apply(change: Change, at: number): void {
    switch (change.kind) {
      case 'create':
        this.createExecution(change.window, change.index, at);
        return;
      case 'start':
        change.execution.status = 'IN_PROGRESS';
        this.emitWindowExecution(change.execution, at);
        return;
      case 'taskStart': {
        const task = change.execution.tasks[change.task];
        if (task === undefined) return;
        task.status = 'IN_PROGRESS';
        task.startedAt = at;
        this.emitTask(change.execution, task, at);
        const perInvocation = change.execution.window.spec.invocationDurationMs ?? DEFAULT_INVOCATION_MS;
        for (const invocation of task.invocations) {
          invocation.status = 'IN_PROGRESS';
          invocation.startedAt = at;
          this.emitInvocation(change.execution, task, invocation, at);
          if (task.taskType !== 'RUN_COMMAND') continue;
          const failed = (task.spec?.failures ?? []).some((f) => f.execution === change.execution.index && f.target === invocation.index);
          this.startCommand(
            startedCommand({
              commandId: invocation.executionId,
              documentName: task.taskArn,
              // SSM's own comment on a window's command: the window execution and the task execution.
              comment: `${change.execution.id}:${task.id}`,
              instanceId: invocation.instanceId,
              failed,
              durationMs: perInvocation * (invocation.index + 1),
              at,
            }),
            at,
          );
        }
        return;
      }
      case 'invocationEnd': {
        const task = change.execution.tasks[change.task];
        const invocation = task?.invocations[change.invocation];
        if (task === undefined || invocation === undefined) return;
        invocation.status = change.status;
        invocation.endedAt = at;
        this.emitInvocation(change.execution, task, invocation, at);
        return;
      }
      case 'taskEnd': {
        const task = change.execution.tasks[change.task];
        if (task === undefined) return;
        task.status = task.invocations.some((invocation) => invocation.status !== 'SUCCESS') ? 'FAILED' : 'SUCCESS';
        task.endedAt = at;
        this.emitTask(change.execution, task, at);
        return;
      }
      case 'end': {
        const execution = change.execution;
        execution.status = execution.tasks.some((task) => task.status !== 'SUCCESS') ? 'FAILED' : 'SUCCESS';
        execution.endedAt = at;
        this.emitWindowExecution(execution, at);
        return;
      }
    }
  }

  private createExecution(window: MaintenanceWindowRun, index: number, at: number): void {
    window.upcoming.shift();
    const spec = window.spec;
    const random = window.random;
    const execution: MwExecutionRun = {
      id: random.uuid(),
      window,
      index,
      startedAt: at,
      tasks: [],
      status: 'PENDING',
      forgotten: false,
    };
    spec.tasks.forEach((taskSpec, t) => {
      execution.tasks.push({
        index: t,
        id: random.uuid(),
        taskType: taskSpec.taskType ?? 'RUN_COMMAND',
        taskArn: taskSpec.taskArn ?? 'AWS-RunPatchBaseline',
        spec: taskSpec,
        invocations: Array.from({ length: taskSpec.targets }, (_, i) => ({
          index: i,
          id: random.uuid(),
          executionId: random.uuid(),
          instanceId: `i-${(0x0c000000 + i).toString(16).padStart(17, '0')}`,
          status: 'PENDING',
        })),
        status: 'PENDING',
      });
    });
    this.addExecution(execution);
    this.emitWindowExecution(execution, at);

    const perInvocation = spec.invocationDurationMs ?? DEFAULT_INVOCATION_MS;
    let time = at + (spec.startDelayMs ?? DEFAULT_START_DELAY_MS);
    this.schedule.push(time, { kind: 'start', execution });
    for (const task of execution.tasks) {
      this.schedule.push(time, { kind: 'taskStart', execution, task: task.index });
      for (const invocation of task.invocations) {
        const fails = (task.spec?.failures ?? []).some((f) => f.execution === index && f.target === invocation.index);
        this.schedule.push(time + perInvocation * (invocation.index + 1), {
          kind: 'invocationEnd',
          execution,
          task: task.index,
          invocation: invocation.index,
          status: fails ? 'FAILED' : 'SUCCESS',
        });
      }
      time += perInvocation * task.invocations.length;
      this.schedule.push(time, { kind: 'taskEnd', execution, task: task.index });
    }
    this.schedule.push(time, { kind: 'end', execution });
  }

  private envelope(window: MaintenanceWindowRun, detailType: string, at: number, detail: Record<string, unknown>): SimulatorEvent {
    const { region, accountId } = this.ctx;
    return eventBridgeEvent(this.ctx, detailType, new Date(at), [`arn:aws:ssm:${region}:${accountId}:maintenancewindow/${window.id}`], detail);
  }

  private emitWindowExecution(execution: MwExecutionRun, at: number): void {
    this.emit(
      this.envelope(execution.window, MW_WINDOW_EXECUTION_DETAIL_TYPE, at, {
        'start-time': isoMillis(new Date(execution.startedAt)),
        ...(execution.endedAt !== undefined ? { 'end-time': isoMillis(new Date(execution.endedAt)) } : {}),
        'window-id': execution.window.id,
        'window-execution-id': execution.id,
        status: execution.status,
      }),
    );
  }

  private emitTask(execution: MwExecutionRun, task: MwTaskRun, at: number): void {
    this.emit(
      this.envelope(execution.window, MW_TASK_EXECUTION_DETAIL_TYPE, at, {
        'start-time': isoMillis(new Date(task.startedAt ?? at)),
        'task-execution-id': task.id,
        ...(task.endedAt !== undefined ? { 'end-time': isoMillis(new Date(task.endedAt)) } : {}),
        'window-id': execution.window.id,
        'window-execution-id': execution.id,
        status: task.status,
      }),
    );
  }

  private emitInvocation(execution: MwExecutionRun, task: MwTaskRun, invocation: MwInvocationRun, at: number): void {
    this.emit(
      this.envelope(execution.window, MW_TASK_INVOCATION_DETAIL_TYPE, at, {
        'start-time': isoMillis(new Date(invocation.startedAt ?? at)),
        ...(invocation.endedAt !== undefined ? { 'end-time': isoMillis(new Date(invocation.endedAt)) } : {}),
        'window-id': execution.window.id,
        'window-execution-id': execution.id,
        'task-execution-id': task.id,
        'window-target-id': execution.window.windowTargetId,
        status: invocation.status,
        'owner-information': ownerInformation(execution.window),
      }),
    );
  }
}

function ownerInformation(window: MaintenanceWindowRun): string {
  return window.spec.ownerInformation ?? 'Owner';
}

const asStatus = (status: string): MaintenanceWindowExecutionStatus => status as MaintenanceWindowExecutionStatus;

/** DescribeMaintenanceWindows' MaintenanceWindowIdentity. */
export function windowRecord(window: MaintenanceWindowRun): MaintenanceWindowIdentity {
  const interval = window.spec.intervalMs ?? DEFAULT_INTERVAL_MS;
  const next = window.upcoming[0];
  return {
    WindowId: window.id,
    Name: window.name,
    Enabled: true,
    Duration: window.spec.duration ?? 2,
    Cutoff: window.spec.cutoff ?? 1,
    Schedule: window.spec.schedule ?? `rate(${Math.max(1, Math.round(interval / 60_000))} minutes)`,
    ...(next !== undefined ? { NextExecutionTime: isoMillis(new Date(next)) } : {}),
  };
}

/** DescribeMaintenanceWindowExecutions' MaintenanceWindowExecution. */
export function windowExecutionRecord(execution: MwExecutionRun): MaintenanceWindowExecution {
  if (execution.verbatim !== undefined) return { ...execution.verbatim };
  return {
    WindowId: execution.window.id,
    WindowExecutionId: execution.id,
    Status: asStatus(execution.status),
    ...(execution.status === 'FAILED' ? { StatusDetails: WINDOW_FAILED_DETAILS } : {}),
    StartTime: new Date(execution.startedAt),
    ...(execution.endedAt !== undefined ? { EndTime: new Date(execution.endedAt) } : {}),
  };
}

/** DescribeMaintenanceWindowExecutionTasks' MaintenanceWindowExecutionTaskIdentity, fields in the 004 sample's order. */
export function taskRecord(execution: MwExecutionRun, task: MwTaskRun): MaintenanceWindowExecutionTaskIdentity {
  if (task.verbatim !== undefined) return { ...task.verbatim };
  return {
    WindowExecutionId: execution.id,
    TaskExecutionId: task.id,
    Status: asStatus(task.status),
    ...(task.status === 'FAILED' ? { StatusDetails: TASK_FAILED_DETAILS } : {}),
    ...(task.startedAt !== undefined ? { StartTime: new Date(task.startedAt) } : {}),
    ...(task.endedAt !== undefined ? { EndTime: new Date(task.endedAt) } : {}),
    TaskArn: task.taskArn,
    TaskType: task.taskType,
  };
}

const INVOCATION_DETAILS: Readonly<Record<string, string>> = { PENDING: 'Pending', IN_PROGRESS: 'InProgress', SUCCESS: 'Success', FAILED: 'Failed' };

/** DescribeMaintenanceWindowExecutionTaskInvocations' MaintenanceWindowExecutionTaskInvocationIdentity. */
export function invocationRecord(execution: MwExecutionRun, task: MwTaskRun, invocation: MwInvocationRun): MaintenanceWindowExecutionTaskInvocationIdentity {
  if (invocation.verbatim !== undefined) return { ...invocation.verbatim };
  return {
    WindowExecutionId: execution.id,
    TaskExecutionId: task.id,
    InvocationId: invocation.id,
    ExecutionId: invocation.executionId,
    TaskType: task.taskType,
    Parameters: invocationParameters(task, invocation),
    Status: asStatus(invocation.status),
    StatusDetails: INVOCATION_DETAILS[invocation.status] ?? invocation.status,
    ...(invocation.startedAt !== undefined ? { StartTime: new Date(invocation.startedAt) } : {}),
    ...(invocation.endedAt !== undefined ? { EndTime: new Date(invocation.endedAt) } : {}),
    OwnerInformation: ownerInformation(execution.window),
    WindowTargetId: execution.window.windowTargetId,
  };
}

/** The task's parameters as SSM hands them over, a JSON string; for Run Command the SendCommand request. */
function invocationParameters(task: MwTaskRun, invocation: MwInvocationRun): string {
  if (task.taskType === 'RUN_COMMAND') {
    return JSON.stringify({
      comment: '',
      documentName: task.taskArn,
      instanceIds: [invocation.instanceId],
      maxConcurrency: '1',
      maxErrors: '0',
      parameters: { Operation: ['Scan'] },
      timeoutSeconds: 600,
    });
  }
  if (task.taskType === 'AUTOMATION') return JSON.stringify({ documentName: task.taskArn, parameters: { InstanceId: [invocation.instanceId] } });
  return JSON.stringify({ payload: JSON.stringify({ instanceId: invocation.instanceId }) });
}

/** The invocations SSM lists now: a task's invocations exist once the task has started. */
export function listedInvocations(task: MwTaskRun): MwInvocationRun[] {
  return task.invocations.filter((invocation) => invocation.verbatim !== undefined || invocation.startedAt !== undefined);
}

/** What the STATUS / ExecutedBefore / ExecutedAfter filters test. */
export function executionSubject(execution: MwExecutionRun): MaintenanceWindowFilterSubject {
  return { startTime: execution.startedAt, status: execution.status };
}

export function taskSubject(task: MwTaskRun): MaintenanceWindowFilterSubject {
  return { status: task.status, ...(task.startedAt !== undefined ? { startTime: task.startedAt } : {}) };
}

export function invocationSubject(invocation: MwInvocationRun): MaintenanceWindowFilterSubject {
  return { status: invocation.status, ...(invocation.startedAt !== undefined ? { startTime: invocation.startedAt } : {}) };
}

export function windowSubject(window: MaintenanceWindowRun): MaintenanceWindowFilterSubject {
  return { name: window.name, enabled: true };
}
