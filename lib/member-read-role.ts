import { Aws } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { memberReadRoleName } from '../lambdas/core/scope';
import { collectorRoleName, pollerRoleName, roleArn } from './archive-names';
import { memberReadActionsOf, scopedMemberReadActionsOf, type SourceInfrastructure } from './source-infrastructure';
import { addSsmReadPolicies, type SsmReadPolicies } from './ssm-read-policies';

export interface MemberReadRoleProps {
  /** The history kinds the archive collects: their collector and listing actions are the role's. */
  readonly sources: readonly SourceInfrastructure[];
  /** The archive's account and Region: its collector and poller roles are named after the Region. */
  readonly archiveAccount: string;
  readonly archiveRegion: string;
  /** The archive's organization: the assuming role must belong to it. At least this or `externalId`. */
  readonly organizationId?: string;
  /** The ExternalId the archive must pass. At least this or `organizationId`. */
  readonly externalId?: string;
}

/**
 * The role the archive's collector and poller assume to read this account's SSM in this
 * Region (named memberReadRoleName(Region), as the archive computes it). It holds exactly the
 * SSM read actions the kinds declare, the collector's and the pollers' (addSsmReadPolicies,
 * the resource-typed ones on this account and Region's resources), and trusts only the
 * archive's two roles, by ARN (aws:PrincipalArn), with the organization or ExternalId as a
 * second condition. The trust names the archive's account as principal, not the role ARNs
 * themselves, so that it can be created before the archive (IAM resolves a role principal to
 * the role's ID and refuses one that does not exist yet).
 */
export class MemberReadRole extends Construct {
  public readonly role: iam.Role;
  public readonly policies: SsmReadPolicies;

  constructor(scope: Construct, id: string, props: MemberReadRoleProps) {
    super(scope, id);
    if (props.organizationId === undefined && props.externalId === undefined) {
      throw new Error('MemberReadRole needs organizationId, externalId or both: the archive account alone is not enough to trust');
    }
    const trustedRoles = [collectorRoleName(props.archiveRegion), pollerRoleName(props.archiveRegion)].map((name) =>
      roleArn(Aws.PARTITION, props.archiveAccount, name),
    );
    const stringEquals = {
      ...(props.organizationId !== undefined ? { 'aws:PrincipalOrgID': props.organizationId } : {}),
      ...(props.externalId !== undefined ? { 'sts:ExternalId': props.externalId } : {}),
    };
    this.role = new iam.Role(this, 'Role', {
      roleName: memberReadRoleName(Aws.REGION),
      description: "Lets the ssm-history archive's collector and poller read this account's SSM history in this Region",
      assumedBy: new iam.PrincipalWithConditions(new iam.AccountPrincipal(props.archiveAccount), {
        ArnEquals: { 'aws:PrincipalArn': trustedRoles },
        StringEquals: stringEquals,
      }),
    });
    this.policies = addSsmReadPolicies(
      this,
      this.role,
      memberReadActionsOf(props.sources),
      scopedMemberReadActionsOf(props.sources),
      'memberReadActionsOf() / scopedMemberReadActionsOf()',
    );
  }
}
