import { Match, type Template } from 'aws-cdk-lib/assertions';
import { METRICS_NAMESPACE } from '../../lambdas/operational-metrics';
import { MEMBER_NOTIFICATION_TOPIC_NAME, memberReadRoleArn, scopesOf } from '../../lambdas/core/scope';
import { historySources } from '../../lambdas/sources';
import { ARCHIVE_EVENT_BUS_NAME, collectorRoleName, pollerRoleName } from '../../lib/archive-names';
import { ArchiveFunction } from '../../lib/archive-function';
import { collectorEntry, organizationCollectorEntry } from '../../lib/lambda-bundling';
import { MEMBER_POLL_FAILURES, memberPollingWidgetTitles } from '../../lib/operations-monitoring';
import { MAX_LISTED_SCOPES, type SsmHistoryOrganization } from '../../lib/organization';
import { POLL_MAX_CONCURRENCY } from '../../lib/poller';
import { ssmEventMatchesOf } from '../../lib/ssm-event-rule';
import type { SsmHistoryStack } from '../../lib/ssm-history-stack';
import { TEST_ACCOUNT, TEST_REGION } from '../support/iam/aws-calls';
import { TemplateValues, type CfnTemplate, type PolicyDocument, type PolicyStatement } from '../support/iam/deployed-functions';
import { allowEverything, decide } from './iam-decisions';
import { getAtt, logicalIdOf, synthesizeSsmHistory } from './synthesized';

/**
 * One archive for the accounts and Regions of an organization: the archive's side (the member
 * accounts' side is ssm-history-member.test.ts). Two organizations: listed accounts with an
 * ExternalId, and a whole AWS Organization. Policies are decided by a real IAM evaluator
 * (@cloud-copilot/iam-simulate) over the synthesized documents, with the template's
 * intrinsics resolved as the IAM conformance check resolves them (account TEST_ACCOUNT,
 * Region TEST_REGION, partition aws).
 */
const MEMBER_A = '111111111111';
const MEMBER_B = '222222222222';
const STRANGER = '333333333333';
const ORGANIZATION_ID = 'o-abcdefghij';
const EXTERNAL_ID = 'archive-external-id';
const MEMBER_REGIONS = ['eu-west-1', 'us-east-1'];

const listedAccounts: SsmHistoryOrganization = { accounts: [MEMBER_A, MEMBER_B], regions: MEMBER_REGIONS, externalId: EXTERNAL_ID };
const wholeOrganization: SsmHistoryOrganization = { accounts: 'organization', regions: ['eu-west-1'], organizationId: ORGANIZATION_ID };

interface Synthesized {
  readonly stack: SsmHistoryStack;
  readonly template: Template;
  readonly cfn: CfnTemplate;
  readonly values: TemplateValues;
}

function synthesized(organization?: SsmHistoryOrganization): Synthesized {
  const { stack, template } = synthesizeSsmHistory({ history: organization === undefined ? {} : { organization } });
  const cfn = template.toJSON() as CfnTemplate;
  return { stack, template, cfn, values: new TemplateValues(cfn) };
}

let plain: Synthesized;
let listed: Synthesized;
let whole: Synthesized;

beforeAll(() => {
  plain = synthesized();
  listed = synthesized(listedAccounts);
  whole = synthesized(wholeOrganization);
});

const resourcesOfType = (s: Synthesized, type: string) => Object.entries(s.cfn.Resources).filter(([, resource]) => resource.Type === type);

function environmentOf(s: Synthesized, fn: 'collector' | 'pollerFunction' | 'queryFunction'): Record<string, string> {
  const properties = s.cfn.Resources[logicalIdOf(s.stack.history[fn])]?.Properties as { Environment: { Variables: unknown } };
  return s.values.resolve(properties.Environment.Variables) as Record<string, string>;
}

function roleIdOf(s: Synthesized, fn: 'collector' | 'pollerFunction'): string {
  const role = s.stack.history[fn].role;
  if (!role) throw new Error(`${fn} has no role`);
  return logicalIdOf(role);
}

/** The identity policies of a role, resolved, as the evaluator takes them. */
function identityOf(s: Synthesized, roleLogicalId: string): { name: string; policy: PolicyDocument }[] {
  return resourcesOfType(s, 'AWS::IAM::Policy')
    .filter(([, resource]) => (resource.Properties?.Roles as { Ref: string }[]).some((role) => role.Ref === roleLogicalId))
    .map(([name, resource]) => ({ name, policy: s.values.resolve(resource.Properties?.PolicyDocument) as PolicyDocument }));
}

