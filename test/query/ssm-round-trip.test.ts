import { GetCommandInvocationCommand, SSMClient, type GetCommandInvocationCommandInput } from '@aws-sdk/client-ssm';
import { serveApi, type ServedApi } from '../../lambdas/query/node-http';
import { createQueryApi } from '../../lambdas/query/router';
import { startDynalite, type TestDatabase } from '../support/databases';
import { withoutMetadata } from '../ssm-simulator/sdk-client';
import { awsSsmJson } from '../support/aws-cli';
import { buildArchive, type ArchiveFixture } from './archive-fixture';
import { commandPages, invocationPages, listCommandsRequests, listInvocationsRequests, type ListedPage } from './ssm-requests';

/**
 * The archive's SSM-compatible endpoint against SSM itself (the simulator), through the real
 * SDK client and the AWS CLI: for the same requests, the same pages (records field for
 * field, the same page sizes, a NextToken exactly where SSM gives one), and the same
 * GetCommandInvocation answers; then again after SSM has forgotten everything. (The
 * listings also run against DynamoDB Local: ssm-round-trip-dynamodb-local.test.ts.)
 */
const FAR_FUTURE = new Date(8.64e15);

function client(endpoint: string): SSMClient {
  return new SSMClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' }, maxAttempts: 1 });
}

const aws = awsSsmJson;

