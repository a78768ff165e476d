import { parseAlertConfig, type AlertConfig, type AlertOptions } from './alerts/alert';
import type { TrustedSenders } from './collector/messages';
import { DEFAULT_COLLECT_SETTINGS, INVOCATION_DETAILS, type CollectSettings, type InvocationDetail } from './core/model';
import { tableIds, tableSchemas, type TableNames } from './sources/tables';

/** Runtime configuration, read once and fail-fast: a Lambda without its tables must not start. */
export class ConfigurationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigurationError';
  }
}

export interface CollectorConfig {
  readonly tableNames: TableNames;
  /** Parents worked on at once within one batch; bounds the SSM call rate of one Lambda. */
  readonly parentConcurrency: number;
  /** SDK attempts per SSM call (adaptive retry mode) before the work item is retried via SQS. */
  readonly ssmMaxAttempts: number;
  /** Failure alerts; absent when ALERT_TOPIC_ARN is not set. */
  readonly alerts?: AlertsConfig;
  /** SOURCE_ACCOUNTS, SOURCE_REGIONS and NOTIFICATION_TOPIC_ARNS (comma-separated). */
  readonly senders: TrustedSenders;
  /** RETENTION_DAYS: days a record is kept after its own time; absent: forever. */
  readonly retentionDays?: number;
  /** INVOCATION_DETAIL (`failures` or `all`): how the collector collects. */
  readonly settings: CollectSettings;
}

export interface AlertsConfig {
  readonly topicArn: string;
  readonly config: AlertConfig;
  /** Failures that ended longer ago are archived without an alert (ALERT_MAX_AGE_HOURS). */
  readonly maxAgeMs: number;
  readonly context: AlertOptions;
}

export interface QueryConfig {
  readonly tableNames: TableNames;
  /** Keys the HMAC of the query API's page tokens (PAGE_TOKEN_KEY); any non-empty string. */
  readonly pageTokenKey: string;
  /** How GET /alerts describes the alerts sent: as the collector does. */
  readonly alerts: AlertContentConfig;
}

export interface PollerConfig {
  readonly tableNames: TableNames;
  /** The work queue the pollers send work items to. */
  readonly workQueueUrl: string;
  /** How far back the first poll of a kind lists. */
  readonly backfillDays: number;
  /** How far each poll reaches back before its watermark, for late updates. */
  readonly overlapMinutes: number;
  /** Listing calls per second per kind. */
  readonly callsPerSecond: number;
  readonly ssmMaxAttempts: number;
}

function positiveInteger(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) {
    throw new ConfigurationError(`${name} must be a positive integer, got "${raw}"`);
  }
  return value;
}

export function tableNamesFrom(env: NodeJS.ProcessEnv): TableNames {
  const names = {} as TableNames;
  for (const id of tableIds) {
    const envVar = tableSchemas[id].envVar;
    const value = env[envVar];
    if (!value) throw new ConfigurationError(`${envVar} is not set`);
    names[id] = value;
  }
  return names;
}

export function collectorConfigFrom(env: NodeJS.ProcessEnv): CollectorConfig {
  return {
    tableNames: tableNamesFrom(env),
    parentConcurrency: positiveInteger(env, 'PARENT_CONCURRENCY', 4),
    ssmMaxAttempts: positiveInteger(env, 'SSM_MAX_ATTEMPTS', 6),
    settings: { invocationDetail: invocationDetailFrom(env) },
    ...(env.ALERT_TOPIC_ARN ? { alerts: alertsConfigFrom(env, env.ALERT_TOPIC_ARN) } : {}),
    ...(env.RETENTION_DAYS ? { retentionDays: positiveInteger(env, 'RETENTION_DAYS', 1) } : {}),
    senders: {
      accounts: list(env, 'SOURCE_ACCOUNTS', /^\d{12}$/, 'an account id of 12 digits'),
      regions: list(env, 'SOURCE_REGIONS', /^[a-z]{2}(-[a-z]+)+-\d$/, 'a Region name'),
      // None: the archive takes no notifications, only events.
      topicArns: list(env, 'NOTIFICATION_TOPIC_ARNS', /^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[\w-]{1,256}$/, 'an SNS topic ARN', false),
    },
  };
}

