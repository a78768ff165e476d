import type { CommandInvocation } from '@aws-sdk/client-ssm';
import {
  COMMAND_DETAIL_TYPE,
  INVOCATION_DETAIL_TYPE,
  OUTCOMES,
  SsmSimulator,
  VirtualClock,
  type CommandSpec,
  type SimulatorEvent,
} from '../../local/ssm-simulator';
import { MINUTE, T0 } from './fixture';

const at = (ms: number): Date => new Date(T0.getTime() + ms);
const newSim = (): SsmSimulator => new SsmSimulator({ clock: new VirtualClock(T0) });

function invocation(sim: SsmSimulator, instanceId: string): CommandInvocation {
  const found = sim.truth().invocations.find((i) => i.InstanceId === instanceId);
  if (found === undefined) throw new Error(`no invocation for ${instanceId}`);
  return found;
}

function parsed(events: readonly SimulatorEvent[], channel: 'eventbridge' | 'sns'): Record<string, unknown>[] {
  return events.filter((e) => e.channel === channel).map((e) => JSON.parse(e.body) as Record<string, unknown>);
}

const twoNodes: CommandSpec = {
  commandId: 'e8d3c0e4-71f7-4491-898f-c9b35bee5f3b',
  documentName: 'AWS-RunPowerShellScript',
  parameters: { executionTimeout: ['3600'], commands: ['date'] },
  plugins: [{ name: 'prepare', durationMs: 1000 }, { name: 'run', durationMs: 3000 }],
  invocations: [
    { instanceId: 'i-abcd1111', startAtMs: 2000, plugins: [{ name: 'prepare', durationMs: 1000, stdout: 'ready' }, { name: 'run', durationMs: 3000, stdout: 'Mon Jun 3' }] },
    { instanceId: 'i-abcd2222', startAtMs: 10_000, delayedAtMs: 4000 },
  ],
};

