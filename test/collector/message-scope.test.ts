import invocationEvent from '../fixtures/aws/command-invocation-status-change.json';
import snsInvocation from '../fixtures/aws/sns-invocation.json';
import { encodeWorkItem, MessageReader, topicScope, type TrustedSenders } from '../../lambdas/collector/messages';
import { MalformedMessageError, type WorkItem } from '../../lambdas/core/model';
import type { SsmScope } from '../../lambdas/core/scope';
import { historySources } from '../../lambdas/sources';
import { snsEnvelope } from '../support/messages';

const HOME: SsmScope = { account: '123456789012', region: 'us-east-1' };
const MEMBER: SsmScope = { account: '111111111111', region: 'eu-west-1' };
const MEMBER_TOPIC = 'arn:aws:sns:eu-west-1:111111111111:ssm-history-run-command-notifications';
const HOME_TOPIC = 'arn:aws:sns:us-east-1:123456789012:ssm-history-run-command-notifications';

const SENDERS: TrustedSenders = { accounts: [HOME.account, MEMBER.account], regions: [HOME.region, MEMBER.region], topicArns: [HOME_TOPIC, MEMBER_TOPIC] };
const ORGANIZATION: TrustedSenders = { ...SENDERS, accounts: 'organization' };

/**
 * AWS's sample event, from another account and Region: EventBridge keeps an event's `account`
 * and `region` when a member's rule forwards it to another account's bus.
 */
const eventFrom = (account: unknown, region: unknown): string => JSON.stringify({ ...invocationEvent, account, region });

const pollItem: WorkItem = {
  kind: 'run-command',
  parentId: 'e8d3c0e4-71f7-4491-898f-c9b35bee5f3b',
  producer: 'poll',
  sentAt: '2026-11-20T12:00:01.234Z',
  observations: [],
  fetch: { scope: 'parent' },
};
/** A poller's work item body with these extra fields (as JSON). */
const workItemBody = (fields: Record<string, unknown>): string => {
  const body = JSON.parse(encodeWorkItem(pollItem)) as Record<string, unknown>;
  return JSON.stringify({ ...body, ...fields });
};

/** What MessageReader throws for a body; fails the test if it reads it. */
function refusal(reader: MessageReader, body: string): string {
  try {
    reader.read(body);
  } catch (error) {
    expect(error).toBeInstanceOf(MalformedMessageError);
    return (error as MalformedMessageError).message;
  }
  throw new Error(`read ${body}`);
}

