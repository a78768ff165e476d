import { MetricUnit, type Metrics } from '@aws-lambda-powertools/metrics';
import { KIND_DIMENSION, operationalMetrics as names } from '../operational-metrics';
import type { HistoryKind } from '../core/model';
import { publishSsmCallMetrics, type SsmCallCounts } from '../ssm-call-meter';
import type { CollectedBatch } from './collector';

/**
 * A batch's CloudWatch metrics through Powertools' embedded metric format: per history kind
 * (dimension `kind`) the records stored, those missed by events (a poller stored them before
 * any event did: the event path is broken somewhere), the failure alerts published and the
 * collection lag of each event-driven parent; then the invocation's SSM calls and throttles
 * and the alerts SNS refused. One EMF line per kind, one for the rest; nothing for an idle kind.
 */
export function publishCollectionMetrics(
  metrics: Metrics,
  batch: Pick<CollectedBatch, 'byKind' | 'alertsPublished' | 'collectionLagMs' | 'alertPublishFailures'>,
  ssm: SsmCallCounts = { calls: 0, throttles: 0 },
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
    // At most 10 parents a batch, so far below Powertools' 100 values a metric, which would
    // flush early (and without the kind dimension).
    for (const lag of lags) add(names.collectionLag, MetricUnit.Milliseconds, lag);
    // Publishing clears the kind dimension (not the default `service` one) for the next kind.
    if (added) metrics.publishStoredMetrics();
  }
  publishSsmCallMetrics(metrics, ssm, { [names.alertPublishFailures]: batch.alertPublishFailures });
}
