import { parseAlertConfig, type AlertConfig, type AlertOptions } from './alerts/alert';
import { TOPIC_ARN, type TrustedSenders } from './collector/messages';
import { DEFAULT_COLLECT_SETTINGS, INVOCATION_DETAILS, type CollectSettings, type InvocationDetail } from './core/model';
import { tableIds, tableSchemas, type TableNames } from './sources/tables';
import { ACCOUNT_ID_FORM, REGION_FORM, type SsmScope } from './core/scope';

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
  /** The archive's own account and Region: stamped on what it collects with its own role. */
  readonly home: SsmScope;
  /** Member accounts and Regions; absent: the archive collects its home only. */
  readonly organization?: OrganizationConfig;
}

/**
 * One archive for several accounts and Regions: the member accounts and Regions whose SSM
 * the collector and pollers read through each member's read role (memberReadRoleArn), on
 * top of the archive's own account and Region (its home, read with the function's own role).
 */
export interface OrganizationConfig {
  /** HOME_ACCOUNT and AWS_REGION: where the archive runs. */
  readonly home: SsmScope;
  /**
   * MEMBER_ACCOUNTS: the member accounts, comma-separated, or `organization`: every active
   * account of the AWS Organization, which the poller lists (Organizations ListAccounts).
   */
  readonly accounts: readonly string[] | 'organization';
  /** MEMBER_REGIONS: the Regions collected in every member account (and in the home account). */
  readonly regions: readonly string[];
  /** MEMBER_EXTERNAL_ID: the ExternalId the member roles require, when they require one. */
  readonly externalId?: string;
  /** AWS_PARTITION (default aws): for the member roles' ARNs. */
  readonly partition: string;
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
  readonly home: SsmScope;
  /** Member accounts and Regions (GET /status reports each); absent: the home only. */
  readonly organization?: OrganizationConfig;
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
  readonly home: SsmScope;
  /** Member accounts and Regions; absent: the archive polls its home only. */
  readonly organization?: OrganizationConfig;
  /**
   * POLL_QUEUE_URL: where the scheduled poll sends one message per account and Region, for
   * the same function to poll them apart (required with an organization).
   */
  readonly pollQueueUrl?: string;
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
    home: homeFrom(env),
    ...optionalOrganization(env),
    ...(env.ALERT_TOPIC_ARN ? { alerts: alertsConfigFrom(env, env.ALERT_TOPIC_ARN) } : {}),
    ...(env.RETENTION_DAYS ? { retentionDays: positiveInteger(env, 'RETENTION_DAYS', 1) } : {}),
    senders: {
      // `organization`: any account of it (the central bus admits no other).
      accounts: env.SOURCE_ACCOUNTS?.trim() === 'organization' ? 'organization' : list(env, 'SOURCE_ACCOUNTS', ACCOUNT_ID_FORM, 'an account id of 12 digits, or the word organization'),
      regions: list(env, 'SOURCE_REGIONS', REGION_FORM, 'a Region name'),
      // None: the archive takes no notifications, only events.
      topicArns: list(env, 'NOTIFICATION_TOPIC_ARNS', TOPIC_ARN, 'an SNS topic ARN', false),
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
  return { tableNames: tableNamesFrom(env), pageTokenKey, alerts: alertContentFrom(env), home: homeFrom(env), ...optionalOrganization(env) };
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
    home: homeFrom(env),
    ...optionalOrganization(env),
    ...(env.POLL_QUEUE_URL ? { pollQueueUrl: env.POLL_QUEUE_URL } : {}),
  };
}

/** HOME_ACCOUNT and AWS_REGION (Lambda sets AWS_REGION; the stack sets HOME_ACCOUNT). */
export function homeFrom(env: NodeJS.ProcessEnv): SsmScope {
  const account = env.HOME_ACCOUNT;
  if (!account) throw new ConfigurationError('HOME_ACCOUNT is not set');
  if (!ACCOUNT_ID_FORM.test(account)) throw new ConfigurationError(`HOME_ACCOUNT: "${account}" is not an account id of 12 digits`);
  const region = env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
  if (!region) throw new ConfigurationError('AWS_REGION is not set');
  return { account, region };
}

/** MEMBER_* variables; undefined when MEMBER_REGIONS is not set (the archive collects its home only). */
export function organizationFrom(env: NodeJS.ProcessEnv): OrganizationConfig | undefined {
  if (!env.MEMBER_REGIONS) return undefined;
  const regions = list(env, 'MEMBER_REGIONS', REGION_FORM, 'a Region name');
  const accounts = env.MEMBER_ACCOUNTS?.trim() === 'organization' ? 'organization' : list(env, 'MEMBER_ACCOUNTS', ACCOUNT_ID_FORM, 'an account id of 12 digits, or the word organization');
  const externalId = env.MEMBER_EXTERNAL_ID;
  if (externalId !== undefined && externalId !== '' && !/^[\w+=,.@:/-]{2,1224}$/.test(externalId)) {
    throw new ConfigurationError('MEMBER_EXTERNAL_ID must be 2 to 1224 characters of letters, digits and +=,.@:/-');
  }
  return {
    home: homeFrom(env),
    accounts,
    regions,
    ...(externalId ? { externalId } : {}),
    partition: env.AWS_PARTITION || 'aws',
  };
}

function optionalOrganization(env: NodeJS.ProcessEnv): { organization?: OrganizationConfig } {
  const organization = organizationFrom(env);
  return organization === undefined ? {} : { organization };
}
