import type { Session } from '@aws-sdk/client-ssm';
import { CLOUDTRAIL_API_CALL_DETAIL_TYPE } from '../../lambdas/sources/session/events';
import { eventBridgeEvent, type SimulatorEvent } from './events';
import type { SeededRandom } from './random';
import { Schedule } from './schedule';
import { isoSeconds } from './time-format';

/**
 * Session Manager on the simulator's clock. A session is Connecting when StartSession
 * returns, Connected a second later, and ends after its duration in one of three ways:
 * - 'terminate': someone (or the client on exit) calls TerminateSession: Terminating, then
 *   Terminated a second later;
 * - 'timeout': the idle or maximum duration timeout ends it: Terminated, with no API call;
 * - 'fail': the connection breaks (the agent stopped, the node went away): Failed, with no
 *   API call.
 * Session Manager has no events of its own: the simulator emits what CloudTrail delivers to
 * EventBridge for the API calls ("AWS API Call via CloudTrail", StartSession and
 * TerminateSession), so a session that times out or fails is only found by listing.
 */
export interface SessionSpec {
  /** Default: the owner's name, a dash and 17 seeded hex digits, as SSM builds it. */
  readonly sessionId?: string;
  /** The managed node (i-... or mi-...). */
  readonly target: string;
  /** Default arn:aws:iam::<account>:user/operator. */
  readonly owner?: string;
  readonly reason?: string;
  /** Default SSM-SessionManagerRunShell, the document of a plain shell session. */
  readonly documentName?: string;
  /** Minutes, as SSM writes MaxSessionDuration; default absent. */
  readonly maxSessionDuration?: string;
  /** Where its output is logged; default not logged. */
  readonly s3OutputUrl?: string;
  /** From connected to its end. Default 60,000 ms. */
  readonly durationMs?: number;
  /** Default 'terminate'. */
  readonly end?: 'terminate' | 'timeout' | 'fail';
  /** When StartSession was called; default now. */
  readonly startAt?: Date;
}

export interface SessionRun {
  readonly id: string;
  readonly spec: SessionSpec;
  readonly owner: string;
  readonly startedAt: number;
  status: string;
  endedAt?: number;
  forgotten: boolean;
}

interface Change {
  readonly run: SessionRun;
  readonly status: string;
  /** The API call CloudTrail records with this change, if any. */
  readonly call?: 'TerminateSession';
}

export interface SessionEventContext {
  readonly region: string;
  readonly accountId: string;
  readonly random: SeededRandom;
}

const CONNECT_DELAY_MS = 1000;
const TERMINATING_MS = 1000;
const ENDED: ReadonlySet<string> = new Set(['Terminated', 'Failed']);

export const sessionEnded = (run: SessionRun): boolean => ENDED.has(run.status);

export class SessionState {
  private readonly runs = new Map<string, SessionRun>();
  /** Newest StartDate first, then SessionId: the order DescribeSessions answers in here. */
  private readonly ordered: SessionRun[] = [];
  private readonly schedule = new Schedule<Change>();

  constructor(
    private readonly ctx: SessionEventContext,
    private readonly emit: (event: SimulatorEvent) => void,
  ) {}

  get(id: string): SessionRun | undefined {
    return this.runs.get(id);
  }

  list(): readonly SessionRun[] {
    return this.ordered;
  }

