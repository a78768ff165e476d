import {
  GetCommandInvocationCommand,
  InvalidCommandId,
  InvocationDoesNotExist,
  ListCommandInvocationsCommand,
  ListCommandsCommand,
  type CommandInvocation,
  type GetCommandInvocationResult,
  type SSMClient,
} from '@aws-sdk/client-ssm';
import { SsmSimulator, type CommandInvocationSeed } from '../../local/ssm-simulator';
import { ssmClient, withoutMetadata } from './sdk-client';

/**
 * seedCommandInvocation: exact Run Command records loaded into the simulator and served as
 * given through the real SDK (and byte for byte over the wire), here AWS's
 * get-command-invocation example (the GetCommandInvocation API reference).
 */

/** The example output exactly as the AWS CLI page prints it. */
const PRINTED_SAMPLE = `{
    "CommandId": "ef7fdfd8-9b57-4151-a15c-db9a12345678",
    "InstanceId": "i-1234567890abcdef0",
    "Comment": "b48291dd-ba76-43e0-b9df-13e11ddaac26:6960febb-2907-4b59-8e1a-d6ce8EXAMPLE",
    "DocumentName": "AWS-UpdateSSMAgent",
    "DocumentVersion": "",
    "PluginName": "aws:updateSsmAgent",
    "ResponseCode": 0,
    "ExecutionStartDateTime": "2020-02-19T18:18:03.419Z",
    "ExecutionElapsedTime": "PT0.091S",
    "ExecutionEndDateTime": "2020-02-19T18:18:03.419Z",
    "Status": "Success",
    "StatusDetails": "Success",
    "StandardOutputContent": "Updating amazon-ssm-agent from 2.3.842.0 to latest\\nSuccessfully downloaded https://s3.us-east-2.amazonaws.com/amazon-ssm-us-east-2/ssm-agent-manifest.json\\namazon-ssm-agent 2.3.842.0 has already been installed, update skipped\\n",
    "StandardOutputUrl": "",
    "StandardErrorContent": "",
    "StandardErrorUrl": "",
    "CloudWatchOutputConfig": {
        "CloudWatchLogGroupName": "",
        "CloudWatchOutputEnabled": false
    }
}`;
/** GetCommandInvocation's output has no timestamps (its times are strings): the printed JSON is the SDK's answer. */
const SAMPLE = JSON.parse(PRINTED_SAMPLE) as GetCommandInvocationResult;
const COMMAND_ID = 'ef7fdfd8-9b57-4151-a15c-db9a12345678';
const INSTANCE_ID = 'i-1234567890abcdef0';
/** Not in the sample: a time just before the plugin started. */
const REQUESTED = new Date('2020-02-19T18:18:02.419Z');

/** The listing SSM would give for the sample, field for field (what seedCommandInvocation derives). */
const LISTED: CommandInvocation = {
  CommandId: COMMAND_ID,
  InstanceId: INSTANCE_ID,
  InstanceName: '',
  Comment: SAMPLE.Comment,
  DocumentName: 'AWS-UpdateSSMAgent',
  DocumentVersion: '',
  RequestedDateTime: REQUESTED,
  Status: 'Success',
  StatusDetails: 'Success',
  TraceOutput: '',
  StandardOutputUrl: '',
  StandardErrorUrl: '',
  ServiceRole: '',
  NotificationConfig: { NotificationArn: '', NotificationEvents: [] },
  CloudWatchOutputConfig: { CloudWatchLogGroupName: '', CloudWatchOutputEnabled: false },
};

function sampleSeed(): CommandInvocationSeed {
  return { invocation: { ...LISTED }, pluginOutputs: [{ ...SAMPLE }] };
}

