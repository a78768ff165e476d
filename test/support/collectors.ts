import { SSMClient } from '@aws-sdk/client-ssm';
import { parseAlertConfig } from '../../lambdas/alerts/alert';
import { FailureAlerts, type AlertPublisher } from '../../lambdas/alerts/failure-alerts';
import { Collector, type CollectorDependencies } from '../../lambdas/collector/collector';
import { historySources } from '../../lambdas/sources';
import type { RecordStore } from '../../lambdas/store/record-store';
import { silentLog } from './silent-log';

/**
 * A collector of every kind that alerts as the deployed one does (default alert statuses, a
 * day's maximum age), publishing through `publisher`; its SSM client is whatever
 * aws-sdk-client-mock or the test's endpoint answers.
 */
export function alertingCollector(options: {
  readonly store: RecordStore;
  readonly publisher: AlertPublisher;
  readonly now: () => Date;
  readonly senders?: CollectorDependencies['senders'];
}): Collector {
  const { store, publisher, now, senders } = options;
  return new Collector({
    sources: historySources,
    clients: { ssm: new SSMClient({ region: 'us-east-1' }) },
    store,
    logger: silentLog,
    parentConcurrency: 2,
    now,
    ...(senders !== undefined ? { senders } : {}),
    alerts: new FailureAlerts({
      publisher,
      claims: store,
      config: parseAlertConfig(),
      context: { region: 'us-east-1', accountId: '123456789012' },
      maxAgeMs: 24 * 3_600_000,
      logger: silentLog,
      now,
    }),
  });
}