describe('invocations move along their scripted path', () => {
  it('Pending -> InProgress -> Success, with plugins running one after another', () => {
    const sim = newSim();
    sim.sendCommand(twoNodes);
    expect(invocation(sim, 'i-abcd1111')).toMatchObject({ Status: 'Pending', StatusDetails: 'Pending' });
    expect(sim.truth().commands[0]).toMatchObject({ Status: 'Pending', CompletedCount: 0, TargetCount: 2 });

    sim.advanceTo(at(3500));
    const running = invocation(sim, 'i-abcd1111');
    expect(running).toMatchObject({ Status: 'InProgress', StatusDetails: 'InProgress' });
    expect(running.CommandPlugins?.map((p) => [p.Name, p.Status, p.ResponseCode])).toEqual([
      ['prepare', 'Success', 0],
      ['run', 'InProgress', -1],
    ]);
    expect(running.CommandPlugins?.[1]?.ResponseStartDateTime).toEqual(at(3000));
    expect(running.CommandPlugins?.[1]?.ResponseFinishDateTime).toBeUndefined();
    expect(running.CommandPlugins?.[1]?.Output).toBe('');
    expect(sim.truth().commands[0]).toMatchObject({ Status: 'InProgress', StatusDetails: 'InProgress' });

    const get = sim.truth().pluginOutputs.find((p) => p.instanceId === 'i-abcd1111' && p.pluginName === 'run')?.invocation;
    expect(get).toMatchObject({ Status: 'InProgress', ExecutionStartDateTime: '2024-06-03T09:00:03.000Z', ExecutionEndDateTime: '', ExecutionElapsedTime: 'PT0.5S', StandardOutputContent: '' });

    sim.advanceTo(at(6000));
    const done = invocation(sim, 'i-abcd1111');
    expect(done).toMatchObject({ Status: 'Success', StatusDetails: 'Success' });
    expect(done.CommandPlugins?.[1]).toMatchObject({ Status: 'Success', ResponseCode: 0, Output: 'Mon Jun 3', ResponseFinishDateTime: at(6000) });
  });

  it('shows Delayed before delivery when scripted', () => {
    const sim = newSim();
    sim.sendCommand(twoNodes);
    sim.advanceTo(at(3999));
    expect(invocation(sim, 'i-abcd2222').Status).toBe('Pending');
    sim.advanceTo(at(4000));
    expect(invocation(sim, 'i-abcd2222')).toMatchObject({ Status: 'Delayed', StatusDetails: 'Delayed' });
    sim.advanceTo(at(10_000));
    expect(invocation(sim, 'i-abcd2222').Status).toBe('InProgress');
    expect(sim.runToCompletion()).toEqual(at(14_000));
    expect(invocation(sim, 'i-abcd2222').Status).toBe('Success');
    expect(sim.truth().commands[0]).toMatchObject({ Status: 'Success', StatusDetails: 'Success', CompletedCount: 2, ErrorCount: 0 });
  });

  it.each(OUTCOMES.map((o) => [o]))('maps outcome %s to SSM Status and StatusDetails', (outcome) => {
    const sim = newSim();
    sim.sendCommand({ documentName: 'AWS-RunShellScript', invocations: [{ instanceId: 'i-0123456789abcdef0', outcome }] });
    sim.runToCompletion();
    const expectedStatus = { DeliveryTimedOut: 'TimedOut', ExecutionTimedOut: 'TimedOut', Undeliverable: 'Failed', Terminated: 'Failed' }[
      outcome as string
    ] ?? outcome;
    const inv = invocation(sim, 'i-0123456789abcdef0');
    expect(inv).toMatchObject({ Status: expectedStatus, StatusDetails: outcome });
    expect(inv.CommandPlugins?.[0]).toMatchObject({ Status: expectedStatus, StatusDetails: outcome });
    const neverStarted = ['DeliveryTimedOut', 'Undeliverable', 'Terminated'].includes(outcome);
    expect(inv.CommandPlugins?.[0]?.ResponseCode).toBe(outcome === 'Success' ? 0 : neverStarted ? -1 : 1);
    expect(inv.CommandPlugins?.[0]?.ResponseStartDateTime === undefined).toBe(neverStarted);
  });

  it('rejects time travel and real-clock advancing', () => {
    const sim = newSim();
    sim.advanceBy(MINUTE);
    expect(() => sim.advanceTo(T0)).toThrow(RangeError);
    const real = new SsmSimulator({ clock: 'real' });
    expect(() => real.advanceBy(1)).toThrow(/virtual clock/);
    expect(() => sim.sendCommand({ documentName: 'X-Doc', requestedAt: at(2 * MINUTE), invocations: [] })).toThrow(/future/);
  });

  it('follows wall time with a real clock', async () => {
    const sim = new SsmSimulator({ clock: 'real' });
    sim.sendCommand({ documentName: 'AWS-RunShellScript', invocations: [{ instanceId: 'i-0123456789abcdef0', startAtMs: 10, durationMs: 10 }] });
    expect(sim.truth().invocations[0]?.Status).toBe('Pending');
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect(sim.truth().invocations[0]?.Status).toBe('Success');
    expect(parsed(sim.events, 'eventbridge').map((e) => (e['detail'] as { status: string }).status)).toContain('Success');
    await sim.close();
  });
});

