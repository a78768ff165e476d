import type { Context, ScheduledEvent, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type { AssumeRoleCommandInput } from '@aws-sdk/client-sts';
import { mockClient, type AwsClientStub } from 'aws-sdk-client-mock';
import { memberReadRoleArn, scopeName, type SsmScope } from '../../lambdas/core/scope';
import { encodePollRequest, readPollRequest } from '../../lambdas/polling/poll-requests';
import { historySources } from '../../lambdas/sources';
import { tableIds, tableSchemas, type TableNames } from '../../lambdas/sources/tables';
import { CheckpointStore } from '../../lambdas/store/checkpoint-store';
import { startDynalite, type TestDatabase } from '../support/databases';

const HOME: SsmScope = { account: '123456789012', region: 'us-east-1' };
const WORK_QUEUE_URL = 'https://sqs.us-east-1.amazonaws.com/123456789012/ssm-history-work';
const POLL_QUEUE_URL = 'https://sqs.us-east-1.amazonaws.com/123456789012/ssm-history-poll';
const MEMBERS = { MEMBER_ACCOUNTS: '111111111111,222222222222', MEMBER_REGIONS: 'eu-west-1,us-east-1', POLL_QUEUE_URL };
const LISTED_COMMAND = 'e8d3c0e4-71f7-4491-898f-c9b35bee5f3b';
const KINDS = historySources.filter((source) => source.lister !== undefined).map((source) => source.kind);

type Ssm = typeof import('@aws-sdk/client-ssm');
type Sts = typeof import('@aws-sdk/client-sts');
type Sqs = typeof import('@aws-sdk/client-sqs');
type Organizations = typeof import('@aws-sdk/client-organizations');
type Handler = (typeof import('../../lambdas/handlers/poller'))['handler'];

/** One SSM call as the (mocked) SSM client would have signed it: its Region and access key. */
interface Signed {
  readonly command: string;
  readonly region: string;
  readonly accessKeyId: string;
}

/**
 * The handler module as Lambda loads it: its configuration read once, at import, from the
 * environment. Each load is a fresh module registry (the AWS SDK included), so each test's
 * environment is read anew, and the SDK clients mocked are the ones that module builds.
 */
interface Loaded {
  readonly handler: Handler;
  readonly ssm: Ssm;
  readonly sts: Sts;
  readonly sqs: Sqs;
  readonly organizations: Organizations;
  readonly ssmMock: AwsClientStub<InstanceType<Ssm['SSMClient']>>;
  readonly stsMock: AwsClientStub<InstanceType<Sts['STSClient']>>;
  readonly sqsMock: AwsClientStub<InstanceType<Sqs['SQSClient']>>;
  readonly organizationsMock: AwsClientStub<InstanceType<Organizations['OrganizationsClient']>>;
  /** Every SSM call, in order. */
  readonly signed: Signed[];
}

const scheduled: ScheduledEvent = {
  version: '0',
  id: '53dc4d37-cffa-4f76-80c9-8b7d4a4d2eaa',
  'detail-type': 'Scheduled Event',
  source: 'aws.events',
  account: HOME.account,
  time: '2026-11-20T12:00:00Z',
  region: HOME.region,
  resources: ['arn:aws:events:us-east-1:123456789012:rule/ssm-history-poll'],
  detail: {},
};

const context: Context = {
  callbackWaitsForEmptyEventLoop: false,
  functionName: 'ssm-history-poller',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:ssm-history-poller',
  memoryLimitInMB: '512',
  awsRequestId: 'c6af9ac6-7b61-11e6-9a41-93e8deadbeef',
  logGroupName: '/aws/lambda/ssm-history-poller',
  logStreamName: '2026/11/20/[$LATEST]abcdef',
  getRemainingTimeInMillis: () => 600_000,
  done: () => undefined,
  fail: () => undefined,
  succeed: () => undefined,
};

function sqsRecord(messageId: string, body: string): SQSRecord {
  return {
    messageId,
    receiptHandle: `handle-${messageId}`,
    body,
    attributes: { ApproximateReceiveCount: '1', SentTimestamp: '1700000000000', SenderId: 'AIDAEXAMPLE', ApproximateFirstReceiveTimestamp: '1700000000000' },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:us-east-1:123456789012:ssm-history-poll',
    awsRegion: HOME.region,
  };
}

/** The member credentials STS issues in these tests: their key names the role's account and Region. */
const accessKeyOf = (scope: SsmScope): string => `ASIA${scope.account}${scope.region.replace(/-/g, '').toUpperCase()}`;

/**
 * AssumeRole denied, as STS answers it (HTTP 403, code AccessDenied; STS API reference, Common
 * Errors: https://docs.aws.amazon.com/STS/latest/APIReference/CommonErrors.html; and
 * https://repost.aws/knowledge-center/iam-assume-role-error).
 */
function accessDenied(sts: Sts, roleArn: string): Error {
  return new sts.STSServiceException({
    name: 'AccessDenied',
    $fault: 'client',
    $metadata: { httpStatusCode: 403 },
    message: `User: arn:aws:sts::123456789012:assumed-role/ssm-history-poller/ssm-history-poller is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`,
  });
}

describe('poller handler', () => {
  let database: TestDatabase;
  let tables: TableNames;
  let base: NodeJS.ProcessEnv;
  const saved = { ...process.env };
  let loaded: Loaded | undefined;

  beforeAll(async () => {
    database = await startDynalite();
    const endpoint = await database.client.config.endpoint?.();
    base = {
      ...saved,
      AWS_REGION: HOME.region,
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
      AWS_ENDPOINT_URL_DYNAMODB: `${endpoint?.protocol}//${endpoint?.hostname}:${endpoint?.port}`,
      AWS_LAMBDA_LOG_LEVEL: 'SILENT',
      HOME_ACCOUNT: HOME.account,
      WORK_QUEUE_URL,
    };
  });
  beforeEach(async () => {
    tables = await database.tables('poller');
  });
  afterEach(() => {
    loaded?.ssmMock.restore();
    loaded?.stsMock.restore();
    loaded?.sqsMock.restore();
    loaded?.organizationsMock.restore();
    loaded = undefined;
    process.env = { ...saved };
  });
  afterAll(async () => {
    process.env = saved;
    await database.stop();
  });

  async function load(env: Readonly<Record<string, string>>): Promise<Loaded> {
    process.env = { ...base, ...env };
    for (const id of tableIds) process.env[tableSchemas[id].envVar] = tables[id];
    jest.resetModules();
    const ssm = await import('@aws-sdk/client-ssm');
    const sts = await import('@aws-sdk/client-sts');
    const sqs = await import('@aws-sdk/client-sqs');
    const organizations = await import('@aws-sdk/client-organizations');
    const ssmMock = mockClient(ssm.SSMClient);
    const stsMock = mockClient(sts.STSClient);
    const sqsMock = mockClient(sqs.SQSClient);
    const organizationsMock = mockClient(organizations.OrganizationsClient);
    const signed: Signed[] = [];
    // A mocked client never signs: the fake does what signing does first, resolving the
    // client's credentials (for a member, AssumeRole through the handler's STS client).
    const sign = async (command: string, client: { config: { region: () => Promise<string>; credentials: () => Promise<{ accessKeyId: string }> } }) => {
      const credentials = await client.config.credentials();
      signed.push({ command, region: await client.config.region(), accessKeyId: credentials.accessKeyId });
    };
    ssmMock.callsFake(async (_input: object, getClient: () => Parameters<typeof sign>[1]) => {
      await sign('other', getClient());
      return {};
    });
    ssmMock.on(ssm.ListCommandsCommand).callsFake(async (_input: object, getClient: () => Parameters<typeof sign>[1]) => {
      await sign('ListCommands', getClient());
      return { Commands: [{ CommandId: LISTED_COMMAND, RequestedDateTime: new Date(Date.now() - 60_000), Status: 'Success' }] };
    });
    // AssumeRole's answer: temporary credentials with their Expiration
    // (https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html).
    stsMock.on(sts.AssumeRoleCommand).callsFake((input: AssumeRoleCommandInput) => {
      const [, , , , account, resource] = (input.RoleArn ?? '').split(':');
      const region = (resource ?? '').replace('role/ssm-history-read-', '');
      return Promise.resolve({
        Credentials: {
          AccessKeyId: accessKeyOf({ account: account ?? '', region }),
          SecretAccessKey: 'secret',
          SessionToken: `session of ${input.RoleArn}`,
          Expiration: new Date(Date.now() + 3_600_000),
        },
      });
    });
    sqsMock.on(sqs.SendMessageBatchCommand).resolves({ Successful: [], Failed: [] });
    const { handler } = await import('../../lambdas/handlers/poller');
    loaded = { handler, ssm, sts, sqs, organizations, ssmMock, stsMock, sqsMock, organizationsMock, signed };
    return loaded;
  }

  /** Runs the handler, collecting the CloudWatch metrics (EMF lines) it writes. */
  async function invoke(handler: Handler, event: ScheduledEvent | SQSEvent): Promise<{ response: SQSBatchResponse | undefined; emf: Record<string, unknown>[] }> {
    const lines: string[] = [];
    const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      lines.push(String(chunk));
      return true;
    });
    try {
      const response = await handler(event, context);
      return {
        response,
        emf: lines.flatMap((line) => line.split('\n')).filter((line) => line.includes('"_aws"')).map((line) => JSON.parse(line) as Record<string, unknown>),
      };
    } finally {
      spy.mockRestore();
    }
  }

  const sent = ({ sqsMock, sqs }: Loaded): { queueUrl: string | undefined; bodies: string[] }[] =>
    sqsMock.commandCalls(sqs.SendMessageBatchCommand).map((call) => ({
      queueUrl: call.args[0].input.QueueUrl,
      bodies: (call.args[0].input.Entries ?? []).map((entry) => entry.MessageBody ?? ''),
    }));

  const workItems = (run: Loaded): { kind: string; account?: string; region?: string }[] =>
    sent(run)
      .filter((batch) => batch.queueUrl === WORK_QUEUE_URL)
      .flatMap((batch) => batch.bodies.map((body) => JSON.parse(body) as { kind: string; account?: string; region?: string }));

  const checkpointsOf = (scope?: SsmScope) => new CheckpointStore(database.doc, tables.pollCheckpoints, HOME).all(KINDS, [scope]);

  it('without member Regions, polls the home in this invocation with its own credentials, sending no poll request', async () => {
    const run = await load({});
    const { response } = await invoke(run.handler, scheduled);
    expect(response).toBeUndefined();

    expect(run.ssmMock.commandCalls(run.ssm.ListCommandsCommand)).toHaveLength(1);
    expect(run.ssmMock.commandCalls(run.ssm.DescribeAutomationExecutionsCommand)).toHaveLength(1);
    expect(run.signed.length).toBeGreaterThanOrEqual(KINDS.length);
    expect(new Set(run.signed.map((call) => `${call.region} ${call.accessKeyId}`))).toEqual(new Set(['us-east-1 test']));
    expect(run.stsMock.commandCalls(run.sts.AssumeRoleCommand)).toHaveLength(0);
    expect(run.organizationsMock.calls()).toHaveLength(0);

    // Only work items, to the work queue, for the home (no account or Region named).
    expect(sent(run).map((batch) => batch.queueUrl)).toEqual([WORK_QUEUE_URL]);
    expect(workItems(run)).toEqual([expect.objectContaining({ ssmHistory: 'work-item', kind: 'run-command', parentId: LISTED_COMMAND })]);
    expect(workItems(run)[0]).not.toHaveProperty('account');
    const checkpoints = await checkpointsOf();
    for (const checkpoint of checkpoints) {
      expect(checkpoint).toMatchObject({ lastSuccessfulPollAt: expect.any(String), watermark: expect.any(String) });
      expect(checkpoint).not.toHaveProperty('scope');
    }
  });

  it('with member accounts and Regions, sends each account and Region once to the poll queue and lists nothing itself', async () => {
    const run = await load(MEMBERS);
    const { response } = await invoke(run.handler, scheduled);
    expect(response).toBeUndefined();

    const batches = sent(run);
    expect(batches.map((batch) => batch.queueUrl)).toEqual([POLL_QUEUE_URL]);
    // The home, then every member account (and the home account) in every member Region, once.
    expect(batches[0]?.bodies.map(readPollRequest)).toEqual([
      HOME,
      { account: '123456789012', region: 'eu-west-1' },
      { account: '111111111111', region: 'eu-west-1' },
      { account: '111111111111', region: 'us-east-1' },
      { account: '222222222222', region: 'eu-west-1' },
      { account: '222222222222', region: 'us-east-1' },
    ]);
    expect(run.ssmMock.calls()).toHaveLength(0);
    expect(run.stsMock.calls()).toHaveLength(0);
    expect(run.organizationsMock.calls()).toHaveLength(0);
  });

  it('with the organization’s accounts, lists its active accounts, saves them, and sends their poll requests', async () => {
    const run = await load({ ...MEMBERS, MEMBER_ACCOUNTS: 'organization' });
    // ListAccounts pages: followed until no NextToken
    // (https://docs.aws.amazon.com/cli/v1/reference/organizations/list-accounts.html).
    run.organizationsMock
      .on(run.organizations.ListAccountsCommand)
      .resolvesOnce({ Accounts: [{ Id: '222222222222', State: 'ACTIVE' }, { Id: '333333333333', State: 'SUSPENDED' }], NextToken: 'more' })
      .resolvesOnce({ Accounts: [{ Id: '111111111111', State: 'ACTIVE' }] });
    const before = new Date().toISOString();
    await invoke(run.handler, scheduled);

    expect(run.organizationsMock.commandCalls(run.organizations.ListAccountsCommand).map((call) => call.args[0].input)).toEqual([{}, { NextToken: 'more' }]);
    const members = await new CheckpointStore(database.doc, tables.pollCheckpoints, HOME).members();
    expect(members.accounts).toEqual(['111111111111', '222222222222']);
    expect(members.listedAt !== undefined && members.listedAt >= before).toBe(true);
    const batches = sent(run);
    expect(batches.map((batch) => batch.queueUrl)).toEqual([POLL_QUEUE_URL]);
    expect(batches[0]?.bodies.map((body) => scopeName(readPollRequest(body)))).toEqual([
      '123456789012/us-east-1',
      '123456789012/eu-west-1',
      '111111111111/eu-west-1',
      '111111111111/us-east-1',
      '222222222222/eu-west-1',
      '222222222222/us-east-1',
    ]);
    expect(run.ssmMock.calls()).toHaveLength(0);
  });

  it('polls each account and Region of a poll-queue batch through its role, saves a denied member’s error, and reports a malformed request', async () => {
    const run = await load(MEMBERS);
    const denied: SsmScope = { account: '222222222222', region: 'eu-west-1' };
    run.stsMock.on(run.sts.AssumeRoleCommand, { RoleArn: memberReadRoleArn(denied) }).rejects(accessDenied(run.sts, memberReadRoleArn(denied)));
    const homeElsewhere: SsmScope = { account: HOME.account, region: 'eu-west-1' };
    const member: SsmScope = { account: '111111111111', region: 'us-east-1' };
    const event: SQSEvent = {
      Records: [
        sqsRecord('home', encodePollRequest(HOME)),
        sqsRecord('home-elsewhere', encodePollRequest(homeElsewhere)),
        sqsRecord('member', encodePollRequest(member)),
        sqsRecord('denied', encodePollRequest(denied)),
        sqsRecord('malformed', JSON.stringify({ ssmHistory: 'poll', account: '42', region: 'eu-west-1' })),
        // Well formed, but not an account this archive polls: its role is never assumed.
        sqsRecord('stranger', encodePollRequest({ account: '999999999999', region: 'eu-west-1' })),
      ],
    };
    const { response, emf } = await invoke(run.handler, event);

    // Only the malformed request goes back to the queue: a member's failure waits for the next cycle.
    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: 'malformed' }, { itemIdentifier: 'stranger' }] });
    expect(run.stsMock.commandCalls(run.sts.AssumeRoleCommand).map((call) => call.args[0].input.RoleArn)).not.toContain(memberReadRoleArn({ account: '999999999999', region: 'eu-west-1' }));
    // Each member's role assumed once, the home's never (it reads with the function's role).
    const roles = run.stsMock.commandCalls(run.sts.AssumeRoleCommand).map((call) => call.args[0].input.RoleArn);
    expect(roles).not.toContain(memberReadRoleArn(HOME));
    expect(roles.filter((role) => role !== memberReadRoleArn(denied)).sort()).toEqual(
      ['arn:aws:iam::111111111111:role/ssm-history-read-us-east-1', 'arn:aws:iam::123456789012:role/ssm-history-read-eu-west-1'],
    );
    expect(roles).toContain('arn:aws:iam::222222222222:role/ssm-history-read-eu-west-1');
    for (const input of run.stsMock.commandCalls(run.sts.AssumeRoleCommand).map((call) => call.args[0].input)) {
      expect(input).toMatchObject({ RoleSessionName: 'ssm-history-poller', DurationSeconds: 3_600 });
      expect(input).not.toHaveProperty('ExternalId');
    }

    // Each scope's SSM was read in its Region with its credentials; the denied member's not at all.
    expect(new Set(run.signed.filter((call) => call.command === 'ListCommands').map((call) => `${call.region} ${call.accessKeyId}`))).toEqual(
      new Set(['us-east-1 test', `eu-west-1 ${accessKeyOf(homeElsewhere)}`, `us-east-1 ${accessKeyOf(member)}`]),
    );
    expect(run.signed.map((call) => call.accessKeyId)).not.toContain(accessKeyOf(denied));
    // The work items name where they were listed (the home too: its poll request names it).
    expect(workItems(run).map((item) => `${item.account}/${item.region}`).sort()).toEqual(['111111111111/us-east-1', '123456789012/eu-west-1', '123456789012/us-east-1']);

    for (const scope of [undefined, homeElsewhere, member]) {
      for (const checkpoint of await checkpointsOf(scope)) {
        expect(checkpoint).toMatchObject({ lastSuccessfulPollAt: expect.any(String), watermark: expect.any(String) });
        expect(checkpoint).not.toHaveProperty('lastError');
      }
    }
    const failed = await checkpointsOf(denied);
    expect(failed.map((checkpoint) => checkpoint.kind)).toEqual(KINDS);
    for (const checkpoint of failed) {
      expect(checkpoint.scope).toEqual(denied);
      expect(checkpoint.lastError).toMatch(/^MemberRoleError: cannot assume arn:aws:iam::222222222222:role\/ssm-history-read-eu-west-1 to read SSM in 222222222222\/eu-west-1: AccessDenied: /);
      expect(checkpoint.lastErrorAt).toEqual(expect.any(String));
      expect(checkpoint).not.toHaveProperty('watermark');
      expect(checkpoint).not.toHaveProperty('lastSuccessfulPollAt');
    }
    // One account and Region failed: the MemberPollFailures alarm's metric.
    expect(emf.filter((entry) => 'MemberPollFailures' in entry).map((entry) => entry.MemberPollFailures)).toEqual([1]);
  });

  it('refuses to start with member Regions but no poll queue', async () => {
    const { MEMBER_ACCOUNTS, MEMBER_REGIONS } = MEMBERS;
    await expect(load({ MEMBER_ACCOUNTS, MEMBER_REGIONS })).rejects.toMatchObject({
      name: 'ConfigurationError',
      message: 'POLL_QUEUE_URL is not set (an organization is polled through it)',
    });
  });
});