  start(spec: SessionSpec, current: number): SessionRun {
    const now = spec.startAt?.getTime() ?? current;
    const owner = spec.owner ?? `arn:aws:iam::${this.ctx.accountId}:user/operator`;
    const id = spec.sessionId ?? `${owner.slice(owner.lastIndexOf('/') + 1)}-${this.ctx.random.hex(17)}`;
    if (this.runs.has(id)) throw new Error(`startSession: session ${id} already exists`);
    const run: SessionRun = { id, spec, owner, startedAt: now, status: 'Connecting', forgotten: false };
    this.runs.set(id, run);
    this.ordered.push(run);
    this.ordered.sort((a, b) => b.startedAt - a.startedAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    this.emitCall(run, 'StartSession', now);
    const end = spec.end ?? 'terminate';
    const endAt = now + CONNECT_DELAY_MS + (spec.durationMs ?? 60_000);
    this.schedule.push(now + CONNECT_DELAY_MS, { run, status: 'Connected' });
    if (end === 'terminate') {
      this.schedule.push(endAt, { run, status: 'Terminating', call: 'TerminateSession' });
      this.schedule.push(endAt + TERMINATING_MS, { run, status: 'Terminated' });
    } else {
      this.schedule.push(endAt, { run, status: end === 'fail' ? 'Failed' : 'Terminated' });
    }
    this.syncTo(current);
    return run;
  }

  syncTo(now: number): void {
    this.schedule.runDue(now, (change) => !change.run.forgotten, (change, at) => this.apply(change, at));
  }

  nextDueAt(): number | undefined {
    return this.schedule.peek()?.at;
  }

  lastDueAt(): number | undefined {
    return this.schedule.latest((change) => !change.run.forgotten);
  }

  /** Drops ended sessions that started before `cutoff`: SSM lists terminated sessions of the past 30 days only. */
  forgetBefore(cutoff: number): number {
    let dropped = 0;
    for (const run of [...this.ordered]) {
      if (run.startedAt < cutoff && sessionEnded(run)) {
        run.forgotten = true;
        this.runs.delete(run.id);
        this.ordered.splice(this.ordered.indexOf(run), 1);
        dropped++;
      }
    }
    return dropped;
  }

  private apply(change: Change, at: number): void {
    change.run.status = change.status;
    if (ENDED.has(change.status)) change.run.endedAt = at;
    if (change.call !== undefined) this.emitCall(change.run, change.call, at);
  }

  /** CloudTrail's record of the call, as EventBridge delivers it (secrets hidden as CloudTrail hides them). */
  private emitCall(run: SessionRun, eventName: 'StartSession' | 'TerminateSession', at: number): void {
    const time = new Date(at);
    const { region, accountId, random } = this.ctx;
    const starts = eventName === 'StartSession';
    const detail = {
      eventVersion: '1.08',
      userIdentity: { type: 'IAMUser', arn: run.owner, accountId, userName: run.owner.slice(run.owner.lastIndexOf('/') + 1) },
      eventTime: isoSeconds(time),
      eventSource: 'ssm.amazonaws.com',
      eventName,
      awsRegion: region,
      sourceIPAddress: '203.0.113.10',
      userAgent: 'aws-cli/2.15.0 session-manager-plugin',
      requestParameters: starts
        ? {
            target: run.spec.target,
            ...(run.spec.documentName !== undefined ? { documentName: run.spec.documentName } : {}),
            ...(run.spec.reason !== undefined ? { reason: run.spec.reason } : {}),
          }
        : { sessionId: run.id },
      responseElements: starts
        ? {
            sessionId: run.id,
            tokenValue: 'Value hidden due to security reasons.',
            streamUrl: `wss://ssmmessages.${region}.amazonaws.com/v1/data-channel/${run.id}?role=publish_subscribe`,
          }
        : { sessionId: run.id },
      requestID: random.uuid(),
      eventID: random.uuid(),
      readOnly: false,
      eventType: 'AwsApiCall',
      managementEvent: true,
      recipientAccountId: accountId,
      eventCategory: 'Management',
    };
    this.emit(eventBridgeEvent(this.ctx, CLOUDTRAIL_API_CALL_DETAIL_TYPE, time, [], detail));
  }
}

/** The session as DescribeSessions returns it. */
export function sessionRecord(run: SessionRun): Session {
  return {
    SessionId: run.id,
    Target: run.spec.target,
    Status: run.status as Session['Status'],
    StartDate: new Date(run.startedAt),
    ...(run.endedAt !== undefined ? { EndDate: new Date(run.endedAt) } : {}),
    DocumentName: run.spec.documentName ?? 'SSM-SessionManagerRunShell',
    Owner: run.owner,
    ...(run.spec.reason !== undefined ? { Reason: run.spec.reason } : {}),
    ...(run.spec.maxSessionDuration !== undefined ? { MaxSessionDuration: run.spec.maxSessionDuration } : {}),
    OutputUrl: run.spec.s3OutputUrl !== undefined ? { S3OutputUrl: run.spec.s3OutputUrl } : {},
    AccessType: 'Standard',
  };
}
