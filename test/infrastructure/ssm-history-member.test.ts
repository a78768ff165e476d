import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { FileAssetPackaging, type App } from 'aws-cdk-lib';
import type { Template } from 'aws-cdk-lib/assertions';
import { MEMBER_NOTIFICATION_TOPIC_NAME, memberReadRoleName } from '../../lambdas/core/scope';
import { historySources } from '../../lambdas/sources';
import { ARCHIVE_EVENT_BUS_NAME, collectorRoleName, memberNotificationPublisherRoleName, pollerRoleName } from '../../lib/archive-names';
import { ssmEventMatchesOf } from '../../lib/ssm-event-rule';
import type { SsmHistoryMemberProps } from '../../lib/ssm-history-member';
import type { SsmHistoryMemberStack } from '../../lib/ssm-history-member-stack';
import { TEST_ACCOUNT, TEST_REGION } from '../support/iam/aws-calls';
import { TemplateValues, type CfnTemplate, type PolicyDocument, type PolicyStatement } from '../support/iam/deployed-functions';
import { allowEverything, decide } from './iam-decisions';
import { logicalIdOf, synthesizeMember, synthesizeSsmHistory } from './synthesized';

/**
 * A member account and Region of an organization's archive: the member stack, as `cdk synth
 * SsmHistoryMember` makes it and a StackSet deploys it. The stack is environment-agnostic;
 * its intrinsics resolve as the IAM conformance check resolves them (this account
 * TEST_ACCOUNT, Region TEST_REGION, partition aws). Trust and topic policies are decided by a
 * real IAM evaluator (@cloud-copilot/iam-simulate).
 */
const ARCHIVE_ACCOUNT = '999999999999';
const ARCHIVE_REGION = 'eu-west-1';
const ORGANIZATION_ID = 'o-abcdefghij';
const EXTERNAL_ID = 'archive-external-id';

const archiveRole = (name: string) => `arn:aws:iam::${ARCHIVE_ACCOUNT}:role/${name}`;
const archiveCollector = archiveRole(collectorRoleName(ARCHIVE_REGION));
const archivePoller = archiveRole(pollerRoleName(ARCHIVE_REGION));
const archiveBusArn = `arn:aws:events:${ARCHIVE_REGION}:${ARCHIVE_ACCOUNT}:event-bus/${ARCHIVE_EVENT_BUS_NAME}`;

interface Synthesized {
  readonly stack: SsmHistoryMemberStack;
  readonly template: Template;
  readonly cfn: CfnTemplate & { readonly Parameters?: unknown; readonly Rules?: unknown };
  readonly values: TemplateValues;
}

function synthesized(member: Partial<SsmHistoryMemberProps> = {}): Synthesized {
  const { stack, template } = synthesizeMember({ member: { archiveAccount: ARCHIVE_ACCOUNT, archiveRegion: ARCHIVE_REGION, organizationId: ORGANIZATION_ID, ...member } });
  const cfn = template.toJSON() as Synthesized['cfn'];
  return { stack, template, cfn, values: new TemplateValues(cfn) };
}

let member: Synthesized;

beforeAll(() => {
  member = synthesized();
});

const resourcesOfType = (s: Synthesized, type: string) => Object.entries(s.cfn.Resources).filter(([, resource]) => resource.Type === type);

function statementsOfRole(s: Synthesized, roleLogicalId: string): PolicyStatement[] {
  return resourcesOfType(s, 'AWS::IAM::Policy')
    .filter(([, policy]) => (policy.Properties?.Roles as { Ref: string }[]).some((role) => role.Ref === roleLogicalId))
    .flatMap(([, policy]) => (s.values.resolve(policy.Properties?.PolicyDocument) as PolicyDocument).Statement);
}

const trustPolicyOf = (s: Synthesized, roleLogicalId: string): PolicyDocument =>
  s.values.resolve(s.cfn.Resources[roleLogicalId]?.Properties?.AssumeRolePolicyDocument) as PolicyDocument;

const actionsOf = (statement: PolicyStatement): string[] => [statement.Action].flat();
const unique = (values: readonly string[]) => [...new Set(values)].sort();

