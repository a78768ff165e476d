import { ListCommandInvocationsCommand, SSMClient, type ListCommandInvocationsCommandInput } from '@aws-sdk/client-ssm';
import { serveApi, type ServedApi } from '../../lambdas/query/node-http';
import { createQueryApi } from '../../lambdas/query/router';
import { SsmSimulator, VirtualClock } from '../../local/ssm-simulator';
import { startDynalite, type TestDatabase } from '../support/databases';
import { collectEvents } from './archive-fixture';

/**
 * ListCommandInvocations' order, pinned against the responses AWS published:
 * - the AWS CLI reference example for list-command-invocations (awscli/examples/ssm/
 *   list-command-invocations.rst) lists i-02573cafcfEXAMPLE (RequestedDateTime
 *   1582136283.089) before i-0471e04240EXAMPLE (1582136283.02): not InstanceId descending;
 * - the raw response quoted in aws/aws-cli issue 3707 lists i-fb2e7573 (1541991535.040) before
 *   i-c2ae174e (1541991534.977), and i-fb2e7573 (1542081640.840) before i-82069b0e
 *   (1542081640.614): not InstanceId ascending.
 * Both fit newest RequestedDateTime first, which the simulator plays and the archive keeps,
 * page by page.
 */
const CLI_EXAMPLE = 'ef7fdfd8-9b57-4151-a15c-db9a12345678';
const ISSUE_OLDER = 'd90acd7c-2e59-473f-b9da-bf15f5deb788';
const ISSUE_NEWER = '4cd8154a-ab72-45ea-9769-c88837b8b58e';
const SHARED = 'i-fb2e7573';

function client(endpoint: string): SSMClient {
  return new SSMClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' }, maxAttempts: 1 });
}

/** Every invocation a listing gives, one per page, as CommandId/InstanceId. */
async function listedOneByOne(ssm: SSMClient, input: ListCommandInvocationsCommandInput): Promise<string[]> {
  const listed: string[] = [];
  let token: string | undefined;
  do {
    const page = await ssm.send(new ListCommandInvocationsCommand({ ...input, MaxResults: 1, ...(token !== undefined ? { NextToken: token } : {}) }));
    listed.push(...(page.CommandInvocations ?? []).map((i) => `${i.CommandId}/${i.InstanceId}`));
    token = page.NextToken;
  } while (token !== undefined);
  return listed;
}

describe("ListCommandInvocations' order, as AWS's published responses show it", () => {
  let database: TestDatabase;
  let sim: SsmSimulator;
  let served: ServedApi;
  let ssm: SSMClient;
  let archive: SSMClient;

  beforeAll(async () => {
    sim = new SsmSimulator({ clock: new VirtualClock(new Date('2020-02-20T00:00:00.000Z')), seed: 3 });
    const send = (commandId: string, at: number, invocations: readonly [string, number][]): void => {
      sim.sendCommand({
        commandId,
        documentName: 'AWS-RunPatchBaseline',
        requestedAt: new Date(at),
        plugins: [{ name: 'PatchLinux' }],
        invocations: invocations.map(([instanceId, requestedAt]) => ({ instanceId, requestedAtMs: requestedAt - at })),
      });
    };
    send(ISSUE_OLDER, 1541991534977, [[SHARED, 1541991535040], ['i-c2ae174e', 1541991534977]]);
    send(ISSUE_NEWER, 1542081640614, [[SHARED, 1542081640840], ['i-82069b0e', 1542081640614]]);
    send(CLI_EXAMPLE, 1582136283020, [['i-02573cafcfEXAMPLE', 1582136283089], ['i-0471e04240EXAMPLE', 1582136283020]]);
    sim.runToCompletion();
    const { endpoint } = await sim.listen();
    database = await startDynalite();
    const tables = await database.tables('documented-order');
    await collectEvents(sim, endpoint, database, tables);
    served = await serveApi(createQueryApi({ db: database.doc, tableNames: tables, pageTokenKey: 'documented-order', now: () => sim.now() }));
    ssm = client(endpoint);
    archive = client(served.url);
  });

  afterAll(async () => {
    ssm.destroy();
    archive.destroy();
    await served.close();
    await sim.close();
    await database.stop();
  });

  it.each([
    ['one command (the CLI example)', { CommandId: CLI_EXAMPLE }, [`${CLI_EXAMPLE}/i-02573cafcfEXAMPLE`, `${CLI_EXAMPLE}/i-0471e04240EXAMPLE`]],
    ['one command (aws-cli issue 3707)', { CommandId: ISSUE_OLDER }, [`${ISSUE_OLDER}/${SHARED}`, `${ISSUE_OLDER}/i-c2ae174e`]],
    ['one node', { InstanceId: SHARED }, [`${ISSUE_NEWER}/${SHARED}`, `${ISSUE_OLDER}/${SHARED}`]],
    [
      'everything: commands newest first, each command newest invocation first',
      {},
      [
        `${CLI_EXAMPLE}/i-02573cafcfEXAMPLE`,
        `${CLI_EXAMPLE}/i-0471e04240EXAMPLE`,
        `${ISSUE_NEWER}/${SHARED}`,
        `${ISSUE_NEWER}/i-82069b0e`,
        `${ISSUE_OLDER}/${SHARED}`,
        `${ISSUE_OLDER}/i-c2ae174e`,
      ],
    ],
  ])('%s: SSM and the archive list in the documented order, page by page', async (_name, input, expected) => {
    expect(await listedOneByOne(ssm, input)).toEqual(expected);
    expect(await listedOneByOne(archive, input)).toEqual(expected);
  });

  it('keeps each invocation its own RequestedDateTime, as SSM gave it', async () => {
    const { CommandInvocations } = await archive.send(new ListCommandInvocationsCommand({ CommandId: ISSUE_NEWER }));
    expect(CommandInvocations?.map((i) => i.RequestedDateTime?.getTime())).toEqual([1542081640840, 1542081640614]);
  });
});
