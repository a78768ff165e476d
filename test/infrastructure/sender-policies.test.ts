import { runSimulation, type Simulation } from '@cloud-copilot/iam-simulate';
import type { SsmHistoryStack } from '../../lib/ssm-history-stack';
import { TEST_ACCOUNT } from '../support/iam/aws-calls';
import { TemplateValues, type CfnTemplate, type PolicyDocument } from '../support/iam/deployed-functions';
import { functionModelsOf } from '../support/iam/synthesized-functions';
import { logicalIdOf, synthesizeSsmHistory } from './synthesized';

/**
 * Only SSM writes history: the notifications topic and the work queue deny every
 * principal of the account but their producers, whatever that principal's own policies allow.
 * Decided by a real IAM evaluator (@cloud-copilot/iam-simulate) over the synthesized resource
 * policies, with the template's ARNs resolved as the IAM conformance check resolves them.
 */
const ADMIN = `arn:aws:iam::${TEST_ACCOUNT}:role/Admin`;
const EXTRA_PUBLISHER = `arn:aws:iam::${TEST_ACCOUNT}:role/TeamRunCommandNotifications`;
const allowEverything: PolicyDocument = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] };

const { stack, template } = synthesizeSsmHistory({ history: { notificationPublisherRoleArns: [EXTRA_PUBLISHER] } });
const cfn = template.toJSON() as CfnTemplate;
const values = new TemplateValues(cfn);

function resourcePolicyOf(type: 'AWS::SNS::TopicPolicy' | 'AWS::SQS::QueuePolicy', logicalId: string): PolicyDocument {
  const attached = Object.values(cfn.Resources).filter((resource) => {
    if (resource.Type !== type) return false;
    const targets = (resource.Properties?.Topics ?? resource.Properties?.Queues) as { Ref: string }[];
    return targets.some((target) => target.Ref === logicalId);
  });
  expect(attached).toHaveLength(1);
  return values.resolve(attached[0]?.Properties?.PolicyDocument) as PolicyDocument;
}

function identityPoliciesOfRole(roleLogicalId: string): { name: string; policy: PolicyDocument }[] {
  return Object.entries(cfn.Resources)
    .filter(([, resource]) => resource.Type === 'AWS::IAM::Policy' && (resource.Properties?.Roles as { Ref: string }[]).some((role) => role.Ref === roleLogicalId))
    .map(([name, resource]) => ({ name, policy: values.resolve(resource.Properties?.PolicyDocument) as PolicyDocument }));
}

async function decide(request: {
  principal: string;
  action: string;
  resource: string;
  identity?: { name: string; policy: PolicyDocument }[];
  resourcePolicy: PolicyDocument;
  context?: Record<string, string>;
}): Promise<string> {
  const simulation = {
    identityPolicies: request.identity ?? [],
    serviceControlPolicies: [],
    resourceControlPolicies: [],
    resourcePolicy: request.resourcePolicy,
    request: {
      action: request.action,
      principal: request.principal,
      resource: { resource: request.resource, accountId: TEST_ACCOUNT },
      // A role's requests carry the role's ARN as aws:PrincipalArn, not its session's (IAM User
      // Guide, "AWS global condition context keys", aws:PrincipalArn); the evaluator is told.
      contextVariables: {
        'aws:SecureTransport': 'true',
        ...(request.principal.startsWith('arn:aws:iam::') ? { 'aws:PrincipalArn': request.principal } : {}),
        ...request.context,
      },
    },
  } as Simulation;
  const response = await runSimulation(simulation, {});
  if (response.resultType === 'error') throw new Error(JSON.stringify(response.errors));
  return response.overallResult;
}

