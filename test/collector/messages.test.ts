import commandEvent from '../fixtures/aws/command-status-change.json';
import invocationEvent from '../fixtures/aws/command-invocation-status-change.json';
import snsCommandInstanceIds from '../fixtures/aws/sns-command-instance-ids.json';
import snsCommandTags from '../fixtures/aws/sns-command-tags.json';
import snsInvocation from '../fixtures/aws/sns-invocation.json';
import { CLOCK_SKEW_MS, clampToReceipt, MessageReader } from '../../lambdas/collector/messages';
import { historySources } from '../../lambdas/sources';
import { MalformedMessageError } from '../../lambdas/core/model';
import { snsEnvelope } from '../support/messages';

const reader = new MessageReader(historySources);
const read = (body: object | string) => reader.read(typeof body === 'string' ? body : JSON.stringify(body));

describe('reading AWS sample events', () => {
  it('reads a command status-change event into the command record and a pass over its invocations', () => {
    const item = read(commandEvent);
    expect(item).toMatchObject({ kind: 'run-command', parentId: 'e8d3c0e4-71f7-4491-898f-c9b35bee5f3b', producer: 'event' });
    expect(item.fetch).toEqual({ scope: 'parent' });
    expect(item.observations).toHaveLength(1);
    expect(item.observations[0]).toMatchObject({
      table: 'commands',
      key: { CommandId: 'e8d3c0e4-71f7-4491-898f-c9b35bee5f3b' },
      status: 'Success',
      observedAt: '2016-07-10T21:51:32.000Z',
      complete: false,
      fields: {
        CommandId: 'e8d3c0e4-71f7-4491-898f-c9b35bee5f3b',
        DocumentName: 'AWS-RunPowerShellScript',
        ExpiresAfter: '2016-07-14T22:01:30.049Z',
        Parameters: { executionTimeout: ['3600'], commands: ['date'] },
        RequestedDateTime: '2016-07-10T21:51:30.049Z',
        Status: 'Success',
      },
    });
  });

  it('stores an invocation event as it is, with no SSM call for a success', () => {
    const item = read(invocationEvent);
    expect(item.fetch).toEqual({ scope: 'none' });
    expect(item.observations[0]).toMatchObject({
      table: 'commandInvocations',
      key: { CommandId: 'e8d3c0e4-71f7-4491-898f-c9b35bee5f3b', InstanceId: 'i-9bb89e2b' },
      status: 'Success',
      fields: { DocumentName: 'AWS-RunPowerShellScript', RequestedDateTime: '2016-07-10T21:51:30.049Z' },
    });
  });

  it.each(['Failed', 'TimedOut', 'Cancelled'])('asks for the details of an invocation that ended %s', (status) => {
    const item = read({ ...invocationEvent, detail: { ...invocationEvent.detail, status } });
    expect(item.fetch).toEqual({ scope: 'children', childIds: ['i-9bb89e2b'] });
  });

  it.each([
    ['instance targeting', snsCommandInstanceIds, ['i-1234567890abcdef0', 'i-9876543210abcdef0']],
    ['tag targeting', snsCommandTags, []],
  ])('reads an SNS Command notification (%s)', (_name, notification, instanceIds) => {
    const item = read(snsEnvelope(notification));
    expect(item).toMatchObject({ parentId: notification.commandId, producer: 'notification', fetch: { scope: 'none' } });
    expect(item.observations[0]).toMatchObject({
      table: 'commands',
      status: 'InProgress',
      observedAt: new Date(notification.eventTime).toISOString(),
      fields: {
        InstanceIds: instanceIds,
        ExpiresAfter: new Date(notification.expiresAfter).toISOString(),
        OutputS3BucketName: notification.outputS3BucketName,
        OutputS3KeyPrefix: notification.outputS3KeyPrefix,
      },
    });
  });

  it('reads an SNS Invocation notification', () => {
    const item = read(snsEnvelope(snsInvocation));
    expect(item).toMatchObject({ parentId: 'ceb96b84-16aa-4540-91e3-925a9a278b8c', producer: 'notification' });
    expect(item.observations[0]).toMatchObject({
      table: 'commandInvocations',
      key: { CommandId: 'ceb96b84-16aa-4540-91e3-925a9a278b8c', InstanceId: 'i-1234567890abcdef0' },
      status: 'InProgress',
      observedAt: '2019-04-25T18:06:05.099Z',
    });
  });
});

