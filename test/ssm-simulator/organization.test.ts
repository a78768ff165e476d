import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { ListCommandInvocationsCommand, ListCommandsCommand, SSMClient, SSMServiceException, ThrottlingException } from '@aws-sdk/client-ssm';
import { AssumeRoleCommand, STSClient, STSServiceException } from '@aws-sdk/client-sts';
import { memberReadRoleArn, MEMBER_NOTIFICATION_TOPIC_NAME, scopeName, type SsmScope } from '../../lambdas/core/scope';
import {
  fleetCommand,
  organizationScopes,
  REGION_NOT_ENABLED_MESSAGE,
  SsmOrganizationSimulator,
  SsmSimulator,
  VirtualClock,
  type OrganizationEndpoints,
  type SimulatorEvent,
} from '../../local/ssm-simulator';
import { accessKeyIdOf } from '../../local/sts-stand-in';
import { AWS_CLI_ENVIRONMENT } from '../support/aws-cli';
import { T0 } from './fixture';
import { ssmClient } from './sdk-client';

const run = promisify(execFile);

/** Two accounts in two Regions: the home account 123456789012 and the member 200000000001. */
const SCOPES = organizationScopes(2, ['eu-west-1', 'us-east-1']);
const [HOME, HOME_US, MEMBER, MEMBER_US] = SCOPES as [SsmScope, SsmScope, SsmScope, SsmScope];
/** The archive's own credentials: a long-term key of the home account. */
const ARCHIVE_KEY = accessKeyIdOf(HOME.account, 1, 'AKIA');

let org: SsmOrganizationSimulator;
let endpoints: OrganizationEndpoints;
/** Drives the rate limits, so throttling does not depend on how fast the machine is. */
let rateClock: VirtualClock;
let sts: STSClient;
const clients: SSMClient[] = [];
/** Seeded command ids by scopeName. */
let seeded: Map<string, string[]>;
const heard: { event: SimulatorEvent; scope: SsmScope }[] = [];

beforeAll(async () => {
  rateClock = new VirtualClock(T0);
  org = new SsmOrganizationSimulator({ scopes: SCOPES, clock: new VirtualClock(T0), seed: 7, rateClock });
  org.onEvent((event, scope) => heard.push({ event, scope }));
  seeded = org.seedFleets({ commands: 2, nodes: 6, failureRate: 0.3, notifications: 'Invocation' });
  org.runToCompletion();
  endpoints = await org.listen();
  expect(org.endpoints).toEqual(endpoints);
  sts = new STSClient({ region: HOME.region, endpoint: endpoints.sts, credentials: { accessKeyId: ARCHIVE_KEY, secretAccessKey: 'x' }, maxAttempts: 1 });
});

afterEach(() => {
  for (const scope of SCOPES) org.repairMember(scope);
  org.setRateLimit(undefined);
  org.sts.resetStats();
  for (const scope of SCOPES) org.simulator(scope).resetStats();
});

afterAll(async () => {
  for (const client of [sts, ...clients]) client.destroy();
  await org.close();
});

/** A member's SSM as the archive reads it: the read role assumed through STS, its credentials signing for the scope's Region. */
async function memberClient(scope: SsmScope, maxAttempts = 1): Promise<SSMClient> {
  const { Credentials: c } = await sts.send(new AssumeRoleCommand({ RoleArn: memberReadRoleArn(scope), RoleSessionName: 'ssm-history' }));
  const client = new SSMClient({
    region: scope.region,
    endpoint: endpoints.ssm,
    credentials: { accessKeyId: c?.AccessKeyId ?? '', secretAccessKey: c?.SecretAccessKey ?? '', sessionToken: c?.SessionToken ?? '', expiration: c?.Expiration ?? new Date() },
    maxAttempts,
  });
  clients.push(client);
  return client;
}

async function listedIds(client: SSMClient): Promise<string[]> {
  const { Commands } = await client.send(new ListCommandsCommand({}));
  return (Commands ?? []).map((command) => command.CommandId ?? '');
}

async function failure(promise: Promise<unknown>): Promise<SSMServiceException | STSServiceException> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(Error);
  return error as SSMServiceException;
}