describe('deployable by a StackSet', () => {
  // A StackSet instance deploys the template as it is, in accounts that were never
  // bootstrapped: no bootstrap version parameter and rule, no assets to publish.
  it('has no Parameters, no Rules and no assets', () => {
    expect(member.cfn.Parameters).toBeUndefined();
    expect(member.cfn.Rules).toBeUndefined();
    expect(JSON.stringify(member.cfn)).not.toContain('AssetParameters');
    expect(JSON.stringify(member.cfn)).not.toContain('cdk-hnb659fds');
  });

  it('is deployed with the caller’s own credentials and the template inline, not from the bootstrap bucket', () => {
    const app = member.stack.node.root as App;
    const properties = app.synth().getStackArtifact(member.stack.artifactId).manifest.properties ?? {};
    expect(Object.keys(properties).filter((key) => /assumeRole|cloudFormationExecutionRole|stackTemplateAssetObjectUrl|requiresBootstrapStackVersion/.test(key))).toEqual([]);
  });

  // CloudFormation API reference, CreateStackSet: TemplateBody is at most 51,200 bytes (a
  // larger template must come from S3, which every target account would need to read).
  it('fits CreateStackSet’s --template-body (51,200 bytes)', () => {
    const app = member.stack.node.root as App;
    const file = path.join(app.synth().directory, member.stack.templateFile);
    expect(readFileSync(file).byteLength).toBeLessThan(51_200);
  });

  it('refuses an asset, which a StackSet could not publish to every account', () => {
    const { stack } = synthesizeMember({ member: { archiveAccount: ARCHIVE_ACCOUNT, archiveRegion: ARCHIVE_REGION, externalId: EXTERNAL_ID } });
    expect(() => stack.synthesizer.addFileAsset({ sourceHash: 'abc', fileName: 'index.js', packaging: FileAssetPackaging.FILE })).toThrow(/takes no assets/);
  });
});

describe('the read role', () => {
  const readRoleId = () => logicalIdOf(member.stack.member.readRole);

  it('is named as the archive assumes it in this Region', () => {
    expect(member.values.resolve(member.cfn.Resources[readRoleId()]?.Properties?.RoleName)).toBe(memberReadRoleName(TEST_REGION));
  });

  // IAM User Guide, "AWS global condition context keys": aws:PrincipalArn is the ARN of the
  // role that makes the request (not its session's), aws:PrincipalOrgID the organization of
  // the principal's account; sts:ExternalId is what AssumeRole was passed.
  it("trusts only the archive's collector and poller roles, as principals of the organization", () => {
    expect(trustPolicyOf(member, readRoleId()).Statement).toEqual([
      {
        Effect: 'Allow',
        Action: 'sts:AssumeRole',
        Principal: { AWS: `arn:aws:iam::${ARCHIVE_ACCOUNT}:root` },
        Condition: {
          ArnEquals: { 'aws:PrincipalArn': [archiveCollector, archivePoller] },
          StringEquals: { 'aws:PrincipalOrgID': ORGANIZATION_ID },
        },
      },
    ]);
  });

  it('requires the ExternalId when given one, beside or instead of the organization', () => {
    for (const [props, stringEquals] of [
      [{ externalId: EXTERNAL_ID }, { 'aws:PrincipalOrgID': ORGANIZATION_ID, 'sts:ExternalId': EXTERNAL_ID }],
      [{ organizationId: undefined, externalId: EXTERNAL_ID }, { 'sts:ExternalId': EXTERNAL_ID }],
    ] as [Partial<SsmHistoryMemberProps>, Record<string, string>][]) {
      const s = synthesized(props);
      const statement = trustPolicyOf(s, logicalIdOf(s.stack.member.readRole)).Statement[0];
      expect(statement?.Condition).toEqual({ ArnEquals: { 'aws:PrincipalArn': [archiveCollector, archivePoller] }, StringEquals: stringEquals });
    }
  });

  it('lets the archive’s two roles assume it, and no other principal of the archive account or another organization', async () => {
    const assume = {
      action: 'sts:AssumeRole',
      resource: `arn:aws:iam::${TEST_ACCOUNT}:role/${memberReadRoleName(TEST_REGION)}`,
      resourceAccount: TEST_ACCOUNT,
      resourcePolicy: trustPolicyOf(member, readRoleId()),
      identity: [{ name: 'archive', policy: allowEverything }],
    };
    const inOrganization = { 'aws:PrincipalOrgID': ORGANIZATION_ID };
    expect(await decide({ ...assume, principal: archiveCollector, context: inOrganization })).toBe('Allowed');
    expect(await decide({ ...assume, principal: archivePoller, context: inOrganization })).toBe('Allowed');
    expect(await decide({ ...assume, principal: archiveRole('Admin'), context: inOrganization })).not.toBe('Allowed');
    expect(await decide({ ...assume, principal: archiveCollector, context: { 'aws:PrincipalOrgID': 'o-zzzzzzzzzz' } })).not.toBe('Allowed');
    const elsewhere = `arn:aws:iam::333333333333:role/${collectorRoleName(ARCHIVE_REGION)}`;
    expect(await decide({ ...assume, principal: elsewhere, context: inOrganization })).not.toBe('Allowed');

    const withExternalId = synthesized({ organizationId: undefined, externalId: EXTERNAL_ID });
    const trust = trustPolicyOf(withExternalId, logicalIdOf(withExternalId.stack.member.readRole));
    expect(await decide({ ...assume, resourcePolicy: trust, principal: archiveCollector, context: { 'sts:ExternalId': EXTERNAL_ID } })).toBe('Allowed');
    expect(await decide({ ...assume, resourcePolicy: trust, principal: archiveCollector, context: { 'sts:ExternalId': 'guessed' } })).not.toBe('Allowed');
  });

  it("holds exactly the SSM read actions the kinds declare, the collector's and the pollers', on this account and Region", () => {
    const statements = statementsOfRole(member, readRoleId());
    // Declared by the kinds themselves, not through the functions under test.
    const unscoped = historySources.flatMap((source) => [...source.collectorActions, ...(source.lister?.listingActions ?? [])]);
    const scoped = historySources.flatMap((source) => [...(source.scopedCollectorActions ?? []), ...(source.lister?.scopedListingActions ?? [])]);
    const onAnyResource = statements.filter((statement) => statement.Resource === '*');
    expect(unique(onAnyResource.flatMap(actionsOf))).toEqual(unique(unscoped));
    expect(onAnyResource.flatMap(actionsOf)).toHaveLength(unique(unscoped).length);
    const byResource = statements
      .filter((statement) => statement.Resource !== '*')
      .map((statement) => ({ resource: statement.Resource, actions: unique(actionsOf(statement)) }));
    const expected = [...new Set(scoped.map((grant) => grant.resource))].map((resource) => ({
      resource: resource.replace('${Partition}', 'aws').replace('${Region}', TEST_REGION).replace('${Account}', TEST_ACCOUNT),
      actions: unique(scoped.filter((grant) => grant.resource === resource).map((grant) => grant.action)),
    }));
    expect(byResource.sort((a, b) => String(a.resource).localeCompare(String(b.resource)))).toEqual(expected.sort((a, b) => a.resource.localeCompare(b.resource)));
    expect(statements.every((statement) => statement.Effect === 'Allow' && actionsOf(statement).every((action) => action.startsWith('ssm:')))).toBe(true);
  });
});