/** The statements of the role's MemberReadPolicy, resolved. */
function memberReadStatements(s: Synthesized, fn: 'collector' | 'pollerFunction'): readonly PolicyStatement[] {
  return identityOf(s, roleIdOf(s, fn))
    .filter(({ name }) => name.includes('MemberReadPolicy'))
    .flatMap(({ policy }) => policy.Statement);
}

const busIdOf = (s: Synthesized): string => {
  const bus = s.stack.history.eventBus;
  if (!bus) throw new Error('no event bus');
  return logicalIdOf(bus);
};
const busArn = `arn:aws:events:${TEST_REGION}:${TEST_ACCOUNT}:event-bus/${ARCHIVE_EVENT_BUS_NAME}`;

/** The bus's resource policy (its Policy property), resolved. */
function busPolicyOf(s: Synthesized): PolicyDocument {
  const bus = s.cfn.Resources[busIdOf(s)]?.Properties?.Policy;
  expect(resourcesOfType(s, 'AWS::Events::EventBusPolicy')).toEqual([]);
  return s.values.resolve(bus) as PolicyDocument;
}

function queuePolicyOf(s: Synthesized, queueLogicalId: string): PolicyDocument {
  const attached = resourcesOfType(s, 'AWS::SQS::QueuePolicy').filter(([, resource]) =>
    (resource.Properties?.Queues as { Ref: string }[]).some((queue) => queue.Ref === queueLogicalId),
  );
  expect(attached).toHaveLength(1);
  return s.values.resolve(attached[0]?.[1].Properties?.PolicyDocument) as PolicyDocument;
}

const memberTopicArn = (account: string, region: string) => `arn:aws:sns:${region}:${account}:${MEMBER_NOTIFICATION_TOPIC_NAME}`;
const memberRole = (account: string) => `arn:aws:iam::${account}:role/SsmHistoryMember-EventForwardingRole`;

describe("the collector's bundle", () => {
  it('is the one-account collector without an organization, and the organization collector (STS, member clients) with one', () => {
    // The entry its function's bundle is built from (ArchiveFunction hands it to esbuild).
    const entryOf = (s: Synthesized) => (s.stack.history.node.findChild('Collector').node.findChild('Handler') as ArchiveFunction).entry;
    expect(entryOf(plain)).toBe(collectorEntry);
    expect(entryOf(listed)).toBe(organizationCollectorEntry);
    expect(entryOf(whole)).toBe(organizationCollectorEntry);
  });
});

describe('an archive without organization', () => {
  it('tells every function its own account (HOME_ACCOUNT), which the runtime requires', () => {
    for (const fn of ['collector', 'pollerFunction', 'queryFunction'] as const) {
      expect({ fn, home: environmentOf(plain, fn).HOME_ACCOUNT }).toEqual({ fn, home: TEST_ACCOUNT });
    }
    const variables = resourcesOfType(plain, 'AWS::Lambda::Function').map(([, fn]) => (fn.Properties?.Environment as { Variables: Record<string, unknown> }).Variables);
    for (const vars of variables) expect(vars.HOME_ACCOUNT).toEqual({ Ref: 'AWS::AccountId' });
  });

  it('has nothing of an organization: no event bus, poll queue, fixed role names, member grants or member settings', () => {
    expect(resourcesOfType(plain, 'AWS::Events::EventBus')).toEqual([]);
    expect(resourcesOfType(plain, 'AWS::Events::EventBusPolicy')).toEqual([]);
    // The work queue and its DLQ only.
    // The work queue, the gathering queue and their dead-letter queue.
    expect(resourcesOfType(plain, 'AWS::SQS::Queue')).toHaveLength(3);
    // The collector's two (work queue, gathering queue): no poll queue's.
    expect(resourcesOfType(plain, 'AWS::Lambda::EventSourceMapping')).toHaveLength(2);
    expect(resourcesOfType(plain, 'AWS::IAM::Role').filter(([, role]) => role.Properties?.RoleName !== undefined)).toEqual([]);
    const granted = resourcesOfType(plain, 'AWS::IAM::Policy').flatMap(([, policy]) =>
      (policy.Properties?.PolicyDocument as PolicyDocument).Statement.flatMap((statement) => [statement.Action].flat()),
    );
    expect(granted.filter((action) => /^(sts|organizations):/.test(action))).toEqual([]);
    for (const fn of ['collector', 'pollerFunction', 'queryFunction'] as const) {
      const names = Object.keys(environmentOf(plain, fn));
      expect({ fn, organizationSettings: names.filter((name) => /^(MEMBER_|POLL_QUEUE_URL$|AWS_PARTITION$)/.test(name)) }).toEqual({ fn, organizationSettings: [] });
    }
    expect(plain.stack.history.eventBus).toBeUndefined();
    expect(plain.stack.history.pollQueue).toBeUndefined();
    const poller = plain.cfn.Resources[logicalIdOf(plain.stack.history.pollerFunction)];
    expect(poller?.Properties?.ReservedConcurrentExecutions).toBe(1);
    expect(Object.keys(plain.template.findOutputs('MemberStackContext'))).toEqual([]);
  });

  it('outputs, with an organization, the context that deploys the member stack', () => {
    const outputs = whole.template.findOutputs('MemberStackContext');
    expect(whole.values.resolve(outputs.MemberStackContext?.Value)).toBe(`-c archiveAccount=${TEST_ACCOUNT} -c archiveRegion=${TEST_REGION}`);
  });
});

