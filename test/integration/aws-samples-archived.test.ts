import {
  DescribeMaintenanceWindowExecutionTasksCommand,
  GetCommandInvocationCommand,
  ListCommandInvocationsCommand,
  SSMClient,
  type GetCommandInvocationResult,
  type MaintenanceWindowExecutionTaskIdentity,
} from '@aws-sdk/client-ssm';
import { Collector, type QueueMessage } from '../../lambdas/collector/collector';
import { SsmSimulator } from '../../local/ssm-simulator';
import type { ApiHandler } from '../../lambdas/query/http';
import { serveApi, type ServedApi } from '../../lambdas/query/node-http';
import { createQueryApi } from '../../lambdas/query/router';
import { historySources } from '../../lambdas/sources';
import { RecordStore, type StoredItem } from '../../lambdas/store/record-store';
import { DEFAULT_COLLECT_SETTINGS, type CollectSettings } from '../../lambdas/core/model';
import { startDynalite, type TestDatabase } from '../support/databases';
import { silentLog as silent } from '../support/silent-log';
import { tableSchemas } from '../../lambdas/sources/tables';

/**
 * AWS's own sample responses (the GetCommandInvocation and DescribeMaintenanceWindowExecutionTasks API references) served by the SSM simulator,
 * collected from an EventBridge event in AWS's shape through the collector into dynalite,
 * then, with SSM having forgotten them, answered by the archive's SSM-compatible endpoint
 * through the real SDK: the same answer as SSM's, field for field.
 */
const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };
const FAR_FUTURE = new Date(8.64e15);

function client(endpoint: string): SSMClient {
  return new SSMClient({ endpoint, region: 'us-east-1', credentials, maxAttempts: 1 });
}

const withoutMetadata = <T extends { $metadata?: unknown }>({ $metadata: _ignored, ...rest }: T): Omit<T, '$metadata'> => rest;

