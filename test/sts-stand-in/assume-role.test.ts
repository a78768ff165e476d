import { request } from 'node:http';
import { AssumeRoleCommand, STSClient, STSServiceException } from '@aws-sdk/client-sts';
import { memberReadRoleArn, type SsmScope } from '../../lambdas/core/scope';
import { VirtualClock } from '../../local/ssm-simulator';
import { accountOfAccessKeyId, StsStandIn } from '../../local/sts-stand-in';

const MEMBER: SsmScope = { account: '200000000001', region: 'eu-west-1' };
const OTHER: SsmScope = { account: '200000000002', region: 'eu-west-1' };
const ROLE = memberReadRoleArn(MEMBER);
const ISSUED_AT = new Date('2024-06-03T09:00:00.000Z');
/** The archive's own key: a long-term key of the home account. */
const CALLER_KEY = 'AKIARZPUZDIKAAAAAMBZ';
const CALLER_ARN = 'arn:aws:sts::123456789012:assumed-role/ssm-history-collector/collector';

let sts: StsStandIn;
let endpoint: string;
let client: STSClient;

beforeAll(async () => {
  sts = new StsStandIn({ roles: [ROLE, memberReadRoleArn(OTHER)], clock: new VirtualClock(ISSUED_AT) });
  ({ endpoint } = await sts.listen());
  client = stsClient(endpoint, CALLER_KEY);
});

afterEach(() => {
  sts.resetStats();
  sts.addRole(ROLE);
});

afterAll(async () => {
  client.destroy();
  await sts.close();
});

function stsClient(url: string, accessKeyId: string): STSClient {
  return new STSClient({ region: 'eu-west-1', endpoint: url, credentials: { accessKeyId, secretAccessKey: 'x' }, maxAttempts: 1 });
}

async function failure(promise: Promise<unknown>): Promise<STSServiceException> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(STSServiceException);
  return error as STSServiceException;
}

/**
 * What AWS answers when AssumeRole is denied (a role that does not exist, a caller its trust
 * policy does not name, a wrong ExternalId): HTTP 403 with STS's Query-protocol error
 * document, `<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code>
 * <Message>User: … is not authorized to perform: sts:AssumeRole on resource: …</Message>
 * </Error><RequestId/></ErrorResponse>` (STS API reference, Common Errors and AssumeRole:
 * https://docs.aws.amazon.com/STS/latest/APIReference/CommonErrors.html,
 * https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html).
 */
function expectAccessDenied(error: STSServiceException, callerArn: string, roleArn: string): void {
  expect(error.name).toBe('AccessDenied');
  expect(error.$fault).toBe('client');
  expect(error.$metadata.httpStatusCode).toBe(403);
  expect(error.message).toBe(`User: ${callerArn} is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`);
}