describe('an organization of simulators behind one endpoint', () => {
  it('answers each member’s credentials with that account’s commands in that Region only', async () => {
    for (const scope of SCOPES) {
      const client = await memberClient(scope);
      const truth = org.simulator(scope).truth();
      const ids = await listedIds(client);
      expect(ids).toEqual(truth.commands.map((command) => command.CommandId));
      expect([...ids].sort()).toEqual([...(seeded.get(scopeName(scope)) ?? [])].sort());
      const { CommandInvocations } = await client.send(new ListCommandInvocationsCommand({ Details: true }));
      expect(CommandInvocations).toEqual(truth.invocations);
    }
    // No command is listed in two scopes: each has its own ids (seeded apart).
    const all = [...seeded.values()].flat();
    expect(new Set(all).size).toBe(all.length);
    // One AssumeRole per scope, however many SSM calls each client made with its credentials.
    expect(org.sts.stats()).toMatchObject({ calls: SCOPES.length, issued: SCOPES.length, denied: 0 });
  });

  it('answers keys of no member account as the home account, in the Region signed for when it has it', async () => {
    const homeIds = seeded.get(scopeName(HOME));
    const dummy = ssmClient(endpoints.ssm); // key 'x', us-east-1: today's single-account callers
    clients.push(dummy);
    expect((await listedIds(dummy)).sort()).toEqual([...(seeded.get(scopeName(HOME_US)) ?? [])].sort());
    // The home scope for a Region the home account does not have: as the single simulator answers any Region.
    for (const [accessKeyId, region] of [['x', 'eu-west-1'], ['x', 'ap-southeast-2'], [ARCHIVE_KEY, 'eu-west-1']] as const) {
      const client = new SSMClient({ region, endpoint: endpoints.ssm, credentials: { accessKeyId, secretAccessKey: 'x' }, maxAttempts: 1 });
      clients.push(client);
      expect((await listedIds(client)).sort()).toEqual([...(homeIds ?? [])].sort());
    }
    expect(org.scopeOf({})).toEqual(HOME);
    // The archive's own key names the home account: the home account's Regions are routed as a member's are.
    expect(org.scopeOf({ accessKeyId: ARCHIVE_KEY, region: 'us-east-1' })).toEqual(HOME_US);
    expect(org.scopeOf({ accessKeyId: ARCHIVE_KEY, region: 'ap-southeast-2' })).toBeUndefined();
  });

  it('keeps each scope’s state apart', async () => {
    const member = await memberClient(MEMBER);
    const memberUs = await memberClient(MEMBER_US);
    const before = await listedIds(memberUs);
    const id = org.simulator(MEMBER).sendCommand(fleetCommand({ nodes: 2, seed: 99 }));
    expect(await listedIds(member)).toContain(id);
    expect(await listedIds(memberUs)).toEqual(before);
    expect(org.simulator(MEMBER).forgetCommand(id)).toBe(true);
    expect(await listedIds(member)).not.toContain(id);
  });

  it('throttles each scope on its own rate limit', async () => {
    org.setRateLimit({ callsPerSecond: 1, burst: 2 });
    const member = await memberClient(MEMBER);
    const memberUs = await memberClient(MEMBER_US);
    await listedIds(member);
    await listedIds(member);
    // SSM's throttling answer: ThrottlingException, HTTP 400, "Rate exceeded"
    // (https://docs.aws.amazon.com/systems-manager/latest/APIReference/CommonErrors.html).
    const throttled = await failure(listedIds(member));
    expect(throttled).toBeInstanceOf(ThrottlingException);
    expect(throttled.message).toBe('Rate exceeded');
    expect(throttled.$metadata.httpStatusCode).toBe(400);
    // The same account in another Region has its own budget.
    await expect(listedIds(memberUs)).resolves.toHaveLength(2);
    await expect(listedIds(memberUs)).resolves.toHaveLength(2);
    // A second later one more call fits.
    rateClock.advance(1000);
    await expect(listedIds(member)).resolves.toHaveLength(2);
    expect(org.simulator(MEMBER).stats()['ListCommands']).toEqual({ calls: 4, throttled: 1, failed: 0, invalid: 0 });
    expect(org.simulator(MEMBER_US).stats()['ListCommands']).toEqual({ calls: 2, throttled: 0, failed: 0, invalid: 0 });
  });

  it('breaks a member by throttling every call, until repaired', async () => {
    const patient = await memberClient(MEMBER, 2);
    const other = await memberClient(HOME_US);
    org.breakMember(MEMBER, 'throttled');
    const throttled = await failure(listedIds(patient));
    expect(throttled).toBeInstanceOf(ThrottlingException);
    // The SDK retried, and every attempt was throttled too.
    expect(throttled.$metadata.attempts).toBe(2);
    await expect(listedIds(other)).resolves.toHaveLength(2);
    expect(org.breaksOf(MEMBER)).toEqual(['throttled']);
    org.repairMember(MEMBER, 'throttled');
    await expect(listedIds(patient)).resolves.toHaveLength(2);
  });

  it('breaks a member by disabling its Region: SSM there refuses the account’s credentials', async () => {
    org.breakMember(MEMBER_US, 'regionDisabled');
    // STS (in the archive's Region) still issues credentials: the role is global to the account.
    const client = await memberClient(MEMBER_US, 3);
    // A Region the account has not enabled (an opt-in Region,
    // https://docs.aws.amazon.com/accounts/latest/reference/manage-acct-regions.html) does not
    // know the account's credentials: AWS's JSON-protocol services answer
    // UnrecognizedClientException, HTTP 400, "The security token included in the request is
    // invalid" (the SDKs' reference: "the most likely cause is an access key ID or secret key
    // that's not valid"), not retried.
    const refused = await failure(listedIds(client));
    expect(refused.name).toBe('UnrecognizedClientException');
    expect(refused.message).toBe(REGION_NOT_ENABLED_MESSAGE);
    expect(refused.message).toBe('The security token included in the request is invalid');
    expect(refused.$metadata.httpStatusCode).toBe(400);
    expect(refused.$metadata.attempts).toBe(1);
    await expect(listedIds(await memberClient(MEMBER))).resolves.toHaveLength(2);
    org.repairMember(MEMBER_US);
    await expect(listedIds(client)).resolves.toHaveLength(2);
  });

  it('answers a member’s key in a Region the organization does not play as a Region not enabled', async () => {
    const { Credentials: c } = await sts.send(new AssumeRoleCommand({ RoleArn: memberReadRoleArn(MEMBER), RoleSessionName: 'ssm-history' }));
    const elsewhere = new SSMClient({
      region: 'ap-east-1',
      endpoint: endpoints.ssm,
      credentials: { accessKeyId: c?.AccessKeyId ?? '', secretAccessKey: c?.SecretAccessKey ?? '', sessionToken: c?.SessionToken ?? '' },
      maxAttempts: 1,
    });
    clients.push(elsewhere);
    const refused = await failure(listedIds(elsewhere));
    expect(refused.name).toBe('UnrecognizedClientException');
    expect(org.scopeOf({ accessKeyId: c?.AccessKeyId ?? '', region: 'ap-east-1' })).toBeUndefined();
  });

  it('breaks a member by deleting its read role: STS denies AssumeRole, other members are untouched', async () => {
    org.breakMember(MEMBER, 'roleDeleted');
    const denied = await failure(sts.send(new AssumeRoleCommand({ RoleArn: memberReadRoleArn(MEMBER), RoleSessionName: 'ssm-history' })));
    // STS's answer to a role it will not let the caller assume (Common Errors, AccessDenied;
    // https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html): HTTP 403.
    expect(denied.name).toBe('AccessDenied');
    expect(denied.$metadata.httpStatusCode).toBe(403);
    expect(denied.message).toBe(`User: arn:aws:iam::${HOME.account}:user/${ARCHIVE_KEY} is not authorized to perform: sts:AssumeRole on resource: ${memberReadRoleArn(MEMBER)}`);
    // The same account's role in the other Region is another role, still there.
    await expect(memberClient(MEMBER_US)).resolves.toBeDefined();
    org.repairMember(MEMBER);
    await expect(memberClient(MEMBER)).resolves.toBeDefined();
    expect(org.sts.stats()).toMatchObject({ calls: 3, issued: 2, denied: 1 });
  });

  it('emits each scope’s events with its own account and Region', () => {
    for (const scope of SCOPES) {
      const events = org.events(scope);
      expect(events.length).toBeGreaterThan(0);
      for (const event of events) {
        const body = JSON.parse(event.body) as Record<string, unknown>;
        if (event.channel === 'eventbridge') {
          expect(body).toMatchObject({ source: 'aws.ssm', account: scope.account, region: scope.region });
          for (const resource of body['resources'] as string[]) expect(resource).toMatch(new RegExp(`^arn:aws:ec2:${scope.region}:${scope.account}:instance/i-`));
        } else {
          // The member's own topic, in its account and Region.
          expect(body['TopicArn']).toBe(`arn:aws:sns:${scope.region}:${scope.account}:${MEMBER_NOTIFICATION_TOPIC_NAME}`);
        }
      }
      // onEvent heard the same events, named with their scope.
      expect(heard.filter((h) => scopeName(h.scope) === scopeName(scope)).map((h) => h.event)).toEqual(events);
    }
    expect(heard.some((h) => h.event.channel === 'sns')).toBe(true);

    const onlyMember: SsmScope[] = [];
    const stop = org.onEvent((_event, scope) => onlyMember.push(scope), MEMBER);
    org.simulator(HOME).sendCommand(fleetCommand({ nodes: 1, seed: 5 }));
    org.simulator(MEMBER).sendCommand(fleetCommand({ nodes: 1, seed: 6 }));
    stop();
    expect(onlyMember.length).toBeGreaterThan(0);
    expect(onlyMember.every((scope) => scopeName(scope) === scopeName(MEMBER))).toBe(true);
  });

  it('serves the AWS CLI with credentials from the stand-in', async () => {
    const env = { ...AWS_CLI_ENVIRONMENT, AWS_ACCESS_KEY_ID: ARCHIVE_KEY, AWS_DEFAULT_REGION: HOME.region };
    const assumed = await run('aws', ['sts', 'assume-role', '--role-arn', memberReadRoleArn(MEMBER_US), '--role-session-name', 'cli', '--endpoint-url', endpoints.sts, '--output', 'json'], { env });
    const { Credentials: c } = JSON.parse(assumed.stdout) as { Credentials: { AccessKeyId: string; SecretAccessKey: string; SessionToken: string } };
    const listed = await run('aws', ['ssm', 'list-commands', '--region', MEMBER_US.region, '--endpoint-url', endpoints.ssm, '--output', 'json'], {
      env: { ...env, AWS_ACCESS_KEY_ID: c.AccessKeyId, AWS_SECRET_ACCESS_KEY: c.SecretAccessKey, AWS_SESSION_TOKEN: c.SessionToken },
    });
    const { Commands } = JSON.parse(listed.stdout) as { Commands: { CommandId: string }[] };
    expect(Commands.map((command) => command.CommandId).sort()).toEqual([...(seeded.get(scopeName(MEMBER_US)) ?? [])].sort());
  });
});

