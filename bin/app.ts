import { App, Duration, Validations } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';
import { nagPacks } from '../lib/nag-packs';
import { SsmHistoryStack } from '../lib/ssm-history-stack';

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

const app = new App();
new SsmHistoryStack(app, 'SsmHistory', {
  description: 'ssm-history: archives AWS Systems Manager execution history into DynamoDB',
  history: {
    collectorMaxConcurrency: numberFromContext(app, 'ssmHistory:collectorMaxConcurrency'),
    logRetention: logRetentionFromContext(app, 'ssmHistory:logRetentionDays'),
    queryApiRateLimit: numberFromContext(app, 'ssmHistory:queryApiRateLimit'),
    queryApiBurstLimit: numberFromContext(app, 'ssmHistory:queryApiBurstLimit'),
    pollInterval: minutesFromContext(app, 'ssmHistory:pollIntervalMinutes'),
    backfillDays: numberFromContext(app, 'ssmHistory:backfillDays'),
  },
});
// Any unacknowledged finding fails synthesis (and so `npm run synth` and CI).
Validations.of(app).addPlugins(...nagPacks(app));
