import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import type { Alert } from './alert';
import type { AlertPublisher } from './failure-alerts';

/**
 * Publishes alerts to the alerts topic: the subject for email subscribers, the JSON body
 * (indented, so that an email stays readable) and the message attributes subscription
 * filter policies match on (kind, status, document).
 */
export class SnsAlertPublisher implements AlertPublisher {
  constructor(
    private readonly sns: Pick<SNSClient, 'send'>,
    private readonly topicArn: string,
  ) {}

  async publish(alert: Alert): Promise<{ messageId?: string }> {
    const { MessageId } = await this.sns.send(
      new PublishCommand({
        TopicArn: this.topicArn,
        Subject: alert.subject,
        Message: JSON.stringify(alert.body, null, 2),
        MessageAttributes: { ...alert.messageAttributes },
      }),
    );
    return MessageId === undefined ? {} : { messageId: MessageId };
  }
}
