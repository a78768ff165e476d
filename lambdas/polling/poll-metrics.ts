import { MetricUnit, type Metrics } from '@aws-lambda-powertools/metrics';
import { KIND_DIMENSION, operationalMetrics } from '../operational-metrics';
import { publishSsmCallMetrics, type SsmCallCounts } from '../ssm-call-meter';
import type { KindPollResult } from './poller';

/**
 * One poller run's metrics: PollsSucceeded (1) for each kind whose run did not fail, whether
 * it finished the listing or stopped for time and saved its place (a long backfill is
 * healthy, not stale), then the run's SSM calls and throttles. A kind with no PollsSucceeded
 * for three intervals raises the staleness alarm.
 */
export function publishPollMetrics(metrics: Metrics, results: readonly KindPollResult[], ssm: SsmCallCounts, otherCounts: Readonly<Record<string, number>> = {}): void {
  for (const result of results) {
    if (result.error !== undefined) continue;
    metrics.addDimension(KIND_DIMENSION, result.kind);
    metrics.addMetric(operationalMetrics.pollsSucceeded, MetricUnit.Count, 1);
    metrics.publishStoredMetrics();
  }
  publishSsmCallMetrics(metrics, ssm, otherCounts);
}
