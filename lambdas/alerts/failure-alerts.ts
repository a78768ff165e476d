import { randomUUID } from 'node:crypto';
import type { Log } from '../log';
import type { Observation } from '../core/model';
import type { AlertingUpsert, RecordStore, UpsertOutcome } from '../store/record-store';
import type { TableId } from '../core/table-schema';
import type { FailureDayStore } from '../store/failure-days';
import { alertFor, type Alert, type AlertConfig, type AlertOptions } from './alert';

/** Where alerts go: SNS when deployed, the console and GET /alerts in local mode. */
export interface AlertPublisher {
  /** Resolves once the alert is accepted; rejects when it was not (the alert is then retried). */
  publish(alert: Alert): Promise<{ readonly messageId?: string }>;
}

/** The record store's part in alert delivery: the alert state lives on the record itself. */
export type AlertClaims = Pick<RecordStore, 'upsertAlerting' | 'claimAlert' | 'markAlertSent' | 'releaseAlert'>;

export interface FailureAlertsOptions {
  readonly publisher: AlertPublisher;
  readonly claims: AlertClaims;
  readonly config: AlertConfig;
  /** Region, account and partition: the alert's console link and fields. */
  readonly context: AlertOptions;
  /**
   * A failure that had ended longer ago than this when first stored is archived without an
   * alert ('skipped'), so a first backfill does not alert a month of old failures. Decided
   * once: an alert that was pending stays due however late its retry comes.
   */
  readonly maxAgeMs: number;
  /**
   * A claim older than this is taken over: its holder died between claim and publish. Longer
   * than a collector invocation, so a live holder is never overtaken.
   */
  readonly claimTimeoutMs?: number;
  readonly logger: Pick<Log, 'info' | 'warn'>;
  /** Where each failure is counted on its day as it is first stored (GET /failures/daily). */
  readonly failureDays?: Pick<FailureDayStore, 'add'>;
  readonly now?: () => Date;
  readonly newClaim?: () => string;
}

export const DEFAULT_CLAIM_TIMEOUT_MS = 5 * 60_000;

/** An alert that could not be published. Its record stays pending; the messages that named it are retried. */
export class AlertPublishError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'AlertPublishError';
  }
}

export interface StoredFailure {
  readonly outcome: UpsertOutcome;
  /** The alert this call published, if it did. */
  readonly published?: Alert;
}

/** When the failure happened, as the alert says: its end, else its start, else its request. */
function failureTime(alert: Alert): number | undefined {
  const { ended, started, requested } = alert.body.times;
  const at = ended ?? started ?? requested;
  return at === undefined ? undefined : Date.parse(at);
}

/** Tries at marking a published alert sent. */
const MARK_SENT_ATTEMPTS = 3;

/**
 * One alert per failure, however often the failure is observed. The record carries the
 * alert's state, so that no separate table, transaction or read is needed:
 *
 * 1. the write that stores a failure marks the record's alert 'pending' if it has no alert
 *    state yet, and learns the state from that same write (UPDATED_OLD);
 * 2. a pending alert is claimed with a conditional write, so one collector publishes it;
 * 3. after the publish the claim becomes 'sent'; if the publish fails, the claim is released
 *    to 'pending' and the error fails the batch's messages, whose retry observes the failure
 *    again and finds it pending.
 *
 * Duplicated or reordered events, re-polls and concurrent collectors all meet the one state on
 * the record. The one gap: a collector that dies after SNS accepted the alert and before it
 * marked it sent leaves a claim that a retry takes over after the claim timeout, and publishes
 * again (SNS standard topics do not deduplicate).
 */
export class FailureAlerts {
  private readonly now: () => Date;
  private readonly newClaim: () => string;
  private readonly claimTimeoutMs: number;
  /** Every status some kind alerts on: most observations are ruled out by this alone. */
  private readonly alertingStatuses: ReadonlySet<string>;

  constructor(private readonly options: FailureAlertsOptions) {
    this.alertingStatuses = new Set(Object.values(options.config.statuses).flatMap((statuses) => [...statuses]));
    this.now = options.now ?? (() => new Date());
    this.newClaim = options.newClaim ?? randomUUID;
    this.claimTimeoutMs = options.claimTimeoutMs ?? DEFAULT_CLAIM_TIMEOUT_MS;
  }