/** the GetCommandInvocation API reference: the get-command-invocation example output, exactly as the AWS CLI page prints it. */
const PRINTED_001 = `{
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
/** Its times are strings in the SDK too: the printed JSON is the SDK's answer. */
const SAMPLE_001 = JSON.parse(PRINTED_001) as GetCommandInvocationResult;
const COMMAND_ID = 'ef7fdfd8-9b57-4151-a15c-db9a12345678';
const INSTANCE_ID = 'i-1234567890abcdef0';
/** Not in the sample: a second before the plugin started. */
const REQUESTED_001 = new Date('2020-02-19T18:18:02.419Z');

/** the DescribeMaintenanceWindowExecutionTasks API reference: the DescribeMaintenanceWindowExecutionTasks sample response, as SDK records. */
const WINDOW_ID = 'mw-0123456789abcdef0';
const EXECUTION_ID_004 = 'a06e9f91-3b9c-4c3e-8bd4-246ccEXAMPLE';
const SAMPLE_004: MaintenanceWindowExecutionTaskIdentity = {
  WindowExecutionId: EXECUTION_ID_004,
  TaskExecutionId: 'f407ba63-998f-4b89-8467-279fcEXAMPLE',
  Status: 'SUCCESS',
  StartTime: new Date('2024-08-04T11:35:35.145000-07:00'),
  EndTime: new Date('2024-08-04T11:38:09.062000-07:00'),
  TaskArn: 'AWS-RunPatchBaseline',
  TaskType: 'RUN_COMMAND',
};

describe("AWS's sample responses, served by the simulator and archived unchanged", () => {
  let database: TestDatabase;
  let simulator: SsmSimulator;
  let ssm: SSMClient;
  let store: RecordStore;
  let collector: Collector;
  let served: ServedApi;
  let archive: SSMClient;

  beforeAll(async () => {
    database = await startDynalite();
  });
  afterAll(async () => {
    await database.stop();
  });
  beforeEach(async () => {
    simulator = new SsmSimulator({ seed: 9 });
    const { endpoint } = await simulator.listen();
    ssm = client(endpoint);
    const tables = await database.tables(`samples${Math.floor(Math.random() * 1e6)}`);
    store = new RecordStore(database.doc, tableSchemas, tables);
    collector = new Collector({ sources: historySources, clients: { ssm }, store, logger: silent, parentConcurrency: 2 });
    const api: ApiHandler = createQueryApi({ db: database.doc, tableNames: tables, pageTokenKey: 'aws-samples', now: () => simulator.now() });
    served = await serveApi(api);
    archive = client(served.url);
  });
  afterEach(async () => {
    ssm.destroy();
    archive.destroy();
    await served.close();
    await simulator.close();
  });

  /** Delivers the messages as one batch; returns why each refused message was refused. */
  async function collect(...bodies: string[]): Promise<Record<string, string>> {
    const batch: QueueMessage[] = bodies.map((body, i) => ({ id: `m${i}`, body }));
    return Object.fromEntries((await collector.collect(batch)).failureReasons);
  }

  /**
   * Seeds the get-command-invocation example (its invocation with `status`), delivers the
   * command's terminal event to a collector with these settings, makes SSM forget, and
   * returns the archive's GetCommandInvocation answer, the stored item, and the SSM calls made.
   */
  async function archivedSample001(status: 'Success' | 'Failed', settings: CollectSettings): Promise<{ answer: unknown; stored: StoredItem | undefined; getCalls: number }> {
    const sample: GetCommandInvocationResult = { ...SAMPLE_001, Status: status, StatusDetails: status, ResponseCode: status === 'Success' ? 0 : 1 };
    collector = new Collector({ sources: historySources, clients: { ssm }, store, logger: silent, parentConcurrency: 2, settings });
    simulator.seedCommandInvocation({
      invocation: {
        CommandId: COMMAND_ID,
        InstanceId: INSTANCE_ID,
        InstanceName: '',
        Comment: sample.Comment,
        DocumentName: sample.DocumentName,
        DocumentVersion: sample.DocumentVersion,
        RequestedDateTime: REQUESTED_001,
        Status: status,
        StatusDetails: status,
        TraceOutput: '',
        StandardOutputUrl: '',
        StandardErrorUrl: '',
        ServiceRole: '',
        NotificationConfig: { NotificationArn: '', NotificationEvents: [] },
        CloudWatchOutputConfig: sample.CloudWatchOutputConfig,
      },
      pluginOutputs: [sample],
    });
    const request = { CommandId: COMMAND_ID, InstanceId: INSTANCE_ID };
    expect(withoutMetadata(await ssm.send(new GetCommandInvocationCommand(request)))).toEqual(sample);
    const listedBySsm = withoutMetadata(await ssm.send(new ListCommandInvocationsCommand({ CommandId: COMMAND_ID, Details: true })));

    // The command's terminal status event, as EventBridge delivers it (test/fixtures/aws/command-status-change.json).
    const refused = await collect(
      JSON.stringify({
        version: '0',
        id: '6a7e8feb-b491-4cf7-a9f1-bf3703467718',
        'detail-type': 'EC2 Command Status-change Notification',
        source: 'aws.ssm',
        account: '123456789012',
        time: '2020-02-19T18:18:04Z',
        region: 'us-east-1',
        resources: [`arn:aws:ec2:us-east-1:123456789012:instance/${INSTANCE_ID}`],
        detail: {
          'command-id': COMMAND_ID,
          'document-name': 'AWS-UpdateSSMAgent',
          'expire-after': new Date(REQUESTED_001.getTime() + 2 * 3600 * 1000).toISOString(),
          parameters: {},
          'requested-date-time': REQUESTED_001.toISOString(),
          status,
        },
      }),
    );
    expect(refused).toEqual({});
    const getCalls = (simulator.stats()['GetCommandInvocation']?.calls ?? 0) - 1;

    expect(simulator.forgetBefore(FAR_FUTURE)).toBe(1);
    await expect(ssm.send(new GetCommandInvocationCommand(request))).rejects.toMatchObject({ name: 'InvocationDoesNotExist' });
    expect(withoutMetadata(await archive.send(new ListCommandInvocationsCommand({ CommandId: COMMAND_ID, Details: true })))).toEqual(listedBySsm);
    const answer = withoutMetadata(await archive.send(new GetCommandInvocationCommand(request)));
    expect(withoutMetadata(await archive.send(new GetCommandInvocationCommand({ ...request, PluginName: 'aws:updateSsmAgent' })))).toEqual(answer);
    return { answer, stored: await store.get('commandInvocations', request), getCalls };
  }

  it('001: a failed invocation of the get-command-invocation example is answered exactly as SSM did, ExecutionElapsedTime included', async () => {
    // SSM's ExecutionElapsedTime is not end - start: the sample says PT0.091S with start == end.
    // The collector reads GetCommandInvocation for every plugin of a failed invocation, so the
    // archive keeps SSM's own answer.
    const { answer, stored, getCalls } = await archivedSample001('Failed', DEFAULT_COLLECT_SETTINGS);
    expect(answer).toEqual({ ...SAMPLE_001, Status: 'Failed', StatusDetails: 'Failed', ResponseCode: 1 });
    expect(getCalls).toBe(1);
    expect(stored?.['derivedPluginAnswers']).toBeUndefined();
  });

  it('001: a successful one is derived by default (ExecutionElapsedTime end - start), and marked derived in the record', async () => {
    const derived = await archivedSample001('Success', DEFAULT_COLLECT_SETTINGS);
    // Not read (the listed output is whole): rebuilt from the listed plugin, which carries only the two times.
    expect(derived.getCalls).toBe(0);
    expect(derived.answer).toEqual({ ...SAMPLE_001, ExecutionElapsedTime: 'PT0S' });
    expect(derived.stored?.['derivedPluginAnswers']).toEqual(['aws:updateSsmAgent']);
  });

  it('001: with invocationDetail all, a successful invocation is answered exactly as SSM did', async () => {
    const exact = await archivedSample001('Success', { invocationDetail: 'all' });
    expect(exact.getCalls).toBe(1);
    expect(exact.answer).toEqual(SAMPLE_001);
    expect(exact.stored?.['derivedPluginAnswers']).toBeUndefined();
  });

  it('004: DescribeMaintenanceWindowExecutionTasks of the sample execution, from the archive after SSM forgot it', async () => {
    simulator.seedMaintenanceWindowExecution({
      windowId: WINDOW_ID,
      execution: { WindowExecutionId: EXECUTION_ID_004, Status: 'SUCCESS', StartTime: SAMPLE_004.StartTime, EndTime: SAMPLE_004.EndTime },
      tasks: [{ task: SAMPLE_004 }],
    });
    const request = { WindowExecutionId: EXECUTION_ID_004 };
    const fromSsm = withoutMetadata(await ssm.send(new DescribeMaintenanceWindowExecutionTasksCommand(request)));
    expect(fromSsm).toEqual({ WindowExecutionTaskIdentities: [SAMPLE_004] });

    // The execution's terminal state-change event, as EventBridge delivers it
    // (test/fixtures/aws/maintenance-window-execution-state-change.json).
    const event = JSON.stringify({
        version: '0',
        id: '3f1c2d9e-5b7a-4c8d-9e0f-1a2b3c4d5e6f',
        'detail-type': 'Maintenance Window Execution State-change Notification',
        source: 'aws.ssm',
        account: '123456789012',
        time: '2024-08-04T18:38:10Z',
        region: 'us-east-1',
        resources: [`arn:aws:ssm:us-east-1:123456789012:maintenancewindow/${WINDOW_ID}`],
        detail: {
          'start-time': SAMPLE_004.StartTime?.toISOString(),
          'end-time': SAMPLE_004.EndTime?.toISOString(),
          'window-id': WINDOW_ID,
          'window-execution-id': EXECUTION_ID_004,
          status: 'SUCCESS',
        },
      });
    // The event alone archives the sample: the window execution's record, its task.
    expect(await collect(event)).toEqual({});

    expect(simulator.forgetMaintenanceWindowExecutionsBefore(FAR_FUTURE)).toBe(1);
    await expect(ssm.send(new DescribeMaintenanceWindowExecutionTasksCommand(request))).rejects.toMatchObject({ name: 'DoesNotExistException' });

    expect(withoutMetadata(await archive.send(new DescribeMaintenanceWindowExecutionTasksCommand(request)))).toEqual(fromSsm);
  });
});