describe('refusing malformed messages with a reason', () => {
  const withDetail = (detail: object) => ({ ...invocationEvent, detail: { ...invocationEvent.detail, ...detail } });
  it.each([
    ['a body that is not JSON', '{"detail-type": ', /not JSON/],
    ['a JSON array', '[1, 2]', /not a JSON object/],
    ['an unrelated message', { hello: 'world' }, /neither an EventBridge event nor an SNS notification/],
    ['another source', { ...invocationEvent, source: 'aws.ec2' }, /source is not aws.ssm/],
    ['an unknown detail-type', { ...invocationEvent, 'detail-type': 'Parameter Store Change' }, /no history kind collects "Parameter Store Change"/],
    ['an event without detail', { ...invocationEvent, detail: 'x' }, /no detail object/],
    ['an event without time', { ...invocationEvent, time: undefined }, /no time/],
    ['an unparseable time', { ...invocationEvent, time: 'yesterday' }, /"time" is not a time/],
    ['a short command id', withDetail({ 'command-id': 'abc' }), /not a command id/],
    ['no status', withDetail({ status: undefined }), /"status" must be a non-empty string/],
    ['no instance id', withDetail({ 'instance-id': '' }), /"instance-id" must be a non-empty string/],
    ['parameters that are not lists', { ...commandEvent, detail: { ...commandEvent.detail, parameters: { commands: 'date' } } }, /must be a list of strings/],
    ['an SNS Message that is not JSON', JSON.stringify({ Type: 'Notification', Message: 'not json' }), /Message is not JSON/],
    ['an SNS notification of neither type', snsEnvelope({ commandId: snsInvocation.commandId, status: 'Success', eventTime: snsInvocation.eventTime }), /neither an Invocation/],
    ['an SNS notification without eventTime', snsEnvelope({ ...snsInvocation, eventTime: undefined }), /"eventTime" must be a non-empty string/],
    ['JSON null', 'null', /^message body is not a JSON object$/],
    ['a detail-type that is not a string', { ...invocationEvent, 'detail-type': 42 }, /^event detail-type is not a string$/],
    ['an event without id', { ...withDetail({ 'command-id': 'abc' }), id: undefined }, /event \(no id\): "command-id"/],
    ['an SNS envelope without Message', { Type: 'Notification' }, /^SNS notification has no Message string$/],
    ['an SNS Message that is a JSON list', JSON.stringify({ Type: 'Notification', Message: '[1]' }), /^SNS notification Message is not a JSON object$/],
    [
      'an SNS notification no kind reads',
      snsEnvelope({ ...snsInvocation, status: 'Hacked' }),
      /^no history kind reads this SNS notification: Run Command notification for ceb96b84-16aa-4540-91e3-925a9a278b8c: "status" is not a Run Command status: "Hacked"$/,
    ],
  ])('refuses %s', (_name, body, reason) => {
    expect(() => read(body)).toThrow(MalformedMessageError);
    expect(() => read(body)).toThrow(reason);
  });

  it('keeps what JSON.parse said as the cause', () => {
    const causeOf = (body: string): unknown => {
      try {
        read(body);
      } catch (error) {
        return (error as Error).cause;
      }
      return undefined;
    };
    expect(causeOf('{"detail-type": ')).toBeInstanceOf(SyntaxError);
    expect(causeOf(JSON.stringify({ Type: 'Notification', Message: 'not json' }))).toBeInstanceOf(SyntaxError);
  });

  it('says when no kind takes notifications at all', () => {
    const eventsOnly = new MessageReader(historySources.filter((source) => source.parseNotification === undefined));
    expect(() => eventsOnly.read(snsEnvelope(snsInvocation))).toThrow(/^no history kind reads this SNS notification: none takes notifications$/);
  });
});