describe('command status and counts', () => {
  const nodes = (...outcomes: CommandSpec['invocations'][number]['outcome'][]): CommandSpec['invocations'] =>
    outcomes.map((outcome, i) => ({ instanceId: `i-0000000000000000${i}`, outcome, startAtMs: 1000 * (i + 1), durationMs: 500 }));

  it.each([
    ['all succeed', nodes('Success', 'Success'), '0', 'Success', 'Success'],
    ['one failure over MaxErrors 0', nodes('Success', 'Failed'), '0', 'Failed', 'Failed'],
    ['one failure within MaxErrors 1', nodes('Success', 'Failed'), '1', 'Failed', 'Incomplete'],
    ['MaxErrors as a percentage', nodes('Success', 'Failed', 'Success', 'Success'), '50%', 'Failed', 'Incomplete'],
    ['delivery timeouts', nodes('Success', 'DeliveryTimedOut'), '0', 'TimedOut', 'DeliveryTimedOut'],
    ['execution timeouts outnumber failures', nodes('ExecutionTimedOut', 'ExecutionTimedOut', 'Failed'), '0', 'TimedOut', 'ExecutionTimedOut'],
    ['undeliverable does not spoil success', nodes('Success', 'Undeliverable'), '0', 'Success', 'Success'],
    ['a cancelled invocation', nodes('Success', 'Cancelled'), '0', 'Cancelled', 'Cancelled'],
    ['terminated after errors', nodes('Failed', 'Terminated'), '0', 'Failed', 'Failed'],
  ])('%s', (_name, invocations, maxErrors, status, details) => {
    const sim = newSim();
    sim.sendCommand({ documentName: 'AWS-RunShellScript', maxErrors, invocations });
    sim.runToCompletion();
    expect(sim.truth().commands[0]).toMatchObject({ Status: status, StatusDetails: details, CompletedCount: invocations.length });
  });

  it('counts as invocations finish', () => {
    const sim = newSim();
    sim.sendCommand({ documentName: 'AWS-RunShellScript', invocations: nodes('Success', 'Failed', 'DeliveryTimedOut', 'ExecutionTimedOut') });
    const counts = (): unknown => {
      const c = sim.truth().commands[0];
      return [c?.Status, c?.CompletedCount, c?.ErrorCount, c?.DeliveryTimedOutCount];
    };
    expect(counts()).toEqual(['Pending', 0, 0, 0]);
    sim.advanceTo(at(1000));
    expect(counts()).toEqual(['InProgress', 0, 0, 0]);
    sim.advanceTo(at(2500));
    expect(counts()).toEqual(['InProgress', 2, 1, 0]);
    sim.advanceTo(at(3000));
    expect(counts()).toEqual(['InProgress', 3, 1, 1]);
    sim.advanceTo(at(4500));
    expect(counts()).toEqual(['Failed', 4, 2, 1]);
  });

  it('echoes the request: targets, S3 output, notification and CloudWatch settings', () => {
    const sim = newSim();
    sim.sendCommand({
      documentName: 'AWS-RunShellScript',
      targets: [{ Key: 'tag:Role', Values: ['web'] }],
      outputS3BucketName: 'bucket',
      outputS3KeyPrefix: 'prefix',
      serviceRoleArn: 'arn:aws:iam::123456789012:role/sns',
      notificationConfig: { NotificationArn: 'arn:aws:sns:us-east-1:123456789012:topic', NotificationEvents: ['All'], NotificationType: 'Command' },
      cloudWatchOutputConfig: { CloudWatchLogGroupName: 'ssm', CloudWatchOutputEnabled: true },
      timeoutSeconds: 600,
      invocations: [{ instanceId: 'i-0123456789abcdef0' }],
    });
    expect(sim.truth().commands[0]).toMatchObject({
      InstanceIds: [],
      Targets: [{ Key: 'tag:Role', Values: ['web'] }],
      OutputS3BucketName: 'bucket',
      ServiceRole: 'arn:aws:iam::123456789012:role/sns',
      TimeoutSeconds: 600,
      ExpiresAfter: at((600 + 3600) * 1000),
      CloudWatchOutputConfig: { CloudWatchLogGroupName: 'ssm', CloudWatchOutputEnabled: true },
    });
    expect(sim.truth().invocations[0]?.NotificationConfig?.NotificationType).toBe('Command');
  });
});