describe("the organization's event bus", () => {
  it('is named as the members target it, with the same SSM rules as the default bus, delivering to the work queue', () => {
    for (const s of [listed, whole]) {
      s.template.hasResourceProperties('AWS::Events::EventBus', { Name: ARCHIVE_EVENT_BUS_NAME });
      const busId = busIdOf(s);
      const onBus = resourcesOfType(s, 'AWS::Events::Rule').filter(([, rule]) => JSON.stringify(rule.Properties?.EventBusName) === JSON.stringify({ Ref: busId }));
      const onDefault = resourcesOfType(s, 'AWS::Events::Rule').filter(([, rule]) => rule.Properties?.EventBusName === undefined && rule.Properties?.EventPattern !== undefined);
      const patterns = (rules: typeof onBus) => rules.map(([, rule]) => rule.Properties?.EventPattern);
      expect(patterns(onBus)).toEqual(patterns(onDefault));
      // One more than the matches: the gathered kinds' status changes have a rule of their own.
      expect(onBus).toHaveLength(ssmEventMatchesOf(historySources).length + 1);
      for (const [id, rule] of onBus) {
        const queue = id.includes('GatheredRule') ? s.stack.history.gatheringQueue : s.stack.history.queue;
        expect(rule.Properties?.Targets).toEqual([
          expect.objectContaining({
            Arn: getAtt(logicalIdOf(queue as NonNullable<typeof queue>)),
            DeadLetterConfig: { Arn: getAtt(logicalIdOf(s.stack.history.deadLetterQueue)) },
            RetryPolicy: { MaximumEventAgeInSeconds: 86400, MaximumRetryAttempts: 185 },
          }),
        ]);
      }
    }
  });

  // EventBridge reference, PutPermission / AWS::Events::EventBusPolicy: to admit every account
  // of an organization, Principal "*" with the organization's ID in a condition
  // (aws:PrincipalOrgID); the accounts' rules must then put events through an IAM role, which
  // is what the member stack's forwarding rules do.
  it('admits events:PutEvents from the listed accounts only, in one statement', async () => {
    const policy = busPolicyOf(listed);
    expect(policy.Statement).toEqual([
      expect.objectContaining({
        Effect: 'Allow',
        Action: 'events:PutEvents',
        Principal: { AWS: [`arn:aws:iam::${MEMBER_A}:root`, `arn:aws:iam::${MEMBER_B}:root`] },
      }),
    ]);
    expect(policy.Statement[0]?.Condition).toBeUndefined();
    const put = { action: 'events:PutEvents', resource: busArn, resourceAccount: TEST_ACCOUNT, resourcePolicy: policy, identity: [{ name: 'forwarding', policy: allowEverything }] };
    expect(await decide({ ...put, principal: memberRole(MEMBER_A) })).toBe('Allowed');
    expect(await decide({ ...put, principal: memberRole(MEMBER_B) })).toBe('Allowed');
    expect(await decide({ ...put, principal: memberRole(STRANGER) })).not.toBe('Allowed');
  });

  it('admits events:PutEvents from any principal of the organization, and no other', async () => {
    const policy = busPolicyOf(whole);
    expect(policy.Statement).toEqual([
      expect.objectContaining({
        Effect: 'Allow',
        Action: 'events:PutEvents',
        Principal: { AWS: '*' },
        Condition: { StringEquals: { 'aws:PrincipalOrgID': ORGANIZATION_ID } },
      }),
    ]);
    const put = { action: 'events:PutEvents', resource: busArn, resourceAccount: TEST_ACCOUNT, resourcePolicy: policy, identity: [{ name: 'forwarding', policy: allowEverything }] };
    expect(await decide({ ...put, principal: memberRole(STRANGER), context: { 'aws:PrincipalOrgID': ORGANIZATION_ID } })).toBe('Allowed');
    expect(await decide({ ...put, principal: memberRole(STRANGER), context: { 'aws:PrincipalOrgID': 'o-zzzzzzzzzz' } })).not.toBe('Allowed');
  });

  it('admits the organization, not the listed accounts, when listed accounts come with an organizationId', () => {
    const both = synthesized({ ...listedAccounts, organizationId: ORGANIZATION_ID });
    expect(busPolicyOf(both).Statement).toEqual([expect.objectContaining({ Principal: { AWS: '*' }, Condition: { StringEquals: { 'aws:PrincipalOrgID': ORGANIZATION_ID } } })]);
  });
});

