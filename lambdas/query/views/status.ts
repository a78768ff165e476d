import type { Checkpoint, CheckpointStore } from '../../store/checkpoint-store';
import { historyKinds, type HistoryKind } from '../../core/model';
import { ViewRequestError } from './parameters';

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

const optional = <K extends string>(name: K, value: string | undefined): Partial<Record<K, string>> =>
  (value === undefined ? {} : { [name]: value }) as Partial<Record<K, string>>;

function kindStatus(checkpoint: Checkpoint): KindStatus {
  return {
    kind: checkpoint.kind,
    ...optional('watermark', checkpoint.watermark),
    ...optional('lastPollStartedAt', checkpoint.lastPollStartedAt),
    ...optional('lastSuccessfulPollAt', checkpoint.lastSuccessfulPollAt),
    listingInProgress: checkpoint.position !== undefined,
    ...optional('backfillStartedAt', checkpoint.backfillStartedAt),
    ...optional('backfillCompletedAt', checkpoint.backfillCompletedAt),
    recordsStored: checkpoint.recordsStored,
    missedByEvents: checkpoint.missedByEvents,
    parentsListed: checkpoint.parentsListed,
    throttles: checkpoint.throttles,
    ...optional('oldestRecordSsmReturned', checkpoint.oldestSeen),
  };
}

/** GET /status: every kind's checkpoint, one BatchGetItem; takes no parameters. */
export async function archiveStatus(
  query: Readonly<Record<string, string | undefined>>,
  checkpoints: Pick<CheckpointStore, 'all'>,
  kinds: readonly HistoryKind[] = historyKinds,
): Promise<StatusPage> {
  const unknown = Object.keys(query);
  if (unknown.length > 0) throw new ViewRequestError(unknown[0] as string, `GET /status takes no parameters, got: ${unknown.join(', ')}`);
  return { kinds: (await checkpoints.all(kinds)).map(kindStatus) };
}
