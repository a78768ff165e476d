import type { Checkpoint, CheckpointStore } from '../../store/checkpoint-store';
import type { KindStatus, StatusPage } from '../../core/collection-status';
import { historyKinds, type HistoryKind } from '../../core/model';
import { ViewRequestError } from './parameters';


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
