/** Where the simulator reads "now". Tests drive a VirtualClock; local mode uses wall time. */
export interface Clock {
  now(): Date;
}

/** Default start: fixed, so ids, events and timestamps repeat run after run. */
export const DEFAULT_VIRTUAL_START = new Date('2024-06-03T09:00:00.000Z');

/** A clock that only moves when told to. Never goes backwards. */
export class VirtualClock implements Clock {
  private current: number;

  constructor(start: Date = DEFAULT_VIRTUAL_START) {
    this.current = start.getTime();
  }

  now(): Date {
    return new Date(this.current);
  }

  set(to: Date): void {
    const ms = to.getTime();
    if (Number.isNaN(ms)) throw new RangeError('VirtualClock.set: invalid date');
    if (ms < this.current) {
      throw new RangeError(`VirtualClock cannot go back from ${this.now().toISOString()} to ${to.toISOString()}`);
    }
    this.current = ms;
  }

  advance(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`VirtualClock.advance: bad step ${ms}`);
    this.current += ms;
  }
}

export const realClock: Clock = { now: () => new Date() };
