import { auditRunCommandArchive, type AuditResult } from './archive-audit';
import { fleetCommand } from '../local/ssm-simulator';
import { replayThroughCollector, type ReplayOptions } from './replay';

export interface CollectionOptions extends ReplayOptions {
  readonly nodes: number;
}

export interface CollectionFigures {
  readonly events: number;
  readonly invocations: number;
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
      audit: await auditRunCommandArchive(store, simulator.truth()),
    }),
  );
}
