import type { AddressInfo } from 'node:net';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SSMClient } from '@aws-sdk/client-ssm';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import dynalite from 'dynalite';
import { Collector, type QueueMessage } from '../lambdas/collector/collector';
import { forEachBounded } from '../lambdas/concurrency';
import { CallCounter } from '../local/call-counter';
import { SsmSimulator } from '../local/ssm-simulator';
import { SeededRandom } from '../local/ssm-simulator/random';
import { historySources } from '../lambdas/sources';
import { createTables } from '../lambdas/store/create-tables';
import { prefixedTableNames, tableSchemas } from '../lambdas/sources/tables';
import { RecordStore } from '../lambdas/store/record-store';
import { PassLedger } from '../lambdas/store/pass-ledger';

export interface ReplayOptions {
  readonly seed: number;
  /** Share of events delivered twice. */
  readonly duplicateRate: number;
  /** SQS batch size of the collector's event source. */
  readonly batchSize: number;
  /** Collector invocations at once (the event source's maximum concurrency). */
  readonly concurrency: number;
  /**
   * Only events of these detail-types: a kind's benchmark takes its own events, not those of
   * the commands its windows, associations or steps ran through Run Command (Run Command's
   * own benchmark measures commands). Default: every event.
   */
  readonly detailTypes?: readonly string[];
  /**
   * Whether the collector keeps a pass ledger, as deployed (default true): gathered kinds'
   * batches that a pass covers make no SSM call. The events are all in the past by then, as a
   * gathered kind's are when its delivery delay has passed.
   */
  readonly passLedger?: boolean;
}

export interface Replay {
  readonly simulator: SsmSimulator;
  readonly store: RecordStore;
  readonly events: number;
  readonly seconds: number;
  /** SSM calls by operation ("ListCommands", ...). */
  readonly ssmCalls: Record<string, number>;
  readonly ddbWrites: number;
  readonly failedMessages: number;
}

const credentials = { accessKeyId: 'bench', secretAccessKey: 'bench' };
const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };

/**
 * What every collection benchmark does: `play` scripts activity into the simulator, which
 * runs to completion; its complete EventBridge event stream, shuffled with some events
 * duplicated, goes through the collector in SQS-sized batches against dynalite and the
 * simulator over HTTP with the real SDK clients. `judge` reads the replay (and the archive)
 * before everything is closed.
 */
export async function replayThroughCollector<T>(
  options: ReplayOptions,
  play: (simulator: SsmSimulator) => void,
  judge: (replay: Replay) => Promise<T>,
): Promise<T> {
  const database = dynalite({ createTableMs: 0 });
  await new Promise<void>((resolve) => database.listen(0, '127.0.0.1', resolve));
  const simulator = new SsmSimulator({ seed: options.seed });
  const { endpoint } = await simulator.listen();
  const ddb = new DynamoDBClient({ endpoint: `http://127.0.0.1:${(database.address() as AddressInfo).port}`, region: 'us-east-1', credentials });
  const ssm = new SSMClient({ endpoint, region: 'us-east-1', credentials, retryMode: 'adaptive', maxAttempts: 6 });
  try {
    play(simulator);
    simulator.runToCompletion();
    const random = new SeededRandom(options.seed);
    const wanted = options.detailTypes === undefined ? undefined : new Set(options.detailTypes);
    const stream = simulator.events
      .filter((event) => event.channel === 'eventbridge')
      .map((event) => event.body)
      .filter((body) => wanted === undefined || wanted.has(String((JSON.parse(body) as { 'detail-type'?: unknown })['detail-type'])));
    const deliveries = [...stream];
    for (const body of stream) if (random.next() < options.duplicateRate) deliveries.push(body);
    for (let i = deliveries.length - 1; i > 0; i--) {
      const j = random.int(0, i);
      [deliveries[i], deliveries[j]] = [deliveries[j] as string, deliveries[i] as string];
    }

    const tables = prefixedTableNames('bench-');
    await createTables(ddb, tableSchemas, tables);
    const ssmCalls = new CallCounter().attach(ssm);
    const ddbCalls = new CallCounter().attach(ddb);
    const store = new RecordStore(DynamoDBDocumentClient.from(ddb), tableSchemas, tables);
    const collector = new Collector({
      sources: historySources,
      clients: { ssm },
      store,
      logger: silent,
      parentConcurrency: 4,
      ...(options.passLedger === false ? {} : { passes: new PassLedger(DynamoDBDocumentClient.from(ddb), tables.pollCheckpoints) }),
    });

    const batches: QueueMessage[][] = [];
    for (let i = 0; i < deliveries.length; i += options.batchSize) {
      batches.push(deliveries.slice(i, i + options.batchSize).map((body, j) => ({ id: `${i + j}`, body })));
    }
    let failedMessages = 0;
    const started = process.hrtime.bigint();
    await forEachBounded(batches, options.concurrency, async (batch) => {
      failedMessages += (await collector.collect(batch)).failedMessageIds.length;
    });
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;

    return await judge({
      simulator,
      store,
      events: deliveries.length,
      seconds,
      ssmCalls: Object.fromEntries(Object.entries(ssmCalls.snapshot()).map(([name, n]) => [name.replace(/Command$/, ''), n])),
      // The collector writes only with UpdateItem (the monotonic upsert).
      ddbWrites: ddbCalls.count('UpdateItem'),
      failedMessages,
    });
  } finally {
    ssm.destroy();
    ddb.destroy();
    await simulator.close();
    await new Promise((resolve) => database.close(resolve));
  }
}
