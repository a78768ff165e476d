import type { AutomationExecution, AutomationExecutionMetadata, StepExecution } from '@aws-sdk/client-ssm';
import {
  AUTOMATION_EXECUTION_DETAIL_TYPE,
  AUTOMATION_STEP_DETAIL_TYPE,
  formatAutomationEventTime,
} from '../../lambdas/sources/automation/events';
import { eventBridgeEvent, type SimulatorEvent } from './events';
import { SeededRandom } from './random';
import { Schedule } from './schedule';
import { noCommandStarter, startedCommand, type CommandStarter } from './started-commands';

/**
 * Automation on the simulator's clock: an execution of N steps, run one after another. The
 * execution is Pending when started and InProgress a second later, when its first step starts;
 * each step goes Pending -> InProgress -> Success (or Failed, for the step `failAtStep`, after
 * which the execution fails and the remaining steps stay Pending, as with OnFailure Abort).
 * Every change emits SSM's EventBridge event in AWS's shape (execution and step detail-types).
 */
export interface AutomationSpec {
  /** Default: a seeded UUID. */
  readonly executionId?: string;
  /** Default Example-Runbook. */
  readonly documentName?: string;
  /** Default "1". */
  readonly documentVersion?: string;
  /** How many steps; at least 1. */
  readonly steps: number;
  /** Each step's duration. Default 2,000 ms. */
  readonly stepDurationMs?: number;
  /** Index of the step that fails; default none. */
  readonly failAtStep?: number;
  /** A child automation's parent (aws:executeAutomation, or a multi-account/Region execution). */
  readonly parentAutomationExecutionId?: string;
  /** Accounts and Regions: a CrossAccount execution whose steps carry this TargetLocation. */
  readonly targetLocation?: { readonly accounts: readonly string[]; readonly regions: readonly string[] };
  /** Default arn:aws:iam::<account>:user/automation. */
  readonly executedBy?: string;
  /** When the execution started; default now. A past time plays its steps at once. */
  readonly startAt?: Date;
  /** Seeds its step ids, so the same spec gives the same ids on every run; default the simulator's own. */
  readonly seed?: number;
}

const RUN_COMMAND_ACTION = 'aws:runCommand';
const ACTIONS = ['aws:executeScript', RUN_COMMAND_ACTION, 'aws:sleep', 'aws:executeAwsApi'] as const;
/** The node an aws:runCommand step runs its command on. */
const STEP_NODE = 'i-0a0a0a0a0a0a0a0a0';

/**
 * The command an aws:runCommand step starts: an id made from the step's own, so that it
 * draws nothing from the run's random stream and every other seeded id stays as it was.
 */
export function stepCommandId(step: { readonly id: string }): string {
  const tail = step.id.slice(24).split('').reverse().join('');
  return `${step.id.slice(0, 24)}${tail}`;
}
const START_DELAY_MS = 1000;

export interface StepRun {
  readonly index: number;
  readonly id: string;
  readonly name: string;
  readonly action: string;
  status: string;
  startedAt?: number;
  endedAt?: number;
}

export interface AutomationRun {
  readonly id: string;
  readonly spec: AutomationSpec;
  readonly documentName: string;
  readonly documentVersion: string;
  readonly executedBy: string;
  readonly createdAt: number;
  readonly steps: StepRun[];
  status: string;
  startedAt: number;
  endedAt?: number;
  current?: StepRun;
  forgotten: boolean;
}

type Change =
  | { readonly run: AutomationRun; readonly kind: 'execution'; readonly status: string }
  | { readonly run: AutomationRun; readonly kind: 'step'; readonly step: number; readonly status: string };

export interface AutomationEventContext {
  readonly region: string;
  readonly accountId: string;
  readonly random: SeededRandom;
}

export class AutomationState {
  private readonly runs = new Map<string, AutomationRun>();
  /** DescribeAutomationExecutions order: newest ExecutionStartTime first, then id. */
  private readonly ordered: AutomationRun[] = [];
  private readonly schedule = new Schedule<Change>();
  private syncedAtMs: number;

