import type { StoredItem } from '../../store/record-store';
import type { NewestFirstStart } from '../../core/archive-reads';
import type { ListingPosition } from '../../ssm-protocol/paging';

/**
 * Several newest-first walks (one per kind) as one listing, newest first; at one time, by
 * kind (the order the walks are given in), then by id: the order each walk already keeps
 * within its kind. One position, (time, id, kind) of the last entry returned, places every
 * walk: the walk of that kind resumes after it, a walk ranked before it resumes just past that
 * time, one ranked after it at that time.
 */
export interface MergedWalk<K extends string> {
  readonly kind: K;
  /** The attributes the walk orders by. */
  readonly time: string;
  readonly id: string;
  readonly open: (start: NewestFirstStart | undefined) => AsyncGenerator<StoredItem>;
}

export interface MergedEntry<K extends string> {
  readonly kind: K;
  readonly item: StoredItem;
  readonly time: string;
  readonly id: string;
}

/** A position's kind as the token carries it (in ListingPosition.within). */
export function positionOfEntry<K extends string>(entry: MergedEntry<K>): ListingPosition {
  return { time: entry.time, id: entry.id, within: entry.kind };
}

/** `after.within` must name one of the walks' kinds (the caller checks it). */
export async function* mergedWalks<K extends string>(walks: readonly MergedWalk<K>[], after: (ListingPosition & { readonly within: K }) | undefined): AsyncGenerator<MergedEntry<K>> {
  const rank = new Map<K, number>(walks.map((walk, index) => [walk.kind, index]));
  const afterRank = after === undefined ? undefined : (rank.get(after.within) ?? 0);
  const startOf = (index: number): NewestFirstStart | undefined =>
    after === undefined || afterRank === undefined
      ? undefined
      : index === afterRank
        ? { time: after.time, id: after.id, inclusive: false }
        : index < afterRank
          ? // This kind's entries at that time all came before the position: resume past them.
            { time: after.time, id: '\uffff', inclusive: false }
          : { time: after.time, id: '', inclusive: true };
  const generators = walks.map((walk, index) => tagged(walk, walk.open(startOf(index))));
  const before = (a: MergedEntry<K>, b: MergedEntry<K>): boolean => {
    if (a.time !== b.time) return a.time > b.time;
    if (a.kind !== b.kind) return (rank.get(a.kind) ?? 0) < (rank.get(b.kind) ?? 0);
    return a.id < b.id;
  };
  try {
    const heads = await Promise.all(generators.map((generator) => generator.next()));
    for (;;) {
      let next = -1;
      heads.forEach((head, index) => {
        if (head.done) return;
        const best = next < 0 ? undefined : heads[next];
        if (best === undefined || best.done || before(head.value, best.value)) next = index;
      });
      const head = heads[next];
      const generator = generators[next];
      if (head === undefined || head.done || generator === undefined) return;
      yield head.value;
      heads[next] = await generator.next();
    }
  } finally {
    await Promise.allSettled(generators.map((generator) => generator.return(undefined)));
  }
}

async function* tagged<K extends string>(walk: MergedWalk<K>, items: AsyncIterable<StoredItem>): AsyncGenerator<MergedEntry<K>> {
  for await (const item of items) yield { kind: walk.kind, item, time: String(item[walk.time]), id: String(item[walk.id]) };
}
