import { CfnOutput, type Stack } from 'aws-cdk-lib';
import type * as iam from 'aws-cdk-lib/aws-iam';
import type * as sns from 'aws-cdk-lib/aws-sns';

/**
 * What a SendCommand caller needs so that its command reports to the archive through SNS: the
 * topic, the role SSM publishes with, and both as `aws ssm send-command` options. The archive's
 * stack and every member's stack output the same three, each for its own topic.
 */
export function addNotificationOutputs(stack: Stack, topic: sns.ITopic, role: iam.IRole, where: string): void {
  new CfnOutput(stack, 'NotificationTopicArn', {
    description: `SendCommand NotificationConfig.NotificationArn${where}: Run Command notifications to archive`,
    value: topic.topicArn,
  });
  new CfnOutput(stack, 'NotificationRoleArn', {
    description: 'SendCommand ServiceRoleArn: the role SSM publishes notifications with',
    value: role.roleArn,
  });
  new CfnOutput(stack, 'SendCommandNotificationOptions', {
    description: 'Append to `aws ssm send-command` so that the command reports to the archive',
    value:
      `--service-role-arn ${role.roleArn} ` +
      `--notification-config NotificationArn=${topic.topicArn},NotificationEvents=All,NotificationType=Invocation`,
  });
}