  constructor(
    private readonly ctx: AutomationEventContext,
    private readonly emit: (event: SimulatorEvent) => void,
    startAt: number,
    /** Runs an aws:runCommand step as a Run Command command (the step's CommandId output). */
    private readonly startCommand: CommandStarter = noCommandStarter,
  ) {
    this.syncedAtMs = startAt;
  }

  get syncedAt(): number {
    return this.syncedAtMs;
  }

  get(id: string): AutomationRun | undefined {
    return this.runs.get(id);
  }

  list(): readonly AutomationRun[] {
    return this.ordered;
  }

  start(spec: AutomationSpec, current: number): AutomationRun {
    const now = spec.startAt?.getTime() ?? current;
    if (!Number.isInteger(spec.steps) || spec.steps < 1) throw new RangeError('startAutomation: steps must be a positive integer');
    const id = spec.executionId ?? this.ctx.random.uuid();
    if (id.length !== 36) throw new RangeError('startAutomation: an AutomationExecutionId has 36 characters');
    if (this.runs.has(id)) throw new Error(`startAutomation: execution ${id} already exists`);
    const duration = spec.stepDurationMs ?? 2000;
    const random = spec.seed !== undefined ? new SeededRandom(spec.seed) : this.ctx.random;
    const steps: StepRun[] = Array.from({ length: spec.steps }, (_, index) => ({
      index,
      id: random.uuid(),
      name: `step${index + 1}`,
      action: ACTIONS[index % ACTIONS.length] as string,
      status: 'Pending',
    }));
    const run: AutomationRun = {
      id,
      spec,
      documentName: spec.documentName ?? 'Example-Runbook',
      documentVersion: spec.documentVersion ?? '1',
      executedBy: spec.executedBy ?? `arn:aws:iam::${this.ctx.accountId}:user/automation`,
      createdAt: now,
      steps,
      status: 'Pending',
      startedAt: now,
      forgotten: false,
    };
    this.runs.set(id, run);
    this.ordered.push(run);
    this.ordered.sort((a, b) => b.startedAt - a.startedAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    this.emitExecution(run, now);

    let at = now + START_DELAY_MS;
    this.schedule.push(at, { run, kind: 'execution', status: 'InProgress' });
    for (const step of steps) {
      this.schedule.push(at, { run, kind: 'step', step: step.index, status: 'InProgress' });
      at += duration;
      const fails = spec.failAtStep === step.index;
      this.schedule.push(at, { run, kind: 'step', step: step.index, status: fails ? 'Failed' : 'Success' });
      if (fails) break;
    }
    this.schedule.push(at, { run, kind: 'execution', status: spec.failAtStep !== undefined && spec.failAtStep < steps.length ? 'Failed' : 'Success' });
    this.syncTo(Math.max(current, this.syncedAtMs));
    return run;
  }

  syncTo(now: number): void {
    this.schedule.runDue(now, (change) => !change.run.forgotten, (change, at) => this.apply(change, at));
    if (now > this.syncedAtMs) this.syncedAtMs = now;
  }

  nextDueAt(): number | undefined {
    return this.schedule.peek()?.at;
  }

  lastDueAt(): number | undefined {
    return this.schedule.latest((change) => !change.run.forgotten);
  }

  /** Drops executions started before `cutoff`, as SSM does after its retention period. */
  forgetBefore(cutoff: number): number {
    let dropped = 0;
    for (const run of [...this.ordered]) {
      if (run.startedAt < cutoff) {
        run.forgotten = true;
        this.runs.delete(run.id);
        this.ordered.splice(this.ordered.indexOf(run), 1);
        dropped++;
      }
    }
    if (dropped > 0) this.schedule.retain((change) => !change.run.forgotten);
    return dropped;
  }

  private apply(change: Change, at: number): void {
    const run = change.run;
    if (change.kind === 'execution') {
      run.status = change.status;
      if (change.status !== 'InProgress') {
        run.endedAt = at;
        run.current = undefined;
      }
      this.emitExecution(run, at);
      return;
    }
    const step = run.steps[change.step];
    if (step === undefined) return;
    step.status = change.status;
    if (change.status === 'InProgress') {
      step.startedAt = at;
      run.current = step;
      if (step.action === RUN_COMMAND_ACTION) {
        const duration = run.spec.stepDurationMs ?? 2000;
        const failed = run.spec.failAtStep === step.index;
        this.startCommand(startedCommand({ commandId: stepCommandId(step), documentName: 'AWS-RunShellScript', instanceId: STEP_NODE, failed, durationMs: duration, at }), at);
      }
    } else {
      step.endedAt = at;
    }
    this.emitStep(run, step, at);
  }

  private envelope(run: AutomationRun, detailType: string, at: number, detail: Record<string, unknown>): SimulatorEvent {
    const { region, accountId } = this.ctx;
    const resources = [
      `arn:aws:ssm:${region}:${accountId}:automation-execution/${run.id}`,
      `arn:aws:ssm:${region}:${accountId}:automation-definition/${run.documentName}:${run.documentVersion}`,
    ];
    return eventBridgeEvent(this.ctx, detailType, new Date(at), resources, detail);
  }

  private common(run: AutomationRun): Record<string, unknown> {
    const version = Number(run.documentVersion);
    return { ExecutionId: run.id, Definition: run.documentName, DefinitionVersion: Number.isFinite(version) ? version : run.documentVersion };
  }

  private emitExecution(run: AutomationRun, at: number): void {
    this.emit(
      this.envelope(run, AUTOMATION_EXECUTION_DETAIL_TYPE, at, {
        ...this.common(run),
        Status: run.status,
        StartTime: formatAutomationEventTime(new Date(run.startedAt)),
        ...(run.endedAt !== undefined ? { EndTime: formatAutomationEventTime(new Date(run.endedAt)) } : {}),
        Time: at - run.startedAt,
        ExecutedBy: run.executedBy,
      }),
    );
  }

  private emitStep(run: AutomationRun, step: StepRun, at: number): void {
    this.emit(
      this.envelope(run, AUTOMATION_STEP_DETAIL_TYPE, at, {
        ...this.common(run),
        Status: step.status,
        ...(step.endedAt !== undefined ? { EndTime: formatAutomationEventTime(new Date(step.endedAt)) } : {}),
        StartTime: formatAutomationEventTime(new Date(step.startedAt ?? at)),
        Time: at - (step.startedAt ?? at),
        StepName: step.name,
        Action: step.action,
      }),
    );
  }
}

const isTerminal = (status: string): boolean => status !== 'Pending' && status !== 'InProgress';

/**
 * A step's Outputs: an aws:runCommand step's CommandId (and Status) once it has started its
 * command, as that action documents its outputs; another step's result when it succeeded.
 */
function stepOutputs(step: StepRun): Pick<StepExecution, 'Outputs'> {
  if (step.action === RUN_COMMAND_ACTION && step.startedAt !== undefined) {
    return { Outputs: { CommandId: [stepCommandId(step)], Status: [step.status === 'InProgress' ? 'InProgress' : step.status] } };
  }
  return step.status === 'Success' ? { Outputs: { [`${step.name}.Result`]: [`result of ${step.name}`] } } : {};
}

/** DescribeAutomationStepExecutions' StepExecution, every field its API reference lists that applies. */
export function stepRecord(run: AutomationRun, step: StepRun): StepExecution {
  const next = run.steps[step.index + 1];
  const failed = step.status === 'Failed';
  const location = run.spec.targetLocation;
  return {
    StepName: step.name,
    Action: step.action,
    TimeoutSeconds: 3600,
    OnFailure: 'Abort',
    MaxAttempts: 1,
    ...(step.startedAt !== undefined ? { ExecutionStartTime: new Date(step.startedAt) } : {}),
    ...(step.endedAt !== undefined ? { ExecutionEndTime: new Date(step.endedAt) } : {}),
    StepStatus: step.status as StepExecution['StepStatus'],
    Inputs: { Step: `"${step.name}"`, Runbook: `"${run.documentName}"` },
    ...(isTerminal(step.status) ? { ResponseCode: failed ? '1' : '0', Response: failed ? 'Step fails' : 'Step succeeded' } : {}),
    ...stepOutputs(step),
    ...(failed
      ? {
          FailureMessage: `Step fails when it is executing. Fail to execute step ${step.name}.`,
          FailureDetails: { FailureStage: 'Invocation', FailureType: 'Action', Details: { ExceptionType: ['Script'] } },
        }
      : {}),
    StepExecutionId: step.id,
    OverriddenParameters: {},
    IsEnd: next === undefined,
    ...(next !== undefined ? { NextStep: next.name, ValidNextSteps: [next.name] } : { ValidNextSteps: [] }),
    IsCritical: true,
    Targets: [],
    ...(location
      ? {
          TargetLocation: {
            Accounts: [...location.accounts],
            Regions: [...location.regions],
            TargetLocationMaxConcurrency: '1',
            TargetLocationMaxErrors: '0',
            ExecutionRoleName: 'AWS-SystemsManager-AutomationExecutionRole',
          },
        }
      : {}),
    TriggeredAlarms: [],
  };
}

/** DescribeAutomationExecutions' AutomationExecutionMetadata. */
export function executionMetadataRecord(run: AutomationRun): AutomationExecutionMetadata {
  const done = run.endedAt !== undefined;
  return {
    AutomationExecutionId: run.id,
    DocumentName: run.documentName,
    DocumentVersion: run.documentVersion,
    AutomationExecutionStatus: run.status as AutomationExecutionMetadata['AutomationExecutionStatus'],
    ExecutionStartTime: new Date(run.startedAt),
    ...(done ? { ExecutionEndTime: new Date(run.endedAt as number) } : {}),
    ExecutedBy: run.executedBy,
    LogFile: '',
    Outputs: done ? outputsOf(run) : {},
    Mode: 'Auto',
    ...(run.spec.parentAutomationExecutionId !== undefined ? { ParentAutomationExecutionId: run.spec.parentAutomationExecutionId } : {}),
    ...(run.current !== undefined ? { CurrentStepName: run.current.name, CurrentAction: run.current.action } : {}),
    ...(run.status === 'Failed' ? { FailureMessage: failureMessage(run) } : {}),
    Targets: [],
    TargetMaps: [],
    ResolvedTargets: { ParameterValues: [], Truncated: false },
    AutomationType: run.spec.targetLocation ? 'CrossAccount' : 'Local',
  };
}

/** GetAutomationExecution's AutomationExecution: the execution with all its steps. */
export function executionRecord(run: AutomationRun): AutomationExecution {
  const metadata = executionMetadataRecord(run);
  return {
    AutomationExecutionId: run.id,
    DocumentName: metadata.DocumentName,
    DocumentVersion: metadata.DocumentVersion,
    ExecutionStartTime: metadata.ExecutionStartTime,
    ...(metadata.ExecutionEndTime ? { ExecutionEndTime: metadata.ExecutionEndTime } : {}),
    AutomationExecutionStatus: metadata.AutomationExecutionStatus,
    StepExecutions: run.steps.map((step) => stepRecord(run, step)),
    StepExecutionsTruncated: false,
    Parameters: {},
    Outputs: metadata.Outputs,
    ...(metadata.FailureMessage ? { FailureMessage: metadata.FailureMessage } : {}),
    Mode: 'Auto',
    ...(metadata.ParentAutomationExecutionId ? { ParentAutomationExecutionId: metadata.ParentAutomationExecutionId } : {}),
    ExecutedBy: run.executedBy,
    ...(metadata.CurrentStepName ? { CurrentStepName: metadata.CurrentStepName, CurrentAction: metadata.CurrentAction } : {}),
    Targets: [],
    TargetMaps: [],
    ResolvedTargets: metadata.ResolvedTargets,
  };
}

function outputsOf(run: AutomationRun): Record<string, string[]> {
  const last = [...run.steps].reverse().find((step) => step.status === 'Success');
  return last ? { [`${last.name}.Result`]: [`result of ${last.name}`] } : {};
}

function failureMessage(run: AutomationRun): string {
  const failed = run.steps.find((step) => step.status === 'Failed');
  return failed ? `Step fails when it is executing. Fail to execute step ${failed.name}.` : 'Execution failed';
}