function invocationDetailFrom(env: NodeJS.ProcessEnv): InvocationDetail {
  const raw = env.INVOCATION_DETAIL;
  if (raw === undefined || raw === '') return DEFAULT_COLLECT_SETTINGS.invocationDetail;
  const detail = INVOCATION_DETAILS.find((candidate) => candidate === raw);
  if (detail === undefined) throw new ConfigurationError(`INVOCATION_DETAIL must be one of ${INVOCATION_DETAILS.join(', ')}, got "${raw}"`);
  return detail;
}

/** A comma-separated list, each entry of the given form; required unless said otherwise. */
function list(env: NodeJS.ProcessEnv, name: string, form: RegExp, what: string, required = true): string[] {
  const entries = (env[name] ?? '').split(',').map((entry) => entry.trim()).filter((entry) => entry !== '');
  if (entries.length === 0 && required) throw new ConfigurationError(`${name} is not set`);
  const bad = entries.find((entry) => !form.test(entry));
  if (bad !== undefined) throw new ConfigurationError(`${name}: "${bad}" is not ${what}`);
  return entries;
}

/** What an alert says and where its console link points: ALERT_STATUSES, ALERT_IGNORED_DOCUMENTS, ALERT_ERROR_EXCERPTS, the Region, ALERT_ACCOUNT_ID, ALERT_PARTITION. */
export interface AlertContentConfig {
  readonly config: AlertConfig;
  readonly context: AlertOptions;
}

/** ALERT_* variables: the same statuses and ignored documents syntax as the CDK context (parseAlertConfig). */
export function alertContentFrom(env: NodeJS.ProcessEnv): AlertContentConfig {
  let config: AlertConfig;
  try {
    config = parseAlertConfig({ statuses: env.ALERT_STATUSES, ignoredDocuments: env.ALERT_IGNORED_DOCUMENTS, errorExcerpts: env.ALERT_ERROR_EXCERPTS });
  } catch (error) {
    throw new ConfigurationError(error instanceof Error ? error.message : String(error));
  }
  const region = env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
  if (!region) throw new ConfigurationError('AWS_REGION is not set');
  return {
    config,
    context: {
      region,
      ...(env.ALERT_ACCOUNT_ID ? { accountId: env.ALERT_ACCOUNT_ID } : {}),
      ...(env.ALERT_PARTITION ? { partition: env.ALERT_PARTITION } : {}),
    },
  };
}

export function alertsConfigFrom(env: NodeJS.ProcessEnv, topicArn: string): AlertsConfig {
  return { topicArn, ...alertContentFrom(env), maxAgeMs: positiveNumber(env, 'ALERT_MAX_AGE_HOURS', 24) * 3_600_000 };
}

export function queryConfigFrom(env: NodeJS.ProcessEnv): QueryConfig {
  const pageTokenKey = env.PAGE_TOKEN_KEY;
  if (!pageTokenKey) throw new ConfigurationError('PAGE_TOKEN_KEY is not set');
  return { tableNames: tableNamesFrom(env), pageTokenKey, alerts: alertContentFrom(env) };
}

function positiveNumber(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw new ConfigurationError(`${name} must be a positive number, got "${raw}"`);
  return value;
}

export function pollerConfigFrom(env: NodeJS.ProcessEnv): PollerConfig {
  const workQueueUrl = env.WORK_QUEUE_URL;
  if (!workQueueUrl) throw new ConfigurationError('WORK_QUEUE_URL is not set');
  return {
    tableNames: tableNamesFrom(env),
    workQueueUrl,
    backfillDays: positiveInteger(env, 'POLL_BACKFILL_DAYS', 30),
    overlapMinutes: positiveInteger(env, 'POLL_OVERLAP_MINUTES', 10),
    callsPerSecond: positiveNumber(env, 'POLL_CALLS_PER_SECOND', 2),
    ssmMaxAttempts: positiveInteger(env, 'SSM_MAX_ATTEMPTS', 6),
  };
}
