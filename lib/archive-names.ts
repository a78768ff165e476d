/**
 * The names an archive that collects an organization gives the resources its members name
 * across accounts: the member stacks are deployed on their own (often by a StackSet), so they
 * find the archive's event bus and roles by these names rather than by stack references.
 * IAM roles are global to an account, so the role names carry the archive's Region; one
 * archive per account and Region can collect an organization.
 */

/** The archive's event bus that member accounts forward their SSM events to. */
export const ARCHIVE_EVENT_BUS_NAME = 'ssm-history';

/** The collector's role, which the member read roles trust. */
export const collectorRoleName = (region: string): string => `ssm-history-collector-${region}`;

/** The poller's role, which the member read roles trust. */
export const pollerRoleName = (region: string): string => `ssm-history-poller-${region}`;

/**
 * The role a member's SendCommand callers pass as ServiceRoleArn so that Run Command may
 * publish to the member's notifications topic: the same name in every member account.
 */
export const memberNotificationPublisherRoleName = (region: string): string => `ssm-history-notifications-${region}`;

export const roleArn = (partition: string, account: string, name: string): string => `arn:${partition}:iam::${account}:role/${name}`;

/** The archive's event bus, as a member's forwarding rule targets it. */
export const archiveEventBusArn = (partition: string, account: string, region: string): string =>
  `arn:${partition}:events:${region}:${account}:event-bus/${ARCHIVE_EVENT_BUS_NAME}`;
