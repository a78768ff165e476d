import { Readable } from 'node:stream';
import { ListCommandsCommand, SSMClient } from '@aws-sdk/client-ssm';
import { AssumeRoleCommand, STSClient, STSServiceException, type AssumeRoleCommandInput, type AssumeRoleCommandOutput } from '@aws-sdk/client-sts';
import { HttpResponse, type HttpRequest } from '@smithy/protocol-http';
import { mockClient } from 'aws-sdk-client-mock';
import { memberReadRoleArn, type SsmScope } from '../lambdas/core/scope';
import { MemberRoleError, MemberSsmClients, type MemberSsmOptions } from '../lambdas/member-ssm';

const HOME: SsmScope = { account: '123456789012', region: 'us-east-1' };
const MEMBER: SsmScope = { account: '111111111111', region: 'eu-west-1' };
const MINUTE = 60_000;
const T0 = Date.parse('2026-11-20T12:00:00.000Z');

/**
 * AssumeRole's answer (STS API reference, AssumeRole and Credentials: temporary credentials
 * with their Expiration, DurationSeconds long;
 * https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html,
 * https://docs.aws.amazon.com/STS/latest/APIReference/API_Credentials.html). Each answer's
 * keys name the role and a sequence number, so a test can tell which assumption signed.
 */
let issued = 0;
function assumed(input: AssumeRoleCommandInput, now: number): AssumeRoleCommandOutput {
  issued++;
  const role = input.RoleArn ?? '';
  return {
    $metadata: {},
    Credentials: {
      AccessKeyId: `ASIA${issued}`,
      SecretAccessKey: `secret of ${role} #${issued}`,
      SessionToken: `token of ${role} #${issued}`,
      Expiration: new Date(now + (input.DurationSeconds ?? 3_600) * 1_000),
    },
  };
}

/**
 * What STS answers when the role cannot be assumed (deleted, or its trust policy does not name
 * the caller, or a wrong ExternalId): HTTP 403, code AccessDenied, "User: … is not authorized
 * to perform: sts:AssumeRole on resource: …" (STS API reference, Common Errors;
 * https://docs.aws.amazon.com/STS/latest/APIReference/CommonErrors.html, and
 * https://repost.aws/knowledge-center/iam-assume-role-error).
 */
const accessDenied = (roleArn: string): STSServiceException =>
  new STSServiceException({
    name: 'AccessDenied',
    $fault: 'client',
    $metadata: { httpStatusCode: 403 },
    message: `User: arn:aws:sts::${HOME.account}:assumed-role/ssm-history-poller/session is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`,
  });

/** A promise with its resolve, to hold an AssumeRole answer until the test lets it go. */
function deferred<T>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve: (value: T) => void = () => undefined;
  const promise = new Promise<T>((settle) => {
    resolve = settle;
  });
  return { promise, resolve };
}

