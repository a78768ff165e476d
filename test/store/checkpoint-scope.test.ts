import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { SsmScope } from '../../lambdas/core/scope';
import { checkpointKey, CheckpointStore } from '../../lambdas/store/checkpoint-store';
import { startDynalite, type TestDatabase } from '../support/databases';

const HOME: SsmScope = { account: '123456789012', region: 'us-east-1' };
const MEMBER: SsmScope = { account: '111111111111', region: 'eu-west-1' };
/** The home account in another Region: a member scope like any other. */
const HOME_ELSEWHERE: SsmScope = { account: '123456789012', region: 'eu-west-1' };
const ZERO = { recordsStored: 0, missedByEvents: 0, throttles: 0, parentsListed: 0 };

describe('checkpointKey', () => {
  it('is the kind alone for the home, named or not, and kind@account@region elsewhere', () => {
    expect(checkpointKey('run-command', undefined, HOME)).toBe('run-command');
    expect(checkpointKey('run-command', { ...HOME }, HOME)).toBe('run-command');
    expect(checkpointKey('automation', MEMBER, HOME)).toBe('automation@111111111111@eu-west-1');
    expect(checkpointKey('automation', HOME_ELSEWHERE, HOME)).toBe('automation@123456789012@eu-west-1');
    expect(checkpointKey('session', undefined, undefined)).toBe('session');
    // Without a home every named scope is keyed by it.
    expect(checkpointKey('session', HOME, undefined)).toBe('session@123456789012@us-east-1');
  });
});

