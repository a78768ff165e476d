import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { SsmScope } from '../../lambdas/core/scope';
import { CheckpointStore } from '../../lambdas/store/checkpoint-store';
import { PassLedger, UNBOUNDED_SINCE, type PassLease, type PassSubject } from '../../lambdas/store/pass-ledger';
import { startDynalite, type TestDatabase } from '../support/databases';

/**
 * The ledger of passes over gathered parents, on dynalite: one item per parent beside the
 * pollers' checkpoints, changed only by conditional UpdateItems, so that of several
 * collectors only one leases a parent's pass at a time, and only the holder of a lease
 * completes or releases it.
 */
const HOME: SsmScope = { account: '111111111111', region: 'us-east-1' };
const MEMBER: SsmScope = { account: '222222222222', region: 'eu-west-1' };
const ASSOCIATION = '6e37940a-23ba-4ab0-9b96-5d0a1a05464f';
const OTHER_ASSOCIATION = 'b1a2c3d4-0000-4000-8000-000000000001';

const subject = (parentId = ASSOCIATION, scope: SsmScope | undefined = undefined): PassSubject => ({ kind: 'association', parentId, scope });

/** A lease from `startedAt` (seconds after 10:00) for two minutes. */
function lease(id: string, startedAtSeconds: number, since = '2026-11-20T09:00:00.000Z'): PassLease {
  const startedAt = Date.parse('2026-11-20T10:00:00.000Z') + startedAtSeconds * 1000;
  return { id, startedAt: new Date(startedAt).toISOString(), since, until: new Date(startedAt + 120_000).toISOString() };
}