describe('organizations as local mode and the single simulator use them', () => {
  it('is the single simulator when it plays one scope with the same seed', () => {
    const scope: SsmScope = { account: '123456789012', region: 'us-east-1' };
    const one = new SsmOrganizationSimulator({ scopes: [scope], clock: new VirtualClock(T0), seed: 42 });
    const single = new SsmSimulator({ clock: new VirtualClock(T0), seed: 42 });
    const spec = fleetCommand({ nodes: 4, seed: 3 });
    expect(one.simulator(scope).sendCommand(spec)).toBe(single.sendCommand(spec));
    one.runToCompletion();
    single.runToCompletion();
    expect(one.simulator(scope).truth()).toEqual(single.truth());
    expect(one.events(scope)).toEqual(single.events);
  });

  it('plays seeded fleets on the real clock, every event delivered at once', async () => {
    const live = new SsmOrganizationSimulator({ scopes: organizationScopes(3, ['eu-west-1']), clock: 'real', seed: 3 });
    const bodies: string[] = [];
    live.onEvent((event) => bodies.push(event.body));
    try {
      const sent = live.seedFleets({ commands: 1, nodes: 3 });
      expect([...sent.keys()]).toEqual(['123456789012/eu-west-1', '200000000001/eu-west-1', '200000000002/eu-west-1']);
      const accounts = new Set(bodies.map((body) => (JSON.parse(body) as { account?: string }).account));
      expect(accounts).toEqual(new Set(['123456789012', '200000000001', '200000000002']));
      // Requested ten minutes ago, longer than a fleet's course: every command is over.
      for (const scope of live.scopes) {
        const statuses = live.simulator(scope).truth().commands.map((command) => command.Status);
        expect(statuses).toHaveLength(1);
        for (const status of statuses) expect(['Success', 'Failed', 'TimedOut']).toContain(status);
      }
      expect(() => live.advanceBy(1000)).toThrow(/virtual clock/);
    } finally {
      await live.close();
    }
  });

  it('rejects scopes it cannot play', () => {
    expect(() => new SsmOrganizationSimulator({ scopes: [] })).toThrow(RangeError);
    expect(() => new SsmOrganizationSimulator({ scopes: [HOME, HOME] })).toThrow(/twice/);
    expect(() => new SsmOrganizationSimulator({ scopes: [{ account: '12', region: 'eu-west-1' }] })).toThrow(RangeError);
    expect(() => new SsmOrganizationSimulator({ scopes: [HOME], home: MEMBER })).toThrow(/home/);
    expect(() => org.simulator({ account: '200000000009', region: 'eu-west-1' })).toThrow(/plays no/);
  });
});
