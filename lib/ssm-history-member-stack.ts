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
import { addNotificationOutputs } from './notification-outputs';
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

    addNotificationOutputs(this, this.member.notificationTopic, this.member.notificationRole, ' in this account and Region');
    new CfnOutput(this, 'ReadRoleArn', {
      description: "The role the archive's collector and poller read this account and Region's SSM with",
      value: this.member.readRole.roleArn,
    });
  }
}