describe('the work queue, with members', () => {
  it("lets the bus's rules and the member topics send, and still nobody else", async () => {
    const queueId = logicalIdOf(listed.stack.history.queue);
    const send = { action: 'sqs:SendMessage', resource: listed.values.getAtt(queueId, 'Arn'), resourceAccount: TEST_ACCOUNT, resourcePolicy: queuePolicyOf(listed, queueId) };
    const busId = busIdOf(listed);
    const busRules = resourcesOfType(listed, 'AWS::Events::Rule')
      .filter(([, rule]) => JSON.stringify(rule.Properties?.EventBusName) === JSON.stringify({ Ref: busId }))
      .map(([id]) => id);
    expect(busRules.length).toBeGreaterThan(0);
    const gatheringId = logicalIdOf(listed.stack.history.gatheringQueue as NonNullable<typeof listed.stack.history.gatheringQueue>);
    const sendGathered = { ...send, resource: listed.values.getAtt(gatheringId, 'Arn'), resourcePolicy: queuePolicyOf(listed, gatheringId) };
    for (const id of busRules) {
      const sourceArn = listed.values.getAtt(id, 'Arn');
      // Each rule sends to its own queue only: State Manager's to the gathering queue, the rest to the work queue.
      const [own, other] = id.includes('GatheredRule') ? [sendGathered, send] : [send, sendGathered];
      expect({ id, decision: await decide({ ...own, principal: 'events.amazonaws.com', context: { 'aws:SourceArn': sourceArn } }) }).toEqual({ id, decision: 'Allowed' });
      expect({ id, decision: await decide({ ...other, principal: 'events.amazonaws.com', context: { 'aws:SourceArn': sourceArn } }) }).toEqual({ id, decision: 'ExplicitlyDenied' });
    }
    expect(busRules.filter((id) => id.includes('GatheredRule'))).toHaveLength(1);
    expect(await decide({ ...sendGathered, principal: `arn:aws:iam::${TEST_ACCOUNT}:role/Admin`, identity: [{ name: 'admin', policy: allowEverything }] })).toBe('ExplicitlyDenied');
    for (const [account, region] of scopesOf([MEMBER_A, MEMBER_B], MEMBER_REGIONS).map((scope) => [scope.account, scope.region] as const)) {
      const topic = memberTopicArn(account, region);
      expect({ topic, decision: await decide({ ...send, principal: 'sns.amazonaws.com', context: { 'aws:SourceArn': topic } }) }).toEqual({ topic, decision: 'Allowed' });
    }
    expect(await decide({ ...send, principal: 'sns.amazonaws.com', context: { 'aws:SourceArn': memberTopicArn(STRANGER, 'eu-west-1') } })).not.toBe('Allowed');
    const admin = `arn:aws:iam::${TEST_ACCOUNT}:role/Admin`;
    expect(await decide({ ...send, principal: admin, identity: [{ name: 'admin', policy: allowEverything }] })).toBe('ExplicitlyDenied');
  });
});