describe('the STS stand-in, through the real STSClient', () => {
  it('issues credentials whose access key id names the role’s account, with AWS’s shapes', async () => {
    const { Credentials, AssumedRoleUser } = await client.send(new AssumeRoleCommand({ RoleArn: ROLE, RoleSessionName: 'ssm-history' }));
    // AssumeRole's response (API reference, Response Elements): temporary ASIA credentials,
    // their Expiration (DurationSeconds, default 3,600 s), and the assumed-role user.
    expect(Credentials?.AccessKeyId).toMatch(/^ASIA[A-Z2-7]{16}$/);
    expect(accountOfAccessKeyId(Credentials?.AccessKeyId ?? '')).toBe(MEMBER.account);
    expect(Credentials?.SecretAccessKey).toHaveLength(40);
    expect(Credentials?.SessionToken?.length).toBeGreaterThan(100);
    expect(Credentials?.Expiration).toEqual(new Date(ISSUED_AT.getTime() + 3_600_000));
    expect(AssumedRoleUser?.Arn).toBe(`arn:aws:sts::${MEMBER.account}:assumed-role/ssm-history-read-eu-west-1/ssm-history`);
    expect(AssumedRoleUser?.AssumedRoleId).toMatch(/^AROA[A-Z2-7]{17}:ssm-history$/);
    expect(sts.issued(Credentials?.AccessKeyId ?? '')).toMatchObject({ account: MEMBER.account, roleArn: ROLE, sessionName: 'ssm-history' });

    const short = await client.send(new AssumeRoleCommand({ RoleArn: ROLE, RoleSessionName: 'ssm-history', DurationSeconds: 900 }));
    expect(short.Credentials?.Expiration).toEqual(new Date(ISSUED_AT.getTime() + 900_000));
    expect(short.Credentials?.AccessKeyId).not.toBe(Credentials?.AccessKeyId);

    const other = await client.send(new AssumeRoleCommand({ RoleArn: memberReadRoleArn(OTHER), RoleSessionName: 'ssm-history' }));
    expect(accountOfAccessKeyId(other.Credentials?.AccessKeyId ?? '')).toBe(OTHER.account);
  });

  it('counts AssumeRole calls, so callers can show that they cache credentials', async () => {
    await client.send(new AssumeRoleCommand({ RoleArn: ROLE, RoleSessionName: 'ab' }));
    await client.send(new AssumeRoleCommand({ RoleArn: ROLE, RoleSessionName: 'ab' }));
    await failure(client.send(new AssumeRoleCommand({ RoleArn: memberReadRoleArn({ account: '200000000009', region: 'eu-west-1' }), RoleSessionName: 'ab' })));
    expect(sts.stats()).toEqual({
      calls: 3,
      issued: 2,
      denied: 1,
      byRole: { [ROLE]: 2, [memberReadRoleArn({ account: '200000000009', region: 'eu-west-1' })]: 1 },
    });
  });

  it('denies a role that does not exist, and one deleted, until it is back', async () => {
    const unknown = memberReadRoleArn({ account: '200000000001', region: 'ap-east-1' });
    expectAccessDenied(await failure(client.send(new AssumeRoleCommand({ RoleArn: unknown, RoleSessionName: 'ssm-history' }))), `arn:aws:iam::123456789012:user/${CALLER_KEY}`, unknown);

    expect(sts.deleteRole(ROLE)).toBe(true);
    expectAccessDenied(await failure(client.send(new AssumeRoleCommand({ RoleArn: ROLE, RoleSessionName: 'ssm-history' }))), `arn:aws:iam::123456789012:user/${CALLER_KEY}`, ROLE);
    // The other member's role is untouched.
    await expect(client.send(new AssumeRoleCommand({ RoleArn: memberReadRoleArn(OTHER), RoleSessionName: 'ssm-history' }))).resolves.toBeDefined();

    sts.addRole(ROLE);
    await expect(client.send(new AssumeRoleCommand({ RoleArn: ROLE, RoleSessionName: 'ssm-history' }))).resolves.toBeDefined();
  });

  it('checks the ExternalId and the caller when configured', async () => {
    const strict = new StsStandIn({ roles: [ROLE], externalId: 'archive-7f3a', callers: { [CALLER_KEY]: CALLER_ARN } });
    const url = (await strict.listen()).endpoint;
    const trusted = stsClient(url, CALLER_KEY);
    const stranger = stsClient(url, 'AKIAIOSFODNN7EXAMPLE');
    try {
      // The trust policy's sts:ExternalId condition fails alike for a missing and a wrong ExternalId.
      expectAccessDenied(await failure(trusted.send(new AssumeRoleCommand({ RoleArn: ROLE, RoleSessionName: 'ssm-history' }))), CALLER_ARN, ROLE);
      expectAccessDenied(await failure(trusted.send(new AssumeRoleCommand({ RoleArn: ROLE, RoleSessionName: 'ssm-history', ExternalId: 'archive-0000' }))), CALLER_ARN, ROLE);
      const { Credentials } = await trusted.send(new AssumeRoleCommand({ RoleArn: ROLE, RoleSessionName: 'ssm-history', ExternalId: 'archive-7f3a' }));
      expect(accountOfAccessKeyId(Credentials?.AccessKeyId ?? '')).toBe(MEMBER.account);

      // A principal the trust policy does not name is denied, even with the right ExternalId.
      const denied = await failure(stranger.send(new AssumeRoleCommand({ RoleArn: ROLE, RoleSessionName: 'ssm-history', ExternalId: 'archive-7f3a' })));
      expect(denied.name).toBe('AccessDenied');
      expect(denied.message).toMatch(/^User: arn:aws:iam::\d{12}:user\/AKIAIOSFODNN7EXAMPLE is not authorized to perform: sts:AssumeRole on resource: /);
      expect(strict.stats()).toMatchObject({ calls: 4, issued: 1, denied: 3 });
    } finally {
      trusted.destroy();
      stranger.destroy();
      await strict.close();
    }
  });

  it('rejects malformed parameters with ValidationError (400), as STS validates its input', async () => {
    const tooShort = await failure(client.send(new AssumeRoleCommand({ RoleArn: ROLE, RoleSessionName: 'ssm-history', DurationSeconds: 100 })));
    expect(tooShort.name).toBe('ValidationError');
    expect(tooShort.$metadata.httpStatusCode).toBe(400);
    expect(tooShort.message).toBe("1 validation error detected: Value '100' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900");

    // Longer than the role's MaxSessionDuration (IAM's default, one hour).
    const tooLong = await failure(client.send(new AssumeRoleCommand({ RoleArn: ROLE, RoleSessionName: 'ssm-history', DurationSeconds: 7200 })));
    expect(tooLong.name).toBe('ValidationError');
    expect(tooLong.message).toBe('The requested DurationSeconds exceeds the MaxSessionDuration set for this role.');

    const badName = await failure(client.send(new AssumeRoleCommand({ RoleArn: ROLE, RoleSessionName: 'has spaces' })));
    expect(badName.name).toBe('ValidationError');
  });
});

