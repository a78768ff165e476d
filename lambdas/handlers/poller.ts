import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { SQSClient } from '@aws-sdk/client-sqs';
import { SSMClient } from '@aws-sdk/client-ssm';
import { STSClient } from '@aws-sdk/client-sts';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Context, ScheduledEvent, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { encodeWorkItem } from '../collector/messages';
import { ConfigurationError, pollerConfigFrom } from '../config';
import { forEachBounded } from '../concurrency';
import { MalformedMessageError } from '../core/model';
import { scopeName, type SsmScope } from '../core/scope';
import { createLog } from '../log';
import { MemberSsmClients } from '../member-ssm';
import { DEFAULT_SERVICE_NAME, METRICS_NAMESPACE, operationalMetrics } from '../operational-metrics';
import { listOrganizationAccounts } from '../polling/organization-accounts';
import { publishPollMetrics } from '../polling/poll-metrics';
import { dispatchPolls, isPolledScope, POLL_BATCH_SIZE, readPollRequest, scopesToPoll } from '../polling/poll-requests';
import { pollOnce, type KindPollResult } from '../polling/poller';
import { SqsWorkSink } from '../polling/work-sink';
import { historySources } from '../sources';
import { tableSchemas } from '../sources/tables';
import { SsmCallMeter } from '../ssm-call-meter';
import { CheckpointStore } from '../store/checkpoint-store';
import { DefinitionStore } from '../store/definition-store';

/**
 * EventBridge schedule -> one poll of every kind. An archive of one account and Region polls
 * it in this invocation; an organization's archive sends one poll request per account and
 * Region to the poll queue, and this function, invoked by that queue, polls a few at a time.
 * What a poll could not finish before its time runs out is saved in the checkpoints and
 * resumed by the next one.
 */
const config = pollerConfigFrom(process.env);
const log = createLog(process.env.POWERTOOLS_SERVICE_NAME ?? DEFAULT_SERVICE_NAME);
const metrics = new Metrics({ namespace: METRICS_NAMESPACE, serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? DEFAULT_SERVICE_NAME });
const ssm = new SSMClient({ retryMode: 'adaptive', maxAttempts: config.ssmMaxAttempts });
const ssmCalls = new SsmCallMeter(ssm);
const db = DynamoDBDocumentClient.from(new DynamoDBClient({}));
const checkpoints = new CheckpointStore(db, config.tableNames.pollCheckpoints, config.home);
const definitions = new DefinitionStore(db, tableSchemas, config.tableNames);
const sqs = new SQSClient({});
const sink = new SqsWorkSink(sqs, config.workQueueUrl);
const organization = config.organization;
if (organization !== undefined && config.pollQueueUrl === undefined) throw new ConfigurationError('POLL_QUEUE_URL is not set (an organization is polled through it)');
const members =
  organization === undefined
    ? undefined
    : new MemberSsmClients({
        home: config.home,
        homeClient: ssm,
        sts: new STSClient({}),
        partition: organization.partition,
        ...(organization.externalId !== undefined ? { externalId: organization.externalId } : {}),
        sessionName: 'ssm-history-poller',
        clientConfig: { retryMode: 'adaptive', maxAttempts: config.ssmMaxAttempts },
        onClient: (client) => ssmCalls.meter(client),
      });

/** Time kept back at the end of an invocation to save the checkpoints. */
const SAVE_MARGIN_MS = 20_000;


export const handler = async (event: ScheduledEvent | SQSEvent, context: Context): Promise<SQSBatchResponse | undefined> => {
  if ('Records' in event) return pollRequested(event, context);
  if (organization === undefined) {
    await pollScope(undefined, context);
    return undefined;
  }
  let accounts: readonly string[];
  if (organization.accounts === 'organization') {
    accounts = await listOrganizationAccounts(new OrganizationsClient({}));
    // GET /status and the next cycles read the members from here.
    await checkpoints.saveMembers(accounts, new Date().toISOString());
  } else {
    accounts = organization.accounts;
  }
  const sent = await dispatchPolls(scopesToPoll(config.home, accounts, organization.regions), new SqsWorkSink(sqs, config.pollQueueUrl as string));
  log.info('Poll requests sent', { accountsAndRegions: sent, accounts: accounts.length, regions: organization.regions.length });
  return undefined;
};

/**
 * The poll queue's batch: each account and Region polled concurrently. A member's failure is
 * saved in its checkpoints (GET /status), counted (the MemberPollFailures alarm) and not
 * retried through the queue: the next cycle polls it again, from its saved place.
 */
async function pollRequested(event: SQSEvent, context: Context): Promise<SQSBatchResponse> {
  const failedScopes: string[] = [];
  const batchItemFailures: { itemIdentifier: string }[] = [];
  const all: KindPollResult[] = [];
  await forEachBounded(event.Records, POLL_BATCH_SIZE, async (record) => {
    let scope: SsmScope;
    try {
      scope = readPollRequest(record.body);
      if (organization === undefined || !isPolledScope(scope, config.home, organization.accounts, organization.regions)) {
        throw new MalformedMessageError(`poll request for ${scopeName(scope)}, not an account and Region this archive polls`);
      }
    } catch (error) {
      log.error('Malformed poll request', { messageId: record.messageId, reason: error instanceof Error ? error.message : String(error) });
      batchItemFailures.push({ itemIdentifier: record.messageId });
      return;
    }
    const results = await pollScope(scope, context);
    all.push(...results);
    if (results.some((result) => result.error !== undefined)) failedScopes.push(scopeName(scope));
  });
  publishPollMetrics(metrics, all, ssmCalls.take(), { [operationalMetrics.memberPollFailures]: failedScopes.length });
  if (failedScopes.length > 0) log.warn('Accounts and Regions whose poll failed', { failed: failedScopes });
  return { batchItemFailures };
}

async function pollScope(scope: SsmScope | undefined, context: Context): Promise<KindPollResult[]> {
  const client = scope === undefined || members === undefined ? ssm : members.clientFor(scope);
  const results = await pollOnce(
    {
      sources: historySources,
      ssm: client,
      ...(scope !== undefined ? { scope } : {}),
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
  log.info('Polled', { ...(scope !== undefined ? { scope: scopeName(scope) } : {}), results });
  if (scope === undefined) {
    publishPollMetrics(metrics, results, ssmCalls.take());
    const failed = results.filter((result) => result.error !== undefined);
    // Failing the invocation makes the failure visible (Errors metric); the checkpoints keep every kind's place.
    if (failed.length > 0) throw new Error(`Polling failed for ${failed.map((result) => `${result.kind}: ${result.error}`).join('; ')}`);
  }
  return results;
}
