import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { App, Stack, type CfnElement } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as cxapi from 'aws-cdk-lib/cx-api';
import type { IConstruct } from 'constructs';
import { SsmHistoryMemberStack, type SsmHistoryMemberStackProps } from '../../lib/ssm-history-member-stack';
import { SsmHistoryStack, type SsmHistoryStackProps } from '../../lib/ssm-history-stack';
import { TEST_TEMP_ENV } from '../support/temp-dir';

/**
 * An app with cdk.json's context (feature flags included), so tests see what `cdk synth` makes,
 * except that assets are not bundled: the templates do not depend on the bundle, and each
 * bundling costs seconds (npx + esbuild). `npm run synth` in CI bundles for real.
 */
export function appLikeCdkSynth(): App {
  const cdkJson = JSON.parse(readFileSync(path.join(__dirname, '..', '..', 'cdk.json'), 'utf8')) as {
    context?: Record<string, unknown>;
  };
  // Into the test file's temp folder (test/support/temp-dir.ts), removed after the file.
  const outdir = mkdtempSync(path.join(process.env[TEST_TEMP_ENV] ?? tmpdir(), 'cdk.out'));
  return new App({ outdir, context: { ...cdkJson.context, [cxapi.BUNDLING_STACKS]: [] } });
}

/** Synthesizing bundles the collector with esbuild: do it once per test file, in beforeAll. */
export function synthesizeSsmHistory(props: SsmHistoryStackProps = {}): {
  app: App;
  stack: SsmHistoryStack;
  template: Template;
} {
  const app = appLikeCdkSynth();
  const stack = new SsmHistoryStack(app, 'SsmHistory', props);
  return { app, stack, template: Template.fromStack(stack) };
}

/** A member account's stack, as `cdk synth SsmHistoryMember` makes it (nothing to bundle). */
export function synthesizeMember(props: SsmHistoryMemberStackProps): {
  app: App;
  stack: SsmHistoryMemberStack;
  template: Template;
} {
  const app = appLikeCdkSynth();
  const stack = new SsmHistoryMemberStack(app, 'SsmHistoryMember', props);
  return { app, stack, template: Template.fromStack(stack) };
}

/** The CloudFormation logical ID of a construct's L1 resource. */
export function logicalIdOf(construct: IConstruct): string {
  const resource = construct.node.defaultChild as CfnElement | undefined;
  if (!resource) throw new Error(`${construct.node.path} has no CloudFormation resource`);
  return Stack.of(construct).getLogicalId(resource);
}

export interface PolicyStatement {
  readonly Effect: 'Allow' | 'Deny';
  readonly Action: string | string[];
  readonly Resource: unknown;
  readonly Condition?: unknown;
}

interface PolicyResource {
  readonly Properties: {
    readonly Roles: { Ref: string }[];
    readonly PolicyDocument: { Statement: PolicyStatement[] };
  };
}

export const actionsOf = (statement: PolicyStatement): string[] =>
  Array.isArray(statement.Action) ? statement.Action : [statement.Action];

export const resourcesOf = (statement: PolicyStatement): unknown[] =>
  Array.isArray(statement.Resource) ? statement.Resource : [statement.Resource];

/** Every statement of every AWS::IAM::Policy attached to the role. */
export function statementsOfRole(template: Template, roleLogicalId: string): PolicyStatement[] {
  const policies = template.findResources('AWS::IAM::Policy') as Record<string, PolicyResource>;
  return Object.values(policies)
    .filter((policy) => policy.Properties.Roles.some((role) => role.Ref === roleLogicalId))
    .flatMap((policy) => policy.Properties.PolicyDocument.Statement);
}

export const getAtt = (logicalId: string, attribute = 'Arn') => ({ 'Fn::GetAtt': [logicalId, attribute] });
