import { collectorConfigFrom, ConfigurationError } from '../lambdas/config';
import { tableIds, tableSchemas } from '../lambdas/sources/tables';

/** The collector's environment, as the CDK construct sets it. */
function environment(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const tables = Object.fromEntries(tableIds.map((id) => [tableSchemas[id].envVar, `table-${id}`]));
  return { ...tables, HOME_ACCOUNT: '123456789012', AWS_REGION: 'us-east-1', SOURCE_ACCOUNTS: '123456789012', SOURCE_REGIONS: 'us-east-1', ...extra };
}

describe('collector configuration', () => {
  it('reads failed, timed-out and cancelled invocations in detail by default', () => {
    expect(collectorConfigFrom(environment()).settings).toEqual({ invocationDetail: 'failures' });
  });

  it('reads every invocation in detail with INVOCATION_DETAIL=all', () => {
    expect(collectorConfigFrom(environment({ INVOCATION_DETAIL: 'all' })).settings).toEqual({ invocationDetail: 'all' });
  });

  it('refuses any other INVOCATION_DETAIL, naming the values it takes', () => {
    expect(() => collectorConfigFrom(environment({ INVOCATION_DETAIL: 'everything' }))).toThrow(ConfigurationError);
    expect(() => collectorConfigFrom(environment({ INVOCATION_DETAIL: 'everything' }))).toThrow(/INVOCATION_DETAIL must be one of failures, all, got "everything"/);
  });
});