describe('who may write what the collector reads', () => {
  const history = (stack as SsmHistoryStack).history;
  const topicId = logicalIdOf(history.notificationTopic);
  const topicArn = values.getAtt(topicId, 'TopicArn');
  const topicPolicy = resourcePolicyOf('AWS::SNS::TopicPolicy', topicId);
  const queueId = logicalIdOf(history.queue);
  const queueArn = values.getAtt(queueId, 'Arn');
  const queuePolicy = resourcePolicyOf('AWS::SQS::QueuePolicy', queueId);
  const publisherRoleId = logicalIdOf(history.notificationRole);
  const publisherRoleArn = values.getAtt(publisherRoleId, 'Arn');
  const poller = functionModelsOf(stack, template).poller;
  // Every rule that routes SSM's events (the status changes, and Session Manager's calls through CloudTrail).
  const eventRuleIds = Object.entries(cfn.Resources)
    .filter(([id, resource]) => resource.Type === 'AWS::Events::Rule' && id.includes('SsmEvents') && !id.includes('GatheredRule'))
    .map(([id]) => id);
  // State Manager's status changes, on a rule of their own to the gathering queue.
  const gatheredRuleId = Object.keys(cfn.Resources).find((id) => id.includes('SsmEventsGatheredRule')) ?? '';
  const gatheringQueueId = logicalIdOf(history.gatheringQueue as NonNullable<typeof history.gatheringQueue>);
  const ruleId = eventRuleIds[0] ?? '';
  const ruleArn = values.getAtt(ruleId, 'Arn');

  it('lets the stack\'s publisher role, and the roles named in context, publish notifications', async () => {
    const publish = { action: 'sns:Publish', resource: topicArn, resourcePolicy: topicPolicy };
    expect(await decide({ ...publish, principal: publisherRoleArn, identity: identityPoliciesOfRole(publisherRoleId) })).toBe('Allowed');
    expect(await decide({ ...publish, principal: EXTRA_PUBLISHER })).toBe('Allowed');
  });

  it('denies publishing to every other principal of the account, even one allowed everything', async () => {
    expect(
      await decide({ action: 'sns:Publish', resource: topicArn, resourcePolicy: topicPolicy, principal: ADMIN, identity: [{ name: 'admin', policy: allowEverything }] }),
    ).toBe('ExplicitlyDenied');
  });

  it('lets the SSM event rules, the notifications topic and the poller send work, and nobody else', async () => {
    const send = { action: 'sqs:SendMessage', resource: queueArn, resourcePolicy: queuePolicy };
    expect(eventRuleIds).toHaveLength(2);
    for (const id of eventRuleIds) {
      expect({ id, decision: await decide({ ...send, principal: 'events.amazonaws.com', context: { 'aws:SourceArn': values.getAtt(id, 'Arn') } }) }).toEqual({ id, decision: 'Allowed' });
    }
    expect(await decide({ ...send, principal: 'sns.amazonaws.com', context: { 'aws:SourceArn': topicArn } })).toBe('Allowed');
    expect(await decide({ ...send, principal: poller.roleArn, identity: poller.policies.map(({ name, document }) => ({ name, policy: document })) })).toBe('Allowed');
    expect(await decide({ ...send, principal: ADMIN, identity: [{ name: 'admin', policy: allowEverything }] })).toBe('ExplicitlyDenied');
    // Another rule or topic of the account cannot deliver into it either.
    const otherRule = ruleArn.replace(ruleId, 'SomeoneElsesRule');
    expect(await decide({ ...send, principal: 'events.amazonaws.com', context: { 'aws:SourceArn': otherRule } })).not.toBe('Allowed');
    // Nor the rule of the gathering queue.
    expect(await decide({ ...send, principal: 'events.amazonaws.com', context: { 'aws:SourceArn': values.getAtt(gatheredRuleId, 'Arn') } })).toBe('ExplicitlyDenied');
  });

  it('lets only the State Manager rule send to the gathering queue: not the poller, nor anyone else', async () => {
    const send = { action: 'sqs:SendMessage', resource: values.getAtt(gatheringQueueId, 'Arn'), resourcePolicy: resourcePolicyOf('AWS::SQS::QueuePolicy', gatheringQueueId) };
    expect(gatheredRuleId).not.toBe('');
    expect(await decide({ ...send, principal: 'events.amazonaws.com', context: { 'aws:SourceArn': values.getAtt(gatheredRuleId, 'Arn') } })).toBe('Allowed');
    for (const id of eventRuleIds) {
      expect({ id, decision: await decide({ ...send, principal: 'events.amazonaws.com', context: { 'aws:SourceArn': values.getAtt(id, 'Arn') } }) }).toEqual({ id, decision: 'ExplicitlyDenied' });
    }
    expect(await decide({ ...send, principal: 'sns.amazonaws.com', context: { 'aws:SourceArn': topicArn } })).toBe('ExplicitlyDenied');
    expect(await decide({ ...send, principal: poller.roleArn, identity: poller.policies.map(({ name, document }) => ({ name, policy: document })) })).not.toBe('Allowed');
    expect(await decide({ ...send, principal: ADMIN, identity: [{ name: 'admin', policy: allowEverything }] })).toBe('ExplicitlyDenied');
  });
});
