import { SSMClient } from '@aws-sdk/client-ssm';
import { STSClient } from '@aws-sdk/client-sts';
import { auditAutomationArchive, auditRunCommandArchive } from '../../bench/archive-audit';
import { Collector } from '../../lambdas/collector/collector';
import { encodeWorkItem } from '../../lambdas/collector/messages';
import { historyKinds } from '../../lambdas/core/model';
import { scopeName, type SsmScope } from '../../lambdas/core/scope';
import type { Log } from '../../lambdas/log';
import { MemberSsmClients } from '../../lambdas/member-ssm';
import { scopesToPoll } from '../../lambdas/polling/poll-requests';
import { pollOnce } from '../../lambdas/polling/poller';
import { historySources } from '../../lambdas/sources';
import { tableSchemas } from '../../lambdas/sources/tables';
import { CheckpointStore } from '../../lambdas/store/checkpoint-store';
import { DefinitionStore } from '../../lambdas/store/definition-store';
import { RecordStore } from '../../lambdas/store/record-store';
import { organizationScopes, SsmOrganizationSimulator, VirtualClock } from '../../local/ssm-simulator';
import { startDynalite, type TestDatabase } from '../support/databases';

/**
 * One archive for an organization, end to end: three accounts in two Regions, each its own
 * SSM (the organization simulator, over HTTP, real SDK clients), events of every account and
 * Region arriving on the archive's queue as the central bus delivers them, the collector
 * reading each event's account and Region through that member's read role (the STS stand-in),
 * then the pollers polling every account x Region. One member's role is deleted and another
 * member's Region is not enabled: their messages fail with the reason and their checkpoints
 * say why, and every other member's archive equals its SSM, field for field.
 */
const NOW = new Date('2026-11-20T12:00:00.000Z');
const REGIONS = ['us-east-1', 'eu-west-1'];
const silentLog: Log = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };
const instantClock = { now: () => 0, sleep: () => Promise.resolve() };
/** The archive's own key: a long-term key of no organization account, so the simulator takes it for the home account. */
const ARCHIVE_CREDENTIALS = { accessKeyId: 'AKIAARCHIVEOWNKEY001', secretAccessKey: 'archive' };

interface QueuedMessage {
  readonly id: string;
  readonly body: string;
  receives: number;
}

/** The work queue: failed messages come back until maxReceiveCount, then rest in the DLQ with their reason. */
class WorkQueue {
  readonly deadLetters: { body: string; reason: string }[] = [];
  private waiting: QueuedMessage[] = [];
  private sequence = 0;

  send(bodies: readonly string[]): Promise<void> {
    for (const body of bodies) this.waiting.push({ id: `m${++this.sequence}`, body, receives: 0 });
    return Promise.resolve();
  }

  async drain(collector: Collector, maxReceiveCount = 3): Promise<void> {
    while (this.waiting.length > 0) {
      const batch = this.waiting.splice(0, 10);
      const result = await collector.collect(batch);
      for (const message of batch) {
        const reason = result.failureReasons.get(message.id);
        if (reason === undefined) continue;
        message.receives++;
        if (message.receives >= maxReceiveCount) this.deadLetters.push({ body: message.body, reason });
        else this.waiting.push(message);
      }
    }
  }
}