describe('events', () => {
  it('emits EventBridge events in AWS shapes for every command and invocation status change', () => {
    const sim = new SsmSimulator({ clock: new VirtualClock(new Date('2016-07-10T21:51:30.049Z')) });
    sim.sendCommand(twoNodes);
    sim.runToCompletion();
    const bridge = parsed(sim.events, 'eventbridge');
    const commandEvents = bridge.filter((e) => e['detail-type'] === COMMAND_DETAIL_TYPE);
    expect(commandEvents.map((e) => (e['detail'] as { status: string }).status)).toEqual(['Pending', 'InProgress', 'Success']);
    expect(Object.keys(commandEvents[2] ?? {})).toEqual(['version', 'id', 'detail-type', 'source', 'account', 'time', 'region', 'resources', 'detail']);
    expect(commandEvents[2]).toEqual({
      version: '0',
      id: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/),
      'detail-type': 'EC2 Command Status-change Notification',
      source: 'aws.ssm',
      account: '123456789012',
      time: '2016-07-10T21:51:44Z',
      region: 'us-east-1',
      resources: ['arn:aws:ec2:us-east-1:123456789012:instance/i-abcd1111', 'arn:aws:ec2:us-east-1:123456789012:instance/i-abcd2222'],
      detail: {
        'command-id': 'e8d3c0e4-71f7-4491-898f-c9b35bee5f3b',
        'document-name': 'AWS-RunPowerShellScript',
        'expire-after': '2016-07-10T23:51:30.049Z',
        parameters: { executionTimeout: ['3600'], commands: ['date'] },
        'requested-date-time': '2016-07-10T21:51:30.049Z',
        status: 'Success',
      },
    });

    const first = bridge.filter((e) => e['detail-type'] === INVOCATION_DETAIL_TYPE && (e['detail'] as Record<string, string>)['instance-id'] === 'i-abcd1111');
    expect(first.map((e) => (e['detail'] as { status: string }).status)).toEqual(['Pending', 'InProgress', 'Success']);
    expect(first[1]).toMatchObject({
      resources: ['arn:aws:ec2:us-east-1:123456789012:instance/i-abcd1111'],
      time: '2016-07-10T21:51:32Z',
      detail: {
        'command-id': 'e8d3c0e4-71f7-4491-898f-c9b35bee5f3b',
        'document-name': 'AWS-RunPowerShellScript',
        'instance-id': 'i-abcd1111',
        'requested-date-time': '2016-07-10T21:51:30.049Z',
        status: 'InProgress',
      },
    });
    expect(Object.keys((first[1]?.['detail'] as object) ?? {})).toEqual(['command-id', 'document-name', 'instance-id', 'requested-date-time', 'status']);
    const second = bridge.filter((e) => (e['detail'] as Record<string, string>)['instance-id'] === 'i-abcd2222');
    expect(second.map((e) => (e['detail'] as { status: string }).status)).toEqual(['Pending', 'Delayed', 'InProgress', 'Success']);
    const times = sim.events.map((e) => e.time.getTime());
    expect([...times].sort((a, b) => a - b)).toEqual(times);
  });

  it('sends SNS Command notifications in the SNS envelope, without Pending', () => {
    const sim = newSim();
    const topic = 'arn:aws:sns:us-east-1:123456789012:ssm-status';
    sim.sendCommand({
      ...twoNodes,
      outputS3BucketName: 'amzn-s3-demo-bucket',
      outputS3KeyPrefix: 'runcommand',
      notificationConfig: { NotificationArn: topic, NotificationEvents: ['All'], NotificationType: 'Command' },
    });
    sim.runToCompletion();
    const sns = parsed(sim.events, 'sns');
    expect(sns).toHaveLength(2);
    expect(Object.keys(sns[0] ?? {})).toEqual([
      'Type', 'MessageId', 'TopicArn', 'Subject', 'Message', 'Timestamp', 'SignatureVersion', 'Signature', 'SigningCertURL', 'UnsubscribeURL',
    ]);
    expect(sns[0]).toMatchObject({ Type: 'Notification', TopicArn: topic, SignatureVersion: '1', Timestamp: '2024-06-03T09:00:02.000Z' });
    expect(String(sns[0]?.['UnsubscribeURL'])).toContain(`SubscriptionArn=${topic}:`);
    expect(String(sns[0]?.['SigningCertURL'])).toMatch(/^https:\/\/sns\.us-east-1\.amazonaws\.com\/SimpleNotificationService-[0-9a-f]{32}\.pem$/);
    const messages = sns.map((e) => JSON.parse(String(e['Message'])) as Record<string, unknown>);
    expect(messages.map((m) => m['status'])).toEqual(['InProgress', 'Success']);
    expect(messages[1]).toEqual({
      commandId: 'e8d3c0e4-71f7-4491-898f-c9b35bee5f3b',
      documentName: 'AWS-RunPowerShellScript',
      instanceIds: ['i-abcd1111', 'i-abcd2222'],
      requestedDateTime: '2024-06-03T09:00:00Z',
      expiresAfter: '2024-06-03T11:00:00Z',
      outputS3BucketName: 'amzn-s3-demo-bucket',
      outputS3KeyPrefix: 'runcommand',
      status: 'Success',
      eventTime: '2024-06-03T09:00:14Z',
    });
  });

  it('sends SNS Invocation notifications only for the NotificationEvents asked for', () => {
    const sim = new SsmSimulator({ clock: new VirtualClock(new Date('2019-04-25T18:06:12.17Z')) });
    sim.sendCommand({
      documentName: 'AWS-RunPowerShellScript',
      notificationConfig: { NotificationArn: 'arn:aws:sns:us-east-1:123456789012:t', NotificationEvents: ['Failed', 'TimedOut'], NotificationType: 'Invocation' },
      invocations: [
        { instanceId: 'i-1234567890abcdef0', outcome: 'Failed', durationMs: 236 },
        { instanceId: 'i-1234567890abcdef1' },
        { instanceId: 'i-1234567890abcdef2', outcome: 'DeliveryTimedOut' },
      ],
    });
    sim.runToCompletion();
    const messages = parsed(sim.events, 'sns').map((e) => JSON.parse(String(e['Message'])) as Record<string, unknown>);
    expect(messages).toEqual([
      { commandId: expect.any(String), documentName: 'AWS-RunPowerShellScript', instanceId: 'i-1234567890abcdef2', requestedDateTime: '2019-04-25T18:06:12.17Z', status: 'TimedOut', eventTime: '2019-04-25T18:06:13.17Z' },
      { commandId: expect.any(String), documentName: 'AWS-RunPowerShellScript', instanceId: 'i-1234567890abcdef0', requestedDateTime: '2019-04-25T18:06:12.17Z', status: 'Failed', eventTime: '2019-04-25T18:06:13.406Z' },
    ]);
    expect(parsed(sim.events, 'eventbridge').some((e) => e['detail-type'] === COMMAND_DETAIL_TYPE)).toBe(true);
  });

  it('calls listeners with the same events it records, until unsubscribed', () => {
    const sim = newSim();
    const heard: SimulatorEvent[] = [];
    const stop = sim.onEvent((e) => heard.push(e));
    sim.sendCommand(twoNodes);
    sim.advanceTo(at(3000));
    expect(heard).toEqual(sim.events);
    stop();
    sim.runToCompletion();
    expect(sim.events.length).toBeGreaterThan(heard.length);
    sim.clearEvents();
    expect(sim.events).toHaveLength(0);
  });

  it('repeats exactly for the same seed', () => {
    const run = (): string[] => {
      const sim = new SsmSimulator({ clock: new VirtualClock(T0), seed: 9 });
      sim.sendCommand({ ...twoNodes, commandId: undefined, notificationConfig: { NotificationArn: 'arn:aws:sns:us-east-1:1:t', NotificationEvents: ['All'], NotificationType: 'Invocation' } });
      sim.runToCompletion();
      return sim.events.map((e) => e.body);
    };
    expect(run()).toEqual(run());
  });
});

