import fc from 'fast-check';
import type { FetchRequest, WorkItem } from '../../lambdas/core/model';
import { COVERAGE_MARGIN_MS, LEASE_MS, covers, planPass, sinceOf, withoutFetch } from '../../lambdas/collector/gathered-passes';
import { UNBOUNDED_SINCE, type ParentPass, type PassEntry, type PassLease, type PassLedger, type PassSubject } from '../../lambdas/store/pass-ledger';

/**
 * When one pass over a gathered parent (a State Manager association) reads what an item asks
 * for, and how a batch decides between making no SSM call, passing under its own lease, and
 * passing without one. State Manager's events name the association and never the execution
 * (SSM user guide, "Amazon EventBridge event examples for Systems Manager", State Manager
 * events), so every event of a run asks for the same pass.
 */
const ASSOCIATION = '6e37940a-23ba-4ab0-9b96-5d0a1a05464f';
const SUBJECT: PassSubject = { kind: 'association', parentId: ASSOCIATION, scope: undefined };
const T0 = Date.parse('2026-11-20T10:00:00.000Z');
/** `seconds` after T0, as ISO 8601. */
const at = (seconds: number): string => new Date(T0 + seconds * 1000).toISOString();

function item(sentAt: string, fetch: FetchRequest): WorkItem {
  return { kind: 'association', parentId: ASSOCIATION, producer: 'event', sentAt, observations: [], fetch };
}
const asking = (sentAt: string, since?: string): WorkItem => item(sentAt, since === undefined ? { scope: 'parent' } : { scope: 'parent', since });
const pass = (startedAt: string, since: string): ParentPass => ({ startedAt, since });
const leaseOf = (id: string, startedAt: string, since: string, until: string): PassLease => ({ id, startedAt, since, until });

type LedgerCall = { readonly call: 'entry' } | { readonly call: 'lease'; readonly lease: PassLease };

/**
 * The ledger in memory, with PassLedger's rules: a lease is taken when none is held or the
 * held one ends before the new one starts. `beforeLeaseWrite` and `afterLeaseWrite` let a
 * test act as another collector between this one's read, its conditional write and its re-read.
 */
class FakeLedger implements Pick<PassLedger, 'entry' | 'lease'> {
  readonly calls: LedgerCall[] = [];
  beforeLeaseWrite: (() => void) | undefined;
  afterLeaseWrite: (() => void) | undefined;

  constructor(public current: PassEntry = {}) {}

  async entry(subject: PassSubject): Promise<PassEntry> {
    expect(subject).toEqual(SUBJECT);
    this.calls.push({ call: 'entry' });
    await Promise.resolve();
    return this.current;
  }

  async lease(subject: PassSubject, lease: PassLease): Promise<boolean> {
    expect(subject).toEqual(SUBJECT);
    this.calls.push({ call: 'lease', lease });
    await Promise.resolve();
    this.beforeLeaseWrite?.();
    const held = this.current.lease;
    const taken = held === undefined || held.until < lease.startedAt;
    if (taken) this.current = { ...this.current, lease };
    this.afterLeaseWrite?.();
    return taken;
  }

  leases(): PassLease[] {
    return this.calls.flatMap((call) => (call.call === 'lease' ? [call.lease] : []));
  }
}

