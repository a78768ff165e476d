/**
 * The collector's yardstick since it publishes failure alerts: the bare SSM and DynamoDB
 * clients of bare-clients.ts plus the SNS client and its PublishCommand. Built the same way.
 */
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { handler as bareHandler } from './bare-clients';

const sns = new SNSClient({});

export const handler = async (): Promise<void> => {
  await bareHandler();
  await sns.send(new PublishCommand({ TopicArn: 'arn:aws:sns:us-east-1:123456789012:t', Message: 'm' }));
};
