import type { SSMClient } from '@aws-sdk/client-ssm';
import { MetricUnit, type Metrics } from '@aws-lambda-powertools/metrics';
import { operationalMetrics } from './operational-metrics';

const THROTTLING_ERROR_NAMES = new Set([
  'ThrottlingException',
  'Throttling',
  'ThrottledException',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'RequestThrottled',
  'RequestThrottledException',
  'ProvisionedThroughputExceededException',
  'SlowDown',
]);

/** An SDK error that says "slow down": counted and retried, never fatal by itself. */
export function isThrottlingError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  if (THROTTLING_ERROR_NAMES.has(error.name)) return true;
  const metadata = (error as { $metadata?: { httpStatusCode?: number } }).$metadata;
  const retryable = (error as { $retryable?: { throttling?: boolean } }).$retryable;
  return metadata?.httpStatusCode === 429 || retryable?.throttling === true;
}

/** What one invocation's SSM client did. */
export interface SsmCallCounts {
  readonly calls: number;
  readonly throttles: number;
}

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
    this.meter(ssm);
  }

  /** Counts this client's calls too (a member account's); metering a client twice counts once. */
  meter<Client extends Pick<SSMClient, 'middlewareStack'>>(ssm: Client): Client {
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
    return ssm;
  }

  take(): SsmCallCounts {
    const counts = { calls: this.calls, throttles: this.throttles };
    this.calls = 0;
    this.throttles = 0;
    return counts;
  }
}

/**
 * SsmCalls and SsmThrottles, without a kind (the share of throttled calls is an account-wide
 * signal), plus any other service-level counts of the invocation, in one EMF line. Nothing
 * when there is nothing to say.
 */
export function publishSsmCallMetrics(metrics: Metrics, ssm: SsmCallCounts, otherCounts: Readonly<Record<string, number>> = {}): void {
  let added = false;
  if (ssm.calls > 0) {
    metrics.addMetric(operationalMetrics.ssmCalls, MetricUnit.Count, ssm.calls);
    metrics.addMetric(operationalMetrics.ssmThrottles, MetricUnit.Count, ssm.throttles);
    added = true;
  }
  for (const [name, value] of Object.entries(otherCounts)) {
    if (value <= 0) continue;
    metrics.addMetric(name, MetricUnit.Count, value);
    added = true;
  }
  if (added) metrics.publishStoredMetrics();
}
