import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { SsmHistory, type SsmHistoryProps } from './ssm-history';

export interface SsmHistoryStackProps extends StackProps {
  readonly history?: SsmHistoryProps;
}

/**
 * The deployable shell around one `SsmHistory`, plus the outputs an operator needs: where to
 * send Run Command notifications, the query API's URL and the dead-letter queue. (Outputs live
 * here rather than in the construct, so an app embedding `SsmHistory` chooses its own.)
 */
export class SsmHistoryStack extends Stack {
  public readonly history: SsmHistory;

  constructor(scope: Construct, id: string, props: SsmHistoryStackProps = {}) {
    super(scope, id, props);
    this.history = new SsmHistory(this, 'SsmHistory', props.history);

    const topicArn = this.history.notificationTopic.topicArn;
    const roleArn = this.history.notificationRole.roleArn;
    new CfnOutput(this, 'NotificationTopicArn', {
      description: 'SendCommand NotificationConfig.NotificationArn: Run Command notifications to archive',
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
    new CfnOutput(this, 'QueryApiUrl', {
      description:
        'The query API (SigV4 for execute-api): npx ssm-history executions --endpoint <url>, or archiveSsmClient({ endpoint: <url> })',
      value: this.history.queryApiUrl,
    });
    new CfnOutput(this, 'DeadLetterQueueUrl', {
      description: 'Work items that failed every try; inspect, then redrive to the work queue',
      value: this.history.deadLetterQueue.queueUrl,
    });
  }
}