describe('covers', () => {
  const started = at(100);

  it('covers an item asking for nothing or for a few children, whatever the pass', () => {
    const never = pass(at(-1_000), at(1_000));
    expect(covers(never, item(at(200), { scope: 'none' }))).toBe(true);
    expect(covers(never, item(at(200), { scope: 'children', childIds: ['x'] }))).toBe(true);
  });

  it('covers a parent item sent at least the margin before the pass began, from its since on', () => {
    const p = pass(started, at(-3_600));
    expect(covers(p, asking(at(100 - 30), at(-3_600)))).toBe(true);
    expect(covers(p, asking(at(100 - 30), at(-1_000)))).toBe(true);
    // One millisecond late: SSM's read at the start of the pass may not show it yet.
    expect(covers(p, asking(new Date(T0 + 70_001).toISOString(), at(-3_600)))).toBe(false);
    // One millisecond earlier than the pass listed from.
    expect(covers(p, asking(at(0), new Date(T0 - 3_600_001).toISOString()))).toBe(false);
  });

  it('covers an item asking for everything only with a pass that listed everything', () => {
    expect(covers(pass(started, at(-86_400 * 365)), asking(at(0)))).toBe(false);
    expect(covers(pass(started, UNBOUNDED_SINCE), asking(at(0)))).toBe(true);
    expect(sinceOf(asking(at(0)))).toBe(UNBOUNDED_SINCE);
    expect(sinceOf(asking(at(0), at(-5)))).toBe(at(-5));
    expect(sinceOf(item(at(0), { scope: 'none' }))).toBe(UNBOUNDED_SINCE);
  });

  it('covers a parent item iff the pass listed from no later than it asks, and began at least the margin after it was sent', () => {
    // Times in whole milliseconds around T0, either side of every boundary.
    const offset = fc.integer({ min: -600_000, max: 600_000 });
    fc.assert(
      fc.property(offset, offset, offset, fc.option(offset, { nil: undefined }), (passSince, passStart, sent, itemSince) => {
        const iso = (ms: number) => new Date(T0 + ms).toISOString();
        const expected = (itemSince === undefined ? false : passSince <= itemSince) && sent + COVERAGE_MARGIN_MS <= passStart;
        expect(covers(pass(iso(passStart), iso(passSince)), asking(iso(sent), itemSince === undefined ? undefined : iso(itemSince)))).toBe(expected);
      }),
      { numRuns: 500 },
    );
  });
});

