import { Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';
import type { ScopedGrant } from './source-infrastructure';

export interface SsmReadPolicies {
  /** The exact actions on Resource "*". */
  readonly unscoped: iam.Policy;
  /** The actions on resource ARN patterns, one statement per pattern; undefined when none. */
  readonly scoped?: iam.Policy;
}

/**
 * A function's SSM read permissions, as two policies of `scope` ("SsmReadPolicy" and
 * "SsmScopedReadPolicy"): the exact actions that IAM can grant only on "*", and the actions
 * that take resource ARNs, each on its type's pattern in this stack's partition, Region and
 * account (e.g. automation-execution/*). Each carries its cdk-nag acknowledgement with the
 * reason. The action lists come checked from source-infrastructure.ts (`...ActionsOf`), which
 * refuses wildcards, writes and misplaced actions.
 */
export function addSsmReadPolicies(scope: Construct, role: iam.IRole, actions: readonly string[], scoped: readonly ScopedGrant[], checkedBy: string): SsmReadPolicies {
  const unscoped = new iam.Policy(scope, 'SsmReadPolicy', {
    roles: [role],
    statements: [new iam.PolicyStatement({ actions: [...actions], resources: ['*'] })],
  });
  Validations.of(unscoped).acknowledge({
    id: 'AwsSolutions-IAM5[Resource::*]',
    reason:
      `Exact SSM read actions, no wildcard actions: ${actions.join(', ')}. The Service ` +
      'Authorization Reference (docs.aws.amazon.com/service-authorization/latest/reference/' +
      'list_awssystemsmanager.html) lists no resource type for any of them, so IAM can grant ' +
      `them only on "*"; ${checkedBy} refuses any action that is not on that list.`,
  });
  if (scoped.length === 0) return { unscoped };

  const stack = Stack.of(scope);
  const resolve = (pattern: string): string =>
    pattern.replace('${Partition}', stack.partition).replace('${Region}', stack.region).replace('${Account}', stack.account);
  const scopedPolicy = new iam.Policy(scope, 'SsmScopedReadPolicy', {
    roles: [role],
    statements: scoped.map(({ resource, actions: granted }) => new iam.PolicyStatement({ actions: [...granted], resources: [resolve(resource)] })),
  });
  for (const { resource, actions: granted } of scoped) {
    const nagResource = resource
      .replace('${Partition}', '<AWS::Partition>')
      .replace('${Region}', '<AWS::Region>')
      .replace('${Account}', '<AWS::AccountId>');
    const type = /:([a-z-]+)\/\*$/.exec(resource)?.[1] ?? resource;
    Validations.of(scopedPolicy).acknowledge({
      id: `AwsSolutions-IAM5[Resource::${nagResource}]`,
      reason:
        `Exact SSM read actions on the ${type} resource type (the Service Authorization Reference lists it for ` +
        `${granted.join(', ')}): any ${type} of this account and Region, since the archive records every one; ` +
        `${checkedBy} refuses any other action or pattern.`,
    });
  }
  return { unscoped, scoped: scopedPolicy };
}