describe('seedCommandInvocation', () => {
  let sim: SsmSimulator;
  let ssm: SSMClient;
  let endpoint: string;

  beforeEach(async () => {
    sim = new SsmSimulator({ seed: 3 });
    endpoint = (await sim.listen()).endpoint;
    ssm = ssmClient(endpoint, 1);
  });
  afterEach(async () => {
    ssm.destroy();
    await sim.close();
  });

  it('serves the get-command-invocation sample exactly: through the SDK, and byte for byte over the wire', async () => {
    expect(sim.seedCommandInvocation(sampleSeed())).toBe(COMMAND_ID);
    expect(sim.events).toEqual([]);
    const output = await ssm.send(new GetCommandInvocationCommand({ CommandId: COMMAND_ID, InstanceId: INSTANCE_ID }));
    expect(withoutMetadata(output)).toEqual(SAMPLE);
    expect(withoutMetadata(await ssm.send(new GetCommandInvocationCommand({ CommandId: COMMAND_ID, InstanceId: INSTANCE_ID, PluginName: 'aws:updateSsmAgent' })))).toEqual(SAMPLE);

    const response = await fetch(endpoint, {
      method: 'POST',
      headers: { 'X-Amz-Target': 'AmazonSSM.GetCommandInvocation', 'Content-Type': 'application/x-amz-json-1.1' },
      body: JSON.stringify({ CommandId: COMMAND_ID, InstanceId: INSTANCE_ID }),
    });
    expect(response.status).toBe(200);
    expect(await response.text()).toBe(JSON.stringify(JSON.parse(PRINTED_SAMPLE)));
  });

  it('lists the invocation with the plugin derived from the sample, and without Details with no plugins', async () => {
    sim.seedCommandInvocation(sampleSeed());
    const plugin = {
      Name: 'aws:updateSsmAgent',
      Status: 'Success',
      StatusDetails: 'Success',
      ResponseCode: 0,
      ResponseStartDateTime: new Date('2020-02-19T18:18:03.419Z'),
      ResponseFinishDateTime: new Date('2020-02-19T18:18:03.419Z'),
      // Under 2,500 characters and no stderr: the agent lists stdout as it is.
      Output: SAMPLE.StandardOutputContent,
      StandardOutputUrl: '',
      StandardErrorUrl: '',
      OutputS3Region: 'us-east-1',
      OutputS3BucketName: '',
      OutputS3KeyPrefix: '',
    };
    const detailed = await ssm.send(new ListCommandInvocationsCommand({ CommandId: COMMAND_ID, Details: true }));
    expect(withoutMetadata(detailed)).toEqual({ CommandInvocations: [{ ...LISTED, CommandPlugins: [plugin] }] });
    const brief = await ssm.send(new ListCommandInvocationsCommand({ CommandId: COMMAND_ID }));
    expect(withoutMetadata(brief)).toEqual({ CommandInvocations: [{ ...LISTED, CommandPlugins: [] }] });
    expect(withoutMetadata(await ssm.send(new ListCommandInvocationsCommand({ InstanceId: INSTANCE_ID, Details: true })))).toEqual(withoutMetadata(detailed));

    const truth = sim.truth();
    expect(truth.invocations).toEqual(detailed.CommandInvocations);
    expect(truth.pluginOutputs).toEqual([
      { commandId: COMMAND_ID, instanceId: INSTANCE_ID, pluginName: 'aws:updateSsmAgent', stdout: SAMPLE.StandardOutputContent, stderr: '', invocation: SAMPLE },
    ]);
  });

  it('derives the command record from the invocation as SendCommand would have made it', async () => {
    sim.seedCommandInvocation(sampleSeed());
    const { Commands } = await ssm.send(new ListCommandsCommand({ CommandId: COMMAND_ID }));
    expect(Commands).toEqual([
      {
        CommandId: COMMAND_ID,
        DocumentName: 'AWS-UpdateSSMAgent',
        DocumentVersion: '',
        Comment: SAMPLE.Comment,
        ExpiresAfter: new Date(REQUESTED.getTime() + 2 * 3600 * 1000),
        Parameters: {},
        InstanceIds: [INSTANCE_ID],
        Targets: [],
        RequestedDateTime: REQUESTED,
        Status: 'Success',
        StatusDetails: 'Success',
        OutputS3Region: 'us-east-1',
        OutputS3BucketName: '',
        OutputS3KeyPrefix: '',
        MaxConcurrency: '50',
        MaxErrors: '0',
        TargetCount: 1,
        CompletedCount: 1,
        ErrorCount: 0,
        DeliveryTimedOutCount: 0,
        ServiceRole: '',
        NotificationConfig: { NotificationArn: '', NotificationEvents: [] },
        CloudWatchOutputConfig: { CloudWatchLogGroupName: '', CloudWatchOutputEnabled: false },
        TimeoutSeconds: 3600,
      },
    ]);
    expect(sim.truth().commands).toEqual(Commands);
    // The filters see the seeded command at its RequestedDateTime, with its status.
    const filtered = async (key: 'InvokedAfter' | 'InvokedBefore' | 'Status', value: string): Promise<number> =>
      (await ssm.send(new ListCommandsCommand({ Filters: [{ key, value }] }))).Commands?.length ?? 0;
    expect(await filtered('InvokedBefore', '2020-02-20T00:00:00Z')).toBe(1);
    expect(await filtered('InvokedAfter', '2020-02-20T00:00:00Z')).toBe(0);
    expect(await filtered('Status', 'Success')).toBe(1);
    expect(await filtered('Status', 'Failed')).toBe(0);
  });

  it('serves a given command record and given plugins as they are, alongside played-out commands', async () => {
    const played = sim.sendCommand({ documentName: 'AWS-RunShellScript', invocations: [{ instanceId: 'i-0aaaaaaaaaaaaaaa1' }] });
    sim.runToCompletion();
    const command = {
      CommandId: COMMAND_ID,
      DocumentName: 'AWS-UpdateSSMAgent',
      RequestedDateTime: REQUESTED,
      Status: 'Success' as const,
      StatusDetails: 'Success',
      TargetCount: 1,
    };
    const listedPlugin = { Name: 'aws:updateSsmAgent', Status: 'Success' as const, Output: 'listed as given' };
    sim.seedCommandInvocation({ command, invocation: { ...LISTED, CommandPlugins: [listedPlugin] }, pluginOutputs: [SAMPLE] });
    const { Commands } = await ssm.send(new ListCommandsCommand({}));
    expect(Commands?.map((c) => c.CommandId)).toEqual([played, COMMAND_ID]);
    expect(Commands?.[1]).toEqual(command);
    const { CommandInvocations } = await ssm.send(new ListCommandInvocationsCommand({ Details: true }));
    expect(CommandInvocations?.[1]).toEqual({ ...LISTED, CommandPlugins: [listedPlugin] });
    expect(withoutMetadata(await ssm.send(new GetCommandInvocationCommand({ CommandId: COMMAND_ID, InstanceId: INSTANCE_ID })))).toEqual(SAMPLE);
  });

  it('forgets seeded records by their RequestedDateTime, and refuses seeds it cannot serve', async () => {
    sim.seedCommandInvocation(sampleSeed());
    expect(() => sim.seedCommandInvocation(sampleSeed())).toThrow(/already exists/);
    expect(() => sim.seedCommandInvocation({ invocation: { ...LISTED, CommandId: undefined }, pluginOutputs: [SAMPLE] })).toThrow(/CommandId/);
    expect(() =>
      sim.seedCommandInvocation({ invocation: { ...LISTED, CommandId: '00000000-0000-4000-8000-000000000000', RequestedDateTime: undefined }, pluginOutputs: [{ ...SAMPLE, CommandId: undefined }] }),
    ).toThrow(/RequestedDateTime/);
    expect(() => sim.seedCommandInvocation({ invocation: { ...LISTED, CommandId: '00000000-0000-4000-8000-000000000003' }, pluginOutputs: [SAMPLE] })).toThrow(/another invocation/);
    expect(() =>
      sim.seedCommandInvocation({
        invocation: { ...LISTED, CommandId: '00000000-0000-4000-8000-000000000001', CommandPlugins: [{ Name: 'other' }] },
        pluginOutputs: [{ ...SAMPLE, CommandId: undefined }],
      }),
    ).toThrow(/PluginNames/);
    expect(() => sim.seedCommandInvocation({ invocation: { ...LISTED, CommandId: '00000000-0000-4000-8000-000000000002' }, pluginOutputs: [] })).toThrow(/plugin output/);

    expect(sim.forgetBefore(REQUESTED)).toBe(0);
    expect(sim.forgetBefore(new Date(REQUESTED.getTime() + 1))).toBe(1);
    await expect(ssm.send(new GetCommandInvocationCommand({ CommandId: COMMAND_ID, InstanceId: INSTANCE_ID }))).rejects.toBeInstanceOf(InvocationDoesNotExist);
    await expect(ssm.send(new ListCommandsCommand({ CommandId: COMMAND_ID }))).rejects.toBeInstanceOf(InvalidCommandId);
    expect(withoutMetadata(await ssm.send(new ListCommandInvocationsCommand({ CommandId: COMMAND_ID })))).toEqual({ CommandInvocations: [] });
  });
});