  /**
   * The alert this observation raises, if it is SSM's read, its record alerts and its status
   * is configured to.
   * `gathered`: the observations of the same collection pass, whose children (steps,
   * targets, tasks) detail the alert.
   */
  alertOf(observation: Observation, gathered: readonly Observation[] = []): Alert | undefined {
    // Only a failure SSM's own read confirms alerts: a message alone may be forged.
    if (!observation.complete) return undefined;
    // Before any record is rebuilt from its fields (a copy of every output): most succeed.
    if (!this.alertingStatuses.has(observation.status)) return undefined;
    const related = (table: TableId) =>
      gathered.filter((other) => other.table === table && other !== observation).map((other) => ({ ...other.fields, ...other.key }));
    return alertFor(observation.table, { ...observation.fields, ...observation.key }, this.options.context, this.options.config, related);
  }

  /** Stores an observation that raises `alert`, and publishes the alert unless it is already handled. */
  async store(observation: Observation, alert: Alert): Promise<StoredFailure> {
    const failed = failureTime(alert);
    const known = failed !== undefined && Number.isFinite(failed);
    // Too old to alert, if this is the failure's first write (a backfill): decided by the failure's own time.
    const tooOld = known && this.now().getTime() - failed > this.options.maxAgeMs;
    const failedAt = known ? new Date(failed) : this.now();
    const written: AlertingUpsert = await this.options.claims.upsertAlerting(observation, tooOld ? 'skipped' : 'pending', failedAt);
    if (written.firstFailure) await this.count(alert, failedAt);
    // Sent, skipped, or unknown after a stale write. A stale write means a newer observation of
    // this failure was stored first; the write that stored it, or the retry of its message if
    // its publish failed, handles the alert.
    if (written.alertState !== 'pending' && written.alertState !== 'publishing') return { outcome: written.outcome };
    const claim = this.newClaim();
    const now = this.now();
    const claimed = await this.options.claims.claimAlert(
      observation.table,
      observation.key,
      claim,
      now,
      new Date(now.getTime() - this.claimTimeoutMs),
    );
    // Another collector holds a live claim, or has just sent it.
    if (!claimed) return { outcome: written.outcome };
    let messageId: string | undefined;
    try {
      ({ messageId } = await this.options.publisher.publish(alert));
    } catch (error) {
      const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      this.options.logger.warn('Could not publish a failure alert; it stays pending for the retry', {
        table: observation.table,
        key: observation.key,
        subject: alert.subject,
        reason,
      });
      // If the release fails too, the claim goes stale and the retry takes it over.
      await this.options.claims.releaseAlert(observation.table, observation.key, claim).catch(() => undefined);
      throw new AlertPublishError(`could not publish the alert "${alert.subject}": ${reason}`, { cause: error });
    }
    await this.markSent(observation, claim, messageId);
    this.options.logger.info('Published a failure alert', {
      table: observation.table,
      key: observation.key,
      subject: alert.subject,
      ...(messageId !== undefined ? { messageId } : {}),
    });
    return { outcome: written.outcome, published: alert };
  }

  /**
   * Counted once, by the write that stored the failure first. A count that cannot be written is
   * lost rather than retried: the retry would find the failure stored and not count it again,
   * and failing the message for a chart's number would hold up the alert.
   */
  private async count(alert: Alert, failedAt: Date): Promise<void> {
    try {
      await this.options.failureDays?.add(failedAt, alert.body.kind);
    } catch (error) {
      this.options.logger.warn('Could not count a failure on its day; the failures per day will show one fewer', {
        kind: alert.body.kind,
        day: failedAt.toISOString().slice(0, 10),
        error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
      });
    }
  }

  /**
   * The alert is out: failing the message now would only bring a retry that takes the claim
   * over once it is stale and publishes again. So a few tries, then a warning, not an error.
   */
  private async markSent(observation: Observation, claim: string, messageId: string | undefined): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.options.claims.markAlertSent(observation.table, observation.key, claim, this.now(), messageId);
        return;
      } catch (error) {
        if (attempt >= MARK_SENT_ATTEMPTS) {
          this.options.logger.warn('Published a failure alert but could not mark it sent; a retry after the claim timeout may send it again', {
            table: observation.table,
            key: observation.key,
            error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
          });
          return;
        }
      }
    }
  }
}