describe('the scope of what the collector reads', () => {
  const reader = new MessageReader(historySources, SENDERS);

  describe('events', () => {
    it('take their scope from the event’s account and region', () => {
      expect(reader.read(eventFrom(MEMBER.account, MEMBER.region)).scope).toEqual(MEMBER);
      expect(reader.read(eventFrom(HOME.account, HOME.region)).scope).toEqual(HOME);
      expect(reader.read(eventFrom(HOME.account, MEMBER.region)).scope).toEqual({ account: HOME.account, region: MEMBER.region });
    });

    it('are refused from an account or a Region not collected, naming it', () => {
      expect(refusal(reader, eventFrom('999999999999', MEMBER.region))).toBe(
        'EC2 Command Invocation Status-change Notification event from account "999999999999", not one this archive collects (123456789012, 111111111111)',
      );
      expect(refusal(reader, eventFrom(MEMBER.account, 'ap-south-1'))).toBe(
        'EC2 Command Invocation Status-change Notification event from Region "ap-south-1", not one this archive collects (us-east-1, eu-west-1)',
      );
    });

    it('without trusted senders, belong to the home when their account or region is missing or malformed', () => {
      const open = new MessageReader(historySources);
      expect(open.read(eventFrom(MEMBER.account, MEMBER.region)).scope).toEqual(MEMBER);
      expect(open.read(eventFrom(undefined, undefined))).not.toHaveProperty('scope');
      expect(open.read(eventFrom('1111', MEMBER.region))).not.toHaveProperty('scope');
      expect(open.read(eventFrom(MEMBER.account, 'Europe'))).not.toHaveProperty('scope');
    });
  });

  describe('notifications', () => {
    it('take their scope from the topic that sent them', () => {
      expect(reader.read(snsEnvelope(snsInvocation, MEMBER_TOPIC)).scope).toEqual(MEMBER);
      expect(reader.read(snsEnvelope(snsInvocation, HOME_TOPIC)).scope).toEqual(HOME);
    });

    it('are refused from a topic not trusted, even in an account collected', () => {
      const other = 'arn:aws:sns:eu-west-1:111111111111:someone-else';
      expect(refusal(reader, snsEnvelope(snsInvocation, other))).toBe(`SNS notification from topic "${other}", not the archive's notifications topic`);
    });

    it('topicScope reads the Region and account of a topic ARN, in any partition, and nothing else', () => {
      expect(topicScope(MEMBER_TOPIC)).toEqual(MEMBER);
      expect(topicScope('arn:aws-cn:sns:cn-north-1:111111111111:ssm-history-run-command-notifications')).toEqual({ account: '111111111111', region: 'cn-north-1' });
      expect(topicScope('arn:aws-us-gov:sns:us-gov-west-1:222222222222:t')).toEqual({ account: '222222222222', region: 'us-gov-west-1' });
      for (const arn of ['arn:aws:sqs:eu-west-1:111111111111:queue', 'arn:aws:sns:eu-west-1:1111:topic', 'arn:aws:sns:eu-west-1:111111111111', 'ssm-history', 42, undefined]) {
        expect(topicScope(arn)).toBeUndefined();
      }
    });
  });

  describe('poller work items', () => {
    it('carry the scope the poller listed, and read back as they were encoded', () => {
      const item: WorkItem = { ...pollItem, scope: MEMBER };
      const body = encodeWorkItem(item);
      expect(JSON.parse(body)).toMatchObject({ account: '111111111111', region: 'eu-west-1' });
      expect(reader.read(body)).toEqual(item);
      // The home's carry none.
      expect(JSON.parse(encodeWorkItem(pollItem))).not.toHaveProperty('account');
      expect(reader.read(encodeWorkItem(pollItem))).toEqual(pollItem);
    });

    it('are refused from an account or a Region not collected, naming it', () => {
      expect(refusal(reader, workItemBody({ account: '999999999999', region: MEMBER.region }))).toBe(
        'work item for run-command e8d3c0e4-71f7-4491-898f-c9b35bee5f3b from account "999999999999", not one this archive collects (123456789012, 111111111111)',
      );
      expect(refusal(reader, workItemBody({ account: MEMBER.account, region: 'ap-south-1' }))).toBe(
        'work item for run-command e8d3c0e4-71f7-4491-898f-c9b35bee5f3b from Region "ap-south-1", not one this archive collects (us-east-1, eu-west-1)',
      );
    });

    it('are refused with only one of account and region, or either malformed', () => {
      const bodies = [
        workItemBody({ account: MEMBER.account }),
        workItemBody({ region: MEMBER.region }),
        workItemBody({ account: '11111111111', region: MEMBER.region }),
        workItemBody({ account: 111111111111, region: MEMBER.region }),
        workItemBody({ account: MEMBER.account, region: 'eu-west' }),
        workItemBody({ account: MEMBER.account, region: null }),
      ];
      for (const body of bodies) {
        expect(refusal(reader, body)).toMatch(/^work item account and region are not an account id of 12 digits and a Region name: /);
        // Even by a reader that trusts anyone: the shape is the poller's own.
        expect(refusal(new MessageReader(historySources), body)).toMatch(/^work item account and region are not/);
      }
      expect(refusal(reader, workItemBody({ region: MEMBER.region }))).toBe('work item account and region are not an account id of 12 digits and a Region name: undefined, "eu-west-1"');
    });

    it('with a malformed scope are refused by the poller already', () => {
      expect(() => encodeWorkItem({ ...pollItem, scope: { account: 'member', region: 'eu-west-1' } })).toThrow(MalformedMessageError);
      expect(() => encodeWorkItem({ ...pollItem, scope: { account: '111111111111', region: '' } })).toThrow(/work item account and region are not/);
    });
  });

  describe('for an organization (accounts: organization)', () => {
    const organization = new MessageReader(historySources, ORGANIZATION);

    it('accepts any 12-digit account, in events and work items alike', () => {
      expect(organization.read(eventFrom('999999999999', MEMBER.region)).scope).toEqual({ account: '999999999999', region: MEMBER.region });
      const item: WorkItem = { ...pollItem, scope: { account: '999999999999', region: HOME.region } };
      expect(organization.read(encodeWorkItem(item))).toEqual(item);
    });

    it('still checks the Region, and refuses an event whose account is no account id', () => {
      expect(refusal(organization, eventFrom('999999999999', 'ap-south-1'))).toBe(
        'EC2 Command Invocation Status-change Notification event from Region "ap-south-1", not one this archive collects (us-east-1, eu-west-1)',
      );
      expect(refusal(organization, workItemBody({ account: '999999999999', region: 'ap-south-1' }))).toMatch(/from Region "ap-south-1", not one this archive collects/);
      expect(refusal(organization, eventFrom('not-an-account', MEMBER.region))).toBe(
        'EC2 Command Invocation Status-change Notification event from account "not-an-account", not one this archive collects (the organization)',
      );
      expect(refusal(organization, eventFrom(undefined, MEMBER.region))).toMatch(/event from account "undefined", not one this archive collects \(the organization\)$/);
    });
  });
});
