import { PublishCommand, SNSClient, type PublishCommandInput } from '@aws-sdk/client-sns';
import type { Alert } from './alert';
import type { AlertPublisher } from './failure-alerts';

/** Publishes one PublishCommand: the SNS client's `send`, reduced to what this needs. */
export type SnsPublish = (input: PublishCommandInput) => Promise<{ MessageId?: string }>;

/**
 * Publishes alerts to the alerts topic: the subject for email subscribers, the JSON body
 * (indented, so that an email stays readable) and the message attributes subscription
 * filter policies match on (kind, status, document).
 *
 * The SNS client is built on the first alert, not at cold start: alerts are rare, and every
 * invocation's init would otherwise pay for resolving a third client's configuration.
 */
export class SnsAlertPublisher implements AlertPublisher {
  private send: SnsPublish | undefined;

  constructor(
    private readonly topicArn: string,
    private readonly createSend: () => SnsPublish = () => {
      const client = new SNSClient({});
      return (input) => client.send(new PublishCommand(input));
    },
  ) {}

  async publish(alert: Alert): Promise<{ messageId?: string }> {
    this.send ??= this.createSend();
    const { MessageId } = await this.send({
      TopicArn: this.topicArn,
      Subject: alert.subject,
      Message: JSON.stringify(alert.body, null, 2),
      MessageAttributes: { ...alert.messageAttributes },
    });
    return MessageId === undefined ? {} : { messageId: MessageId };
  }
}
