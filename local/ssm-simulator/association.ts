import type { Association, AssociationExecution, AssociationExecutionTarget } from '@aws-sdk/client-ssm';
import { ASSOCIATION_DETAIL_TYPE, INSTANCE_ASSOCIATION_DETAIL_TYPE } from '../../lambdas/sources/association/events';
import { eventBridgeEvent, type SimulatorEvent } from './events';
import { SeededRandom } from './random';
import { noCommandStarter, startedCommand, type CommandStarter } from './started-commands';
import { Schedule } from './schedule';
import { isoMillis, isoSeconds } from './time-format';

/**
 * State Manager on the simulator's clock: an association on N target nodes that runs
 * `executions` times, `intervalMs` apart. Each execution is created Pending with all its
 * targets Pending; a second later it and its targets are InProgress; target i ends
 * (Success, or Failed when listed in `failures`) `targetDurationMs * (i + 1)` after that, and
 * the execution ends with its last target: Failed if any target failed. Every target change
 * emits the "Instance Association State Change" event, every execution change of the
 * association's status (Pending, then its terminal status) the "Association State Change"
 * event, in AWS's shapes.
 */
export interface AssociationSpec {
  /** Default: a seeded UUID. */
  readonly associationId?: string;
  /** Default AWS-RunShellScript. */
  readonly documentName?: string;
  /** How many target nodes; at least 1. */
  readonly targets: number;
  /** How many executions; at least 1. */
  readonly executions: number;
  /** Between executions. Default 30 minutes. */
  readonly intervalMs?: number;
  /** Each target's run. Default 2,000 ms. */
  readonly targetDurationMs?: number;
  /** Targets that fail, by execution and target index. */
  readonly failures?: readonly { readonly execution: number; readonly target: number }[];
  /** Default rate(30 minutes). */
  readonly scheduleExpression?: string;
  /** When the association was created and its first execution ran; default now. A past time plays its history at once. */
  readonly startAt?: Date;
  /** The target nodes' ids, one per target; default generated ids. */
  readonly instanceIds?: readonly string[];
  /** Seeds its execution and output ids, so the same spec gives the same ids on every run; default the simulator's own. */
  readonly seed?: number;
}

const START_DELAY_MS = 1000;

export interface AssociationTargetRun {
  readonly resourceId: string;
  readonly outputSourceId: string;
  status: string;
  changedAt: number;
}

export interface AssociationExecutionRun {
  readonly id: string;
  readonly index: number;
  readonly createdAt: number;
  readonly targets: AssociationTargetRun[];
  status: string;
  changedAt: number;
  started: boolean;
  forgotten: boolean;
}

export interface AssociationRun {
  readonly id: string;
  readonly spec: AssociationSpec;
  readonly documentName: string;
  readonly createdAt: number;
  readonly instanceIds: readonly string[];
  /** Where its execution and output ids come from. */
  readonly random: SeededRandom;
  /** Newest CreatedTime first, then ExecutionId (DescribeAssociationExecutions order). */
  readonly executions: AssociationExecutionRun[];
  lastExecutionAt?: number;
  lastSuccessAt?: number;
  status: string;
}

type Change =
  | { readonly run: AssociationRun; readonly index: number; readonly kind: 'create' }
  | { readonly run: AssociationRun; readonly execution: AssociationExecutionRun; readonly kind: 'start' }
  | { readonly run: AssociationRun; readonly execution: AssociationExecutionRun; readonly kind: 'target'; readonly target: number; readonly status: string }
  | { readonly run: AssociationRun; readonly execution: AssociationExecutionRun; readonly kind: 'end' };

export interface AssociationEventContext {
  readonly region: string;
  readonly accountId: string;
  readonly random: SeededRandom;
}

export class AssociationState {
  private readonly runs = new Map<string, AssociationRun>();
  private readonly ordered: AssociationRun[] = [];
  private readonly schedule = new Schedule<Change>();
  /** When the last scheduled execution will have ended: its changes are scheduled only once it is created. */
  private plannedEndAt: number | undefined;

  constructor(
    private readonly ctx: AssociationEventContext,
    private readonly emit: (event: SimulatorEvent) => void,
    /** Runs the association on each node as a Run Command command (the target's OutputSource). */
    private readonly startCommand: CommandStarter = noCommandStarter,
  ) {}

  get(id: string): AssociationRun | undefined {
    return this.runs.get(id);
  }

  /** ListAssociations order: creation order. */
  list(): readonly AssociationRun[] {
    return this.ordered;
  }

