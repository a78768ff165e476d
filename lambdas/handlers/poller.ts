import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { SSMClient } from '@aws-sdk/client-ssm';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Context, ScheduledEvent } from 'aws-lambda';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { encodeWorkItem } from '../collector/messages';
import { pollerConfigFrom } from '../config';
import { createLog } from '../log';
import { DEFAULT_SERVICE_NAME, METRICS_NAMESPACE } from '../operational-metrics';
import { CheckpointStore } from '../store/checkpoint-store';
import { DefinitionStore } from '../store/definition-store';
import { publishPollMetrics } from '../polling/poll-metrics';
import { pollOnce } from '../polling/poller';
import { SqsWorkSink } from '../polling/work-sink';
import { historySources } from '../sources';
import { tableSchemas } from '../sources/tables';
import { SsmCallMeter } from '../ssm-call-meter';

/**
 * EventBridge schedule -> one poll of every kind. What it could not finish before its time
 * runs out is saved in the checkpoints and resumed by the next invocation.
 */
const config = pollerConfigFrom(process.env);
const log = createLog(process.env.POWERTOOLS_SERVICE_NAME ?? DEFAULT_SERVICE_NAME);
const metrics = new Metrics({ namespace: METRICS_NAMESPACE, serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? DEFAULT_SERVICE_NAME });
const ssm = new SSMClient({ retryMode: 'adaptive', maxAttempts: config.ssmMaxAttempts });
const ssmCalls = new SsmCallMeter(ssm);
const db = DynamoDBDocumentClient.from(new DynamoDBClient({}));
const checkpoints = new CheckpointStore(db, config.tableNames.pollCheckpoints);
const definitions = new DefinitionStore(db, tableSchemas, config.tableNames);
const sink = new SqsWorkSink(new SQSClient({}), config.workQueueUrl);

/** Time kept back at the end of an invocation to save the checkpoints. */
const SAVE_MARGIN_MS = 20_000;

export const handler = async (_event: ScheduledEvent, context: Context): Promise<void> => {
  const results = await pollOnce(
    {
      sources: historySources,
      ssm,
      checkpoints,
      definitions,
      sink,
      encode: encodeWorkItem,
      now: () => new Date(),
      log,
      backfillMs: config.backfillDays * 24 * 3_600_000,
      overlapMs: config.overlapMinutes * 60_000,
      callsPerSecond: config.callsPerSecond,
      timeLeftMs: () => context.getRemainingTimeInMillis(),
    },
    () => context.getRemainingTimeInMillis() < SAVE_MARGIN_MS,
  );
  log.info('Polled', { results });
  publishPollMetrics(metrics, results, ssmCalls.take());
  const failed = results.filter((result) => result.error !== undefined);
  // Failing the invocation makes the failure visible (Errors metric); the checkpoints keep every kind's place.
  if (failed.length > 0) throw new Error(`Polling failed for ${failed.map((result) => `${result.kind}: ${result.error}`).join('; ')}`);
};
