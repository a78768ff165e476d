import { Stack, Token } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { parseAlertConfig } from '../lambdas/alerts/alert';

/**
 * What an alert says: read by the collector, which sends alerts, and by the query API, whose
 * GET /alerts rebuilds each sent alert from its record. One set of settings for both, so the
 * two never describe a failure differently.
 */
export interface AlertContentSettings {
  /**
   * Which statuses alert, in parseAlertConfig's syntax (`Status`, `kind:Status`, `kind:none`,
   * comma-separated); checked at synthesis.
   * @default - every kind's terminal failure statuses
   */
  readonly statuses?: string;
  /**
   * Documents (runbooks) whose failures do not alert.
   * @default - none
   */
  readonly ignoredDocuments?: readonly string[];
  /**
   * False leaves the error excerpt (the first lines of the failure's output) out of every
   * alert: output can hold secrets, and an alert goes to mailboxes.
   * @default true
   */
  readonly errorExcerpts?: boolean;
}

/**
 * The settings as the runtime reads them (lambdas/config.ts alertContentFrom). The statuses
 * are parsed here with the runtime's own parser, so that a typo fails `cdk synth` rather than
 * every invocation.
 */
export function alertContentEnvironment(scope: Construct, settings: AlertContentSettings): Record<string, string> {
  const ignoredDocuments = settings.ignoredDocuments ?? [];
  for (const document of ignoredDocuments) {
    if (!Token.isUnresolved(document) && (document.trim() === '' || document.includes(','))) {
      throw new Error(`Alert ignored documents must be document names without commas, got ${JSON.stringify(document)}`);
    }
  }
  const ignored = ignoredDocuments.map((document) => document.trim()).join(',');
  if (settings.statuses !== undefined && !Token.isUnresolved(settings.statuses)) {
    parseAlertConfig({ statuses: settings.statuses, ignoredDocuments: ignored });
  }
  const stack = Stack.of(scope);
  return {
    ...(settings.statuses !== undefined ? { ALERT_STATUSES: settings.statuses } : {}),
    ...(ignored !== '' ? { ALERT_IGNORED_DOCUMENTS: ignored } : {}),
    ...(settings.errorExcerpts === false ? { ALERT_ERROR_EXCERPTS: 'false' } : {}),
    ALERT_ACCOUNT_ID: stack.account,
    ALERT_PARTITION: stack.partition,
  };
}