describe('forgetting history', () => {
  it('forgetBefore drops old commands, as SSM does after 30 days', () => {
    const sim = newSim();
    const old = sim.sendCommand({ documentName: 'AWS-RunShellScript', invocations: [{ instanceId: 'i-0123456789abcdef0' }] });
    sim.advanceBy(31 * 24 * 60 * MINUTE);
    const recent = sim.sendCommand({ documentName: 'AWS-RunShellScript', invocations: [{ instanceId: 'i-0123456789abcdef0' }] });
    sim.runToCompletion();
    expect(sim.forgetBefore(new Date(sim.now().getTime() - 30 * 24 * 60 * MINUTE))).toBe(1);
    const truth = sim.truth();
    expect(truth.commands.map((c) => c.CommandId)).toEqual([recent]);
    expect(truth.invocations.map((i) => i.CommandId)).toEqual([recent]);
    expect(truth.pluginOutputs.every((p) => p.commandId !== old)).toBe(true);
  });

  it('forgetCommand drops one command and its pending changes emit nothing', () => {
    const sim = newSim();
    const id = sim.sendCommand({ documentName: 'AWS-RunShellScript', invocations: [{ instanceId: 'i-0123456789abcdef0', startAtMs: MINUTE }] });
    const before = sim.events.length;
    expect(sim.forgetCommand(id)).toBe(true);
    expect(sim.forgetCommand(id)).toBe(false);
    sim.advanceBy(10 * MINUTE);
    expect(sim.events).toHaveLength(before);
    expect(sim.truth().commands).toEqual([]);
  });
});