describe('one archive for an organization: 3 accounts x 2 Regions, events and pollers, two members broken', () => {
  let database: TestDatabase;
  let org: SsmOrganizationSimulator;
  let homeSsm: SSMClient;
  let sts: STSClient;
  let members: MemberSsmClients;
  let store: RecordStore;
  let checkpoints: CheckpointStore;
  let queue: WorkQueue;
  const scopes = organizationScopes(3, REGIONS);
  const home = scopes[0] as SsmScope;
  const accounts = [...new Set(scopes.map((scope) => scope.account))];
  const roleDeleted = scopes.find((scope) => scope.account !== home.account && scope.region === 'eu-west-1') as SsmScope;
  const regionDisabled = scopes.find((scope) => scope.account !== home.account && scope.account !== roleDeleted.account && scope.region === 'us-east-1') as SsmScope;
  const broken = [roleDeleted, regionDisabled].map(scopeName);
  const healthy = scopes.filter((scope) => !broken.includes(scopeName(scope)));

  beforeAll(async () => {
    database = await startDynalite();
    const tables = await database.tables('org');
    org = new SsmOrganizationSimulator({ scopes, clock: new VirtualClock(NOW), seed: 16 });
    queue = new WorkQueue();
    // EventBridge on the archive's bus: every member's events, as they are emitted.
    org.onEvent((event) => {
      if (event.channel === 'eventbridge') void queue.send([event.body]);
    });
    org.seedFleets({ commands: 2, nodes: 6, failureRate: 0.3 });
    for (const scope of scopes) org.simulator(scope).startAutomation({ steps: 4, failAtStep: scope.region === 'eu-west-1' ? 2 : undefined });
    org.runToCompletion();
    org.breakMember(roleDeleted, 'roleDeleted');
    org.breakMember(regionDisabled, 'regionDisabled');
    const endpoints = await org.listen();
    homeSsm = new SSMClient({ region: home.region, endpoint: endpoints.ssm, credentials: ARCHIVE_CREDENTIALS, maxAttempts: 2 });
    sts = new STSClient({ region: home.region, endpoint: endpoints.sts, credentials: ARCHIVE_CREDENTIALS, maxAttempts: 1 });
    members = new MemberSsmClients({
      home,
      homeClient: homeSsm,
      sts,
      sessionName: 'ssm-history-collector',
      clientConfig: { endpoint: endpoints.ssm, maxAttempts: 2 },
      now: () => org.now(),
    });
    store = new RecordStore(database.doc, tableSchemas, tables, () => org.now());
    checkpoints = new CheckpointStore(database.doc, tables.pollCheckpoints, home);
    const collector = new Collector({
      sources: historySources,
      clients: { ssm: homeSsm },
      home,
      ssmFor: (scope) => members.clientFor(scope),
      store,
      checkpoints,
      logger: silentLog,
      parentConcurrency: 4,
      now: () => org.now(),
      senders: { accounts, regions: REGIONS, topicArns: [] },
    });
    await queue.drain(collector);
    const definitions = new DefinitionStore(database.doc, tableSchemas, tables, () => org.now());
    for (const scope of scopesToPoll(home, accounts, REGIONS)) {
      await pollOnce(
        {
          sources: historySources,
          ssm: members.clientFor(scope),
          scope,
          checkpoints,
          definitions,
          sink: queue,
          encode: encodeWorkItem,
          now: () => org.now(),
          log: silentLog,
          rateClock: instantClock,
        },
        () => false,
      );
    }
    await queue.drain(collector);
  }, 120_000);

  afterAll(async () => {
    homeSsm?.destroy();
    sts?.destroy();
    await org?.close();
    await database?.stop();
  });

  it.each(scopes.map((scope) => [scopeName(scope), scope] as const))('%s: archived as its SSM holds it, unless broken', async (name, scope) => {
    const truth = org.simulator(scope).truth();
    // Two fleet commands, and the one the runbook's aws:runCommand step sent.
    expect(truth.commands).toHaveLength(3);
    const commands = await auditRunCommandArchive(store, truth);
    const automations = await auditAutomationArchive(store, truth);
    if (broken.includes(name)) {
      // Nothing SSM confirmed: at most what an event itself said, kept unconfirmed (never alerting).
      for (const command of truth.commands) {
        const item = await store.get('commands', { CommandId: command.CommandId as string });
        if (item !== undefined) expect(item).toMatchObject({ confirmed: false, account: scope.account, region: scope.region });
      }
      expect(commands.differences.length).toBeGreaterThan(0);
      return;
    }
    expect(commands.differences).toEqual([]);
    expect(automations.differences).toEqual([]);
    // Every record says where it lives.
    for (const invocation of truth.invocations) {
      const item = await store.get('commandInvocations', { CommandId: invocation.CommandId as string, InstanceId: invocation.InstanceId as string });
      expect(item).toMatchObject({ account: scope.account, region: scope.region });
    }
  });

  it('dead-letters a broken member’s events with why, and no other member’s', () => {
    const reasons = queue.deadLetters.map(({ body, reason }) => {
      const { account, region } = JSON.parse(body) as { account?: string; region?: string };
      return { scope: `${account ?? ''}/${region ?? ''}`, reason };
    });
    expect(reasons.length).toBeGreaterThan(0);
    expect(new Set(reasons.map((dead) => dead.scope))).toEqual(new Set(broken));
    // STS denies the deleted role (403 AccessDenied); SSM refuses credentials in a Region the account has not enabled.
    expect(reasons.find((dead) => dead.scope === scopeName(roleDeleted))?.reason).toMatch(/MemberRoleError: cannot assume arn:aws:iam::\d{12}:role\/ssm-history-read-eu-west-1 .*AccessDenied/);
    expect(reasons.find((dead) => dead.scope === scopeName(regionDisabled))?.reason).toMatch(/UnrecognizedClientException/);
  });

  it('keeps each account and Region’s checkpoints apart: the broken members say why, the others have a watermark and no error', async () => {
    const all = await checkpoints.all(historyKinds, scopes);
    for (const checkpoint of all) {
      const name = scopeName(checkpoint.scope ?? home);
      if (broken.includes(name)) {
        expect(checkpoint.lastError).toBeDefined();
        expect(checkpoint.watermark).toBeUndefined();
      } else {
        expect(checkpoint.lastError).toBeUndefined();
        expect(checkpoint.watermark).toBeDefined();
      }
    }
    expect(all.find((checkpoint) => checkpoint.kind === 'run-command' && checkpoint.scope?.account === roleDeleted.account && checkpoint.scope.region === roleDeleted.region)?.lastError).toMatch(/AccessDenied/);
    // Credentials issued once per account and Region whose role exists, however many calls
    // followed (the disabled Region's role exists: SSM refuses its credentials); none for the home.
    const withRole = scopes.filter((scope) => scopeName(scope) !== scopeName(home) && scopeName(scope) !== scopeName(roleDeleted));
    expect(org.sts.stats().issued).toBe(withRole.length);
    expect(healthy.length).toBe(4);
  });
});
