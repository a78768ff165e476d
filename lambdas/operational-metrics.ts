/**
 * The app's CloudWatch metrics, defined once: the functions publish them through Powertools'
 * embedded metric format, and the CDK alarms and dashboard read them by these names. Every
 * metric carries Powertools' `service` dimension (POWERTOOLS_SERVICE_NAME, 'ssm-history' by
 * default); the per-kind ones also carry `kind` (a HistoryKind).
 */
export const METRICS_NAMESPACE = 'SsmHistory';

/** The dimension Powertools adds to every metric: the functions' service name. */
export const SERVICE_DIMENSION = 'service';
/** POWERTOOLS_SERVICE_NAME when the environment sets none: the functions' logs and metrics. */
export const DEFAULT_SERVICE_NAME = 'ssm-history';
export const KIND_DIMENSION = 'kind';

export const operationalMetrics = {
  /** Records the collector created (first stored), per kind. Count. */
  recordsStored: 'RecordsStored',
  /** Created records only a poller had seen: the event path missed them. Per kind. Count. */
  missedByEvents: 'MissedByEvents',
  /** Failure alerts published to the alerts topic, per kind. Count. */
  alertsPublished: 'AlertsPublished',
  /** From the event's time to its parent's records stored, per kind. Milliseconds, one value per parent. */
  collectionLag: 'CollectionLag',
  /** SSM read API attempts (retries included) by the collector and the poller. Count. */
  ssmCalls: 'SsmCalls',
  /** Of those, attempts SSM throttled. Count. */
  ssmThrottles: 'SsmThrottles',
  /** Poller runs that did not fail for the kind (finished, or saved their place), per kind. Count. */
  pollsSucceeded: 'PollsSucceeded',
  /** Accounts and Regions whose poll failed for some kind (a member's role gone, its SSM throttling, its Region disabled). Count. */
  memberPollFailures: 'MemberPollFailures',
  /** Failure alerts SNS refused (each stays pending; its messages are retried). Count. */
  alertPublishFailures: 'AlertPublishFailures',
} as const;

export type OperationalMetricName = (typeof operationalMetrics)[keyof typeof operationalMetrics];

/** Which metrics carry the `kind` dimension. */
export const perKindMetrics: ReadonlySet<OperationalMetricName> = new Set([
  operationalMetrics.recordsStored,
  operationalMetrics.missedByEvents,
  operationalMetrics.alertsPublished,
  operationalMetrics.collectionLag,
  operationalMetrics.pollsSucceeded,
]);
