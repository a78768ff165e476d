import { App, Duration, Validations } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';
import { nagPacks } from '../lib/nag-packs';
import type { SsmHistoryOrganization } from '../lib/organization';
import { SsmHistoryMemberStack } from '../lib/ssm-history-member-stack';
import { SsmHistoryStack } from '../lib/ssm-history-stack';
import { INVOCATION_DETAILS, type InvocationDetail } from '../lambdas/core/model';

/** Context arrives as a JSON number from cdk.json and as a string from `-c key=value`. */
function numberFromContext(app: App, key: string): number | undefined {
  const raw: unknown = app.node.tryGetContext(key);
  if (raw === undefined || raw === null || raw === '') return undefined;
  const value = typeof raw === 'number' ? raw : Number(raw);
  if (!Number.isFinite(value)) throw new Error(`Context ${key} must be a number, got ${JSON.stringify(raw)}`);
  return value;
}

function logRetentionFromContext(app: App, key: string): logs.RetentionDays | undefined {
  const days = numberFromContext(app, key);
  if (days === undefined) return undefined;
  const allowed = Object.values(logs.RetentionDays).filter((value): value is number => typeof value === 'number');
  if (!allowed.includes(days)) {
    throw new Error(`Context ${key} must be one of CloudWatch Logs' retention periods (${allowed.join(', ')}), got ${days}`);
  }
  return days as logs.RetentionDays;
}

function minutesFromContext(app: App, key: string): Duration | undefined {
  const minutes = numberFromContext(app, key);
  return minutes === undefined ? undefined : Duration.minutes(minutes);
}

/**
 * A list from context: a JSON array of strings (from cdk.json, or `-c 'key=["a","b"]'`) or a
 * comma-separated string (`-c key=a,b`). Empty entries are dropped.
 */
function listFromContext(app: App, key: string): string[] | undefined {
  const raw: unknown = app.node.tryGetContext(key);
  if (raw === undefined || raw === null || raw === '') return undefined;
  let value: unknown = raw;
  if (typeof raw === 'string' && raw.trim().startsWith('[')) {
    try {
      value = JSON.parse(raw) as unknown;
    } catch {
      throw new Error(`Context ${key} looks like a JSON array but is not valid JSON: ${raw}`);
    }
  }
  const items = typeof value === 'string' ? value.split(',') : value;
  if (!Array.isArray(items) || !items.every((item): item is string => typeof item === 'string')) {
    throw new Error(`Context ${key} must be a comma-separated string or a JSON array of strings, got ${JSON.stringify(raw)}`);
  }
  const list = items.map((item) => item.trim()).filter((item) => item.length > 0);
  return list.length > 0 ? list : undefined;
}

/** true or false, as JSON in cdk.json or as text from -c. */
function booleanFromContext(app: App, key: string): boolean | undefined {
  const raw: unknown = app.node.tryGetContext(key);
  if (raw === undefined || raw === null || raw === '') return undefined;
  if (raw === true || raw === 'true') return true;
  if (raw === false || raw === 'false') return false;
  throw new Error(`Context ${key} must be true or false, got ${JSON.stringify(raw)}`);
}

function stringFromContext(app: App, key: string): string | undefined {
  const raw: unknown = app.node.tryGetContext(key);
  if (raw === undefined || raw === null || raw === '') return undefined;
  if (typeof raw !== 'string') throw new Error(`Context ${key} must be a string, got ${JSON.stringify(raw)}`);
  return raw;
}

function invocationDetailFromContext(app: App, key: string): InvocationDetail | undefined {
  const raw = stringFromContext(app, key);
  if (raw === undefined) return undefined;
  const detail = INVOCATION_DETAILS.find((candidate) => candidate === raw);
  if (detail === undefined) throw new Error(`Context ${key} must be one of ${INVOCATION_DETAILS.join(', ')}, got ${JSON.stringify(raw)}`);
  return detail;
}

function positiveDurationFromContext(app: App, key: string, toDuration: (amount: number) => Duration): Duration | undefined {
  const amount = numberFromContext(app, key);
  if (amount === undefined) return undefined;
  if (!(amount > 0)) throw new Error(`Context ${key} must be above zero, got ${amount}`);
  return toDuration(amount);
}

/**
 * The member accounts and Regions the archive collects: `-c memberAccounts=111111111111,222222222222`
 * (or `organization`, with `-c organizationId=o-...`) and `-c memberRegions=eu-west-1,us-east-1`,
 * optionally `-c memberExternalId=...`. Undefined when neither list is given.
 */