  create(spec: AssociationSpec, now: number): AssociationRun {
    if (!Number.isInteger(spec.targets) || spec.targets < 1) throw new RangeError('createAssociation: targets must be a positive integer');
    if (!Number.isInteger(spec.executions) || spec.executions < 1) throw new RangeError('createAssociation: executions must be a positive integer');
    const id = spec.associationId ?? this.ctx.random.uuid();
    if (id.length !== 36) throw new RangeError('createAssociation: an AssociationId has 36 characters');
    if (this.runs.has(id)) throw new Error(`createAssociation: association ${id} already exists`);
    if (spec.instanceIds !== undefined && spec.instanceIds.length !== spec.targets) {
      throw new RangeError('createAssociation: instanceIds must name one node per target');
    }
    const startAt = spec.startAt?.getTime() ?? now;
    const run: AssociationRun = {
      id,
      spec,
      documentName: spec.documentName ?? 'AWS-RunShellScript',
      createdAt: startAt,
      instanceIds: spec.instanceIds !== undefined
        ? [...spec.instanceIds]
        : Array.from({ length: spec.targets }, (_, i) => `i-${(0x0a000000 + i).toString(16).padStart(17, '0')}`),
      random: spec.seed !== undefined ? new SeededRandom(spec.seed) : this.ctx.random,
      executions: [],
      status: 'Pending',
    };
    this.runs.set(id, run);
    this.ordered.push(run);
    const interval = spec.intervalMs ?? 30 * 60 * 1000;
    for (let index = 0; index < spec.executions; index++) this.schedule.push(startAt + index * interval, { run, index, kind: 'create' });
    const end = startAt + (spec.executions - 1) * interval + START_DELAY_MS + (spec.targetDurationMs ?? 2000) * spec.targets;
    this.plannedEndAt = Math.max(this.plannedEndAt ?? end, end);
    this.syncTo(now);
    return run;
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

  /** Drops executions created before `cutoff`, as SSM does after its retention. The associations stay. */
  forgetBefore(cutoff: number): number {
    let dropped = 0;
    for (const run of this.ordered) {
      for (const execution of [...run.executions]) {
        if (execution.createdAt < cutoff) {
          execution.forgotten = true;
          run.executions.splice(run.executions.indexOf(execution), 1);
          dropped++;
        }
      }
    }
    if (dropped > 0) this.schedule.retain((change) => change.kind === 'create' || !change.execution.forgotten);
    return dropped;
  }

  private apply(change: Change, at: number): void {
    const { run } = change;
    switch (change.kind) {
      case 'create': {
        const execution: AssociationExecutionRun = {
          id: run.random.uuid(),
          index: change.index,
          createdAt: at,
          targets: run.instanceIds.map((resourceId) => ({ resourceId, outputSourceId: run.random.uuid(), status: 'Pending', changedAt: at })),
          status: 'Pending',
          changedAt: at,
          started: false,
          forgotten: false,
        };
        run.executions.unshift(execution);
        run.executions.sort((a, b) => b.createdAt - a.createdAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
        run.lastExecutionAt = at;
        run.status = 'Pending';
        this.emitAssociation(run, at);
        const started = at + START_DELAY_MS;
        this.schedule.push(started, { run, execution, kind: 'start' });
        const duration = run.spec.targetDurationMs ?? 2000;
        execution.targets.forEach((_, target) => {
          const fails = (run.spec.failures ?? []).some((f) => f.execution === change.index && f.target === target);
          this.schedule.push(started + duration * (target + 1), { run, execution, kind: 'target', target, status: fails ? 'Failed' : 'Success' });
        });
        this.schedule.push(started + duration * execution.targets.length, { run, execution, kind: 'end' });
        return;
      }
      case 'start': {
        change.execution.status = 'InProgress';
        change.execution.changedAt = at;
        change.execution.started = true;
        const duration = run.spec.targetDurationMs ?? 2000;
        change.execution.targets.forEach((target, index) => {
          target.status = 'InProgress';
          target.changedAt = at;
          this.emitInstance(run, target, at);
          const failed = (run.spec.failures ?? []).some((f) => f.execution === change.execution.index && f.target === index);
          this.startCommand(
            startedCommand({ commandId: target.outputSourceId, documentName: run.documentName, instanceId: target.resourceId, failed, durationMs: duration * (index + 1), at }),
            at,
          );
        });
        return;
      }
      case 'target': {
        const target = change.execution.targets[change.target];
        if (target === undefined) return;
        target.status = change.status;
        target.changedAt = at;
        this.emitInstance(run, target, at);
        return;
      }
      case 'end': {
        const failed = change.execution.targets.some((target) => target.status === 'Failed');
        change.execution.status = failed ? 'Failed' : 'Success';
        change.execution.changedAt = at;
        run.status = change.execution.status;
        if (!failed) run.lastSuccessAt = change.execution.createdAt;
        this.emitAssociation(run, at);
        return;
      }
    }
  }

  private targetsJson(run: AssociationRun): string {
    return JSON.stringify([{ key: 'InstanceIds', values: run.instanceIds }]);
  }

  private envelope(detailType: string, at: number, resources: string[], detail: Record<string, unknown>): SimulatorEvent {
    return eventBridgeEvent(this.ctx, detailType, new Date(at), resources, detail);
  }

  private dates(run: AssociationRun): Record<string, string> {
    return {
      'creation-date': isoMillis(new Date(run.createdAt)),
      ...(run.lastSuccessAt !== undefined ? { 'last-successful-execution-date': isoSeconds(new Date(run.lastSuccessAt)) } : {}),
      ...(run.lastExecutionAt !== undefined ? { 'last-execution-date': isoSeconds(new Date(run.lastExecutionAt)) } : {}),
    };
  }

  private emitAssociation(run: AssociationRun, at: number): void {
    const latest = run.executions[0];
    const counts: Record<string, number> = {};
    for (const target of latest?.targets ?? []) counts[target.status] = (counts[target.status] ?? 0) + 1;
    const { region } = this.ctx;
    this.emit(
      this.envelope(ASSOCIATION_DETAIL_TYPE, at, [`arn:aws:ssm:${region}::document/${run.documentName}`], {
        'association-id': run.id,
        'document-name': run.documentName,
        'association-version': '1',
        'document-version': 'Optional.empty',
        targets: this.targetsJson(run),
        ...this.dates(run),
        'last-updated-date': isoMillis(new Date(run.createdAt)),
        status: run.status,
        'association-status-aggregated-count': JSON.stringify(counts),
        'schedule-expression': run.spec.scheduleExpression ?? 'rate(30 minutes)',
        'association-cwe-version': '1.0',
      }),
    );
  }

  private emitInstance(run: AssociationRun, target: AssociationTargetRun, at: number): void {
    const { region, accountId } = this.ctx;
    const failed = target.status === 'Failed';
    this.emit(
      this.envelope(
        INSTANCE_ASSOCIATION_DETAIL_TYPE,
        at,
        [`arn:aws:ec2:${region}:${accountId}:instance/${target.resourceId}`, `arn:aws:ssm:${region}:${accountId}:document/${run.documentName}`],
        {
          'association-id': run.id,
          'instance-id': target.resourceId,
          'document-name': run.documentName,
          'document-version': '1',
          targets: this.targetsJson(run),
          ...this.dates(run),
          'last-execution-date': isoSeconds(new Date(run.lastExecutionAt ?? at)),
          status: target.status,
          'detailed-status': target.status === 'InProgress' ? '' : target.status,
          'error-code': failed ? '1' : '',
          'execution-summary': `1 out of 1 plugin processed, ${failed ? '0 success, 1 failed' : target.status === 'Success' ? '1 success, 0 failed' : '0 success, 0 failed'}`,
          'output-url': '',
          'instance-association-cwe-version': '1',
        },
      ),
    );
  }
}

const isTerminal = (status: string): boolean => status !== 'Pending' && status !== 'InProgress';

/** DescribeAssociationExecutions' AssociationExecution. */
export function associationExecutionRecord(run: AssociationRun, execution: AssociationExecutionRun): AssociationExecution {
  const counts = new Map<string, number>();
  for (const target of execution.targets) counts.set(target.status, (counts.get(target.status) ?? 0) + 1);
  return {
    AssociationId: run.id,
    AssociationVersion: '1',
    ExecutionId: execution.id,
    Status: execution.status,
    DetailedStatus: execution.status,
    CreatedTime: new Date(execution.createdAt),
    ...(execution.started ? { LastExecutionDate: new Date(execution.changedAt) } : {}),
    ResourceCountByStatus: `{${[...counts].sort(([a], [b]) => a.localeCompare(b)).map(([status, n]) => `${status}=${n}`).join(', ')}}`,
    ...(run.spec.failures !== undefined ? { AlarmConfiguration: { IgnorePollAlarmFailure: false, Alarms: [{ Name: 'association-failures' }] } } : {}),
    TriggeredAlarms: execution.status === 'Failed' ? [{ Name: 'association-failures', State: 'ALARM' }] : [],
  };
}

/** DescribeAssociationExecutionTargets' AssociationExecutionTarget. */
export function associationTargetRecord(run: AssociationRun, execution: AssociationExecutionRun, target: AssociationTargetRun): AssociationExecutionTarget {
  return {
    AssociationId: run.id,
    AssociationVersion: '1',
    ExecutionId: execution.id,
    ResourceId: target.resourceId,
    ResourceType: 'ManagedInstance',
    Status: target.status,
    DetailedStatus: target.status,
    LastExecutionDate: new Date(target.changedAt),
    ...(isTerminal(target.status) || target.status === 'InProgress'
      ? { OutputSource: { OutputSourceId: target.outputSourceId, OutputSourceType: 'RunCommand' } }
      : {}),
  };
}

/** ListAssociations' Association. */
export function associationRecord(run: AssociationRun): Association {
  const latest = run.executions[0];
  const counts: Record<string, number> = {};
  for (const target of latest?.targets ?? []) counts[target.status] = (counts[target.status] ?? 0) + 1;
  return {
    Name: run.documentName,
    AssociationId: run.id,
    AssociationVersion: '1',
    Targets: [{ Key: 'InstanceIds', Values: [...run.instanceIds] }],
    ...(run.lastExecutionAt !== undefined ? { LastExecutionDate: new Date(run.lastExecutionAt) } : {}),
    Overview: { Status: run.status, DetailedStatus: run.status, AssociationStatusAggregatedCount: counts },
    ScheduleExpression: run.spec.scheduleExpression ?? 'rate(30 minutes)',
  };
}
