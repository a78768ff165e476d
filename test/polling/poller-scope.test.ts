import { SSMClient } from '@aws-sdk/client-ssm';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { encodeWorkItem, MessageReader } from '../../lambdas/collector/messages';
import type { HistorySource, ListedDefinition, ListedPage, ParentLister, WorkItem } from '../../lambdas/core/model';
import type { SsmScope } from '../../lambdas/core/scope';
import { MemberRoleError } from '../../lambdas/member-ssm';
import { DEFAULT_BACKFILL_MS, DEFAULT_OVERLAP_MS, pollOnce, type PollerDependencies } from '../../lambdas/polling/poller';
import type { WorkSink } from '../../lambdas/polling/work-sink';
import { historySources } from '../../lambdas/sources';
import { runCommandSource } from '../../lambdas/sources/run-command';
import type { TableNames } from '../../lambdas/sources/tables';
import { CheckpointStore } from '../../lambdas/store/checkpoint-store';
import { startDynalite, type TestDatabase } from '../support/databases';
import { spyLog } from '../support/silent-log';

const HOME: SsmScope = { account: '123456789012', region: 'us-east-1' };
const MEMBER: SsmScope = { account: '111111111111', region: 'eu-west-1' };
const NOW = Date.parse('2026-11-20T12:00:00.000Z');
const HOUR = 3_600_000;
const iso = (ms: number): string => new Date(ms).toISOString();

/** A Run Command listing of fixed commands, one page, with one association definition beside them. */
class ScriptedLister implements ParentLister {
  readonly listingActions = ['ssm:ListCommands'];
  readonly calls: { since: string; ssm: SSMClient }[] = [];
  failure?: Error;

  constructor(private readonly commandIds: readonly string[]) {}

  listPage(ssm: SSMClient, since: string, _position: string | undefined, now: Date): Promise<ListedPage> {
    this.calls.push({ since, ssm });
    if (this.failure !== undefined) return Promise.reject(this.failure);
    const items: WorkItem[] = this.commandIds.map((parentId) => ({
      kind: 'run-command',
      parentId,
      producer: 'poll',
      sentAt: now.toISOString(),
      observations: [],
      fetch: { scope: 'parent' },
    }));
    const definition: ListedDefinition = {
      table: 'associations',
      key: { AssociationId: 'a1b2c3d4-0000-4000-8000-000000000001' },
      fields: { AssociationId: 'a1b2c3d4-0000-4000-8000-000000000001', Name: 'AWS-GatherSoftwareInventory' },
      absentFields: [],
    };
    return Promise.resolve({ items, definitions: [definition] });
  }
}

class MemorySink implements WorkSink {
  readonly bodies: string[] = [];
  send(bodies: readonly string[]): Promise<void> {
    this.bodies.push(...bodies);
    return Promise.resolve();
  }
}

const HOME_COMMAND = '0a0a0a0a-1111-4222-8333-444455556666';
const MEMBER_COMMAND = '0b0b0b0b-1111-4222-8333-444455556666';

