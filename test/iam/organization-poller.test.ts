import { createHash, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Context, ScheduledEvent, SQSEvent, SQSBatchResponse } from 'aws-lambda';
import { memberReadRoleArn, scopeName, type SsmScope } from '../../lambdas/core/scope';
import { encodePollRequest, readPollRequest } from '../../lambdas/polling/poll-requests';
import { historySources } from '../../lambdas/sources';
import { tableIds, tableSchemas } from '../../lambdas/sources/tables';
import { CheckpointStore } from '../../lambdas/store/checkpoint-store';
import { organizationScopes, SsmOrganizationSimulator } from '../../local/ssm-simulator';
import { startDynalite, type TestDatabase } from '../support/databases';

/**
 * An organization's poller as Lambda runs it, every AWS call over a real SDK client on the
 * wire: Organizations ListAccounts and SQS answered here, STS and SSM by the organization
 * simulator, DynamoDB by dynalite. So the calls only an organization's poller makes (listing
 * the accounts, sending poll requests, assuming the member roles with the ExternalId) are
 * recorded for the IAM conformance check (test/iam/recorded-calls.iam.ts), as the mocked
 * clients of the handler's own tests never are.
 */
type Handler = (event: ScheduledEvent | SQSEvent, context: Context) => Promise<SQSBatchResponse | undefined>;

const REGIONS = ['us-east-1', 'eu-west-1'];
const EXTERNAL_ID = 'ssm-history-archive';
/** A long-term key of no organization account: the simulator takes its calls for the home account's. */
const ARCHIVE_KEY = 'AKIAARCHIVEOWNKEY001';

const scopes = organizationScopes(3, REGIONS);
const home = scopes[0] as SsmScope;
const accounts = [...new Set(scopes.map((scope) => scope.account))];
/** The kinds a poller lists. */
const LISTED_KINDS = historySources.filter((source) => source.lister !== undefined).map((source) => source.kind);
/** A suspended account of the organization: listed by Organizations, not polled. */
const SUSPENDED = '299999999999';

const scheduled: ScheduledEvent = {
  version: '0',
  id: '7e0b4a52-39c2-4c4e-9a56-2a4f5f3a0c11',
  'detail-type': 'Scheduled Event',
  source: 'aws.events',
  account: home.account,
  time: new Date().toISOString(),
  region: home.region,
  resources: [`arn:aws:events:${home.region}:${home.account}:rule/ssm-history-poll`],
  detail: {},
};

const context = {
  functionName: 'ssm-history-poller',
  awsRequestId: 'a1f6f0a8-0d2b-4c55-8a8f-3c0d1b2e4f60',
  getRemainingTimeInMillis: () => 600_000,
} as Context;

interface Received {
  readonly target: string;
  readonly body: Record<string, unknown>;
}

/** Organizations (AWS JSON 1.1) and SQS (AWS JSON 1.0) on loopback, keeping what each was sent. */
class LocalOrganizationAndQueues {
  readonly received: Received[] = [];
  readonly sent = new Map<string, string[]>();
  private server: Server | undefined;

  async listen(): Promise<string> {
    this.server = createServer((incoming, response) => {
      void this.answer(incoming, response).catch((error: unknown) => {
        response.writeHead(500, { 'content-type': 'application/x-amz-json-1.1' });
        response.end(JSON.stringify({ __type: 'InternalFailure', message: String(error) }));
      });
    });
    const server = this.server;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    const server = this.server;
    if (server !== undefined) await new Promise((resolve) => server.close(resolve));
  }

  private async answer(incoming: IncomingMessage, response: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of incoming) chunks.push(chunk as Buffer);
    const target = String(incoming.headers['x-amz-target'] ?? '');
    const body = JSON.parse(Buffer.concat(chunks).toString() || '{}') as Record<string, unknown>;
    this.received.push({ target, body });
    if (target === 'AWSOrganizationsV20161128.ListAccounts') {
      // Two pages: the active accounts and a suspended one, then the rest.
      const page =
        body.NextToken === undefined
          ? { Accounts: [...accounts.slice(0, 2).map((id) => ({ Id: id, State: 'ACTIVE' })), { Id: SUSPENDED, State: 'SUSPENDED' }], NextToken: 'page-2' }
          : { Accounts: accounts.slice(2).map((id) => ({ Id: id, State: 'ACTIVE' })) };
      response.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' });
      response.end(JSON.stringify(page));
      return;
    }
    if (target === 'AmazonSQS.SendMessageBatch') {
      const entries = (body.Entries ?? []) as { Id: string; MessageBody: string }[];
      const queueUrl = String(body.QueueUrl);
      this.sent.set(queueUrl, [...(this.sent.get(queueUrl) ?? []), ...entries.map((entry) => entry.MessageBody)]);
      // The SDK checks each MD5OfMessageBody against what it sent.
      const md5 = (text: string): string => createHash('md5').update(text).digest('hex');
      response.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' });
      response.end(JSON.stringify({ Successful: entries.map((entry) => ({ Id: entry.Id, MessageId: randomUUID(), MD5OfMessageBody: md5(entry.MessageBody) })), Failed: [] }));
      return;
    }
    response.writeHead(400, { 'content-type': 'application/x-amz-json-1.0' });
    response.end(JSON.stringify({ __type: 'InvalidAction', message: `not answered here: ${target}` }));
  }
}