describe('the event forwarding', () => {
  it("forwards from the default bus exactly what the archive's own rules match", () => {
    const { template: archive } = synthesizeSsmHistory();
    const patternsOf = (t: Template) =>
      Object.values(t.findResources('AWS::Events::Rule'))
        .filter((rule) => rule.Properties.EventPattern !== undefined)
        .map((rule) => ({ bus: rule.Properties.EventBusName as unknown, pattern: rule.Properties.EventPattern as unknown }));
    // Per detail-type: the archive splits its status changes between two queues (the gathered
    // kinds' wait on their own), the member forwards them all through one rule.
    const matched = (t: Template) =>
      patternsOf(t)
        .flatMap(({ bus, pattern }) => {
          const { source, 'detail-type': types, detail } = pattern as { source: unknown; 'detail-type': string[]; detail?: unknown };
          return types.map((type) => JSON.stringify({ bus, source, type, detail: detail ?? null }));
        })
        .sort();
    expect(matched(member.template)).toEqual(matched(archive));
    expect(patternsOf(member.template).map(({ pattern }) => pattern)).toEqual(
      ssmEventMatchesOf(historySources).map((match) => ({
        source: match.eventPattern.source,
        'detail-type': match.eventPattern.detailType,
        ...(match.eventPattern.detail ? { detail: match.eventPattern.detail } : {}),
      })),
    );
    expect(patternsOf(member.template).every(({ bus }) => bus === undefined)).toBe(true);
  });

  // EventBridge API reference, PutPermission: rules in the receiving account match the sender
  // account's events by their `account` field, so events sent to another account's bus keep
  // the account (and Region) they happened in, which the collector reads SSM in.
  it("puts the events on the archive's event bus as a role that may do nothing else, with a dead-letter queue", () => {
    const { eventForwarding } = member.stack.member;
    const roleId = logicalIdOf(eventForwarding.role);
    for (const [, rule] of resourcesOfType(member, 'AWS::Events::Rule')) {
      expect(member.values.resolve(rule.Properties?.Targets)).toEqual([
        {
          Id: 'Target0',
          Arn: archiveBusArn,
          RoleArn: member.values.getAtt(roleId, 'Arn'),
          DeadLetterConfig: { Arn: member.values.getAtt(logicalIdOf(eventForwarding.deadLetterQueue), 'Arn') },
        },
      ]);
    }
    expect(statementsOfRole(member, roleId)).toEqual([{ Effect: 'Allow', Action: 'events:PutEvents', Resource: archiveBusArn }]);
    expect(trustPolicyOf(member, roleId).Statement).toEqual([{ Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { Service: 'events.amazonaws.com' } }]);
    expect(member.cfn.Resources[logicalIdOf(eventForwarding.deadLetterQueue)]?.Properties).toEqual({ MessageRetentionPeriod: 14 * 24 * 3600, SqsManagedSseEnabled: true });
  });
});

