import { Aws } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { ARCHIVE_EVENT_BUS_NAME, archiveEventBusArn } from './archive-names';

export interface OrganizationEventBusProps {
  /**
   * The organization whose accounts may put events: every account of it, present and future.
   * @default - none: give `accounts`
   */
  readonly organizationId?: string;
  /**
   * The member accounts that may put events, when no organization is given.
   * @default - none: give `organizationId`
   */
  readonly accounts?: readonly string[];
}

/**
 * The archive's event bus (named ARCHIVE_EVENT_BUS_NAME, which the member stacks target):
 * the members' forwarding rules put their SSM events here, and only they may. Its policy
 * lets events:PutEvents from any principal of the organization (aws:PrincipalOrgID) or from
 * the listed accounts; a member's rule puts as its forwarding role, a principal of the member.
 */
export class OrganizationEventBus extends Construct {
  public readonly eventBus: events.EventBus;

  constructor(scope: Construct, id: string, props: OrganizationEventBusProps) {
    super(scope, id);
    const accounts = props.accounts ?? [];
    if ((props.organizationId === undefined) === (accounts.length === 0)) {
      throw new Error('OrganizationEventBus needs either organizationId or accounts');
    }

    this.eventBus = new events.EventBus(this, 'Bus', {
      eventBusName: ARCHIVE_EVENT_BUS_NAME,
      description: "ssm-history: member accounts' SSM events, forwarded to the archive",
    });
    // Built from its name: the bus's own Arn attribute inside its properties would be a cycle.
    const busArn = archiveEventBusArn(Aws.PARTITION, Aws.ACCOUNT_ID, Aws.REGION);
    const statement =
      props.organizationId !== undefined
        ? new iam.PolicyStatement({
            sid: 'OrganizationPutsEvents',
            principals: [new iam.AnyPrincipal()],
            actions: ['events:PutEvents'],
            resources: [busArn],
            conditions: { StringEquals: { 'aws:PrincipalOrgID': props.organizationId } },
          })
        : new iam.PolicyStatement({
            sid: 'MembersPutEvents',
            principals: accounts.map((account) => new iam.AccountPrincipal(account)),
            actions: ['events:PutEvents'],
            resources: [busArn],
          });
    // On the bus itself (its Policy property) rather than addToResourcePolicy's separate
    // AWS::Events::EventBusPolicy: the bus never exists without its policy, and no deprecated
    // L1 property (that resource's Principal) is left for cdk-nag's reads to warn about.
    (this.eventBus.node.defaultChild as events.CfnEventBus).policy = new iam.PolicyDocument({ statements: [statement] });
  }
}
