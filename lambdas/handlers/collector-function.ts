import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SSMClient } from '@aws-sdk/client-ssm';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { FailureAlerts } from '../alerts/failure-alerts';
import { SnsAlertPublisher } from '../alerts/sns-alert-publisher';
import { publishCollectionMetrics } from '../collector/collection-metrics';
import { batchLogAttributes, Collector } from '../collector/collector';
import { collectorConfigFrom, ConfigurationError, type CollectorConfig, type OrganizationConfig } from '../config';
import type { SsmScope } from '../core/scope';
import { createLog } from '../log';
import { DEFAULT_SERVICE_NAME, METRICS_NAMESPACE } from '../operational-metrics';
import { collectedSources } from '../sources';
import { tableSchemas } from '../sources/tables';
import { SsmCallMeter } from '../ssm-call-meter';
import { CheckpointStore } from '../store/checkpoint-store';
import { FailureDayStore } from '../store/failure-days';
import { PassLedger } from '../store/pass-ledger';
import { RecordStore } from '../store/record-store';

/** What the collector needs to read a member's SSM: given the home client, the client for any account and Region. */
export interface MemberReads {
  readonly organization: OrganizationConfig;
  readonly config: CollectorConfig;
  /** The home account's client: SSM calls in the home account and Region go through it. */
  readonly homeClient: SSMClient;
  /** Meters each member's client as it is made. */
  readonly meter: (client: SSMClient) => void;
}

/** Makes the member clients of an organization's collector (organization-collector.ts). */
export type MemberClientsFactory = (reads: MemberReads) => (scope: SsmScope | undefined) => SSMClient;

/**
 * The collector as Lambda runs it, built at init: SQS -> collector, with partial batch
 * responses. Partial batch responses are built here rather than with Powertools'
 * BatchProcessor because the collector needs the whole batch at once (it coalesces many
 * messages about one command into one SSM pass), while BatchProcessor hands records out one
 * by one.
 *
 * `members` reads the members of an organization. Without it the function reads its home
 * account and Region only, and refuses at init a configuration that names members, so that a
 * stack cannot silently drop their history.
 */
export function collectorFunction(members?: MemberClientsFactory): (event: SQSEvent) => Promise<SQSBatchResponse> {
  const config = collectorConfigFrom(process.env);
  const logger = createLog(process.env.POWERTOOLS_SERVICE_NAME ?? DEFAULT_SERVICE_NAME);
  const metrics = new Metrics({ namespace: METRICS_NAMESPACE, serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? DEFAULT_SERVICE_NAME });
  const doc = DynamoDBDocumentClient.from(new DynamoDBClient({}));
  // Adaptive retries: the collector is latency tolerant, and SSM's read APIs throttle per account.
  const ssm = new SSMClient({ retryMode: 'adaptive', maxAttempts: config.ssmMaxAttempts });
  const ssmCalls = new SsmCallMeter(ssm);
  const { organization } = config;
  if (organization !== undefined && members === undefined) {
    throw new ConfigurationError('MEMBER_REGIONS is set, but this collector reads its own account and Region only: an organization deploys organization-collector.ts');
  }
  const ssmFor =
    organization === undefined || members === undefined
      ? undefined
      : members({ organization, config, homeClient: ssm, meter: (client) => ssmCalls.meter(client) });
  const store = new RecordStore(doc, tableSchemas, config.tableNames, () => new Date(), config.retentionDays);
  const collector = new Collector({
    sources: collectedSources,
    clients: { ssm },
    home: config.home,
    ...(ssmFor !== undefined ? { ssmFor } : {}),
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

  return async (event) => {
    const result = await collector.collect(event.Records.map((record) => ({ id: record.messageId, body: record.body })));
    logger.info('Collected batch', batchLogAttributes(event.Records.length, result));
    publishCollectionMetrics(metrics, result, ssmCalls.take());
    return { batchItemFailures: result.failedMessageIds.map((itemIdentifier) => ({ itemIdentifier })) };
  };
}