describe("the collector's and poller's roles", () => {
  // The member read roles trust these two roles by ARN, so their names are fixed (with the
  // Region: IAM roles are global to an account).
  it('are named after their Region, as the member read roles name them', () => {
    for (const s of [listed, whole]) {
      const nameOf = (fn: 'collector' | 'pollerFunction') => s.values.resolve(s.cfn.Resources[roleIdOf(s, fn)]?.Properties?.RoleName);
      expect(nameOf('collector')).toBe(collectorRoleName(TEST_REGION));
      expect(nameOf('pollerFunction')).toBe(pollerRoleName(TEST_REGION));
    }
  });

  it('may assume exactly the listed accounts’ read roles, and its own account’s, in every member Region', () => {
    // The archive's own account is read through its member role in its other Regions.
    const expected = scopesOf([TEST_ACCOUNT, MEMBER_A, MEMBER_B], MEMBER_REGIONS).map((scope) => memberReadRoleArn(scope));
    expect(expected).toHaveLength(6);
    for (const fn of ['collector', 'pollerFunction'] as const) {
      const statements = memberReadStatements(listed, fn);
      expect(statements).toEqual([{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: expected }]);
    }
    // Nothing else in the roles grants sts: or organizations: actions.
    for (const fn of ['collector', 'pollerFunction'] as const) {
      const actions = identityOf(listed, roleIdOf(listed, fn)).flatMap(({ policy }) => policy.Statement.flatMap((statement) => [statement.Action].flat()));
      expect(actions.filter((action) => /^(sts|organizations):/.test(action))).toEqual(['sts:AssumeRole']);
    }
  });

  it("may assume the read role in any account of the organization only, and the poller may list the organization's accounts", () => {
    const assume = {
      Effect: 'Allow',
      Action: 'sts:AssumeRole',
      Resource: 'arn:aws:iam::*:role/ssm-history-read-*',
      Condition: { StringEquals: { 'aws:ResourceOrgID': ORGANIZATION_ID } },
    };
    expect(memberReadStatements(whole, 'collector')).toEqual([assume]);
    expect(memberReadStatements(whole, 'pollerFunction')).toEqual([assume, { Effect: 'Allow', Action: 'organizations:ListAccounts', Resource: '*' }]);
  });

  it('are allowed sts:AssumeRole on a read role of an account of the organization only, as IAM decides', async () => {
    const assume = { action: 'sts:AssumeRole', resourceAccount: MEMBER_A, resourcePolicy: undefined };
    const collector = `arn:aws:iam::${TEST_ACCOUNT}:role/${collectorRoleName(TEST_REGION)}`;
    const identity = identityOf(whole, roleIdOf(whole, 'collector'));
    const readRole = memberReadRoleArn({ account: MEMBER_A, region: 'eu-west-1' });
    // Identity side only: the member's trust policy is decided in ssm-history-member.test.ts.
    const trustAll: PolicyDocument = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: readRole, Principal: { AWS: collector } } as PolicyStatement] };
    expect(await decide({ ...assume, principal: collector, identity, resource: readRole, resourcePolicy: trustAll, context: { 'aws:ResourceOrgID': ORGANIZATION_ID } })).toBe('Allowed');
    expect(await decide({ ...assume, principal: collector, identity, resource: readRole, resourcePolicy: trustAll, context: { 'aws:ResourceOrgID': 'o-zzzzzzzzzz' } })).not.toBe('Allowed');
    const otherRole = `arn:aws:iam::${MEMBER_A}:role/Admin`;
    expect(await decide({ ...assume, principal: collector, identity, resource: otherRole, resourcePolicy: trustAll, context: { 'aws:ResourceOrgID': ORGANIZATION_ID } })).not.toBe('Allowed');
  });
});

