import { randomUUID } from 'node:crypto';
import type { WorkItem } from '../core/model';
import { UNBOUNDED_SINCE, type ParentPass, type PassEntry, type PassLease, type PassLedger, type PassSubject } from '../store/pass-ledger';

/**
 * How long after an event SSM's reads are taken to show the change it announced: a pass that
 * began at least this long after an event read what the event said. A gathered kind's events
 * are delivered later than this (HistorySource.gathering), so a pass that begins when they
 * arrive covers them.
 */
export const COVERAGE_MARGIN_MS = 30_000;

/**
 * How long a lease holds: no pass outlives the collector invocation that makes it (its timeout).
 * A failed pass whose lease could not be released leaves it live this long; its messages come
 * back only after the queue's visibility timeout (six times the collector's timeout), when the
 * lease has expired, so that their retry passes again rather than counting on the dead lease.
 */
export const LEASE_MS = 2 * 60_000;

/** From when on a work item asks for its parent's records. */
export const sinceOf = (item: WorkItem): string => (item.fetch.scope === 'parent' ? (item.fetch.since ?? UNBOUNDED_SINCE) : UNBOUNDED_SINCE);

/** True when `pass` read everything `item` asks for: from early enough, late enough after it. */
export function covers(pass: ParentPass, item: WorkItem): boolean {
  if (item.fetch.scope !== 'parent') return true;
  return pass.since <= sinceOf(item) && Date.parse(item.sentAt) + COVERAGE_MARGIN_MS <= Date.parse(pass.startedAt);
}

/** What a batch does with one gathered parent's items. */
export type PassPlan =
  /** Another pass read all they ask for (or is reading it under its lease): nothing to fetch. */
  | { readonly plan: 'covered' }
  /** This batch passes under its own lease, to be completed once its records are stored. */
  | { readonly plan: 'lease'; readonly lease: PassLease }
  /** A pass that does not cover them is under way: pass without a lease, as an ungathered kind does. */
  | { readonly plan: 'pass' };

const live = (entry: PassEntry, now: Date): PassLease | undefined =>
  entry.lease !== undefined && entry.lease.until > now.toISOString() ? entry.lease : undefined;

/**
 * Decides how one batch meets a gathered parent's items: one consistent read of the ledger, and
 * one conditional write only when no pass covers them. In a burst of one association's events
 * the first batch leases and passes; the batches beside it and after it find that pass covering
 * theirs, and make no SSM call and no write.
 */
export async function planPass(
  ledger: Pick<PassLedger, 'entry' | 'lease'>,
  subject: PassSubject,
  items: readonly WorkItem[],
  now: Date,
): Promise<PassPlan> {
  const asking = items.filter((item) => item.fetch.scope === 'parent');
  if (asking.length === 0) return { plan: 'pass' };
  const coveredBy = (pass: ParentPass | undefined): boolean => pass !== undefined && asking.every((item) => covers(pass, item));
  const entry = await ledger.entry(subject);
  if (coveredBy(entry.completed) || coveredBy(live(entry, now))) return { plan: 'covered' };
  if (live(entry, now) !== undefined) return { plan: 'pass' };
  const since = asking.map(sinceOf).reduce((earliest, candidate) => (candidate < earliest ? candidate : earliest));
  const lease: PassLease = { id: randomUUID(), startedAt: now.toISOString(), since, until: new Date(now.getTime() + LEASE_MS).toISOString() };
  if (await ledger.lease(subject, lease)) return { plan: 'lease', lease };
  // Another batch leased it a moment ago, and may have completed since: its pass may cover these too.
  const again = await ledger.entry(subject);
  return coveredBy(again.completed) || coveredBy(live(again, now)) ? { plan: 'covered' } : { plan: 'pass' };
}

/** The items with nothing left to fetch: what they carry themselves is still stored. */
export const withoutFetch = (items: readonly WorkItem[]): WorkItem[] => items.map((item) => ({ ...item, fetch: { scope: 'none' } }));
