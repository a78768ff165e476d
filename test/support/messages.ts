import { randomUUID } from 'node:crypto';
import type { QueueMessage } from '../../lambdas/collector/collector';

/** An SNS notification as an SQS subscription without raw delivery receives it. */
export function snsEnvelope(notification: object, topicArn = 'arn:aws:sns:us-east-1:123456789012:ssm-history-notifications'): string {
  return JSON.stringify({
    Type: 'Notification',
    MessageId: randomUUID(),
    TopicArn: topicArn,
    Subject: 'Run Command status change',
    Message: JSON.stringify(notification),
    Timestamp: new Date('2019-04-25T18:06:05.200Z').toISOString(),
    SignatureVersion: '1',
    Signature: 'EXAMPLE',
    SigningCertURL: 'https://sns.us-east-1.amazonaws.com/SimpleNotificationService-example.pem',
    UnsubscribeURL: 'https://sns.us-east-1.amazonaws.com/?Action=Unsubscribe&SubscriptionArn=example',
  });
}

let sequence = 0;
export const queueMessage = (body: string | object): QueueMessage => ({
  id: `message-${++sequence}`,
  body: typeof body === 'string' ? body : JSON.stringify(body),
});
