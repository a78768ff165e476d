import { Aws, CfnMapping, CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { addNotificationOutputs } from './notification-outputs';
import { SsmHistory, type SsmHistoryProps } from './ssm-history';

export interface SsmHistoryStackProps extends StackProps {
  readonly history?: SsmHistoryProps;
}

/**
 * The deployable shell around one `SsmHistory`, plus the outputs an operator needs: where to
 * send Run Command notifications, the query API's URL, the dead-letter queue, the alerts topic
 * and the dashboard. (Outputs live
 * here rather than in the construct, so an app embedding `SsmHistory` chooses its own.)
 */
export class SsmHistoryStack extends Stack {
  public readonly history: SsmHistory;

  constructor(scope: Construct, id: string, props: SsmHistoryStackProps = {}) {
    super(scope, id, props);
    this.history = new SsmHistory(this, 'SsmHistory', props.history);

    addNotificationOutputs(this, this.history.notificationTopic, this.history.notificationRole, '');
    new CfnOutput(this, 'QueryApiUrl', {
      description:
        'The query API (SigV4 for execute-api): npx ssm-history executions --endpoint <url>, or archiveSsmClient({ endpoint: <url> })',
      value: this.history.queryApiUrl,
    });
    new CfnOutput(this, 'DeadLetterQueueUrl', {
      description: 'Work items that failed every try; inspect, then redrive to the work queue',
      value: this.history.deadLetterQueue.queueUrl,
    });
    new CfnOutput(this, 'AlertsTopicArn', {
      description: 'Failure alerts (one per failed execution): subscribe, or filter on the kind, status and document attributes',
      value: this.history.alertsTopic.topicArn,
    });
    new CfnOutput(this, 'OperationsTopicArn', {
      description: "The archive's operational alarms notify this topic",
      value: this.history.operationsTopic.topicArn,
    });
    new CfnOutput(this, 'DashboardName', {
      description: 'The CloudWatch dashboard of the archive',
      value: this.history.dashboard.dashboardName,
    });
    // The console's host follows the partition (as in lambdas/alerts/alert.ts).
    const consoleHosts = new CfnMapping(this, 'ConsoleHosts', {
      mapping: {
        aws: { host: 'console.aws.amazon.com' },
        'aws-us-gov': { host: 'console.amazonaws-us-gov.com' },
        'aws-cn': { host: 'console.amazonaws.cn' },
      },
    });
    new CfnOutput(this, 'DashboardUrl', {
      description: 'The CloudWatch dashboard of the archive, in the console',
      value:
        `https://${Aws.REGION}.${consoleHosts.findInMap(Aws.PARTITION, 'host')}/cloudwatch/home?region=${Aws.REGION}` +
        `#dashboards/dashboard/${this.history.dashboard.dashboardName}`,
    });
    if (this.history.eventBus !== undefined) {
      new CfnOutput(this, 'MemberStackContext', {
        description:
          "In each member account and Region, with its credentials: npx cdk deploy SsmHistoryMember <these options> plus -c organizationId=<o-...> and/or -c memberExternalId=<id>, as the archive's",
        value: `-c archiveAccount=${Aws.ACCOUNT_ID} -c archiveRegion=${Aws.REGION}`,
      });
    }
  }
}