describe('PassLedger on dynalite', () => {
  let database: TestDatabase;
  let table: string;
  let ledger: PassLedger;

  beforeAll(async () => {
    database = await startDynalite();
  });
  afterAll(async () => {
    await database.stop();
  });
  beforeEach(async () => {
    table = (await database.tables()).pollCheckpoints;
    ledger = new PassLedger(database.doc, table, HOME);
    database.calls.reset();
  });

  const rawItem = async (kind: string) => (await database.doc.send(new GetCommand({ TableName: table, Key: { kind }, ConsistentRead: true }))).Item;

  it('reads a parent never passed as an empty entry, with one strongly consistent GetItem', async () => {
    const reads: unknown[] = [];
    database.client.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === 'GetItemCommand') reads.push(args.input);
        return next(args);
      },
      { step: 'initialize', name: 'passLedgerTestReads' },
    );
    try {
      expect(await ledger.entry(subject())).toEqual({});
    } finally {
      database.client.middlewareStack.remove('passLedgerTestReads');
    }
    expect(database.calls.snapshot()).toEqual({ GetItemCommand: 1 });
    // A lease taken a moment ago by another collector must be seen (DynamoDB developer guide, "Read consistency").
    expect(reads).toEqual([expect.objectContaining({ TableName: table, Key: { kind: `association#pass#${ASSOCIATION}` }, ConsistentRead: true })]);
  });

  it('takes a lease on a parent with none, and refuses a second while the first is live', async () => {
    const first = lease('first', 0);
    expect(await ledger.lease(subject(), first)).toBe(true);
    expect(await ledger.entry(subject())).toEqual({ lease: first });
    // A minute later the first lease holds until 10:02: the second collector is refused.
    expect(await ledger.lease(subject(), lease('second', 60))).toBe(false);
    // Exactly when it ends, it still holds (the condition is until < startedAt).
    expect(await ledger.lease(subject(), lease('at-the-end', 120))).toBe(false);
    expect(await ledger.entry(subject())).toEqual({ lease: first });
  });

  it('lets a later collector take over a lease that has expired', async () => {
    expect(await ledger.lease(subject(), lease('crashed', 0))).toBe(true);
    const takeover = lease('takeover', 121, UNBOUNDED_SINCE);
    expect(await ledger.lease(subject(), takeover)).toBe(true);
    expect(await ledger.entry(subject())).toEqual({ lease: takeover });
  });

  it('completes a lease into the completed pass, and clears the lease so that the next pass may lease', async () => {
    const held = lease('held', 0, '2026-11-20T08:30:00.000Z');
    expect(await ledger.lease(subject(), held)).toBe(true);
    await ledger.complete(subject(), held);
    expect(await ledger.entry(subject())).toEqual({ completed: { startedAt: held.startedAt, since: held.since } });
    const item = await rawItem(`association#pass#${ASSOCIATION}`);
    expect(Object.keys(item ?? {}).sort()).toEqual(['kind', 'passSince', 'passedAt']);
    // No live lease is left: a collector a second later leases at once, and its completion replaces the pass.
    const next = lease('next', 1);
    expect(await ledger.lease(subject(), next)).toBe(true);
    expect(await ledger.entry(subject())).toEqual({ completed: { startedAt: held.startedAt, since: held.since }, lease: next });
    await ledger.complete(subject(), next);
    expect(await ledger.entry(subject())).toEqual({ completed: { startedAt: next.startedAt, since: next.since } });
  });

  it('changes nothing when a lease that no longer holds is completed or released', async () => {
    const expired = lease('expired', 0);
    expect(await ledger.lease(subject(), expired)).toBe(true);
    const current = lease('current', 200);
    expect(await ledger.lease(subject(), current)).toBe(true);
    database.calls.reset();
    await ledger.complete(subject(), expired);
    await ledger.release(subject(), expired);
    // Each was one conditional write, refused without an error.
    expect(database.calls.snapshot()).toEqual({ UpdateItemCommand: 2 });
    expect(await ledger.entry(subject())).toEqual({ lease: current });
    // And on a parent never leased, neither creates anything.
    await ledger.complete(subject(OTHER_ASSOCIATION), expired);
    await ledger.release(subject(OTHER_ASSOCIATION), expired);
    expect(await rawItem(`association#pass#${OTHER_ASSOCIATION}`)).toBeUndefined();
  });

  it('releases a lease: it is gone at once, and the completed pass stays', async () => {
    const done = lease('done', 0);
    await ledger.lease(subject(), done);
    await ledger.complete(subject(), done);
    const failing = lease('failing', 10);
    expect(await ledger.lease(subject(), failing)).toBe(true);
    await ledger.release(subject(), failing);
    expect(await ledger.entry(subject())).toEqual({ completed: { startedAt: done.startedAt, since: done.since } });
    // The retry, a second later and long before the released lease would have expired, leases again.
    expect(await ledger.lease(subject(), lease('retry', 11))).toBe(true);
  });

  it('keys each parent per account and Region: the home alike with or without its scope, a member apart, beside the checkpoint', async () => {
    const checkpoints = new CheckpointStore(database.doc, table, HOME);
    await checkpoints.addCounters('association', { recordsStored: 7 });
    const home = lease('home', 0);
    expect(await ledger.lease(subject(ASSOCIATION, undefined), home)).toBe(true);

    // The home named explicitly is the same item; a member account, or another parent, is not.
    expect(await ledger.entry(subject(ASSOCIATION, HOME))).toEqual({ lease: home });
    expect(await ledger.entry(subject(ASSOCIATION, MEMBER))).toEqual({});
    expect(await ledger.entry(subject(OTHER_ASSOCIATION, undefined))).toEqual({});
    const member = lease('member', 0);
    expect(await ledger.lease(subject(ASSOCIATION, MEMBER), member)).toBe(true);
    expect(await ledger.lease(subject(OTHER_ASSOCIATION, HOME), lease('other', 0))).toBe(true);
    await ledger.complete(subject(ASSOCIATION, MEMBER), member);

    expect(await ledger.entry(subject(ASSOCIATION, HOME))).toEqual({ lease: home });
    expect(await ledger.entry(subject(ASSOCIATION, MEMBER))).toEqual({ completed: { startedAt: member.startedAt, since: member.since } });
    expect(await rawItem(`association#pass#${ASSOCIATION}`)).toMatchObject({ leaseId: 'home' });
    expect(await rawItem(`association@222222222222@eu-west-1#pass#${ASSOCIATION}`)).toMatchObject({ passedAt: member.startedAt });
    expect(await rawItem(`association#pass#${OTHER_ASSOCIATION}`)).toMatchObject({ leaseId: 'other' });
    // The kind's own checkpoint is untouched by its parents' passes.
    expect(await checkpoints.get('association')).toEqual({ kind: 'association', recordsStored: 7, missedByEvents: 0, throttles: 0, parentsListed: 0 });

    // Without a home, every scope is its own item.
    const homeless = new PassLedger(database.doc, table);
    expect(await homeless.entry(subject(ASSOCIATION, HOME))).toEqual({});
    expect(await homeless.entry(subject(ASSOCIATION, undefined))).toEqual({ lease: home });
  });

  it('of concurrent leases on one parent grants exactly one', async () => {
    const granted = await Promise.all(Array.from({ length: 8 }, (_, i) => ledger.lease(subject(), lease(`racer-${i}`, 0))));
    expect(granted.filter(Boolean)).toHaveLength(1);
    const winner = `racer-${granted.indexOf(true)}`;
    expect((await ledger.entry(subject())).lease?.id).toBe(winner);
  });
});
