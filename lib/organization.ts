import { Aws } from 'aws-cdk-lib';
import { ACCOUNT_ID_FORM, REGION_FORM, memberReadRoleArn, memberReadRoleName, scopesOf } from '../lambdas/core/scope';

/**
 * The member accounts and Regions one archive collects, besides its own account and Region.
 * Each member account and Region deploys `SsmHistoryMember` (lib/ssm-history-member.ts),
 * which forwards its SSM events to the archive's event bus and lets the archive's collector
 * and poller read its SSM through a read role.
 */
export interface SsmHistoryOrganization {
  /**
   * The member accounts, or `'organization'`: every account of the AWS Organization, which
   * the poller lists (Organizations ListAccounts, so the archive's account must be the
   * management account or a delegated administrator). Listed accounts' Run Command
   * notification topics are subscribed to the work queue; an organization's are not.
   */
  readonly accounts: readonly string[] | 'organization';
  /** The Regions collected in every member account (and in the archive's own account). */
  readonly regions: readonly string[];
  /**
   * The AWS Organization's ID (`o-...`). With it, the event bus admits events from any
   * account of the organization; without it, from the listed accounts only.
   * @default - none; required when `accounts` is 'organization'
   */
  readonly organizationId?: string;
  /**
   * The ExternalId the member read roles require (SsmHistoryMember's `externalId`).
   * @default - none
   */
  readonly externalId?: string;
}

export const ORGANIZATION_ID_FORM = /^o-[a-z0-9]{10,32}$/;
/** What STS accepts as an ExternalId (as the runtime checks MEMBER_EXTERNAL_ID). */
export const EXTERNAL_ID_FORM = /^[\w+=,.@:/-]{2,1224}$/;

/**
 * Most listed account-Region pairs: each is one ARN in the collector's and the poller's
 * sts:AssumeRole statement and one subscription resource, and a role's inline policies share
 * 10,240 characters (IAM quotas). More members are collected with `accounts: 'organization'`.
 */
export const MAX_LISTED_SCOPES = 60;

const unique = (values: readonly string[]): string[] => [...new Set(values.map((value) => value.trim()))];

/** The organization with its lists deduplicated; throws on anything the members could not match. */
export function checkedOrganization(organization: SsmHistoryOrganization): SsmHistoryOrganization {
  const { organizationId, externalId } = organization;
  const regions = unique(organization.regions);
  if (regions.length === 0) throw new Error('organization regions must name at least one Region');
  const badRegion = regions.find((region) => !REGION_FORM.test(region));
  if (badRegion !== undefined) throw new Error(`organization regions: ${JSON.stringify(badRegion)} is not a Region name (e.g. eu-west-1)`);
  if (organizationId !== undefined && !ORGANIZATION_ID_FORM.test(organizationId)) {
    throw new Error(`organizationId must be an AWS Organizations ID (o- and 10 to 32 lower-case letters or digits), got ${JSON.stringify(organizationId)}`);
  }
  if (externalId !== undefined && !EXTERNAL_ID_FORM.test(externalId)) {
    throw new Error('organization externalId must be 2 to 1224 characters of letters, digits and +=,.@:/-');
  }
  if (organization.accounts === 'organization') {
    if (organizationId === undefined) throw new Error("organization accounts 'organization' needs the organizationId, which the event bus and the role grants are scoped to");
    return { accounts: 'organization', regions, organizationId, ...(externalId !== undefined ? { externalId } : {}) };
  }
  const accounts = unique(organization.accounts);
  if (accounts.length === 0) throw new Error("organization accounts must list at least one account, or be 'organization'");
  const badAccount = accounts.find((account) => !ACCOUNT_ID_FORM.test(account));
  if (badAccount !== undefined) throw new Error(`organization accounts: ${JSON.stringify(badAccount)} is not an account ID of 12 digits`);
  if (accounts.length * regions.length > MAX_LISTED_SCOPES) {
    throw new Error(
      `organization lists ${accounts.length} accounts in ${regions.length} Regions: at most ${MAX_LISTED_SCOPES} account-Region pairs can be listed; ` +
        "collect more with accounts 'organization' and an organizationId",
    );
  }
  return { accounts, regions, ...(organizationId !== undefined ? { organizationId } : {}), ...(externalId !== undefined ? { externalId } : {}) };
}

/** The runtime's view of the organization (lambdas/config.ts organizationFrom), for every function. */
export function organizationEnvironment(organization: SsmHistoryOrganization): Record<string, string> {
  return {
    MEMBER_ACCOUNTS: organization.accounts === 'organization' ? 'organization' : organization.accounts.join(','),
    MEMBER_REGIONS: organization.regions.join(','),
    ...(organization.externalId !== undefined ? { MEMBER_EXTERNAL_ID: organization.externalId } : {}),
    AWS_PARTITION: Aws.PARTITION,
  };
}

/**
 * The member read roles the collector and the poller may assume: each listed account's in
 * each Region; for an organization, any role of that name pattern, which the grant limits to
 * the organization's accounts (aws:ResourceOrgID).
 */
export function memberReadRoleArns(organization: SsmHistoryOrganization): string[] {
  if (organization.accounts === 'organization') return [`arn:${Aws.PARTITION}:iam::*:role/${memberReadRoleName('*')}`];
  // The archive's own account is read through a member role in its other Regions too (the
  // home Region's own role goes unused: the stack's Region is a token at synthesis).
  const accounts = [Aws.ACCOUNT_ID, ...organization.accounts.filter((account) => account !== Aws.ACCOUNT_ID)];
  return scopesOf(accounts, organization.regions).map((scope) => memberReadRoleArn(scope, Aws.PARTITION));
}
