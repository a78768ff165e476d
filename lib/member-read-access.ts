import { Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';
import { memberReadRoleName } from '../lambdas/core/scope';
import { memberReadRoleArns, type SsmHistoryOrganization } from './organization';

export interface MemberReadAccessOptions {
  /**
   * Also organizations:ListAccounts, for the poller to find the organization's accounts
   * (only when `accounts` is 'organization').
   * @default false
   */
  readonly listAccounts?: boolean;
}

/**
 * Lets a role read the members' SSM: sts:AssumeRole on exactly the member read roles (each
 * listed account's in each Region; for an organization, the role name in any account of that
 * organization only), as a policy of `scope` ("MemberReadPolicy"). The member roles' trust
 * policies admit this role by its fixed name (lib/archive-names.ts).
 */
export function addMemberReadPolicy(scope: Construct, role: iam.IRole, organization: SsmHistoryOrganization, options: MemberReadAccessOptions = {}): iam.Policy {
  const wholeOrganization = organization.accounts === 'organization';
  const statements = [
    new iam.PolicyStatement({
      actions: ['sts:AssumeRole'],
      resources: memberReadRoleArns(organization),
      // aws:ResourceOrgID is the organization of the account that owns the role assumed.
      conditions: wholeOrganization ? { StringEquals: { 'aws:ResourceOrgID': organization.organizationId } } : undefined,
    }),
  ];
  const listAccounts = wholeOrganization && options.listAccounts === true;
  if (listAccounts) statements.push(new iam.PolicyStatement({ actions: ['organizations:ListAccounts'], resources: ['*'] }));
  const policy = new iam.Policy(scope, 'MemberReadPolicy', { roles: [role], statements });

  if (wholeOrganization) {
    Validations.of(policy).acknowledge({
      id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:iam::*:role/${memberReadRoleName('*')}]`,
      reason:
        `sts:AssumeRole on roles named ${memberReadRoleName('<Region>')} in any account, because the accounts are ` +
        "the organization's, which change without a deployment: the statement's condition aws:ResourceOrgID " +
        `= ${String(organization.organizationId)} admits only roles owned by an account of that organization, and each ` +
        "member role trusts only this archive's collector and poller roles.",
    });
  }
  if (listAccounts) {
    Validations.of(policy).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'organizations:ListAccounts takes no resource type (Service Authorization Reference, AWS Organizations), so it ' +
        "can be granted only on \"*\"; the poller calls it to find the organization's accounts to poll, and it reads no more than their IDs and states.",
    });
  }
  return policy;
}