function organizationFromContext(app: App): SsmHistoryOrganization | undefined {
  const accounts = listFromContext(app, 'memberAccounts');
  const regions = listFromContext(app, 'memberRegions');
  if (accounts === undefined && regions === undefined) return undefined;
  if (accounts === undefined) {
    throw new Error('Context memberRegions needs memberAccounts too: -c memberAccounts=<account>,<account> or -c memberAccounts=organization');
  }
  if (regions === undefined) throw new Error('Context memberAccounts needs memberRegions too: -c memberRegions=<Region>,<Region>');
  const organizationId = stringFromContext(app, 'organizationId');
  const externalId = stringFromContext(app, 'memberExternalId');
  const wholeOrganization = accounts.length === 1 && accounts[0] === 'organization';
  if (wholeOrganization && organizationId === undefined) {
    throw new Error('Context memberAccounts=organization needs the organization: -c organizationId=o-<id>');
  }
  return {
    accounts: wholeOrganization ? 'organization' : accounts,
    regions,
    ...(organizationId !== undefined ? { organizationId } : {}),
    ...(externalId !== undefined ? { externalId } : {}),
  };
}

const app = new App();
new SsmHistoryStack(app, 'SsmHistory', {
  description: 'ssm-history: archives AWS Systems Manager execution history into DynamoDB',
  history: {
    collectorMaxConcurrency: numberFromContext(app, 'ssmHistory:collectorMaxConcurrency'),
    invocationDetail: invocationDetailFromContext(app, 'ssmHistory:invocationDetail'),
    logRetention: logRetentionFromContext(app, 'ssmHistory:logRetentionDays'),
    queryApiRateLimit: numberFromContext(app, 'ssmHistory:queryApiRateLimit'),
    queryApiBurstLimit: numberFromContext(app, 'ssmHistory:queryApiBurstLimit'),
    pollInterval: minutesFromContext(app, 'ssmHistory:pollIntervalMinutes'),
    backfillDays: numberFromContext(app, 'ssmHistory:backfillDays'),
    alertEmails: listFromContext(app, 'ssmHistory:alertEmail'),
    alertStatuses: stringFromContext(app, 'ssmHistory:alertStatuses'),
    alertIgnoredDocuments: listFromContext(app, 'ssmHistory:alertIgnoredDocuments'),
    alertMaxAge: positiveDurationFromContext(app, 'ssmHistory:alertMaxAgeHours', (hours) => Duration.minutes(hours * 60)),
    alertErrorExcerpts: booleanFromContext(app, 'ssmHistory:alertErrorExcerpts'),
    collectionLagAlarm: positiveDurationFromContext(app, 'ssmHistory:collectionLagAlarmMinutes', (minutes) => Duration.minutes(minutes)),
    throttleAlarmPercent: numberFromContext(app, 'ssmHistory:throttleAlarmPercent'),
    retentionDays: numberFromContext(app, 'ssmHistory:retentionDays'),
    sourceAccounts: listFromContext(app, 'ssmHistory:sourceAccounts'),
    sourceRegions: listFromContext(app, 'ssmHistory:sourceRegions'),
    notificationPublisherRoleArns: listFromContext(app, 'ssmHistory:notificationPublisherRoleArns'),
    tableEncryptionKey: stringFromContext(app, 'ssmHistory:tableKey'),
    organization: organizationFromContext(app),
  },
});

// A member account and Region of that archive, deployed with the member's credentials (or as
// a StackSet from its synthesized template): only when the archive's account and Region are
// given, so that a plain `cdk deploy` still names one stack.
const archiveAccount = stringFromContext(app, 'archiveAccount');
const archiveRegion = stringFromContext(app, 'archiveRegion');
if (archiveAccount !== undefined || archiveRegion !== undefined) {
  if (archiveAccount === undefined) throw new Error("Context archiveRegion needs archiveAccount too: -c archiveAccount=<the archive's 12-digit account ID>");
  if (archiveRegion === undefined) throw new Error("Context archiveAccount needs archiveRegion too: -c archiveRegion=<the archive's Region>");
  const organizationId = stringFromContext(app, 'organizationId');
  const externalId = stringFromContext(app, 'memberExternalId');
  if (organizationId === undefined && externalId === undefined) {
    throw new Error("The member stack's read role needs -c organizationId=o-<id>, -c memberExternalId=<the archive's>, or both");
  }
  new SsmHistoryMemberStack(app, 'SsmHistoryMember', {
    description: 'ssm-history member: forwards SSM events to the archive and lets it read this account and Region',
    member: { archiveAccount, archiveRegion, organizationId, externalId },
  });
}
// Any unacknowledged finding fails synthesis (and so `npm run synth` and CI).
Validations.of(app).addPlugins(...nagPacks(app));