describe('planPass', () => {
  const now = new Date(at(600));
  const sentLongAgo = at(0);
  const liveUntil = at(700);

  it('passes without touching the ledger when no item asks for the parent', async () => {
    const ledger = new FakeLedger();
    expect(await planPass(ledger, SUBJECT, [item(sentLongAgo, { scope: 'none' })], now)).toEqual({ plan: 'pass' });
    expect(ledger.calls).toEqual([]);
  });

  it('is covered by the completed pass with one read and no write', async () => {
    const ledger = new FakeLedger({ completed: pass(at(500), at(-3_600)) });
    const items = [asking(sentLongAgo, at(-3_600)), asking(at(400), at(-1_800)), item(at(590), { scope: 'none' })];
    expect(await planPass(ledger, SUBJECT, items, now)).toEqual({ plan: 'covered' });
    expect(ledger.calls).toEqual([{ call: 'entry' }]);
  });

  it('is covered by a live lease that covers its items: that pass is reading them', async () => {
    const ledger = new FakeLedger({ lease: leaseOf('other', at(500), at(-3_600), liveUntil) });
    expect(await planPass(ledger, SUBJECT, [asking(sentLongAgo, at(-3_600))], now)).toEqual({ plan: 'covered' });
    expect(ledger.calls).toEqual([{ call: 'entry' }]);
  });

  it('passes without a lease beside a live lease that does not cover its items', async () => {
    // The completed pass began too soon after these items were sent.
    const ledger = new FakeLedger({ completed: pass(at(10), at(-3_600)), lease: leaseOf('other', at(500), at(-1_800), liveUntil) });
    // Asks from earlier than the lease lists.
    expect(await planPass(ledger, SUBJECT, [asking(sentLongAgo, at(-3_600))], now)).toEqual({ plan: 'pass' });
    // Sent too close to the lease's start.
    expect(await planPass(ledger, SUBJECT, [asking(at(480), at(0))], now)).toEqual({ plan: 'pass' });
    expect(ledger.leases()).toEqual([]);
  });

  it('leases from the earliest since asked, for LEASE_MS from now, when nothing covers', async () => {
    // The completed pass began too early for the second item.
    const ledger = new FakeLedger({ completed: pass(at(100), at(-3_600)) });
    const items = [asking(at(90), at(-1_800)), asking(sentLongAgo, at(-2_700)), item(at(10), { scope: 'none' })];
    const plan = await planPass(ledger, SUBJECT, items, now);
    expect(plan).toEqual({ plan: 'lease', lease: { id: expect.any(String), startedAt: now.toISOString(), since: at(-2_700), until: new Date(now.getTime() + LEASE_MS).toISOString() } });
    expect(ledger.leases()).toEqual([plan.plan === 'lease' ? plan.lease : undefined]);
    expect(ledger.current.lease).toEqual(plan.plan === 'lease' ? plan.lease : undefined);
  });

  it('leases from the beginning when one item asks for everything', async () => {
    const ledger = new FakeLedger({ completed: pass(at(500), at(-3_600)) });
    const plan = await planPass(ledger, SUBJECT, [asking(sentLongAgo, at(-3_600)), asking(sentLongAgo)], now);
    expect(plan).toMatchObject({ plan: 'lease', lease: { since: UNBOUNDED_SINCE } });
  });

  it('takes over a lease that has expired (its collector is gone)', async () => {
    const ledger = new FakeLedger({ lease: leaseOf('gone', at(400), at(-3_600), at(599)) });
    const plan = await planPass(ledger, SUBJECT, [asking(sentLongAgo, at(-3_600))], now);
    expect(plan).toMatchObject({ plan: 'lease', lease: { startedAt: now.toISOString() } });
    expect(plan.plan === 'lease' ? plan.lease.id : undefined).not.toBe('gone');
  });

  it('gives each lease its own id', async () => {
    const ids = new Set<string>();
    for (let i = 0; i < 5; i++) {
      const plan = await planPass(new FakeLedger(), SUBJECT, [asking(sentLongAgo)], now);
      if (plan.plan === 'lease') ids.add(plan.lease.id);
    }
    expect(ids.size).toBe(5);
  });

  describe('when another collector leased between its read and its write', () => {
    const racing = (racer: PassLease, releasedByReread = false): FakeLedger => {
      const ledger = new FakeLedger();
      ledger.beforeLeaseWrite = () => {
        ledger.current = { lease: racer };
      };
      if (releasedByReread) {
        ledger.afterLeaseWrite = () => {
          ledger.current = {};
        };
      }
      return ledger;
    };

    it('is covered when the racer covers its items', async () => {
      const ledger = racing(leaseOf('racer', at(599), at(-3_600), liveUntil));
      expect(await planPass(ledger, SUBJECT, [asking(sentLongAgo, at(-1_800))], now)).toEqual({ plan: 'covered' });
      expect(ledger.calls.map((call) => call.call)).toEqual(['entry', 'lease', 'entry']);
      expect(ledger.current.lease?.id).toBe('racer');
    });

    it('passes without a lease when the racer does not cover them', async () => {
      const ledger = racing(leaseOf('racer', at(599), at(-600), liveUntil));
      expect(await planPass(ledger, SUBJECT, [asking(sentLongAgo, at(-1_800))], now)).toEqual({ plan: 'pass' });
      expect(ledger.calls.map((call) => call.call)).toEqual(['entry', 'lease', 'entry']);
    });

    it('passes without a lease when the racer is gone by the re-read (its pass failed and released)', async () => {
      const ledger = racing(leaseOf('racer', at(599), at(-3_600), liveUntil), true);
      expect(await planPass(ledger, SUBJECT, [asking(sentLongAgo, at(-1_800))], now)).toEqual({ plan: 'pass' });
      expect(ledger.calls.map((call) => call.call)).toEqual(['entry', 'lease', 'entry']);
    });
  });

  const secondsArb = fc.integer({ min: -7_200, max: 900 });
  const isoArb = secondsArb.map(at);
  const passArb = fc.record({ startedAt: isoArb, since: fc.oneof(isoArb, fc.constant(UNBOUNDED_SINCE)) });
  const leaseArb = fc.record({ id: fc.constantFrom('a', 'b'), startedAt: isoArb, since: fc.oneof(isoArb, fc.constant(UNBOUNDED_SINCE)), until: isoArb });
  const entryArb = fc.record({ completed: passArb, lease: leaseArb }, { requiredKeys: [] });
  const itemArb = fc.oneof(
    fc.record({ sentAt: isoArb, since: fc.option(isoArb, { nil: undefined }) }).map(({ sentAt, since }) => asking(sentAt, since)),
    isoArb.map((sentAt) => item(sentAt, { scope: 'none' })),
  );

  it('never leases when the completed pass or a live lease covers every item asking, and otherwise leases only what covers their since', async () => {
    await fc.assert(
      fc.asyncProperty(entryArb, fc.array(itemArb, { minLength: 1, maxLength: 6 }), async (entry: PassEntry, items) => {
        const ledger = new FakeLedger(entry);
        const plan = await planPass(ledger, SUBJECT, items, now);
        const parentItems = items.filter((candidate) => candidate.fetch.scope === 'parent');
        const liveLease = entry.lease !== undefined && entry.lease.until > now.toISOString() ? entry.lease : undefined;
        const coveredBy = (p: ParentPass | undefined) => p !== undefined && parentItems.every((candidate) => covers(p, candidate));
        if (parentItems.length === 0) {
          expect(plan).toEqual({ plan: 'pass' });
          expect(ledger.calls).toEqual([]);
        } else if (coveredBy(entry.completed) || coveredBy(liveLease)) {
          expect(plan).toEqual({ plan: 'covered' });
          expect(ledger.leases()).toEqual([]);
        } else if (liveLease !== undefined) {
          // A pass is under way that does not read all of these: pass beside it, leaving its lease alone.
          expect(plan).toEqual({ plan: 'pass' });
          expect(ledger.current.lease).toBe(liveLease);
        } else {
          expect(plan.plan).toBe('lease');
          if (plan.plan !== 'lease') return;
          // The lease lists from early enough for every item, and begins now.
          for (const candidate of parentItems) expect(plan.lease.since <= sinceOf(candidate)).toBe(true);
          expect(parentItems.map(sinceOf)).toContain(plan.lease.since);
          expect(plan.lease.startedAt).toBe(now.toISOString());
          expect(ledger.current.lease).toEqual(plan.lease);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('of concurrent batches of events sent long before, exactly one leases and the others are covered by it', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(fc.integer({ min: -3_600, max: 0 }), { minLength: 1, maxLength: 5 }), { minLength: 2, maxLength: 8 }),
        async (batches) => {
          const ledger = new FakeLedger();
          // Every event of the burst asks from the same hour before the run (as a run's events do).
          const plans = await Promise.all(batches.map((sent) => planPass(ledger, SUBJECT, sent.map((s) => asking(at(s), at(-7_200))), now)));
          expect(plans.filter((plan) => plan.plan === 'lease')).toHaveLength(1);
          expect(plans.filter((plan) => plan.plan === 'covered')).toHaveLength(batches.length - 1);
        },
      ),
      { numRuns: 100 },
    );
  });
});

describe('withoutFetch', () => {
  it('keeps each item but what it asks SSM for, and leaves the items given alone', () => {
    const items = [asking(at(0), at(-5)), item(at(1), { scope: 'children', childIds: ['c'] }), item(at(2), { scope: 'none' })];
    const copies = withoutFetch(items);
    expect(copies).toEqual(items.map((original) => ({ ...original, fetch: { scope: 'none' } })));
    expect(items[0]?.fetch).toEqual({ scope: 'parent', since: at(-5) });
  });
});