describe('CheckpointStore with scopes, on dynalite', () => {
  let database: TestDatabase;
  let table: string;
  let store: CheckpointStore;

  beforeAll(async () => {
    database = await startDynalite();
  });
  afterAll(async () => {
    await database.stop();
  });
  beforeEach(async () => {
    table = (await database.tables()).pollCheckpoints;
    store = new CheckpointStore(database.doc, table, HOME);
    database.calls.reset();
  });

  const item = async (kind: string): Promise<Record<string, unknown> | undefined> =>
    (await database.doc.send(new GetCommand({ TableName: table, Key: { kind }, ConsistentRead: true }))).Item;

  it('reads the checkpoints a store without scopes wrote as the home’s, under the same key', async () => {
    const before = new CheckpointStore(database.doc, table);
    await before.saveProgress('run-command', { watermark: '2026-11-20T09:00:00.000Z', add: { recordsStored: 4 } });
    expect(await store.get('run-command')).toEqual({ kind: 'run-command', ...ZERO, recordsStored: 4, watermark: '2026-11-20T09:00:00.000Z' });
    expect(await store.get('run-command', HOME)).toEqual({ kind: 'run-command', ...ZERO, recordsStored: 4, watermark: '2026-11-20T09:00:00.000Z' });
    await store.saveProgress('run-command', { watermark: '2026-11-20T10:00:00.000Z' }, HOME);
    expect(await before.get('run-command')).toMatchObject({ watermark: '2026-11-20T10:00:00.000Z', recordsStored: 4 });
    expect(await item('run-command@123456789012@us-east-1')).toBeUndefined();
  });

  it('keeps a member’s progress and counters under its own key, apart from the home’s', async () => {
    await store.saveProgress('automation', { watermark: '2026-11-20T09:00:00.000Z', add: { parentsListed: 2 } });
    const saved = await store.saveProgress('automation', { watermark: '2026-11-19T00:00:00.000Z', position: 'p1', add: { parentsListed: 5 } }, MEMBER);
    await store.addCounters('automation', { recordsStored: 3, missedByEvents: 1 }, MEMBER);
    await store.addCounters('automation', { throttles: 7 }, HOME_ELSEWHERE);

    expect(saved).toEqual({ kind: 'automation', scope: MEMBER, ...ZERO, parentsListed: 5, watermark: '2026-11-19T00:00:00.000Z', position: 'p1' });
    expect(await store.get('automation', MEMBER)).toEqual({
      kind: 'automation',
      scope: MEMBER,
      ...ZERO,
      parentsListed: 5,
      recordsStored: 3,
      missedByEvents: 1,
      watermark: '2026-11-19T00:00:00.000Z',
      position: 'p1',
    });
    expect(await store.get('automation')).toEqual({ kind: 'automation', ...ZERO, parentsListed: 2, watermark: '2026-11-20T09:00:00.000Z' });
    expect(await store.get('automation', HOME_ELSEWHERE)).toEqual({ kind: 'automation', scope: HOME_ELSEWHERE, ...ZERO, throttles: 7 });
    expect(await item('automation@111111111111@eu-west-1')).toMatchObject({ watermark: '2026-11-19T00:00:00.000Z', recordsStored: 3 });
    expect(await item('automation@123456789012@eu-west-1')).toMatchObject({ throttles: 7 });
  });

  it('reads a member never polled as zero counters, naming its scope', async () => {
    expect(await store.get('maintenance-window', MEMBER)).toEqual({ kind: 'maintenance-window', scope: MEMBER, ...ZERO });
  });

  it('reads every kind in every scope asked, scope by scope in the order asked, in one BatchGetItem', async () => {
    await store.saveProgress('run-command', { watermark: '2026-11-20T01:00:00.000Z' });
    await store.saveProgress('run-command', { watermark: '2026-11-20T02:00:00.000Z' }, MEMBER);
    await store.saveProgress('automation', { watermark: '2026-11-20T03:00:00.000Z' }, HOME_ELSEWHERE);
    database.calls.reset();
    // The home asked twice (undefined and named): one key read, both answered.
    const checkpoints = await store.all(['run-command', 'automation'], [MEMBER, undefined, HOME_ELSEWHERE, HOME]);
    expect(database.calls.snapshot()).toEqual({ BatchGetItemCommand: 1 });
    expect(checkpoints.map((checkpoint) => [checkpoint.kind, checkpoint.scope, checkpoint.watermark])).toEqual([
      ['run-command', MEMBER, '2026-11-20T02:00:00.000Z'],
      ['automation', MEMBER, undefined],
      ['run-command', undefined, '2026-11-20T01:00:00.000Z'],
      ['automation', undefined, undefined],
      ['run-command', HOME_ELSEWHERE, undefined],
      ['automation', HOME_ELSEWHERE, '2026-11-20T03:00:00.000Z'],
      ['run-command', undefined, '2026-11-20T01:00:00.000Z'],
      ['automation', undefined, undefined],
    ]);
    expect(checkpoints[2]).not.toHaveProperty('scope');
    // Without scopes: the home's, as before.
    expect((await store.all(['run-command'])).map((checkpoint) => checkpoint.watermark)).toEqual(['2026-11-20T01:00:00.000Z']);
  });

  it('sets a scope’s lastError and lastErrorAt, and removes both with null', async () => {
    await store.saveProgress('association', { lastError: 'MemberRoleError: cannot assume', lastErrorAt: '2026-11-20T12:00:00.000Z' }, MEMBER);
    expect(await store.get('association', MEMBER)).toMatchObject({ lastError: 'MemberRoleError: cannot assume', lastErrorAt: '2026-11-20T12:00:00.000Z' });
    expect(await store.get('association')).not.toHaveProperty('lastError');

    const healed = await store.saveProgress('association', { lastSuccessfulPollAt: '2026-11-20T13:00:00.000Z', lastError: null, lastErrorAt: null }, MEMBER);
    expect(healed).toEqual({ kind: 'association', scope: MEMBER, ...ZERO, lastSuccessfulPollAt: '2026-11-20T13:00:00.000Z' });
    expect(await item('association@111111111111@eu-west-1')).toEqual({ kind: 'association@111111111111@eu-west-1', lastSuccessfulPollAt: '2026-11-20T13:00:00.000Z' });
  });

  it('saves the organization’s member accounts and when they were listed, and reads them back', async () => {
    expect(await store.members()).toEqual({ accounts: [] });
    await store.saveMembers(['111111111111', '222222222222'], '2026-11-20T12:00:00.000Z');
    expect(await store.members()).toEqual({ accounts: ['111111111111', '222222222222'], listedAt: '2026-11-20T12:00:00.000Z' });
    // The next listing replaces the last: an account that left is gone.
    await store.saveMembers(['222222222222'], '2026-11-20T13:00:00.000Z');
    expect(await store.members()).toEqual({ accounts: ['222222222222'], listedAt: '2026-11-20T13:00:00.000Z' });
    await store.saveMembers([], '2026-11-20T14:00:00.000Z');
    expect(await store.members()).toEqual({ accounts: [], listedAt: '2026-11-20T14:00:00.000Z' });
    // Its item is no kind's checkpoint.
    expect(await item('organization#accounts')).toMatchObject({ listedAt: '2026-11-20T14:00:00.000Z' });
    expect(await store.all(['run-command'])).toEqual([{ kind: 'run-command', ...ZERO }]);
  });
});
