import { auditRunCommandArchive, type AuditResult } from './archive-audit';
import { fleetCommand } from '../local/ssm-simulator';
import { replayThroughCollector, type ReplayOptions } from './replay';
import { DEFAULT_COLLECT_SETTINGS } from '../lambdas/core/model';
import { pluginsReadInDetail } from '../lambdas/sources/run-command';

export interface CollectionOptions extends ReplayOptions {
  readonly nodes: number;
}

export interface CollectionFigures {
  readonly events: number;
  readonly invocations: number;
  /** GetCommandInvocation calls the default settings make on the final records: their floor. */
  readonly detailReads: number;
  readonly seconds: number;
  readonly ssmCalls: Record<string, number>;
  readonly ddbWrites: number;
  readonly failedMessages: number;
  readonly audit: AuditResult;
}

/** One command to a fleet, its event stream replayed through the collector, the archive audited. */
export async function benchCollection(options: CollectionOptions): Promise<CollectionFigures> {
  return replayThroughCollector(
    options,
    (simulator) => {
      simulator.sendCommand(fleetCommand({ nodes: options.nodes, failureRate: 0.05, longOutputRate: 0.01, seed: options.seed }));
    },
    async ({ simulator, store, ...replay }) => ({
      ...replay,
      invocations: simulator.truth().invocations.length,
      detailReads: simulator.truth().invocations.reduce((sum, invocation) => sum + pluginsReadInDetail(invocation, DEFAULT_COLLECT_SETTINGS).length, 0),
      audit: await auditRunCommandArchive(store, simulator.truth()),
    }),
  );
}
