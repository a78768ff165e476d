import type { PublishCommandInput } from '@aws-sdk/client-sns';
import type { Alert } from '../../lambdas/alerts/alert';
import { SnsAlertPublisher, type SnsPublish } from '../../lambdas/alerts/sns-alert-publisher';

/** What one alert becomes on the topic. */
const alert: Alert = {
  subject: 'SSM Run Command Failed: AWS-RunShellScript on i-0123456789abcdef0',
  body: {
    kind: 'command-invocation',
    status: 'Failed',
    region: 'us-east-1',
    commandId: 'e8d3c0e4-71f7-4491-898f-c9b35bee5f3b',
    instanceId: 'i-0123456789abcdef0',
    times: { requested: '2026-11-20T10:00:00.000Z' },
    consoleUrl: 'https://us-east-1.console.aws.amazon.com/systems-manager/run-command/e8d3c0e4-71f7-4491-898f-c9b35bee5f3b/i-0123456789abcdef0?region=us-east-1',
  },
  messageAttributes: {
    kind: { DataType: 'String', StringValue: 'command-invocation' },
    status: { DataType: 'String', StringValue: 'Failed' },
  },
};

describe('SnsAlertPublisher', () => {
  it('builds its SNS client on the first alert only, and publishes subject, indented JSON body and attributes to the topic', async () => {
    const sent: PublishCommandInput[] = [];
    const createSend = jest.fn<SnsPublish, []>(() => (input) => {
      sent.push(input);
      return Promise.resolve({ MessageId: `m-${sent.length}` });
    });
    const publisher = new SnsAlertPublisher('arn:aws:sns:us-east-1:123456789012:alerts', createSend);
    expect(createSend).not.toHaveBeenCalled();
    expect(await publisher.publish(alert)).toEqual({ messageId: 'm-1' });
    expect(await publisher.publish(alert)).toEqual({ messageId: 'm-2' });
    expect(createSend).toHaveBeenCalledTimes(1);
    expect(sent[0]).toEqual({
      TopicArn: 'arn:aws:sns:us-east-1:123456789012:alerts',
      Subject: alert.subject,
      Message: JSON.stringify(alert.body, null, 2),
      MessageAttributes: alert.messageAttributes,
    });
    expect(sent[0]?.Message).toContain('\n  "kind": "command-invocation"');
  });

  it('answers without a message id when SNS gives none, and lets a refusal through', async () => {
    const publisher = new SnsAlertPublisher('arn:aws:sns:us-east-1:123456789012:alerts', () => () => Promise.resolve({}));
    expect(await publisher.publish(alert)).toEqual({});
    const refusing = new SnsAlertPublisher('arn:aws:sns:us-east-1:123456789012:alerts', () => () => Promise.reject(new Error('AuthorizationError')));
    await expect(refusing.publish(alert)).rejects.toThrow('AuthorizationError');
  });
});