describe('MemberSsmClients', () => {
  const sts = mockClient(STSClient);
  const stsClient = new STSClient({ region: HOME.region });
  const homeClient = new SSMClient({ region: HOME.region, credentials: { accessKeyId: 'HOME', secretAccessKey: 'home' } });
  let now: number;

  const clients = (options: Partial<MemberSsmOptions> = {}): MemberSsmClients =>
    new MemberSsmClients({ home: HOME, homeClient, sts: stsClient, sessionName: 'ssm-history-poller', now: () => new Date(now), ...options });
  const assumeRoleInputs = (): AssumeRoleCommandInput[] => sts.commandCalls(AssumeRoleCommand).map((call) => call.args[0].input);

  beforeEach(() => {
    sts.reset();
    issued = 0;
    sts.on(AssumeRoleCommand).callsFake((input: AssumeRoleCommandInput) => Promise.resolve(assumed(input, now)));
    now = T0;
  });

  it('reads the home with the home client, assuming no role', async () => {
    const members = clients();
    expect(members.clientFor(HOME)).toBe(homeClient);
    expect(members.clientFor({ ...HOME })).toBe(homeClient);
    expect(members.clientFor(undefined)).toBe(homeClient);
    expect(assumeRoleInputs()).toEqual([]);
    expect(members.assumed).toBe(0);
  });

  it('gives a member a client in the member’s Region whose credentials are its read role’s', async () => {
    const members = clients();
    const client = members.clientFor(MEMBER);
    expect(client).not.toBe(homeClient);
    expect(await client.config.region()).toBe('eu-west-1');
    const credentials = await client.config.credentials();
    expect(credentials).toMatchObject({ accessKeyId: 'ASIA1', sessionToken: 'token of arn:aws:iam::111111111111:role/ssm-history-read-eu-west-1 #1' });
    expect(assumeRoleInputs()).toEqual([
      {
        RoleArn: 'arn:aws:iam::111111111111:role/ssm-history-read-eu-west-1',
        RoleSessionName: 'ssm-history-poller',
        DurationSeconds: 3_600,
      },
    ]);
    expect(assumeRoleInputs()[0]?.RoleArn).toBe(memberReadRoleArn(MEMBER));
    // One client per account and Region, kept.
    expect(members.clientFor({ ...MEMBER })).toBe(client);
  });

  it('signs the member’s SSM requests with the assumed credentials, for the member’s Region', async () => {
    const requests: HttpRequest[] = [];
    const members = clients({
      clientConfig: {
        requestHandler: {
          handle: (request: HttpRequest) => {
            requests.push(request);
            return Promise.resolve({
              response: new HttpResponse({
                statusCode: 200,
                headers: { 'content-type': 'application/x-amz-json-1.1' },
                body: Readable.from([Buffer.from(JSON.stringify({ Commands: [] }))]),
              }),
            });
          },
        },
      },
    });
    await members.clientFor(MEMBER).send(new ListCommandsCommand({}));
    const [request] = requests;
    expect(request?.hostname).toBe('ssm.eu-west-1.amazonaws.com');
    // SigV4: the access key and the credential scope's Region in Authorization, the session token beside it.
    expect(request?.headers.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=ASIA1\/\d{8}\/eu-west-1\/ssm\/aws4_request, /);
    expect(request?.headers['x-amz-security-token']).toBe('token of arn:aws:iam::111111111111:role/ssm-history-read-eu-west-1 #1');
  });

  it('passes the ExternalId the member roles require, and names the roles in the configured partition', async () => {
    const members = clients({ externalId: 'ssm-history-org-1', partition: 'aws-cn' });
    const scope = { account: '111111111111', region: 'cn-north-1' };
    await members.credentialsOf(scope);
    expect(assumeRoleInputs()).toEqual([
      { RoleArn: 'arn:aws-cn:iam::111111111111:role/ssm-history-read-cn-north-1', RoleSessionName: 'ssm-history-poller', DurationSeconds: 3_600, ExternalId: 'ssm-history-org-1' },
    ]);
    expect(assumeRoleInputs()[0]?.RoleArn).toBe(memberReadRoleArn(scope, 'aws-cn'));
  });

  it('assumes a different role for another Region of the same account, with its own credentials and client', async () => {
    const members = clients();
    const other = { account: MEMBER.account, region: 'us-east-1' };
    const [inEurope, inVirginia] = await Promise.all([members.credentialsOf(MEMBER), members.credentialsOf(other)]);
    expect(assumeRoleInputs().map((input) => input.RoleArn).sort()).toEqual([
      'arn:aws:iam::111111111111:role/ssm-history-read-eu-west-1',
      'arn:aws:iam::111111111111:role/ssm-history-read-us-east-1',
    ]);
    expect(inEurope?.accessKeyId).not.toBe(inVirginia?.accessKeyId);
    expect(members.clientFor(MEMBER)).not.toBe(members.clientFor(other));
    expect(await members.clientFor(other).config.region()).toBe('us-east-1');
    // The home account's other Region is a member like any other: read through its role.
    expect(members.clientFor(other)).not.toBe(homeClient);
  });

  it('shares one AssumeRole among concurrent callers, and keeps its credentials for the calls after', async () => {
    const answer = deferred<AssumeRoleCommandOutput>();
    sts.on(AssumeRoleCommand).callsFake(() => answer.promise);
    const members = clients();
    const waiting = [members.credentialsOf(MEMBER), members.credentialsOf(MEMBER), members.clientFor(MEMBER).config.credentials()];
    answer.resolve(assumed({ RoleArn: memberReadRoleArn(MEMBER), RoleSessionName: 'ssm-history-poller', DurationSeconds: 3_600 }, now));
    const credentials = await Promise.all(waiting);
    expect(new Set(credentials.map((each) => each.accessKeyId)).size).toBe(1);
    now = T0 + 30 * MINUTE;
    expect((await members.credentialsOf(MEMBER)).accessKeyId).toBe(credentials[0]?.accessKeyId);
    expect(sts.commandCalls(AssumeRoleCommand)).toHaveLength(1);
    expect(members.assumed).toBe(1);
  });

  it('renews the credentials 5 minutes before they expire, not before', async () => {
    const members = clients();
    const first = await members.credentialsOf(MEMBER);
    expect(first.expiration.getTime()).toBe(T0 + 60 * MINUTE);
    now = T0 + 55 * MINUTE - 1;
    expect(await members.credentialsOf(MEMBER)).toEqual(first);
    expect(members.assumed).toBe(1);
    now = T0 + 55 * MINUTE;
    const renewed = await members.credentialsOf(MEMBER);
    expect(renewed.accessKeyId).not.toBe(first.accessKeyId);
    expect(renewed.expiration.getTime()).toBe(now + 60 * MINUTE);
    expect(members.assumed).toBe(2);
    // The renewed credentials are kept in turn.
    now += 10 * MINUTE;
    expect(await members.credentialsOf(MEMBER)).toEqual(renewed);
    expect(sts.commandCalls(AssumeRoleCommand)).toHaveLength(2);
  });

  it('hands each member client to onClient once, when it is made, and never the home client', () => {
    const made: SSMClient[] = [];
    const members = clients({ onClient: (client) => made.push(client) });
    const first = members.clientFor(MEMBER);
    members.clientFor(MEMBER);
    members.clientFor(HOME);
    expect(made).toEqual([first]);
  });

  it('shares one renewal among the callers waiting when the credentials near expiry', async () => {
    const members = clients();
    await members.credentialsOf(MEMBER);
    now = T0 + 56 * MINUTE;
    const renewed = await Promise.all([members.credentialsOf(MEMBER), members.credentialsOf(MEMBER), members.credentialsOf(MEMBER)]);
    expect(new Set(renewed.map((credentials) => credentials.accessKeyId)).size).toBe(1);
    expect(sts.commandCalls(AssumeRoleCommand)).toHaveLength(2);
  });

  it('names the role of the configured partition when STS denies it', async () => {
    const role = memberReadRoleArn(MEMBER, 'aws-cn');
    sts.on(AssumeRoleCommand).rejects(accessDenied(role));
    await expect(clients({ partition: 'aws-cn' }).credentialsOf(MEMBER)).rejects.toThrow(`cannot assume ${role} to read SSM`);
  });

  it('rejects with a MemberRoleError naming the role when STS denies it, and tries again on the next call', async () => {
    const role = memberReadRoleArn(MEMBER);
    const denied = accessDenied(role);
    sts.on(AssumeRoleCommand).rejectsOnce(denied).callsFake((input: AssumeRoleCommandInput) => Promise.resolve(assumed(input, now)));
    const members = clients();
    const error = await members.credentialsOf(MEMBER).then(
      () => undefined,
      (reason: unknown) => reason,
    );
    expect(error).toBeInstanceOf(MemberRoleError);
    expect(error).toMatchObject({ name: 'MemberRoleError', scope: MEMBER, cause: denied });
    expect((error as MemberRoleError).message).toBe(
      `cannot assume ${role} to read SSM in 111111111111/eu-west-1: AccessDenied: User: arn:aws:sts::123456789012:assumed-role/ssm-history-poller/session is not authorized to perform: sts:AssumeRole on resource: ${role}`,
    );
    // Not cached: a role re-created (or a trust policy fixed) heals the member at the next call.
    const credentials = await members.credentialsOf(MEMBER);
    expect(credentials.accessKeyId).toBe('ASIA1');
    expect(sts.commandCalls(AssumeRoleCommand)).toHaveLength(2);
  });

  it('rejects the member client’s credentials with the MemberRoleError too', async () => {
    const role = memberReadRoleArn(MEMBER);
    sts.on(AssumeRoleCommand).rejects(accessDenied(role));
    const client = clients().clientFor(MEMBER);
    await expect(client.config.credentials()).rejects.toThrow(MemberRoleError);
    await expect(client.config.credentials()).rejects.toThrow(`cannot assume ${role} to read SSM in 111111111111/eu-west-1: AccessDenied`);
    expect(sts.commandCalls(AssumeRoleCommand)).toHaveLength(2);
  });

  it('treats an AssumeRole answer without credentials as a failure, not cached', async () => {
    sts.on(AssumeRoleCommand).resolvesOnce({ Credentials: undefined }).callsFake((input: AssumeRoleCommandInput) => Promise.resolve(assumed(input, now)));
    const members = clients();
    await expect(members.credentialsOf(MEMBER)).rejects.toThrow(
      `cannot assume ${memberReadRoleArn(MEMBER)} to read SSM in 111111111111/eu-west-1: Error: STS answered AssumeRole without credentials`,
    );
    expect((await members.credentialsOf(MEMBER)).accessKeyId).toBe('ASIA1');
  });

  it('keeps one member’s failure from another’s credentials', async () => {
    const broken = { account: '222222222222', region: 'eu-west-1' };
    sts.on(AssumeRoleCommand, { RoleArn: memberReadRoleArn(broken) }).rejects(accessDenied(memberReadRoleArn(broken)));
    const members = clients();
    const [healthy, failed] = await Promise.allSettled([members.credentialsOf(MEMBER), members.credentialsOf(broken)]);
    expect(healthy).toMatchObject({ status: 'fulfilled', value: { accessKeyId: 'ASIA1' } });
    expect(failed).toMatchObject({ status: 'rejected', reason: { name: 'MemberRoleError', scope: broken } });
  });
});
