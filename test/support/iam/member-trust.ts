import type { SsmScope } from '../../../lambdas/core/scope';
import type { SsmHistoryMemberProps } from '../../../lib/ssm-history-member';
import { logicalIdOf, synthesizeMember } from '../../infrastructure/synthesized';
import { TEST_ACCOUNT, TEST_REGION } from './aws-calls';
import { TemplateValues, type CfnTemplate, type PolicyDocument } from './deployed-functions';

/**
 * A member's read role as the member stack (SsmHistoryMemberStack) deploys it in one account
 * and Region: its ARN and its trust policy, for an archive in TEST_ACCOUNT and TEST_REGION
 * unless told another. The stack is environment-agnostic: one synthesis per set of props,
 * resolved in each account and Region as a StackSet instance there would be.
 */
export interface MemberReadRoleModel {
  readonly roleArn: string;
  readonly trust: PolicyDocument;
}

export type MemberTrustProps = Pick<SsmHistoryMemberProps, 'organizationId' | 'externalId'> & { readonly archiveAccount?: string };

const synthesized = new Map<string, { readonly cfn: CfnTemplate; readonly roleId: string }>();

export function memberReadRole(scope: SsmScope, props: MemberTrustProps): MemberReadRoleModel {
  const member: SsmHistoryMemberProps = {
    archiveAccount: props.archiveAccount ?? TEST_ACCOUNT,
    archiveRegion: TEST_REGION,
    ...(props.organizationId !== undefined ? { organizationId: props.organizationId } : {}),
    ...(props.externalId !== undefined ? { externalId: props.externalId } : {}),
  };
  const key = JSON.stringify(member);
  let stack = synthesized.get(key);
  if (stack === undefined) {
    const { stack: memberStack, template } = synthesizeMember({ member });
    stack = { cfn: template.toJSON() as CfnTemplate, roleId: logicalIdOf(memberStack.member.readRole) };
    synthesized.set(key, stack);
  }
  const values = new TemplateValues(stack.cfn, { account: scope.account, region: scope.region });
  return {
    roleArn: values.getAtt(stack.roleId, 'Arn'),
    trust: values.resolve(stack.cfn.Resources[stack.roleId]?.Properties?.AssumeRolePolicyDocument) as PolicyDocument,
  };
}