describe('an organization’s poller, over real SDK clients', () => {
  const saved = { ...process.env };
  const local = new LocalOrganizationAndQueues();
  let database: TestDatabase;
  let org: SsmOrganizationSimulator;
  let handler: Handler;
  let checkpoints: CheckpointStore;
  let pollQueueUrl: string;
  let workQueueUrl: string;

  beforeAll(async () => {
    database = await startDynalite();
    const tables = await database.tables('orgpoller');
    const dynamodb = await database.client.config.endpoint?.();
    org = new SsmOrganizationSimulator({ scopes, clock: 'real', sts: { externalId: EXTERNAL_ID } });
    const endpoints = await org.listen();
    const endpoint = await local.listen();
    pollQueueUrl = `${endpoint}/${home.account}/ssm-history-poll`;
    workQueueUrl = `${endpoint}/${home.account}/ssm-history-work`;
    process.env = {
      ...saved,
      AWS_REGION: home.region,
      AWS_ACCESS_KEY_ID: ARCHIVE_KEY,
      AWS_SECRET_ACCESS_KEY: 'archive',
      AWS_ENDPOINT_URL_DYNAMODB: `${dynamodb?.protocol}//${dynamodb?.hostname}:${dynamodb?.port}`,
      AWS_ENDPOINT_URL_SSM: endpoints.ssm,
      AWS_ENDPOINT_URL_STS: endpoints.sts,
      AWS_ENDPOINT_URL_ORGANIZATIONS: endpoint,
      AWS_ENDPOINT_URL_SQS: endpoint,
      AWS_LAMBDA_LOG_LEVEL: 'SILENT',
      HOME_ACCOUNT: home.account,
      WORK_QUEUE_URL: workQueueUrl,
      POLL_QUEUE_URL: pollQueueUrl,
      MEMBER_ACCOUNTS: 'organization',
      MEMBER_REGIONS: REGIONS.join(','),
      MEMBER_EXTERNAL_ID: EXTERNAL_ID,
      POLL_CALLS_PER_SECOND: '1000',
      SSM_MAX_ATTEMPTS: '1',
    };
    for (const id of tableIds) process.env[tableSchemas[id].envVar] = tables[id];
    // The module reads its configuration once, at import, as Lambda loads it.
    ({ handler } = (await import('../../lambdas/handlers/poller')) as { handler: Handler });
    checkpoints = new CheckpointStore(database.doc, tables.pollCheckpoints, home);
  });

  afterAll(async () => {
    process.env = saved;
    await local.close();
    await org?.close();
    await database?.stop();
  });

  /** Runs the handler with its CloudWatch metrics (EMF lines on stdout) kept off the test output. */
  async function invoke(event: ScheduledEvent | SQSEvent): Promise<SQSBatchResponse | undefined> {
    const spy = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
    try {
      return await handler(event, context);
    } finally {
      spy.mockRestore();
    }
  }

  it('lists the organization’s active accounts through Organizations, every page, and sends each account and Region to the poll queue', async () => {
    expect(await invoke(scheduled)).toBeUndefined();

    const listed = local.received.filter((request) => request.target === 'AWSOrganizationsV20161128.ListAccounts');
    expect(listed.map((request) => request.body)).toEqual([{}, { NextToken: 'page-2' }]);
    expect((await checkpoints.members()).accounts).toEqual([...accounts].sort());
    const polls = (local.sent.get(pollQueueUrl) ?? []).map((body) => scopeName(readPollRequest(body)));
    expect(new Set(polls)).toEqual(new Set(scopes.map(scopeName)));
    expect(polls).toHaveLength(scopes.length);
  });

  it('polls each member account and Region through its read role, passing the ExternalId the roles require', async () => {
    const members = scopes.filter((scope) => scope !== home);
    const event: SQSEvent = {
      Records: members.map((scope, index) => ({
        messageId: `poll-${index}`,
        receiptHandle: `handle-${index}`,
        body: encodePollRequest(scope),
        attributes: { ApproximateReceiveCount: '1', SentTimestamp: '1700000000000', SenderId: 'AIDAEXAMPLE', ApproximateFirstReceiveTimestamp: '1700000000000' },
        messageAttributes: {},
        md5OfBody: '',
        eventSource: 'aws:sqs',
        eventSourceARN: `arn:aws:sqs:${home.region}:${home.account}:ssm-history-poll`,
        awsRegion: home.region,
      })),
    };
    expect(await invoke(event)).toEqual({ batchItemFailures: [] });

    // STS denies a wrong or missing ExternalId: each role was assumed, none was denied.
    const stats = org.sts.stats();
    expect(stats.denied).toBe(0);
    for (const scope of members) expect(stats.byRole[memberReadRoleArn(scope)]).toBeGreaterThan(0);
    for (const checkpoint of await checkpoints.all(LISTED_KINDS, members)) {
      expect(checkpoint.lastError).toBeUndefined();
      expect(checkpoint.lastSuccessfulPollAt).toBeDefined();
    }
  });
});
