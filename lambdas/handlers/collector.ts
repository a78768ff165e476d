import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SSMClient } from '@aws-sdk/client-ssm';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { FailureAlerts } from '../alerts/failure-alerts';
import { FailureDayStore } from '../store/failure-days';
import { SnsAlertPublisher } from '../alerts/sns-alert-publisher';
import { publishCollectionMetrics } from '../collector/collection-metrics';
import { Collector } from '../collector/collector';
import { collectorConfigFrom } from '../config';
import { createLog } from '../log';
import { DEFAULT_SERVICE_NAME, METRICS_NAMESPACE } from '../operational-metrics';
import { CheckpointStore } from '../store/checkpoint-store';
import { PassLedger } from '../store/pass-ledger';
import { historySources } from '../sources';
import { SsmCallMeter } from '../ssm-call-meter';
import { RecordStore } from '../store/record-store';
import { tableSchemas } from '../sources/tables';
import { MemberSsmClients } from '../member-ssm';
import { STSClient } from '@aws-sdk/client-sts';

/**
 * SQS -> collector. Partial batch responses are built here rather than with Powertools'
 * BatchProcessor because the collector needs the whole batch at once (it coalesces many
 * messages about one command into one SSM pass), while BatchProcessor hands records out one
 * by one.
 */
const config = collectorConfigFrom(process.env);
const logger = createLog(process.env.POWERTOOLS_SERVICE_NAME ?? DEFAULT_SERVICE_NAME);
const metrics = new Metrics({ namespace: METRICS_NAMESPACE, serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? DEFAULT_SERVICE_NAME });
const doc = DynamoDBDocumentClient.from(new DynamoDBClient({}));
// Adaptive retries: the collector is latency tolerant, and SSM's read APIs throttle per account.
const ssm = new SSMClient({ retryMode: 'adaptive', maxAttempts: config.ssmMaxAttempts });
const ssmCalls = new SsmCallMeter(ssm);
// Members' SSM through their read roles; each member's client is metered as it is made.
const members =
  config.organization === undefined
    ? undefined
    : new MemberSsmClients({
        home: config.home,
        homeClient: ssm,
        sts: new STSClient({}),
        partition: config.organization.partition,
        ...(config.organization.externalId !== undefined ? { externalId: config.organization.externalId } : {}),
        sessionName: 'ssm-history-collector',
        clientConfig: { retryMode: 'adaptive', maxAttempts: config.ssmMaxAttempts },
        onClient: (client) => ssmCalls.meter(client),
      });
const store = new RecordStore(doc, tableSchemas, config.tableNames, () => new Date(), config.retentionDays);
const collector = new Collector({
  sources: historySources,
  clients: { ssm },
  home: config.home,
  ...(members !== undefined ? { ssmFor: (scope) => members.clientFor(scope) } : {}),
  store,
  // Records stored and missed by events, per kind, beside the pollers' checkpoints (GET /status).
  checkpoints: new CheckpointStore(doc, config.tableNames.pollCheckpoints, config.home),
  // And the passes over gathered kinds' parents, so that each is passed once for many events.
  passes: new PassLedger(doc, config.tableNames.pollCheckpoints, config.home),
  logger,
  parentConcurrency: config.parentConcurrency,
  settings: config.settings,
  senders: config.senders,
  ...(config.alerts !== undefined
    ? {
        alerts: new FailureAlerts({
          publisher: new SnsAlertPublisher(config.alerts.topicArn),
          claims: store,
          config: config.alerts.config,
          context: config.alerts.context,
          maxAgeMs: config.alerts.maxAgeMs,
          logger,
          failureDays: new FailureDayStore(doc, config.tableNames.failureDays),
        }),
      }
    : {}),
});

export const handler = async (event: SQSEvent): Promise<SQSBatchResponse> => {
  const result = await collector.collect(event.Records.map((record) => ({ id: record.messageId, body: record.body })));
  logger.info('Collected batch', {
    messages: event.Records.length,
    parents: result.parents,
    written: result.written,
    created: result.created,
    missedByEvents: result.missedByEvents,
    alertsPublished: result.alertsPublished,
    stale: result.stale,
    failed: result.failedMessageIds.length,
  });
  publishCollectionMetrics(metrics, result, ssmCalls.take());
  return { batchItemFailures: result.failedMessageIds.map((itemIdentifier) => ({ itemIdentifier })) };
};
