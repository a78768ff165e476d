/**
 * A min-heap of scripted status changes, ordered by time and then by the order they were
 * scheduled, so changes due at the same instant replay in a stable order. A fan-out to
 * thousands of nodes schedules tens of thousands of entries; a sorted array would re-sort
 * on every sendCommand.
 */
export interface Scheduled<T> {
  readonly at: number;
  readonly seq: number;
  readonly item: T;
}

export class Schedule<T> {
  private readonly heap: Scheduled<T>[] = [];
  private seq = 0;

  get size(): number {
    return this.heap.length;
  }

  push(at: number, item: T): void {
    this.heap.push({ at, seq: this.seq++, item });
    this.up(this.heap.length - 1);
  }

  peek(): Scheduled<T> | undefined {
    return this.heap[0];
  }

  pop(): Scheduled<T> | undefined {
    const top = this.heap[0];
    const last = this.heap.pop();
    if (top === undefined || last === undefined) return undefined;
    if (this.heap.length > 0) {
      this.heap[0] = last;
      this.down(0);
    }
    return top;
  }

  /**
   * Pops every entry due at or before `now`, in order, and applies those still `live` (a
   * forgotten command's changes are dropped). `apply` may schedule more: they run too if due.
   */
  runDue(now: number, live: (item: T) => boolean, apply: (item: T, at: number) => void): void {
    for (let next = this.peek(); next !== undefined && next.at <= now; next = this.peek()) {
      this.pop();
      if (live(next.item)) apply(next.item, next.at);
    }
  }

  /** Latest due time among entries that pass `keep`. */
  latest(keep: (item: T) => boolean): number | undefined {
    let max: number | undefined;
    for (const entry of this.heap) {
      if (keep(entry.item) && (max === undefined || entry.at > max)) max = entry.at;
    }
    return max;
  }

  /** Drops entries that fail `keep`, e.g. for forgotten commands. */
  retain(keep: (item: T) => boolean): void {
    const kept = this.heap.filter((entry) => keep(entry.item));
    this.heap.length = 0;
    for (const entry of kept) {
      this.heap.push(entry);
      this.up(this.heap.length - 1);
    }
  }

  private before(a: Scheduled<T>, b: Scheduled<T>): boolean {
    return a.at < b.at || (a.at === b.at && a.seq < b.seq);
  }

  private up(index: number): void {
    let i = index;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const a = this.heap[i];
      const b = this.heap[parent];
      if (a === undefined || b === undefined || !this.before(a, b)) return;
      this.heap[i] = b;
      this.heap[parent] = a;
      i = parent;
    }
  }

  private down(index: number): void {
    let i = index;
    for (;;) {
      const left = 2 * i + 1;
      const right = left + 1;
      let best = i;
      const l = this.heap[left];
      const r = this.heap[right];
      const current = this.heap[best];
      if (current === undefined) return;
      if (l !== undefined && this.before(l, this.heap[best] ?? current)) best = left;
      if (r !== undefined && this.before(r, this.heap[best] ?? current)) best = right;
      if (best === i) return;
      const swap = this.heap[best];
      if (swap === undefined) return;
      this.heap[best] = current;
      this.heap[i] = swap;
      i = best;
    }
  }
}