describe('the functions’ settings, with members', () => {
  it('give every function the members, their Regions, the ExternalId and the partition', () => {
    for (const fn of ['collector', 'pollerFunction', 'queryFunction'] as const) {
      expect({ fn, ...pick(environmentOf(listed, fn), ['HOME_ACCOUNT', 'MEMBER_ACCOUNTS', 'MEMBER_REGIONS', 'MEMBER_EXTERNAL_ID', 'AWS_PARTITION']) }).toEqual({
        fn,
        HOME_ACCOUNT: TEST_ACCOUNT,
        MEMBER_ACCOUNTS: `${MEMBER_A},${MEMBER_B}`,
        MEMBER_REGIONS: MEMBER_REGIONS.join(','),
        MEMBER_EXTERNAL_ID: EXTERNAL_ID,
        AWS_PARTITION: 'aws',
      });
      expect({ fn, ...pick(environmentOf(whole, fn), ['MEMBER_ACCOUNTS', 'MEMBER_REGIONS', 'MEMBER_EXTERNAL_ID']) }).toEqual({
        fn,
        MEMBER_ACCOUNTS: 'organization',
        MEMBER_REGIONS: 'eu-west-1',
        MEMBER_EXTERNAL_ID: undefined,
      });
    }
  });

  it("trust the home account and the listed accounts' events, in the home and member Regions, and the member topics' notifications", () => {
    const collector = environmentOf(listed, 'collector');
    expect(collector.SOURCE_ACCOUNTS).toBe(`${TEST_ACCOUNT},${MEMBER_A},${MEMBER_B}`);
    // The stack is environment-agnostic: the home Region is known only at deployment, so it leads
    // the list even when a member Region repeats it.
    expect(collector.SOURCE_REGIONS).toBe([TEST_REGION, ...MEMBER_REGIONS].join(','));
    const ownTopic = listed.values.ref(logicalIdOf(listed.stack.history.notificationTopic));
    expect(collector.NOTIFICATION_TOPIC_ARNS?.split(',')).toEqual([ownTopic, ...scopesOf([MEMBER_A, MEMBER_B], MEMBER_REGIONS).map((scope) => memberTopicArn(scope.account, scope.region))]);
  });

  it('name the home Region once when the stack knows it', () => {
    const { stack, template } = synthesizeSsmHistory({ env: { account: TEST_ACCOUNT, region: 'eu-west-1' }, history: { organization: listedAccounts } });
    const cfn = template.toJSON() as CfnTemplate;
    const variables = new TemplateValues(cfn).resolve((cfn.Resources[logicalIdOf(stack.history.collector)]?.Properties?.Environment as { Variables: unknown }).Variables) as Record<string, string>;
    expect(variables.SOURCE_REGIONS).toBe('eu-west-1,us-east-1');
  });

  it("trust any account's events for a whole organization (its bus admits no other), and only the archive's own topic", () => {
    const collector = environmentOf(whole, 'collector');
    expect(collector.SOURCE_ACCOUNTS).toBe('organization');
    expect(collector.SOURCE_REGIONS).toBe(`${TEST_REGION},eu-west-1`);
    expect(collector.NOTIFICATION_TOPIC_ARNS).toBe(whole.values.ref(logicalIdOf(whole.stack.history.notificationTopic)));
  });
});

describe("the members' Run Command notifications", () => {
  // SNS developer guide, "Sending Amazon SNS messages to an Amazon SQS queue in a different
  // account": when the queue owner creates the subscription it needs no confirmation, once the
  // topic's policy lets the queue owner's account call Subscribe. CloudFormation reference,
  // AWS::SNS::Subscription: Region is the topic's Region, for a subscription across Regions
  // (SNS developer guide, "...in a different Region": subscribe in the topic's Region).
  it('subscribes the work queue to each listed account’s topic in each Region, in the topic’s Region', () => {
    const subscriptions = resourcesOfType(listed, 'AWS::SNS::Subscription')
      .map(([, subscription]) => listed.values.resolve(subscription.Properties) as Record<string, unknown>)
      .filter((properties) => String(properties.TopicArn).endsWith(MEMBER_NOTIFICATION_TOPIC_NAME));
    const queueArn = listed.values.getAtt(logicalIdOf(listed.stack.history.queue), 'Arn');
    expect(subscriptions).toEqual(
      scopesOf([MEMBER_A, MEMBER_B], MEMBER_REGIONS).map((scope) => ({
        TopicArn: memberTopicArn(scope.account, scope.region),
        Region: scope.region,
        Protocol: 'sqs',
        Endpoint: queueArn,
        RawMessageDelivery: false,
      })),
    );
    expect(listed.stack.history.memberNotificationTopicArns).toHaveLength(4);
  });

  it("subscribes none of a whole organization's (its accounts change without a deployment)", () => {
    expect(resourcesOfType(whole, 'AWS::SNS::Subscription').map(([, subscription]) => subscription.Properties?.TopicArn)).toEqual([
      { Ref: logicalIdOf(whole.stack.history.notificationTopic) },
    ]);
  });
});

