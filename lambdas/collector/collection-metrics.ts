import { MetricUnit, type Metrics } from '@aws-lambda-powertools/metrics';
import { KIND_DIMENSION, operationalMetrics as names } from '../operational-metrics';
import type { HistoryKind } from '../sources/history-source';
import type { CollectedBatch } from './collector';

/** What one invocation's SSM client did (SsmCallMeter). */
export interface SsmCallCounts {
  readonly calls: number;
  readonly throttles: number;
}

/**
 * A batch's CloudWatch metrics through Powertools' embedded metric format: per history kind
 * (dimension `kind`) the records stored, those missed by events (a poller stored them before
 * any event did: the event path is broken somewhere), the failure alerts published and the
 * collection lag of each event-driven parent; then the SSM calls and throttles of the
 * invocation. One EMF line per kind, one for the SSM counts; nothing for an idle kind.
 */
export function publishCollectionMetrics(
  metrics: Metrics,
  batch: Pick<CollectedBatch, 'byKind' | 'alertsPublished' | 'collectionLagMs'>,
  ssm?: SsmCallCounts,
): void {
  const kinds = new Set([...Object.keys(batch.byKind), ...Object.keys(batch.alertsPublished), ...Object.keys(batch.collectionLagMs)]);
  for (const kind of kinds as Set<HistoryKind>) {
    const counts = batch.byKind[kind];
    const alerts = batch.alertsPublished[kind] ?? 0;
    const lags = batch.collectionLagMs[kind] ?? [];
    let added = false;
    const add = (name: string, unit: (typeof MetricUnit)[keyof typeof MetricUnit], value: number) => {
      if (!added) metrics.addDimension(KIND_DIMENSION, kind);
      added = true;
      metrics.addMetric(name, unit, value);
    };
    if (counts !== undefined && (counts.created > 0 || counts.missedByEvents > 0)) {
      add(names.recordsStored, MetricUnit.Count, counts.created);
      add(names.missedByEvents, MetricUnit.Count, counts.missedByEvents);
    }
    if (alerts > 0) add(names.alertsPublished, MetricUnit.Count, alerts);
    for (const lag of lags) add(names.collectionLag, MetricUnit.Milliseconds, lag);
    // Publishing clears the kind dimension (not the default `service` one) for the next kind.
    if (added) metrics.publishStoredMetrics();
  }
  publishSsmCallMetrics(metrics, ssm);
}

/** SsmCalls and SsmThrottles, without a kind: the share of throttled calls is an account-wide signal. */
export function publishSsmCallMetrics(metrics: Metrics, ssm: SsmCallCounts | undefined): void {
  if (ssm === undefined || ssm.calls === 0) return;
  metrics.addMetric(names.ssmCalls, MetricUnit.Count, ssm.calls);
  metrics.addMetric(names.ssmThrottles, MetricUnit.Count, ssm.throttles);
  metrics.publishStoredMetrics();
}
