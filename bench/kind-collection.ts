import type { KindAuditResult } from './archive-audit';
import type { SimulatorTruth, SsmSimulator } from '../local/ssm-simulator';
import type { RecordStore } from '../lambdas/store/record-store';
import { replayThroughCollector, type ReplayOptions } from './replay';

export interface KindCollectionFigures {
  readonly events: number;
  /** Records the archive holds afterwards (parents and children). */
  readonly records: number;
  readonly seconds: number;
  readonly ssmCalls: Record<string, number>;
  readonly ddbWrites: number;
  readonly failedMessages: number;
  /** The archive equals SSM's records, field for field. */
  readonly matches: boolean;
  readonly differences: readonly string[];
}

/**
 * One history kind's activity, scripted by `play`, its event stream replayed through the
 * collector (shuffled, some duplicated, SQS-sized batches), and the archive audited against
 * what the simulator serves.
 */
export async function benchKindCollection(
  options: ReplayOptions,
  play: (simulator: SsmSimulator) => void,
  audit: (store: RecordStore, truth: SimulatorTruth) => Promise<KindAuditResult>,
): Promise<KindCollectionFigures> {
  return replayThroughCollector(options, play, async ({ simulator, store, events, seconds, ssmCalls, ddbWrites, failedMessages }) => {
    const result = await audit(store, simulator.truth());
    return { events, records: result.records, seconds, ssmCalls, ddbWrites, failedMessages, matches: result.matches, differences: result.differences };
  });
}
