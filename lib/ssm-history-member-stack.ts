import {
  CfnOutput,
  LegacyStackSynthesizer,
  Stack,
  type DockerImageAssetLocation,
  type DockerImageAssetSource,
  type FileAssetLocation,
  type FileAssetSource,
  type StackProps,
} from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { SsmHistoryMember, type SsmHistoryMemberProps } from './ssm-history-member';

/**
 * Synthesizes a template that deploys anywhere as it is, for CloudFormation StackSets as for
 * `cdk deploy` into an account never bootstrapped: no Parameters and no CheckBootstrapVersion
 * rule (DefaultStackSynthesizer adds both, and a StackSet instance in an account without the
 * bootstrap stack would fail on them), no template asset in the bootstrap bucket and no
 * bootstrap deploy role (the CLI deploys with its own credentials and passes the template
 * inline, as StackSets take it with --template-body, up to 51,200 bytes). It refuses assets,
 * which a StackSet could not publish to every account.
 */
export class MemberStackSynthesizer extends LegacyStackSynthesizer {
  public override addFileAsset(asset: FileAssetSource): FileAssetLocation {
    throw new Error(`SsmHistoryMemberStack takes no assets (a StackSet template cannot carry them): ${asset.sourceHash}`);
  }

  public override addDockerImageAsset(asset: DockerImageAssetSource): DockerImageAssetLocation {
    throw new Error(`SsmHistoryMemberStack takes no assets (a StackSet template cannot carry them): ${asset.sourceHash}`);
  }
}

export interface SsmHistoryMemberStackProps extends Omit<StackProps, 'synthesizer'> {
  readonly member: SsmHistoryMemberProps;
}

/**
 * The deployable shell around one `SsmHistoryMember`, for each member account and Region:
 * environment-agnostic, so that one template serves a whole StackSet. Its outputs are what
 * SendCommand callers in the account need and the read role's ARN. Its roles have names, so a
 * StackSet of it needs `--capabilities CAPABILITY_NAMED_IAM` (CloudFormation API reference,
 * CreateStackSet, Capabilities).
 */
export class SsmHistoryMemberStack extends Stack {
  public readonly member: SsmHistoryMember;

  constructor(scope: Construct, id: string, props: SsmHistoryMemberStackProps) {
    super(scope, id, { ...props, synthesizer: new MemberStackSynthesizer() });
    this.member = new SsmHistoryMember(this, 'SsmHistoryMember', props.member);

    const topicArn = this.member.notificationTopic.topicArn;
    const roleArn = this.member.notificationRole.roleArn;
    new CfnOutput(this, 'NotificationTopicArn', {
      description: 'SendCommand NotificationConfig.NotificationArn in this account and Region: Run Command notifications to archive',
      value: topicArn,
    });
    new CfnOutput(this, 'NotificationRoleArn', {
      description: 'SendCommand ServiceRoleArn: the role SSM publishes notifications with',
      value: roleArn,
    });
    new CfnOutput(this, 'SendCommandNotificationOptions', {
      description: 'Append to `aws ssm send-command` so that the command reports to the archive',
      value:
        `--service-role-arn ${roleArn} ` +
        `--notification-config NotificationArn=${topicArn},NotificationEvents=All,NotificationType=Invocation`,
    });
    new CfnOutput(this, 'ReadRoleArn', {
      description: "The role the archive's collector and poller read this account and Region's SSM with",
      value: this.member.readRole.roleArn,
    });
  }
}
