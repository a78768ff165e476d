import { SSMClient } from '@aws-sdk/client-ssm';
import { encodeWorkItem } from '../../lambdas/collector/messages';
import { pollOnce, type KindPollResult } from '../../lambdas/polling/poller';
import { historySources } from '../../lambdas/sources';
import { tableSchemas, type TableNames } from '../../lambdas/sources/tables';
import { CheckpointStore } from '../../lambdas/store/checkpoint-store';
import { DefinitionStore } from '../../lambdas/store/definition-store';
import type { TestDatabase } from './databases';
import { silentLog } from './silent-log';

/**
 * The definitions the pollers list (associations, maintenance windows) archived as the
 * deployed poller archives them: one poll, by the real pollOnce and listers, of the kinds that
 * list definitions. Its work items are dropped: the fixtures' history comes from the events.
 */
export async function archiveListedDefinitions(database: TestDatabase, tables: TableNames, endpoint: string, now: () => Date): Promise<KindPollResult[]> {
  const ssm = new SSMClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' }, maxAttempts: 3 });
  try {
    const results = await pollOnce(
      {
        sources: historySources.filter((source) => (source.lister?.definitionTables ?? []).length > 0),
        ssm,
        checkpoints: new CheckpointStore(database.doc, tables.pollCheckpoints),
        definitions: new DefinitionStore(database.doc, tableSchemas, tables, now),
        sink: { send: () => Promise.resolve() },
        encode: encodeWorkItem,
        now,
        log: { ...silentLog, debug: () => undefined },
        callsPerSecond: 1000,
      },
      () => false,
    );
    const failed = results.filter((result) => result.error !== undefined);
    if (failed.length > 0) throw new Error(`the definitions poll failed: ${failed.map((result) => `${result.kind}: ${result.error}`).join('; ')}`);
    return results;
  } finally {
    ssm.destroy();
  }
}