describe('the SSM-compatible endpoint over an archive in dynalite', () => {
  let database: TestDatabase;
  let fx: ArchiveFixture;
  let served: ServedApi;
  let ssm: SSMClient;
  let archive: SSMClient;
  /** What SSM answered before it forgot, by request name. */
  const recorded = new Map<string, unknown>();
  let getRequests: [string, GetCommandInvocationCommandInput][] = [];

  beforeAll(async () => {
    database = await startDynalite();
    fx = await buildArchive(database);
    served = await serveApi(createQueryApi({ db: database.doc, tableNames: fx.tables, pageTokenKey: 'round-trip', now: () => fx.sim.now() }));
    ssm = client(fx.simulatorEndpoint);
    archive = client(served.url);
    getRequests = fx.sim.truth().pluginOutputs.flatMap(({ commandId, instanceId, pluginName }): [string, GetCommandInvocationCommandInput][] => {
      const named: [string, GetCommandInvocationCommandInput] = [`${commandId}/${instanceId}/${pluginName}`, { CommandId: commandId, InstanceId: instanceId, PluginName: pluginName }];
      // One-step documents need no PluginName; ask both ways for a few.
      return commandId === fx.fleet ? [named] : [named, [`${commandId}/${instanceId}`, { CommandId: commandId, InstanceId: instanceId }]];
    });
  });
  afterAll(async () => {
    ssm.destroy();
    archive.destroy();
    await served.close();
    await fx.stop();
    await database.stop();
  });

  async function getResult(target: SSMClient, input: GetCommandInvocationCommandInput): Promise<unknown> {
    return target.send(new GetCommandInvocationCommand(input)).then(
      (output) => withoutMetadata(output),
      (error: unknown) => ({ error: (error as Error).name }),
    );
  }

  it('lists commands page for page as SSM does', async () => {
    const sizes: Record<string, number> = {};
    for (const [name, input] of listCommandsRequests(fx)) {
      const expected = await commandPages(ssm, input);
      recorded.set(`ListCommands ${name}`, expected);
      sizes[name] = expected.reduce((sum, page) => sum + page.items.length, 0);
      expect({ name, pages: await commandPages(archive, input) }).toEqual({ name, pages: expected });
    }
    // The requests are not vacuous: filters select, and some listings take several pages.
    expect(sizes).toMatchObject({ all: 5, 'by InstanceId, 1 a page': 4, 'by InstanceId, tied commands': 2, 'Status Failed': 4, 'Status Cancelled': 1, 'ExecutionStage Executing': 0 });
    expect(sizes['InvokedBefore (exclusive)']).toBe(1);
  });

  it('lists invocations page for page as SSM does, with and without Details, by command, by node, by both and neither', async () => {
    const sizes: Record<string, number> = {};
    for (const [name, input] of listInvocationsRequests(fx)) {
      const expected = await invocationPages(ssm, input);
      recorded.set(`ListCommandInvocations ${name}`, expected);
      sizes[name] = expected.reduce((sum, page) => sum + page.items.length, 0);
      expect({ name, pages: await invocationPages(archive, input) }).toEqual({ name, pages: expected });
    }
    expect(sizes).toMatchObject({ 'all, Details': 370, 'by CommandId (320 invocations), Details': 320, 'by InstanceId, 2 a page, Details': 4 });
    for (const status of ['Success', 'Failed', 'TimedOut', 'DeliveryTimedOut', 'ExecutionTimedOut', 'Undeliverable', 'Cancelled', 'Terminated']) {
      expect(sizes[`Status ${status}, Details`]).toBeGreaterThan(0);
      expect(sizes[`Status ${status}, Details`]).toBeLessThan(370);
    }
  });

  it('answers GetCommandInvocation as SSM does for every plugin: saved full outputs and rebuilt ones', async () => {
    expect(getRequests.length).toBeGreaterThan(400);
    for (const [name, input] of getRequests) {
      const expected = await getResult(ssm, input);
      recorded.set(`GetCommandInvocation ${name}`, expected);
      expect({ name, result: await getResult(archive, input) }).toEqual({ name, result: expected });
    }
    // Both sources of the answer were exercised: SSM's saved answer for cut outputs, and rebuilt ones.
    expect(recorded.get(`GetCommandInvocation ${fx.twoStep}/i-0bbbbbbbbbbbbbbb1/install`)).toMatchObject({ StandardOutputContent: 'x'.repeat(24_000) });
    expect(recorded.get(`GetCommandInvocation ${fx.tagged}/i-0bbbbbbbbbbbbbbb1`)).toMatchObject({
      StandardOutputContent: 'out\n',
      StandardErrorContent: 'warning: deprecated\n',
    });
  });

  it('gives the AWS CLI what SSM gives it', async () => {
    const calls = (endpoint: string): Promise<unknown>[] => [
      aws(endpoint, 'list-commands'),
      aws(endpoint, 'list-command-invocations', '--details', '--page-size', '40'),
      aws(endpoint, 'get-command-invocation', '--command-id', fx.twoStep, '--instance-id', 'i-0bbbbbbbbbbbbbbb2', '--plugin-name', 'verify'),
    ];
    const [fromSsm, fromArchive] = await Promise.all([Promise.all(calls(fx.simulatorEndpoint)), Promise.all(calls(served.url))]);
    expect(fromArchive).toEqual(fromSsm);
    const [, listed] = fromSsm as [unknown, { CommandInvocations: unknown[] }];
    expect(listed.CommandInvocations).toHaveLength(370);
    recorded.set('cli list-command-invocations --details', listed);
  });

  it('answers the same after SSM has forgotten every command', async () => {
    expect(recorded.size).toBeGreaterThan(100);
    expect(fx.sim.forgetBefore(FAR_FUTURE)).toBe(5);
    expect(await commandPages(ssm, {})).toEqual([{ items: [], more: false }]);

    for (const [name, input] of listCommandsRequests(fx)) {
      expect({ name, pages: await commandPages(archive, input) }).toEqual({ name, pages: recorded.get(`ListCommands ${name}`) as ListedPage[] });
    }
    for (const [name, input] of listInvocationsRequests(fx)) {
      expect({ name, pages: await invocationPages(archive, input) }).toEqual({ name, pages: recorded.get(`ListCommandInvocations ${name}`) as ListedPage[] });
    }
    for (const [name, input] of getRequests) {
      expect({ name, result: await getResult(archive, input) }).toEqual({ name, result: recorded.get(`GetCommandInvocation ${name}`) });
    }
    expect(await aws(served.url, 'list-command-invocations', '--details')).toEqual(recorded.get('cli list-command-invocations --details'));
  });
});
