import { Metrics } from '@aws-lambda-powertools/metrics';
import { publishCollectionMetrics } from '../../lambdas/collector/collection-metrics';
import { METRICS_NAMESPACE, operationalMetrics, perKindMetrics } from '../../lambdas/operational-metrics';

type EmfEntry = Record<string, unknown> & { _aws: { CloudWatchMetrics: { Namespace: string; Dimensions: string[][]; Metrics: { Name: string; Unit: string }[] }[] } };

/** The collector's metrics as CloudWatch reads them: EMF lines on stdout. */
describe('collection metrics', () => {
  let lines: string[];
  let spy: jest.SpyInstance;
  beforeEach(() => {
    lines = [];
    spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      lines.push(String(chunk));
      return true;
    });
  });
  afterEach(() => spy.mockRestore());

  const emf = (): EmfEntry[] =>
    lines
      .flatMap((line) => line.split('\n'))
      .filter((line) => line.includes('_aws'))
      .map((line) => JSON.parse(line) as EmfEntry);

  it('publishes each kind’s records stored, missed by events, alerts and lags under the kind dimension, and nothing for an idle kind', () => {
    const metrics = new Metrics({ namespace: METRICS_NAMESPACE, serviceName: 'ssm-history' });
    publishCollectionMetrics(
      metrics,
      {
        byKind: { 'run-command': { created: 12, missedByEvents: 2 }, automation: { created: 0, missedByEvents: 0 }, 'maintenance-window': { created: 3, missedByEvents: 3 }, association: { created: 5, missedByEvents: 0 } },
        alertsPublished: { 'run-command': 4, association: 1 },
        collectionLagMs: { 'run-command': [1200, 3400] },
        alertPublishFailures: 2,
      },
      { calls: 30, throttles: 3 },
    );
    const entries = emf();
    const byKind = (kind: string) => entries.filter((entry) => entry.kind === kind);
    expect(byKind('automation')).toEqual([]);
    expect(byKind('run-command')).toHaveLength(1);
    expect(byKind('run-command')[0]).toMatchObject({ RecordsStored: 12, MissedByEvents: 2, AlertsPublished: 4, CollectionLag: [1200, 3400], service: 'ssm-history' });
    expect(byKind('maintenance-window')[0]).toMatchObject({ RecordsStored: 3, MissedByEvents: 3 });
    expect(byKind('maintenance-window')[0]).not.toHaveProperty('AlertsPublished');
    // Records stored that events all announced: still counted, with none missed.
    expect(byKind('association')[0]).toMatchObject({ AlertsPublished: 1, RecordsStored: 5, MissedByEvents: 0 });
    expect(byKind('association')).toHaveLength(1);
    for (const entry of entries) {
      const directive = entry._aws.CloudWatchMetrics[0];
      expect(directive?.Namespace).toBe(METRICS_NAMESPACE);
      const names = directive?.Metrics.map((metric) => metric.Name) ?? [];
      // The dimensions the alarms and dashboard read: kind exactly on the per-kind metrics.
      const perKind = names.every((name) => perKindMetrics.has(name as never));
      expect(directive?.Dimensions.flat().sort()).toEqual(perKind ? ['kind', 'service'] : ['service']);
    }
    const lag = byKind('run-command')[0]?._aws.CloudWatchMetrics[0]?.Metrics.find((metric) => metric.Name === operationalMetrics.collectionLag);
    expect(lag?.Unit).toBe('Milliseconds');
    const ssm = entries.filter((entry) => entry.kind === undefined);
    expect(ssm).toEqual([expect.objectContaining({ SsmCalls: 30, SsmThrottles: 3, AlertPublishFailures: 2, service: 'ssm-history' })]);
  });

  it('publishes no service line when the invocation made no SSM call and no alert was refused', () => {
    const metrics = new Metrics({ namespace: METRICS_NAMESPACE, serviceName: 'ssm-history' });
    publishCollectionMetrics(metrics, { byKind: {}, alertsPublished: {}, collectionLagMs: {}, alertPublishFailures: 0 }, { calls: 0, throttles: 0 });
    expect(emf()).toEqual([]);
  });
});