describe('pollOnce in one account and Region', () => {
  let database: TestDatabase;
  let tables: TableNames;
  let checkpoints: CheckpointStore;
  let sink: MemorySink;
  let kept: ListedDefinition[];
  let now: number;
  const ssm = new SSMClient({ region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });

  beforeAll(async () => {
    database = await startDynalite();
  });
  afterAll(async () => {
    ssm.destroy();
    await database.stop();
  });
  beforeEach(async () => {
    tables = await database.tables();
    checkpoints = new CheckpointStore(database.doc, tables.pollCheckpoints, HOME);
    sink = new MemorySink();
    kept = [];
    now = NOW;
  });

  const deps = (lister: ParentLister, scope: SsmScope | undefined, extra: Partial<PollerDependencies> = {}): PollerDependencies => ({
    sources: [{ ...runCommandSource, lister } satisfies HistorySource],
    ssm,
    ...(scope !== undefined ? { scope } : {}),
    checkpoints,
    sink,
    definitions: {
      keep: (definitions) => {
        kept.push(...definitions);
        return Promise.resolve(definitions.length);
      },
    },
    encode: encodeWorkItem,
    now: () => new Date(now),
    log: { ...spyLog(), debug: jest.fn() },
    callsPerSecond: 1000,
    ...extra,
  });

  /** The pollCheckpoints item under this key, as DynamoDB holds it. */
  const stored = async (kind: string): Promise<Record<string, unknown> | undefined> =>
    (await database.doc.send(new GetCommand({ TableName: tables.pollCheckpoints, Key: { kind }, ConsistentRead: true }))).Item;

  it('keeps each scope’s checkpoint apart: the home’s under its kind alone, a member’s under kind@account@region', async () => {
    const home = new ScriptedLister([HOME_COMMAND]);
    await pollOnce(deps(home, undefined), () => false);
    now = NOW + HOUR;
    const member = new ScriptedLister([MEMBER_COMMAND]);
    await pollOnce(deps(member, MEMBER), () => false);

    // The member's first poll backfills, whatever the home's watermark.
    expect(member.calls.map((call) => call.since)).toEqual([iso(NOW + HOUR - DEFAULT_BACKFILL_MS - DEFAULT_OVERLAP_MS)]);
    expect(await stored('run-command')).toMatchObject({ kind: 'run-command', watermark: iso(NOW), parentsListed: 1 });
    expect(await stored('run-command@111111111111@eu-west-1')).toMatchObject({ kind: 'run-command@111111111111@eu-west-1', watermark: iso(NOW + HOUR), parentsListed: 1 });
    expect(await checkpoints.get('run-command')).toMatchObject({ watermark: iso(NOW) });
    expect(await checkpoints.get('run-command')).not.toHaveProperty('scope');
    expect(await checkpoints.get('run-command', MEMBER)).toMatchObject({ kind: 'run-command', scope: MEMBER, watermark: iso(NOW + HOUR) });

    // The home named explicitly is the same checkpoint: it lists on from the home's watermark.
    now = NOW + 2 * HOUR;
    const again = new ScriptedLister([]);
    await pollOnce(deps(again, HOME), () => false);
    expect(again.calls.map((call) => call.since)).toEqual([iso(NOW - DEFAULT_OVERLAP_MS)]);
    expect(await stored('run-command@123456789012@us-east-1')).toBeUndefined();
    expect(await stored('run-command')).toMatchObject({ watermark: iso(NOW + 2 * HOUR) });
  });

  it('sends work items that name the member’s account and Region, and the home’s without them', async () => {
    await pollOnce(deps(new ScriptedLister([MEMBER_COMMAND]), MEMBER), () => false);
    await pollOnce(deps(new ScriptedLister([HOME_COMMAND]), undefined), () => false);
    const [memberBody, homeBody] = sink.bodies;
    expect(sink.bodies).toHaveLength(2);
    expect(JSON.parse(memberBody ?? '')).toMatchObject({ ssmHistory: 'work-item', kind: 'run-command', parentId: MEMBER_COMMAND, account: '111111111111', region: 'eu-west-1' });
    expect(JSON.parse(homeBody ?? '')).not.toHaveProperty('account');
    expect(JSON.parse(homeBody ?? '')).not.toHaveProperty('region');

    // The collector reads them back with their scope, checked against what it collects.
    const reader = new MessageReader(historySources, { accounts: [HOME.account, MEMBER.account], regions: [HOME.region, MEMBER.region], topicArns: [] });
    expect(reader.read(memberBody ?? '')).toMatchObject({ kind: 'run-command', parentId: MEMBER_COMMAND, scope: MEMBER });
    expect(reader.read(homeBody ?? '')).not.toHaveProperty('scope');
  });

  it('keeps the member’s definitions with its scope, and the home’s without one', async () => {
    await pollOnce(deps(new ScriptedLister([]), MEMBER), () => false);
    expect(kept).toEqual([expect.objectContaining({ table: 'associations', scope: MEMBER })]);
    kept.length = 0;
    await pollOnce(deps(new ScriptedLister([]), undefined), () => false);
    expect(kept).toHaveLength(1);
    expect(kept[0]).not.toHaveProperty('scope');
  });

  it('returns results that name the member polled, and none for the home', async () => {
    const [member] = await pollOnce(deps(new ScriptedLister([MEMBER_COMMAND]), MEMBER), () => false);
    expect(member).toEqual({ kind: 'run-command', scope: MEMBER, pages: 1, parentsListed: 1, complete: true, watermark: iso(NOW), throttles: 0 });
    const [home] = await pollOnce(deps(new ScriptedLister([HOME_COMMAND]), undefined), () => false);
    expect(home).toEqual({ kind: 'run-command', pages: 1, parentsListed: 1, complete: true, watermark: iso(NOW), throttles: 0 });
  });

  it('saves a failed listing’s error on that scope’s checkpoint only, and the next success there removes it', async () => {
    await pollOnce(deps(new ScriptedLister([HOME_COMMAND]), undefined), () => false);
    const denied = Object.assign(new Error('User: arn:aws:sts::123456789012:assumed-role/poller/s is not authorized to perform: sts:AssumeRole'), { name: 'AccessDenied' });
    const failing = new ScriptedLister([MEMBER_COMMAND]);
    failing.failure = new MemberRoleError(MEMBER, denied);
    const log = { ...spyLog(), debug: jest.fn() };
    now = NOW + HOUR;
    const [result] = await pollOnce(deps(failing, MEMBER, { log }), () => false);

    const message = `MemberRoleError: cannot assume arn:aws:iam::111111111111:role/ssm-history-read-eu-west-1 to read SSM in 111111111111/eu-west-1: AccessDenied: ${denied.message}`;
    expect(result).toMatchObject({ kind: 'run-command', scope: MEMBER, complete: false, pages: 0, parentsListed: 0, error: message });
    expect(await checkpoints.get('run-command', MEMBER)).toMatchObject({ lastError: message, lastErrorAt: iso(NOW + HOUR) });
    expect(await checkpoints.get('run-command', MEMBER)).not.toHaveProperty('watermark');
    expect(log.error).toHaveBeenCalledWith(expect.any(String), expect.objectContaining({ kind: 'run-command', scope: '111111111111/eu-west-1', error: message }));
    // Nothing was sent for the member, and the home's checkpoint is untouched.
    expect(sink.bodies.map((body) => JSON.parse(body) as { parentId: string }).map((item) => item.parentId)).toEqual([HOME_COMMAND]);
    const home = await checkpoints.get('run-command');
    expect(home).not.toHaveProperty('lastError');
    expect(home).not.toHaveProperty('lastErrorAt');
    expect(home).toMatchObject({ watermark: iso(NOW) });
    // Another member's checkpoint of the same kind is untouched too.
    expect(await checkpoints.get('run-command', { account: MEMBER.account, region: 'us-east-1' })).not.toHaveProperty('lastError');

    now = NOW + 2 * HOUR;
    failing.failure = undefined;
    const [healed] = await pollOnce(deps(failing, MEMBER), () => false);
    expect(healed).toMatchObject({ scope: MEMBER, complete: true });
    expect(healed).not.toHaveProperty('error');
    const checkpoint = await checkpoints.get('run-command', MEMBER);
    expect(checkpoint).toMatchObject({ watermark: iso(NOW + 2 * HOUR), lastSuccessfulPollAt: iso(NOW + 2 * HOUR) });
    expect(checkpoint).not.toHaveProperty('lastError');
    expect(checkpoint).not.toHaveProperty('lastErrorAt');
    expect(await stored('run-command@111111111111@eu-west-1')).not.toHaveProperty('lastError');
  });
});
