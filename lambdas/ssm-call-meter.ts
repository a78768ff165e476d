import type { SSMClient } from '@aws-sdk/client-ssm';
import { isThrottlingError } from './polling/rate-limit';

/**
 * Counts the SSM attempts a client makes and those SSM throttled, retries included (the
 * middleware sits inside the SDK's retry loop, and outside its deserializer, so it sees SSM's
 * parsed errors), for the SsmCalls and SsmThrottles metrics.
 * `take()` returns the counts since the last take, once per invocation.
 */
export class SsmCallMeter {
  private calls = 0;
  private throttles = 0;

  constructor(ssm: Pick<SSMClient, 'middlewareStack'>) {
    ssm.middlewareStack.add(
      (next) => async (args) => {
        this.calls++;
        try {
          return await next(args);
        } catch (error) {
          if (isThrottlingError(error)) this.throttles++;
          throw error;
        }
      },
      { step: 'deserialize', priority: 'high', name: 'ssmHistoryCallMeter', override: true },
    );
  }

  take(): { calls: number; throttles: number } {
    const counts = { calls: this.calls, throttles: this.throttles };
    this.calls = 0;
    this.throttles = 0;
    return counts;
  }
}
