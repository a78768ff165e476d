import { App, Stack, Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import { nagPacks } from '../../lib/nag-packs';
import type { SsmHistoryOrganization } from '../../lib/organization';
import { SsmHistoryMemberStack } from '../../lib/ssm-history-member-stack';
import { SsmHistoryStack } from '../../lib/ssm-history-stack';
import { appLikeCdkSynth } from './synthesized';

interface Acknowledgement {
  readonly construct: IConstruct;
  readonly path: string;
  readonly id: string;
  readonly reason: unknown;
}

/** Acknowledgements as `Validations.acknowledge()` records them: construct metadata. */
function acknowledgementsIn(scope: IConstruct): Acknowledgement[] {
  return scope.node.findAll().flatMap((construct) =>
    construct.node.metadata
      .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((entry) =>
        Object.entries(entry.data as Record<string, unknown>).map(([id, reason]) => ({
          construct,
          path: construct.node.path,
          id: id.replace(/^annotation::/i, ''),
          reason,
        })),
      ),
  );
}

/** What the packs find that no acknowledgement covers. */
function findingsOf(scope: App): string[] {
  return nagPacks(scope).flatMap((pack) => pack.validateScope(scope).violations.map((violation) => `${violation.severity} ${violation.ruleName}`));
}

let app: App;

beforeAll(() => {
  app = appLikeCdkSynth();
  new SsmHistoryStack(app, 'SsmHistory');
});

describe('cdk-nag (AwsSolutions and Serverless packs)', () => {
  // The same packs bin/app.ts registers, run directly (cdk-nag v3's validateScope) for a
  // readable failure. `npm run synth` in CI runs them through CDK's validation as well.
  it('finds no unacknowledged error or warning', () => {
    const findings = nagPacks(app).flatMap((pack) =>
      pack
        .validateScope(app)
        .violations.map(
          (violation) =>
            `${violation.severity} ${violation.ruleName} at ${violation.violatingResources.map((r) => r.constructPath).join(', ')}`,
        ),
    );
    expect(findings).toEqual([]);
  });

  it('acknowledges findings next to their resources, each with a specific reason', () => {
    const acknowledgements = acknowledgementsIn(app);
    for (const { path, id, reason } of acknowledgements) {
      expect({ path, id, reasonIsSpecific: typeof reason === 'string' && reason.trim().length >= 80 }).toEqual({
        path,
        id,
        reasonIsSpecific: true,
      });
    }
    // No blanket acknowledgement on the app or a stack.
    const blanket = acknowledgements.filter(({ construct }) => construct === app || Stack.isStack(construct));
    expect(blanket.map(({ id }) => id)).toEqual([]);
  });

  it('acknowledges only the reviewed findings', () => {
    // A new acknowledgement must be added here on purpose, after review.
    expect(acknowledgementsIn(app).map(({ path, id }) => `${id} @ ${path}`).sort()).toEqual(
      [
        'AwsSolutions-IAM5[Action::kms:GenerateDataKey*] @ SsmHistory/SsmHistory/Collector/Handler/Role/DefaultPolicy',
        'AwsSolutions-IAM5[Resource::*] @ SsmHistory/SsmHistory/Collector/Handler/Role/DefaultPolicy',
        'AwsSolutions-IAM5[Resource::*] @ SsmHistory/SsmHistory/Collector/SsmReadPolicy',
        'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ssm:<AWS::Region>:<AWS::AccountId>:automation-execution/*] @ SsmHistory/SsmHistory/Collector/SsmScopedReadPolicy',
        'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ssm:<AWS::Region>:<AWS::AccountId>:association/*] @ SsmHistory/SsmHistory/Collector/SsmScopedReadPolicy',
        'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ssm:<AWS::Region>:<AWS::AccountId>:maintenancewindow/*] @ SsmHistory/SsmHistory/Collector/SsmScopedReadPolicy',
        'AwsSolutions-IAM5[Resource::*] @ SsmHistory/SsmHistory/QueryApi/Handler/Role/DefaultPolicy',
        'AwsSolutions-IAM5[Resource::*] @ SsmHistory/SsmHistory/Poller/Handler/Role/DefaultPolicy',
        'AwsSolutions-IAM5[Resource::*] @ SsmHistory/SsmHistory/Poller/SsmReadPolicy',
        'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ssm:<AWS::Region>:<AWS::AccountId>:association/*] @ SsmHistory/SsmHistory/Poller/SsmScopedReadPolicy',
        'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ssm:<AWS::Region>:<AWS::AccountId>:maintenancewindow/*] @ SsmHistory/SsmHistory/Poller/SsmScopedReadPolicy',
        'Serverless-LambdaDLQ @ SsmHistory/SsmHistory/Poller/Handler/Function',
        'Serverless-LambdaDLQ @ SsmHistory/SsmHistory/Collector/Handler/Function',
        'Serverless-LambdaDLQ @ SsmHistory/SsmHistory/QueryApi/Handler/Function',
        'Serverless-LambdaEventSourceMappingDestination @ SsmHistory/SsmHistory/Collector/GatheringQueueSource',
        'Serverless-LambdaEventSourceMappingDestination @ SsmHistory/SsmHistory/Collector/WorkQueueSource',
        'Serverless-SQSRedrivePolicy @ SsmHistory/SsmHistory/WorkQueue/DeadLetterQueue',
      ].sort(),
    );
  });

  describe('with alert email subscriptions', () => {
    let withEmails: App;
    beforeAll(() => {
      withEmails = appLikeCdkSynth();
      new SsmHistoryStack(withEmails, 'SsmHistory', { history: { alertEmails: ['ops@example.com', 'oncall@example.com'] } });
    });

    it('finds no unacknowledged error or warning', () => {
      const findings = nagPacks(withEmails).flatMap((pack) =>
        pack.validateScope(withEmails).violations.map((violation) => `${violation.severity} ${violation.ruleName}`),
      );
      expect(findings).toEqual([]);
    });

    it('adds only the reviewed acknowledgements of the subscriptions’ dead-letter queue', () => {
      const base = new Set(acknowledgementsIn(app).map(({ path, id }) => `${id} @ ${path}`));
      const added = acknowledgementsIn(withEmails)
        .map(({ path, id }) => `${id} @ ${path}`)
        .filter((entry) => !base.has(entry));
      expect(added.sort()).toEqual(
        [
          'AwsSolutions-SQS3 @ SsmHistory/SsmHistory/Alerts/SubscriptionDeadLetterQueue',
          'Serverless-SQSRedrivePolicy @ SsmHistory/SsmHistory/Alerts/SubscriptionDeadLetterQueue',
        ].sort(),
      );
    });
  });

  describe('with the tables under a customer managed key', () => {
    let keyed: App;
    beforeAll(() => {
      keyed = appLikeCdkSynth();
      new SsmHistoryStack(keyed, 'SsmHistory', { history: { tableEncryptionKey: 'create' } });
    });

    it('finds no unacknowledged error or warning, and needs no acknowledgement the default stack does not', () => {
      const findings = nagPacks(keyed).flatMap((pack) => pack.validateScope(keyed).violations.map((violation) => `${violation.severity} ${violation.ruleName}`));
      expect(findings).toEqual([]);
      const base = new Set(acknowledgementsIn(app).map(({ path, id }) => `${id} @ ${path}`));
      expect(acknowledgementsIn(keyed).map(({ path, id }) => `${id} @ ${path}`).filter((entry) => !base.has(entry))).toEqual([]);
    });
  });

  describe('with an organization', () => {
    const added = (organization: SsmHistoryOrganization): { findings: string[]; acknowledgements: string[] } => {
      const withMembers = appLikeCdkSynth();
      new SsmHistoryStack(withMembers, 'SsmHistory', { history: { organization } });
      const base = new Set(acknowledgementsIn(app).map(({ path, id }) => `${id} @ ${path}`));
      const vague = acknowledgementsIn(withMembers).filter(({ reason }) => !(typeof reason === 'string' && reason.trim().length >= 80));
      return {
        findings: [...findingsOf(withMembers), ...vague.map(({ path, id }) => `vague reason: ${id} @ ${path}`)],
        acknowledgements: acknowledgementsIn(withMembers)
          .map(({ path, id }) => `${id} @ ${path}`)
          .filter((entry) => !base.has(entry))
          .sort(),
      };
    };
    const pollQueue = [
      'Serverless-LambdaEventSourceMappingDestination @ SsmHistory/SsmHistory/Poller/PollQueueSource',
      'Serverless-SQSRedrivePolicy @ SsmHistory/SsmHistory/PollQueue/DeadLetterQueue',
    ];

    it('of listed accounts, finds nothing unacknowledged and adds only the poll queue’s and the cross-Region subscriptions’ acknowledgements', () => {
      const { findings, acknowledgements } = added({ accounts: ['111111111111'], regions: ['eu-west-1', 'us-east-1'], externalId: 'archive-external-id' });
      expect(findings).toEqual([]);
      expect(acknowledgements).toEqual(
        [
          ...pollQueue,
          'Serverless-SNSRedrivePolicy @ SsmHistory/SsmHistory/MemberNotifications/111111111111-eu-west-1',
          'Serverless-SNSRedrivePolicy @ SsmHistory/SsmHistory/MemberNotifications/111111111111-us-east-1',
        ].sort(),
      );
    });

    it('of a whole organization, finds nothing unacknowledged and adds only the poll queue’s and the organization-wide grants’ acknowledgements', () => {
      const { findings, acknowledgements } = added({ accounts: 'organization', regions: ['eu-west-1'], organizationId: 'o-abcdefghij' });
      expect(findings).toEqual([]);
      expect(acknowledgements).toEqual(
        [
          ...pollQueue,
          'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:iam::*:role/ssm-history-read-*] @ SsmHistory/SsmHistory/Collector/MemberReadPolicy',
          'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:iam::*:role/ssm-history-read-*] @ SsmHistory/SsmHistory/Poller/MemberReadPolicy',
          'AwsSolutions-IAM5[Resource::*] @ SsmHistory/SsmHistory/Poller/MemberReadPolicy',
        ].sort(),
      );
    });
  });

  describe('the member stack', () => {
    let memberApp: App;
    beforeAll(() => {
      memberApp = appLikeCdkSynth();
      new SsmHistoryMemberStack(memberApp, 'SsmHistoryMember', { member: { archiveAccount: '999999999999', archiveRegion: 'eu-west-1', organizationId: 'o-abcdefghij' } });
    });

    it('finds no unacknowledged error or warning', () => {
      expect(findingsOf(memberApp)).toEqual([]);
    });

    it('acknowledges only the reviewed findings, each with a specific reason', () => {
      const acknowledgements = acknowledgementsIn(memberApp);
      for (const { path, id, reason } of acknowledgements) {
        expect({ path, id, reasonIsSpecific: typeof reason === 'string' && reason.trim().length >= 80 }).toEqual({ path, id, reasonIsSpecific: true });
      }
      expect(acknowledgements.filter(({ construct }) => construct === memberApp || Stack.isStack(construct)).map(({ id }) => id)).toEqual([]);
      expect(acknowledgements.map(({ path, id }) => `${id} @ ${path}`).sort()).toEqual(
        [
          'AwsSolutions-SQS3 @ SsmHistoryMember/SsmHistoryMember/EventForwarding/DeadLetterQueue',
          'Serverless-SQSRedrivePolicy @ SsmHistoryMember/SsmHistoryMember/EventForwarding/DeadLetterQueue',
          'AwsSolutions-IAM5[Resource::*] @ SsmHistoryMember/SsmHistoryMember/ReadRole/SsmReadPolicy',
          'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ssm:<AWS::Region>:<AWS::AccountId>:automation-execution/*] @ SsmHistoryMember/SsmHistoryMember/ReadRole/SsmScopedReadPolicy',
          'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ssm:<AWS::Region>:<AWS::AccountId>:association/*] @ SsmHistoryMember/SsmHistoryMember/ReadRole/SsmScopedReadPolicy',
          'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ssm:<AWS::Region>:<AWS::AccountId>:maintenancewindow/*] @ SsmHistoryMember/SsmHistoryMember/ReadRole/SsmScopedReadPolicy',
        ].sort(),
      );
    });
  });
});
