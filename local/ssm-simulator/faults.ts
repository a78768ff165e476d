import { SeededRandom } from './random';

/** Injected failures. Rates are probabilities per call, drawn from a seeded sequence. */
export interface FaultConfig {
  /** Share of calls answered with ThrottlingException (HTTP 400). */
  readonly throttleRate?: number;
  /** Share of calls answered with InternalServerError (HTTP 500). */
  readonly serverErrorRate?: number;
  /** Added to every answer, in wall-clock milliseconds. */
  readonly latencyMs?: number;
  /** Same seed, same sequence of calls: same faults. Default 1. */
  readonly seed?: number;
  /** Only these operations are affected; default all. */
  readonly operations?: readonly string[];
}

export type Fault = 'throttle' | 'serverError' | undefined;

export class FaultInjector {
  private config: FaultConfig = {};
  private random = new SeededRandom(1);

  configure(config: FaultConfig): void {
    for (const [name, rate] of [['throttleRate', config.throttleRate], ['serverErrorRate', config.serverErrorRate]] as const) {
      if (rate !== undefined && !(rate >= 0 && rate <= 1)) throw new RangeError(`setFaults: ${name} must be within 0..1`);
    }
    if ((config.throttleRate ?? 0) + (config.serverErrorRate ?? 0) > 1) {
      throw new RangeError('setFaults: throttleRate + serverErrorRate must not exceed 1');
    }
    this.config = { ...config };
    this.random = new SeededRandom(config.seed ?? 1);
  }

  latencyMs(operation: string): number {
    return this.applies(operation) ? Math.max(0, this.config.latencyMs ?? 0) : 0;
  }

  /** One draw per affected call, so the outcome depends only on the seed and call order. */
  decide(operation: string): Fault {
    if (!this.applies(operation)) return undefined;
    const throttle = this.config.throttleRate ?? 0;
    const serverError = this.config.serverErrorRate ?? 0;
    if (throttle === 0 && serverError === 0) return undefined;
    const draw = this.random.next();
    if (draw < throttle) return 'throttle';
    if (draw < throttle + serverError) return 'serverError';
    return undefined;
  }

  private applies(operation: string): boolean {
    return this.config.operations === undefined || this.config.operations.includes(operation);
  }
}

/** Per-operation counts: every call, injected throttles, server faults, rejected requests. */
export interface OperationStats {
  calls: number;
  throttled: number;
  /** Answered with a 5xx (injected or not). */
  failed: number;
  /** Answered with a 4xx other than throttling (bad input, unknown ids). */
  invalid: number;
}

export type CallOutcome = 'ok' | 'throttled' | 'failed' | 'invalid';

export class CallStats {
  private readonly byOperation = new Map<string, OperationStats>();

  record(operation: string, outcome: CallOutcome): void {
    let stats = this.byOperation.get(operation);
    if (stats === undefined) {
      stats = { calls: 0, throttled: 0, failed: 0, invalid: 0 };
      this.byOperation.set(operation, stats);
    }
    stats.calls++;
    if (outcome !== 'ok') stats[outcome]++;
  }

  snapshot(): Record<string, OperationStats> {
    const out: Record<string, OperationStats> = {};
    for (const [operation, stats] of this.byOperation) out[operation] = { ...stats };
    return out;
  }

  reset(): void {
    this.byOperation.clear();
  }
}

/**
 * A rate limit, as SSM applies one per account and Region: a token bucket holding up to
 * `burst` calls and refilling at `callsPerSecond`. A call that finds it empty is throttled.
 * `{ callsPerSecond: 0 }` throttles every call.
 */
export interface RateLimit {
  readonly callsPerSecond: number;
  /** The calls that may come at once; default callsPerSecond rounded up (0 for 0). */
  readonly burst?: number;
}

export class TokenBucket {
  private readonly rate: number;
  private readonly burst: number;
  private tokens: number;
  private at: number;

  /** Starts full at `now` (ms). */
  constructor(limit: RateLimit, now: number) {
    if (!(Number.isFinite(limit.callsPerSecond) && limit.callsPerSecond >= 0)) throw new RangeError('setRateLimit: callsPerSecond must be 0 or more');
    const burst = limit.burst ?? Math.ceil(limit.callsPerSecond);
    if (!(Number.isFinite(burst) && burst >= 0)) throw new RangeError('setRateLimit: burst must be 0 or more');
    this.rate = limit.callsPerSecond;
    this.burst = burst;
    this.tokens = burst;
    this.at = now;
  }

  /** Takes one call's token at `now` (ms); false when there is none. */
  take(now: number): boolean {
    if (now > this.at) {
      this.tokens = Math.min(this.burst, this.tokens + ((now - this.at) / 1000) * this.rate);
      this.at = now;
    }
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}