describe('the STS stand-in on the wire', () => {
  /** A raw form POST; node:http without an agent, so no pooled socket outlives the test. */
  function post(body: string): Promise<{ status: number; type: string | undefined; text: string }> {
    return new Promise((resolve, reject) => {
      const req = request(endpoint, { method: 'POST', agent: false, headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, type: res.headers['content-type'], text: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end(body);
    });
  }

  it('answers AssumeRole as the API reference’s sample response is laid out', async () => {
    const form = new URLSearchParams({ Action: 'AssumeRole', Version: '2011-06-15', RoleArn: ROLE, RoleSessionName: 'ssm-history', DurationSeconds: '1800' });
    const { status, type, text } = await post(form.toString());
    expect(status).toBe(200);
    expect(type).toBe('text/xml');
    // https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html (Examples):
    // the result wrapped in AssumeRoleResult beside ResponseMetadata, in STS's namespace,
    // Expiration in whole seconds.
    expect(text).toMatch(
      /^<AssumeRoleResponse xmlns="https:\/\/sts\.amazonaws\.com\/doc\/2011-06-15\/"><AssumeRoleResult><Credentials><AccessKeyId>ASIA[A-Z2-7]{16}<\/AccessKeyId><SecretAccessKey>[^<]{40}<\/SecretAccessKey><SessionToken>[^<]+<\/SessionToken><Expiration>2024-06-03T09:30:00Z<\/Expiration><\/Credentials><AssumedRoleUser><AssumedRoleId>AROA[A-Z2-7]{17}:ssm-history<\/AssumedRoleId><Arn>arn:aws:sts::200000000001:assumed-role\/ssm-history-read-eu-west-1\/ssm-history<\/Arn><\/AssumedRoleUser><\/AssumeRoleResult><ResponseMetadata><RequestId>[0-9a-f-]{36}<\/RequestId><\/ResponseMetadata><\/AssumeRoleResponse>\n$/,
    );
  });

  it('answers errors with the Query protocol’s ErrorResponse', async () => {
    sts.deleteRole(ROLE);
    const denied = await post(new URLSearchParams({ Action: 'AssumeRole', Version: '2011-06-15', RoleArn: ROLE, RoleSessionName: 'ssm-history' }).toString());
    expect(denied.status).toBe(403);
    expect(denied.text).toMatch(
      /^<ErrorResponse xmlns="https:\/\/sts\.amazonaws\.com\/doc\/2011-06-15\/"><Error><Type>Sender<\/Type><Code>AccessDenied<\/Code><Message>User: arn:aws:iam::123456789012:user\/anonymous is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::200000000001:role\/ssm-history-read-eu-west-1<\/Message><\/Error><RequestId>[0-9a-f-]{36}<\/RequestId><\/ErrorResponse>\n$/,
    );

    const unknownAction = await post('Action=GetFederationToken&Version=2011-06-15&Name=x');
    expect(unknownAction.status).toBe(400);
    expect(unknownAction.text).toContain('<Code>InvalidAction</Code>');
  });
});