describe('times no later than receipt', () => {
  const receivedAt = new Date('2026-12-05T12:00:00.000Z');
  const at = (time: string) => clampToReceipt(read({ ...invocationEvent, time }), receivedAt);

  it('stores an event dated in the future (forged, or a wrong clock) at the time it was received', () => {
    const item = at('2099-01-01T00:00:00.000Z');
    expect(item.sentAt).toBe(receivedAt.toISOString());
    expect(item.observations.map((o) => o.observedAt)).toEqual([receivedAt.toISOString()]);
    expect(item.observations.flatMap((o) => o.timeline.map((entry) => entry.at))).toEqual([receivedAt.toISOString()]);
  });

  it('keeps a time within the clock skew, and every time in the past, as the message gave it', () => {
    const withinSkew = new Date(receivedAt.getTime() + CLOCK_SKEW_MS).toISOString();
    expect(at(withinSkew).observations[0]?.observedAt).toBe(withinSkew);
    const justBeyond = new Date(receivedAt.getTime() + CLOCK_SKEW_MS + 1).toISOString();
    expect(at(justBeyond).observations[0]?.observedAt).toBe(receivedAt.toISOString());
    const past = read(invocationEvent);
    expect(clampToReceipt(past, receivedAt)).toEqual(past);
  });

  it('asks State Manager for executions since no later than receipt', () => {
    const item = {
      kind: 'association' as const,
      parentId: 'fa94c678-85c6-4d40-926b-7c791EXAMPLE',
      producer: 'event' as const,
      sentAt: '2099-01-01T00:00:00.000Z',
      observations: [],
      fetch: { scope: 'parent' as const, since: '2099-01-01T00:00:00.000Z' },
    };
    expect(clampToReceipt(item, receivedAt).fetch).toEqual({ scope: 'parent', since: receivedAt.toISOString() });
  });
});

describe('only the trusted senders', () => {
  const trusting = new MessageReader(historySources, {
    accounts: ['123456789012'],
    regions: ['us-east-1'],
    topicArns: ['arn:aws:sns:us-east-1:123456789012:ssm-history-notifications'],
  });
  const readTrusting = (body: object | string) => trusting.read(typeof body === 'string' ? body : JSON.stringify(body));

  it("reads AWS's samples from the trusted account, Region and topic", () => {
    expect(readTrusting(invocationEvent).kind).toBe('run-command');
    expect(readTrusting(snsEnvelope(snsInvocation)).producer).toBe('notification');
  });

  it.each([
    ['another account', { ...invocationEvent, account: '999999999999' }, /event from account "999999999999", not one this archive collects \(123456789012\)/],
    ['no account', { ...invocationEvent, account: undefined }, /event from account "undefined"/],
    ['another Region', { ...invocationEvent, region: 'eu-west-1' }, /event from Region "eu-west-1", not one this archive collects \(us-east-1\)/],
  ])('refuses an event from %s', (_case, event, reason) => {
    expect(() => readTrusting(event)).toThrow(MalformedMessageError);
    expect(() => readTrusting(event)).toThrow(reason);
  });

  it('refuses a notification from another topic, or from none', () => {
    expect(() => readTrusting(snsEnvelope(snsInvocation, 'arn:aws:sns:us-east-1:123456789012:open-topic'))).toThrow(
      /SNS notification from topic "arn:aws:sns:us-east-1:123456789012:open-topic", not the archive's notifications topic/,
    );
    const envelope = JSON.parse(snsEnvelope(snsInvocation)) as Record<string, unknown>;
    expect(() => readTrusting({ ...envelope, TopicArn: undefined })).toThrow(/SNS notification from topic "undefined"/);
  });
});
