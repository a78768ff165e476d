import { Metrics } from '@aws-lambda-powertools/metrics';
import { publishCollectionMetrics } from '../../lambdas/collector/collection-metrics';

/** The collector's metrics as CloudWatch reads them: EMF lines on stdout, one per kind. */
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

  it('publishes RecordsStored and MissedByEvents per kind, with the kind as a dimension, and nothing for an idle kind', () => {
    const metrics = new Metrics({ namespace: 'SsmHistory', serviceName: 'ssm-history' });
    publishCollectionMetrics(metrics, {
      'run-command': { created: 12, missedByEvents: 2 },
      automation: { created: 0, missedByEvents: 0 },
      'maintenance-window': { created: 3, missedByEvents: 3 },
    });
    const emf = lines.flatMap((line) => line.split('\n')).filter((line) => line.includes('_aws')).map((line) => JSON.parse(line) as Record<string, unknown>);
    const byKind = (kind: string) => emf.filter((entry) => entry.kind === kind);
    expect(byKind('automation')).toEqual([]);
    for (const [kind, stored, missed] of [['run-command', 12, 2], ['maintenance-window', 3, 3]] as const) {
      const entries = byKind(kind);
      expect(entries.length).toBeGreaterThan(0);
      expect(Object.assign({}, ...entries)).toMatchObject({ RecordsStored: stored, MissedByEvents: missed, service: 'ssm-history' });
      const directive = (entries[0]?._aws as { CloudWatchMetrics: { Namespace: string; Dimensions: string[][] }[] }).CloudWatchMetrics[0];
      expect(directive?.Namespace).toBe('SsmHistory');
      expect(directive?.Dimensions.flat()).toContain('kind');
    }
  });
});