describe('the poll queue', () => {
  it('is encrypted, TLS only, with a dead-letter queue, and hides a message six poller timeouts', () => {
    for (const s of [listed, whole]) {
      const { pollQueue, pollDeadLetterQueue } = s.stack.history;
      if (!pollQueue || !pollDeadLetterQueue) throw new Error('no poll queue');
      const queue = s.cfn.Resources[logicalIdOf(pollQueue)]?.Properties ?? {};
      const poller = s.cfn.Resources[logicalIdOf(s.stack.history.pollerFunction)]?.Properties ?? {};
      expect(queue).toEqual(
        expect.objectContaining({ SqsManagedSseEnabled: true, RedrivePolicy: { deadLetterTargetArn: getAtt(logicalIdOf(pollDeadLetterQueue)), maxReceiveCount: 3 } }),
      );
      expect(queue.VisibilityTimeout as number).toBeGreaterThanOrEqual(6 * (poller.Timeout as number));
      for (const id of [logicalIdOf(pollQueue), logicalIdOf(pollDeadLetterQueue)]) {
        expect(queuePolicyOf(s, id).Statement).toEqual(
          expect.arrayContaining([expect.objectContaining({ Effect: 'Deny', Action: 'sqs:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]),
        );
      }
    }
  });

  it('feeds the poller, a few accounts and Regions a batch, several at once, returning only the failed', () => {
    const { pollQueue } = whole.stack.history;
    if (!pollQueue) throw new Error('no poll queue');
    const mappings = resourcesOfType(whole, 'AWS::Lambda::EventSourceMapping').filter(([, mapping]) => JSON.stringify(mapping.Properties?.EventSourceArn) === JSON.stringify(getAtt(logicalIdOf(pollQueue))));
    expect(mappings.map(([, mapping]) => mapping.Properties)).toEqual([
      {
        EventSourceArn: getAtt(logicalIdOf(pollQueue)),
        FunctionName: { Ref: logicalIdOf(whole.stack.history.pollerFunction) },
        BatchSize: 5,
        FunctionResponseTypes: ['ReportBatchItemFailures'],
        ScalingConfig: { MaximumConcurrency: POLL_MAX_CONCURRENCY },
      },
    ]);
    expect(POLL_MAX_CONCURRENCY).toBe(10);
    // The poll queue's pollers and the schedule's dispatch, never throttled by the function's own reservation.
    expect(whole.cfn.Resources[logicalIdOf(whole.stack.history.pollerFunction)]?.Properties?.ReservedConcurrentExecutions).toBe(POLL_MAX_CONCURRENCY + 1);
    expect(environmentOf(whole, 'pollerFunction').POLL_QUEUE_URL).toBe(whole.values.ref(logicalIdOf(pollQueue)));
  });

  it('is sent to by the poller (the dispatch), and by nobody else', async () => {
    const { pollQueue } = whole.stack.history;
    if (!pollQueue) throw new Error('no poll queue');
    const queueId = logicalIdOf(pollQueue);
    const queueArn = whole.values.getAtt(queueId, 'Arn');
    const pollerRoleId = roleIdOf(whole, 'pollerFunction');
    const sqsStatements = identityOf(whole, pollerRoleId).flatMap(({ policy }) => policy.Statement).filter((statement) => statement.Resource === queueArn);
    expect(sqsStatements.flatMap((statement) => [statement.Action].flat()).sort()).toEqual(['sqs:DeleteMessage', 'sqs:GetQueueAttributes', 'sqs:ReceiveMessage', 'sqs:SendMessage']);
    const send = { action: 'sqs:SendMessage', resource: queueArn, resourceAccount: TEST_ACCOUNT, resourcePolicy: queuePolicyOf(whole, queueId) };
    // The evaluator names a role by its logical ID (TemplateValues), as the queue policy's GetAtt resolves.
    const poller = whole.values.getAtt(pollerRoleId, 'Arn');
    expect(await decide({ ...send, principal: poller, identity: identityOf(whole, pollerRoleId) })).toBe('Allowed');
    const admin = `arn:aws:iam::${TEST_ACCOUNT}:role/Admin`;
    expect(await decide({ ...send, principal: admin, identity: [{ name: 'admin', policy: allowEverything }] })).toBe('ExplicitlyDenied');
  });

  it('leaves the schedule invoking the poller, which now dispatches', () => {
    whole.template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(5 minutes)',
      Targets: [Match.objectLike({ Arn: getAtt(logicalIdOf(whole.stack.history.pollerFunction)) })],
    });
  });
});

interface AlarmProperties {
  readonly AlarmActions: unknown[];
  readonly ComparisonOperator: string;
  readonly Threshold: number;
  readonly EvaluationPeriods: number;
  readonly DatapointsToAlarm: number;
  readonly TreatMissingData: string;
  readonly Metrics?: { MetricStat?: { Metric: { Namespace: string; MetricName: string; Dimensions: { Name: string; Value: unknown }[] }; Period: number; Stat: string } }[];
}

const alarmsOn = (s: Synthesized, metricName: string): AlarmProperties[] =>
  resourcesOfType(s, 'AWS::CloudWatch::Alarm')
    .map(([, alarm]) => alarm.Properties as unknown as AlarmProperties)
    .filter((alarm) => alarm.Metrics?.some((metric) => metric.MetricStat?.Metric.MetricName === metricName));

describe('member poll monitoring', () => {
  it('alarms on the operations topic when member polls fail in 2 of 3 five-minute periods', () => {
    for (const s of [listed, whole]) {
      const alarms = alarmsOn(s, MEMBER_POLL_FAILURES);
      expect(alarms).toHaveLength(1);
      const alarm = alarms[0] as AlarmProperties;
      expect(alarm).toEqual(
        expect.objectContaining({
          AlarmActions: [{ Ref: logicalIdOf(s.stack.history.operationsTopic) }],
          ComparisonOperator: 'GreaterThanOrEqualToThreshold',
          Threshold: 1,
          EvaluationPeriods: 3,
          DatapointsToAlarm: 2,
          TreatMissingData: 'notBreaching',
        }),
      );
      expect(alarm.Metrics).toEqual([
        expect.objectContaining({
          MetricStat: {
            Metric: { Namespace: METRICS_NAMESPACE, MetricName: 'MemberPollFailures', Dimensions: [{ Name: 'service', Value: 'ssm-history' }] },
            Period: 300,
            Stat: 'Sum',
          },
        }),
      ]);
    }
    expect(alarmsOn(plain, MEMBER_POLL_FAILURES)).toEqual([]);
  });

  it('shows member poll failures on the dashboard, only with an organization', () => {
    const dashboardOf = (s: Synthesized) => JSON.stringify(resourcesOfType(s, 'AWS::CloudWatch::Dashboard').map(([, dashboard]) => dashboard.Properties?.DashboardBody));
    expect(dashboardOf(whole)).toContain(memberPollingWidgetTitles.memberPollFailures);
    expect(dashboardOf(plain)).not.toContain(memberPollingWidgetTitles.memberPollFailures);
  });

  it("alarms when the poll queue's dead-letter queue is not empty", () => {
    const { pollDeadLetterQueue } = whole.stack.history;
    if (!pollDeadLetterQueue) throw new Error('no poll DLQ');
    const onDlq = resourcesOfType(whole, 'AWS::CloudWatch::Alarm').filter(([, alarm]) =>
      JSON.stringify(alarm.Properties).includes(JSON.stringify({ 'Fn::GetAtt': [logicalIdOf(pollDeadLetterQueue), 'QueueName'] })),
    );
    expect(onDlq).toHaveLength(1);
    expect(onDlq[0]?.[1].Properties).toEqual(expect.objectContaining({ ComparisonOperator: 'GreaterThanThreshold', Threshold: 0 }));
  });
});

describe('organization settings that synthesis refuses', () => {
  const build = (organization: SsmHistoryOrganization, more: { sourceAccounts?: string[] } = {}) => () => synthesizeSsmHistory({ history: { organization, ...more } });
  const manyAccounts = Array.from({ length: MAX_LISTED_SCOPES + 1 }, (_, index) => String(100000000000 + index));
  it.each([
    ['a short account ID', { accounts: ['12345'], regions: ['eu-west-1'], externalId: EXTERNAL_ID }, /"12345" is not an account ID of 12 digits/],
    ['no accounts', { accounts: [], regions: ['eu-west-1'], externalId: EXTERNAL_ID }, /must list at least one account/],
    ['a Region that is not a name', { accounts: [MEMBER_A], regions: ['Ireland'], externalId: EXTERNAL_ID }, /"Ireland" is not a Region name/],
    ['no Regions', { accounts: [MEMBER_A], regions: [], externalId: EXTERNAL_ID }, /at least one Region/],
    ['a whole organization without its ID', { accounts: 'organization', regions: ['eu-west-1'] }, /'organization' needs the organizationId/],
    ['an organization ID that is a root ID', { accounts: 'organization', regions: ['eu-west-1'], organizationId: 'r-abcdefghij' }, /organizationId must be an AWS Organizations ID/],
    ['a one-character ExternalId', { accounts: [MEMBER_A], regions: ['eu-west-1'], externalId: 'x' }, /externalId must be 2 to 1224 characters/],
    [`${MAX_LISTED_SCOPES + 1} account-Region pairs`, { accounts: manyAccounts, regions: ['eu-west-1'], externalId: EXTERNAL_ID }, /at most 60 account-Region pairs/],
  ] as [string, SsmHistoryOrganization, RegExp][])('refuses %s', (_what, organization, message) => {
    expect(build(organization)).toThrow(message);
  });

  it('refuses sourceAccounts beside an organization, which decides them', () => {
    expect(build(listedAccounts, { sourceAccounts: [MEMBER_A] })).toThrow(/sourceAccounts and sourceRegions, or organization/);
  });
});

function pick(record: Record<string, string>, keys: readonly string[]): Record<string, string | undefined> {
  return Object.fromEntries(keys.map((key) => [key, record[key]]));
}
