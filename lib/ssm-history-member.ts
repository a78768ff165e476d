import { Aws } from 'aws-cdk-lib';
import type * as iam from 'aws-cdk-lib/aws-iam';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { ACCOUNT_ID_FORM, MEMBER_NOTIFICATION_TOPIC_NAME, REGION_FORM } from '../lambdas/core/scope';
import { historySources } from '../lambdas/sources';
import { memberNotificationPublisherRoleName } from './archive-names';
import { MemberEventForwarding } from './member-event-forwarding';
import { MemberReadRole } from './member-read-role';
import { EXTERNAL_ID_FORM, ORGANIZATION_ID_FORM } from './organization';
import { RunCommandNotifications } from './run-command-notifications';
import type { SourceInfrastructure } from './source-infrastructure';

export interface SsmHistoryMemberProps {
  /** The account of the archive (SsmHistory with `organization`) that collects this account. */
  readonly archiveAccount: string;
  /** The archive's Region. */
  readonly archiveRegion: string;
  /**
   * The AWS Organization both accounts belong to: the read role trusts the archive's roles
   * only as principals of it. At least this or `externalId`.
   * @default - none
   */
  readonly organizationId?: string;
  /**
   * An ExternalId the archive must pass to assume the read role (the archive's
   * `organization.externalId`). At least this or `organizationId`.
   * @default - none
   */
  readonly externalId?: string;
  /**
   * Roles SendCommand callers in this account already pass as ServiceRoleArn, which may also
   * publish to the notifications topic.
   * @default - only the publisher role this construct creates
   */
  readonly notificationPublisherRoleArns?: readonly string[];
  /**
   * The history kinds the archive collects; they decide the events forwarded and the read role's actions.
   * @default historySources: every kind, as the archive's runtime reads them
   */
  readonly sources?: readonly SourceInfrastructure[];
}

/**
 * What one member account and Region needs for an archive in another account (or Region) to
 * collect its SSM history: its SSM events forwarded to the archive's event bus, a Run Command
 * notifications topic the archive subscribes to (named MEMBER_NOTIFICATION_TOPIC_NAME, with a
 * publisher role named the same in every account), and the read role the archive's collector
 * and poller assume. Deploy it in every member account and Region (a StackSet deploys
 * SsmHistoryMemberStack), not in the archive's own account and Region, which the archive
 * collects itself; with listed member accounts, before the archive, which subscribes to the
 * topics.
 */
export class SsmHistoryMember extends Construct {
  /** The rules forwarding SSM's events, the role they put events as, and their dead-letter queue. */
  public readonly eventForwarding: MemberEventForwarding;
  /** The topic to name in SendCommand's NotificationConfig in this account and Region. */
  public readonly notificationTopic: sns.ITopic;
  /** The role to pass as SendCommand's ServiceRoleArn, so that SSM may publish to the topic. */
  public readonly notificationRole: iam.IRole;
  /** The role the archive reads this account and Region's SSM with. */
  public readonly readRole: iam.IRole;

  constructor(scope: Construct, id: string, props: SsmHistoryMemberProps) {
    super(scope, id);
    checkMemberProps(props);
    const sources = props.sources ?? historySources;
    const archive = { archiveAccount: props.archiveAccount, archiveRegion: props.archiveRegion };

    this.eventForwarding = new MemberEventForwarding(this, 'EventForwarding', { sources, ...archive });
    const notifications = new RunCommandNotifications(this, 'RunCommandNotifications', {
      topicName: MEMBER_NOTIFICATION_TOPIC_NAME,
      publisherRoleName: memberNotificationPublisherRoleName(Aws.REGION),
      publisherRoleArns: props.notificationPublisherRoleArns,
      subscriber: { account: props.archiveAccount, region: props.archiveRegion },
    });
    const read = new MemberReadRole(this, 'ReadRole', { sources, ...archive, organizationId: props.organizationId, externalId: props.externalId });

    this.notificationTopic = notifications.topic;
    this.notificationRole = notifications.publisherRole;
    this.readRole = read.role;
  }
}

function checkMemberProps(props: SsmHistoryMemberProps): void {
  if (!ACCOUNT_ID_FORM.test(props.archiveAccount)) {
    throw new Error(`archiveAccount must be the archive's account ID of 12 digits, got ${JSON.stringify(props.archiveAccount)}`);
  }
  if (!REGION_FORM.test(props.archiveRegion)) {
    throw new Error(`archiveRegion must be the archive's Region name (e.g. eu-west-1), got ${JSON.stringify(props.archiveRegion)}`);
  }
  if (props.organizationId !== undefined && !ORGANIZATION_ID_FORM.test(props.organizationId)) {
    throw new Error(`organizationId must be an AWS Organizations ID (o- and 10 to 32 lower-case letters or digits), got ${JSON.stringify(props.organizationId)}`);
  }
  if (props.externalId !== undefined && !EXTERNAL_ID_FORM.test(props.externalId)) {
    throw new Error('externalId must be 2 to 1224 characters of letters, digits and +=,.@:/-');
  }
  if (props.organizationId === undefined && props.externalId === undefined) {
    throw new Error("The member's read role needs organizationId, externalId or both: trusting the archive's account and role names alone is not enough");
  }
}
