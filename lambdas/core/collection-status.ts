import type { HistoryKind } from './model';
import type { SsmScope } from './scope';

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
  /** Why the last poll failed (a member's read role missing, a Region disabled); absent once a poll succeeds again. */
  readonly lastError?: string;
  readonly lastErrorAt?: string;
}

/** One kind's collection in one account and Region. */
export interface ScopedKindStatus extends KindStatus {
  readonly account: string;
  readonly region: string;
}

/** An account and Region where the last poll of some kind failed: a broken member, most likely. */
export interface FailingScope {
  readonly account: string;
  readonly region: string;
  /** The kinds whose last poll there failed. */
  readonly kinds: readonly HistoryKind[];
  /** The latest of their failures: why, and when. */
  readonly lastError: string;
  readonly lastErrorAt?: string;
}

/** An organization's collection at a glance. */
export interface OrganizationSummary {
  /** The account-Regions collected. */
  readonly scopes: number;
  /** Of those, the ones where the last poll of some kind failed. */
  readonly scopesFailing: number;
  /** Of those, the ones where no poll of any kind has succeeded yet (new, or never reachable). */
  readonly scopesNeverPolled: number;
  readonly failing: readonly FailingScope[];
}

/** GET /status of an archive that collects an organization: every account, Region and kind. */
export interface OrganizationStatus {
  readonly home: SsmScope;
  /** The accounts collected, the home's first: the configured members, or the organization's as the poller last listed them. */
  readonly accounts: readonly string[];
  readonly accountsFrom: 'configuration' | 'organization';
  /** When the poller last listed the organization's accounts; absent before it first did. */
  readonly accountsListedAt?: string;
  readonly regions: readonly string[];
  readonly summary: OrganizationSummary;
  /** One entry per account, Region and kind: the home's first, then account by account, Region by Region. */
  readonly collections: readonly ScopedKindStatus[];
}

export interface StatusPage {
  /** The archive's home account and Region, kind by kind: all of a single-account archive's collection. */
  readonly kinds: readonly KindStatus[];
  /** Present when the archive collects an organization's accounts and Regions. */
  readonly organization?: OrganizationStatus;
}