describe('the Run Command notifications topic', () => {
  const topicId = () => logicalIdOf(member.stack.member.notificationTopic);
  const topicPolicy = (): PolicyDocument => {
    const attached = resourcesOfType(member, 'AWS::SNS::TopicPolicy').filter(([, policy]) => (policy.Properties?.Topics as { Ref: string }[]).some((topic) => topic.Ref === topicId()));
    expect(attached).toHaveLength(1);
    return member.values.resolve(attached[0]?.[1].Properties?.PolicyDocument) as PolicyDocument;
  };

  it('is named as the archive subscribes to it, without a KMS key, like the archive’s own', () => {
    expect(member.cfn.Resources[topicId()]?.Properties).toEqual({ TopicName: MEMBER_NOTIFICATION_TOPIC_NAME, DisplayName: 'ssm-history Run Command notifications' });
    const publisher = member.cfn.Resources[logicalIdOf(member.stack.member.notificationRole)]?.Properties;
    expect(member.values.resolve(publisher?.RoleName)).toBe(memberNotificationPublisherRoleName(TEST_REGION));
    expect((publisher?.AssumeRolePolicyDocument as PolicyDocument).Statement).toEqual([
      { Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { Service: 'ssm.amazonaws.com' } },
    ]);
  });

  // SNS developer guide, "Sending Amazon SNS messages to an Amazon SQS queue in a different
  // account": the topic owner lets the queue owner's account call Subscribe, and the queue
  // owner's subscription needs no confirmation.
  it("lets the archive's account subscribe a queue of the archive's Region, and nothing else; denies publishing without TLS and to anyone but the publisher role", async () => {
    const topicArn = member.values.ref(topicId());
    const subscribe = { action: 'sns:Subscribe', resource: topicArn, resourceAccount: TEST_ACCOUNT, resourcePolicy: topicPolicy(), identity: [{ name: 'archive', policy: allowEverything }] };
    const archiveQueue = `arn:aws:sqs:${ARCHIVE_REGION}:${ARCHIVE_ACCOUNT}:SsmHistory-WorkQueue`;
    const deployer = archiveRole('cdk-deploy');
    expect(await decide({ ...subscribe, principal: deployer, context: { 'sns:Protocol': 'sqs', 'sns:Endpoint': archiveQueue } })).toBe('Allowed');
    expect(await decide({ ...subscribe, principal: deployer, context: { 'sns:Protocol': 'email', 'sns:Endpoint': 'someone@example.com' } })).not.toBe('Allowed');
    expect(await decide({ ...subscribe, principal: deployer, context: { 'sns:Protocol': 'sqs', 'sns:Endpoint': 'arn:aws:sqs:eu-west-1:333333333333:elsewhere' } })).not.toBe('Allowed');
    expect(await decide({ ...subscribe, principal: 'arn:aws:iam::333333333333:role/x', context: { 'sns:Protocol': 'sqs', 'sns:Endpoint': archiveQueue } })).not.toBe('Allowed');

    const statements = topicPolicy().Statement;
    expect(statements).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ Effect: 'Deny', Action: 'sns:Publish', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        expect.objectContaining({ Effect: 'Deny', Action: 'sns:Publish', Condition: { ArnNotEquals: { 'aws:PrincipalArn': [member.values.getAtt(logicalIdOf(member.stack.member.notificationRole), 'Arn')] } } }),
      ]),
    );
  });
});

describe('member settings that synthesis refuses', () => {
  it.each([
    ['an archive account that is not 12 digits', { archiveAccount: '99999' }, /archiveAccount must be the archive's account ID of 12 digits/],
    ['an archive Region that is not a name', { archiveRegion: 'Ireland' }, /archiveRegion must be the archive's Region name/],
    ['an organization ID that is not one', { organizationId: 'abc' }, /organizationId must be an AWS Organizations ID/],
    ['an ExternalId too short', { externalId: 'x' }, /externalId must be 2 to 1224 characters/],
    ['neither an organization nor an ExternalId', { organizationId: undefined }, /needs organizationId, externalId or both/],
  ] as [string, Partial<SsmHistoryMemberProps>, RegExp][])('refuses %s', (_what, props, message) => {
    expect(() => synthesized(props)).toThrow(message);
  });
});
