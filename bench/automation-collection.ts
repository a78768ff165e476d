import type { AddressInfo } from 'node:net';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SSMClient } from '@aws-sdk/client-ssm';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import dynalite from 'dynalite';
import { isDeepStrictEqual } from 'node:util';
import { Collector, type QueueMessage } from '../lambdas/collector/collector';
import { forEachBounded } from '../lambdas/concurrency';
import { CallCounter } from '../lambdas/local/call-counter';
import { SsmSimulator } from '../lambdas/local/ssm-simulator';
import { SeededRandom } from '../lambdas/local/ssm-simulator/random';
import { historySources } from '../lambdas/sources';
import { automationExecutionFromItem, automationStepFromItem } from '../lambdas/sources/automation/records';
import { createTables, prefixedTableNames } from '../lambdas/store/create-tables';
import { RecordStore } from '../lambdas/store/record-store';
import type { CollectionOptions } from './collection';

export interface AutomationCollectionOptions extends Omit<CollectionOptions, 'nodes'> {
  readonly steps: number;
}

export interface AutomationCollectionFigures {
  readonly events: number;
  /** Records the archive holds afterwards: the execution and each step. */
  readonly records: number;
  readonly seconds: number;
  readonly ssmCalls: Record<string, number>;
  readonly ddbWrites: number;
  readonly failedMessages: number;
  /** The archive's execution and steps equal SSM's, field for field. */
  readonly matches: boolean;
}

const credentials = { accessKeyId: 'bench', secretAccessKey: 'bench' };
const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };
const WRITES = ['UpdateItemCommand', 'PutItemCommand', 'BatchWriteItemCommand', 'TransactWriteItemsCommand'];

/**
 * As benchCollection, for Automation: one execution of `steps` steps, its EventBridge events
 * as the simulator emitted them, shuffled with some duplicated, through the collector in
 * SQS-sized batches, against dynalite and the simulator over HTTP with the real SDK clients.
 */
export async function benchAutomationCollection(options: AutomationCollectionOptions): Promise<AutomationCollectionFigures> {
  const database = dynalite({ createTableMs: 0 });
  await new Promise<void>((resolve) => database.listen(0, '127.0.0.1', resolve));
  const simulator = new SsmSimulator({ seed: options.seed });
  const { endpoint } = await simulator.listen();
  try {
    const executionId = simulator.startAutomation({ steps: options.steps, documentName: 'Bench-Runbook' });
    simulator.runToCompletion();
    const random = new SeededRandom(options.seed);
    const stream = simulator.events.filter((event) => event.channel === 'eventbridge').map((event) => event.body);
    const deliveries = [...stream];
    for (const body of stream) if (random.next() < options.duplicateRate) deliveries.push(body);
    for (let i = deliveries.length - 1; i > 0; i--) {
      const j = random.int(0, i);
      [deliveries[i], deliveries[j]] = [deliveries[j] as string, deliveries[i] as string];
    }

    const ddb = new DynamoDBClient({ endpoint: `http://127.0.0.1:${(database.address() as AddressInfo).port}`, region: 'us-east-1', credentials });
    const tables = prefixedTableNames('bench-automation-');
    await createTables(ddb, tables);
    const ssm = new SSMClient({ endpoint, region: 'us-east-1', credentials, retryMode: 'adaptive', maxAttempts: 6 });
    const ssmCalls = new CallCounter().attach(ssm);
    const ddbCalls = new CallCounter().attach(ddb);
    const store = new RecordStore(DynamoDBDocumentClient.from(ddb), tables);
    const collector = new Collector({ sources: historySources, clients: { ssm }, store, logger: silent, parentConcurrency: 4 });

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
    const snapshot = ddbCalls.snapshot();
    const ddbWrites = WRITES.reduce((sum, name) => sum + (snapshot[name] ?? 0), 0);

    // The archive against SSM's own answer.
    const truth = simulator.truth().automations.find((automation) => automation.execution.AutomationExecutionId === executionId);
    const execution = await store.get('automationExecutions', { AutomationExecutionId: executionId });
    const steps = [];
    for (let page = await store.page('automationSteps', executionId, 100); ; page = await store.page('automationSteps', executionId, 100, page.nextKey)) {
      steps.push(...page.items.map(automationStepFromItem));
      if (!page.nextKey) break;
    }
    const byId = (a: { StepExecutionId?: string }, b: { StepExecutionId?: string }) => ((a.StepExecutionId ?? '') < (b.StepExecutionId ?? '') ? -1 : 1);
    const matches =
      truth !== undefined &&
      execution !== undefined &&
      isDeepStrictEqual(automationExecutionFromItem(execution), truth.execution) &&
      isDeepStrictEqual(steps.sort(byId), [...truth.steps].sort(byId));

    const figures: AutomationCollectionFigures = {
      events: deliveries.length,
      records: (execution !== undefined ? 1 : 0) + steps.length,
      seconds,
      ssmCalls: Object.fromEntries(Object.entries(ssmCalls.snapshot()).map(([name, n]) => [name.replace(/Command$/, ''), n])),
      ddbWrites,
      failedMessages,
      matches,
    };
    ssm.destroy();
    ddb.destroy();
    return figures;
  } finally {
    await simulator.close();
    await new Promise((resolve) => database.close(resolve));
  }
}
