import type { HistoryKind } from './model';

/** GET /status: what the pollers' checkpoints say of each kind's collection. */
/** One history kind's collection, as an operator checks it: is the archive keeping up? */
export interface KindStatus {
  readonly kind: HistoryKind;
  /** Parents started before this (less the pollers' overlap) are all in the archive, unless still running. */
  readonly watermark?: string;
  readonly lastPollStartedAt?: string;
  readonly lastSuccessfulPollAt?: string;
  /** A listing a poll could not finish in its time; the next poll resumes it. */
  readonly listingInProgress: boolean;
  readonly backfillStartedAt?: string;
  readonly backfillCompletedAt?: string;
  /** Records the collector created (parents and children), from events and polls alike. */
  readonly recordsStored: number;
  /** Records a poller stored before any event did: the event path missed them. */
  readonly missedByEvents: number;
  readonly parentsListed: number;
  /** SSM throttling responses the pollers met (each retried, none fatal). */
  readonly throttles: number;
  /**
   * The oldest parent SSM returned to a poll: what SSM still held then. AWS documents 30 days
   * for Run Command and Automation and no figure for State Manager or Maintenance Windows.
   */
  readonly oldestRecordSsmReturned?: string;
}

export interface StatusPage {
  readonly kinds: readonly KindStatus[];
}
