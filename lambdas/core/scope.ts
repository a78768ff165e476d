/**
 * Where an SSM record lives: the account and Region whose Systems Manager holds it. One
 * archive collects its own account and Region (its home) and, for an organization, the
 * member accounts and Regions that forward their events to it and let it read their SSM.
 */
export interface SsmScope {
  /** The 12-digit account id. */
  readonly account: string;
  /** The Region's name, e.g. eu-west-1. */
  readonly region: string;
}

export const ACCOUNT_ID_FORM = /^\d{12}$/;
export const REGION_FORM = /^[a-z]{2}(-[a-z]+)+-\d$/;

/**
 * The archive attributes that say where a record lives: written on every record the
 * collector stores, and on the definitions the pollers keep; read by the views' `account`
 * and `region` filters. Archive attributes start lower-case, so they never collide with
 * SSM's fields, and never appear in an SSM-compatible answer.
 */
export const SCOPE_ATTRIBUTES = { account: 'account', region: 'region' } as const;

/** `123456789012/eu-west-1`: how logs, GET /status and the poll queue name a scope. */
export const scopeName = (scope: SsmScope): string => `${scope.account}/${scope.region}`;

export const sameScope = (a: SsmScope, b: SsmScope): boolean => a.account === b.account && a.region === b.region;

export const isAccountId = (value: unknown): value is string => typeof value === 'string' && ACCOUNT_ID_FORM.test(value);
export const isRegionName = (value: unknown): value is string => typeof value === 'string' && REGION_FORM.test(value);

/** A scope from untrusted input (a message, a query string); undefined when either part is malformed. */
export function scopeOf(account: unknown, region: unknown): SsmScope | undefined {
  return isAccountId(account) && isRegionName(region) ? { account, region } : undefined;
}

/** Every account in every Region: the scopes an organization's archive collects. */
export function scopesOf(accounts: readonly string[], regions: readonly string[]): SsmScope[] {
  return accounts.flatMap((account) => regions.map((region) => ({ account, region })));
}

/**
 * The name of the read role a member stack creates in each Region it is deployed to (IAM
 * roles are global to an account, so the name carries the Region, and the role reads that
 * Region's SSM only). The central collector and pollers assume it by this name.
 */
export const memberReadRoleName = (region: string): string => `ssm-history-read-${region}`;

/** The member read role's ARN in one scope. */
export const memberReadRoleArn = (scope: SsmScope, partition = 'aws'): string =>
  `arn:${partition}:iam::${scope.account}:role/${memberReadRoleName(scope.region)}`;

/**
 * The name of the topic a member stack creates for Run Command notifications in its account
 * and Region (SendCommand's NotificationConfig there names it); it delivers to the central
 * work queue, and the collector trusts notifications from exactly these topics.
 */
export const MEMBER_NOTIFICATION_TOPIC_NAME = 'ssm-history-run-command-notifications';
