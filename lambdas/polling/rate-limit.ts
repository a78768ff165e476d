import { AsyncLocalStorage } from 'node:async_hooks';
import type { SSMClient } from '@aws-sdk/client-ssm';
import { isThrottlingError } from '../ssm-call-meter';

export interface TokenBucketOptions {
  /** Sustained rate: tokens added per second. */
  readonly callsPerSecond: number;
  /** Tokens the bucket holds at most (calls that may go at once after a pause); default 1. */
  readonly burst?: number;
  /** Milliseconds since some origin; default Date.now. */
  readonly now?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
}

const realSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A token bucket: `take()` resolves when a call may go. Takers are served in order: a take
 * that finds the bucket empty reserves the next token (the balance goes negative) and sleeps
 * until it is due, so concurrent takers never share one token. Over any interval of T
 * seconds at most burst + callsPerSecond * T takes resolve.
 */
export class TokenBucket {
  private readonly rate: number;
  private readonly burst: number;
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;
  private tokens: number;
  private updatedAt: number;
  private count = 0;

  constructor(options: TokenBucketOptions) {
    if (!(options.callsPerSecond > 0)) throw new RangeError(`callsPerSecond must be above 0, not ${options.callsPerSecond}`);
    this.rate = options.callsPerSecond / 1000;
    this.burst = Math.max(1, options.burst ?? 1);
    this.now = options.now ?? Date.now;
    this.sleep = options.sleep ?? realSleep;
    this.tokens = this.burst;
    this.updatedAt = this.now();
  }

  /** Tokens taken so far. */
  get taken(): number {
    return this.count;
  }

  async take(): Promise<void> {
    const now = this.now();
    this.tokens = Math.min(this.burst, this.tokens + Math.max(0, now - this.updatedAt) * this.rate);
    this.updatedAt = Math.max(this.updatedAt, now);
    this.tokens -= 1;
    this.count++;
    if (this.tokens < 0) await this.sleep(Math.ceil(-this.tokens / this.rate));
  }
}

/** What the listing middleware charges and counts while a meter's work runs. */
interface MeterScope {
  readonly meter: ListingMeter;
  /** The first SSM request of a metered call was paid for before the call. */
  prepaid: boolean;
}

const scopes = new AsyncLocalStorage<MeterScope>();
const attached = new WeakSet<SSMClient>();

/**
 * Adds the listing middleware to an SSM client (once per client): inside `ListingMeter.run`,
 * every SSM request beyond the first takes a token from the meter's bucket (before the SDK's
 * retries, which its adaptive retry mode paces), and every attempt SSM throttles is counted
 * on the meter (inside the retries, so each throttled attempt counts). Outside a meter the
 * middleware does nothing.
 */
export function attachListingMiddleware(ssm: SSMClient): void {
  if (attached.has(ssm)) return;
  attached.add(ssm);
  ssm.middlewareStack.add(
    (next) => async (args) => {
      const scope = scopes.getStore();
      if (scope !== undefined) {
        if (scope.prepaid) scope.prepaid = false;
        else await scope.meter.bucket.take();
      }
      return next(args);
    },
    { step: 'initialize', name: 'ssmHistoryListingRateLimit', override: true },
  );
  ssm.middlewareStack.add(
    (next) => async (args) => {
      try {
        return await next(args);
      } catch (error) {
        if (isThrottlingError(error)) scopes.getStore()?.meter.noteThrottle();
        throw error;
      }
    },
    { step: 'deserialize', priority: 'high', name: 'ssmHistoryThrottleCounter', override: true },
  );
}

/**
 * One kind's listing calls: each takes a token first, and the throttles SSM answers them with
 * are counted (by the middleware of `attachListingMiddleware`, or, for calls whose throttling
 * reaches the caller without passing it, from the error).
 */
export class ListingMeter {
  private throttleCount = 0;

  constructor(readonly bucket: TokenBucket) {}

  get throttles(): number {
    return this.throttleCount;
  }

  noteThrottle(): void {
    this.throttleCount++;
  }

  /** Takes a token, then runs one listing call in this meter's scope. */
  async run<T>(call: () => Promise<T>): Promise<T> {
    await this.bucket.take();
    const scope: MeterScope = { meter: this, prepaid: true };
    const before = this.throttleCount;
    try {
      return await scopes.run(scope, call);
    } catch (error) {
      // Thrown by a client without the middleware (or a fake): still counted, once.
      if (isThrottlingError(error) && this.throttleCount === before) this.noteThrottle();
      throw error;
    }
  }
}
