import { MetricUnit, type Metrics } from '@aws-lambda-powertools/metrics';
import type { HistoryKind } from '../sources/history-source';
import type { KindCounts } from './collector';

/**
 * A batch's records stored and records missed by events (a poller stored them before any
 * event did), per history kind, as CloudWatch metrics through Powertools' embedded metric
 * format: one EMF line per kind and metric, dimension `kind`. A growing MissedByEvents means the event
 * path (rule, queue, notification config) is broken somewhere.
 */
export function publishCollectionMetrics(metrics: Metrics, byKind: Partial<Record<HistoryKind, KindCounts>>): void {
  for (const [kind, counts] of Object.entries(byKind) as [HistoryKind, KindCounts][]) {
    if (counts.created === 0 && counts.missedByEvents === 0) continue;
    // A single metric is published (and its dimensions cleared) as it is added: one each.
    for (const [name, value] of [['RecordsStored', counts.created], ['MissedByEvents', counts.missedByEvents]] as const) {
      const single = metrics.singleMetric();
      single.addDimension('kind', kind);
      single.addMetric(name, MetricUnit.Count, value);
    }
  }
}
