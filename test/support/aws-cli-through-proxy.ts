import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import { startProxy, type RunningProxy } from '../../cli/proxy';
import { serveApi, type ServedApi } from '../../lambdas/query/node-http';
import { createQueryApi } from '../../lambdas/query/router';
import { commandInvocationObservation, commandObservation } from '../../lambdas/sources/run-command/records';
import { tableSchemas, type ArchiveTableId, type TableNames } from '../../lambdas/sources/tables';
import { firstItemOf, type StoredItem } from '../../lambdas/store/record-store';
import { SsmSimulator, VirtualClock } from '../../local/ssm-simulator';
import { AWS_CLI_ENVIRONMENT } from './aws-cli';
import { startDynalite, type TestDatabase } from './databases';
import { startSigV4StandIn, type SigV4StandIn } from './sigv4-stand-in';

const run = promisify(execFile);

/** What an `aws ssm` command printed: its JSON, or the error code and message it reported. */
type AwsCliOutcome = { readonly json: unknown } | { readonly error: string; readonly stderr: string };

/**
 * One `aws ssm` command with the given AWS CLI executable, dummy client credentials (`x`), no
 * user configuration and a single attempt.
 */
async function awsSsm(aws: string, endpoint: string, args: readonly string[]): Promise<AwsCliOutcome> {
  try {
    const { stdout } = await run(aws, ['ssm', ...args, '--endpoint-url', endpoint, '--output', 'json'], {
      env: { ...AWS_CLI_ENVIRONMENT, AWS_MAX_ATTEMPTS: '1' },
    });
    return { json: JSON.parse(stdout) as unknown };
  } catch (error) {
    const stderr = String((error as { stderr?: unknown }).stderr ?? '');
    const code = /An error occurred \(([^)]+)\)/.exec(stderr)?.[1];
    if (code === undefined) throw error;
    return { error: code, stderr };
  }
}

/** The identity the proxy signs with: the only one the stand-in API knows. */
const PROXY_CREDENTIALS = { accessKeyId: 'AKIDPROXYEXAMPLE', secretAccessKey: 'proxy/secret+EXAMPLEKEY', sessionToken: 'proxy-session-token' };
const REGION = 'eu-west-1';
const NODE_OK = 'i-0aaaaaaaaaaaaaaa1';
const NODE_FAILED = 'i-0aaaaaaaaaaaaaaa2';

interface Archive {
  readonly tables: TableNames;
  readonly commandId: string;
  readonly at: Date;
}

/** One command on two nodes (one failed), archived as the collector archives it. */
async function archiveOneCommand(database: TestDatabase): Promise<Archive> {
  const sim = new SsmSimulator({ clock: new VirtualClock(new Date('2026-02-27T09:00:00.000Z')), seed: 3 });
  const commandId = sim.sendCommand({
    documentName: 'AWS-RunShellScript',
    comment: 'nightly cleanup',
    parameters: { commands: ['df -h'] },
    plugins: [{ name: 'aws:runShellScript' }],
    invocations: [
      { instanceId: NODE_OK, plugins: [{ name: 'aws:runShellScript', stdout: 'Filesystem Size Used\n/dev/xvda1 8G 3G\n' }] },
      { instanceId: NODE_FAILED, outcome: 'Failed', plugins: [{ name: 'aws:runShellScript', stdout: 'partial', stderr: 'df: /mnt: No such device', responseCode: 1 }] },
    ],
  });
  const at = sim.runToCompletion();
  const truth = sim.truth();
  await sim.close();
  const tables = await database.tables('proxy');
  const context = { observedAt: at, producers: new Set(['poll'] as const) };
  const items: [ArchiveTableId, StoredItem][] = [
    ...truth.commands.map((command): [ArchiveTableId, StoredItem] => ['commands', firstItemOf(tableSchemas, commandObservation(command, context), at)]),
    ...truth.invocations.map((invocation): [ArchiveTableId, StoredItem] => ['commandInvocations', firstItemOf(tableSchemas, commandInvocationObservation(invocation, {}, context), at)]),
  ];
  const requests: Record<string, { PutRequest: { Item: StoredItem } }[]> = {};
  for (const [table, item] of items) (requests[tables[table]] ??= []).push({ PutRequest: { Item: item } });
  const { UnprocessedItems } = await database.doc.send(new BatchWriteCommand({ RequestItems: requests }));
  if (Object.keys(UnprocessedItems ?? {}).length > 0) throw new Error('dynalite left items unwritten');
  return { tables, commandId, at };
}

/**
 * The AWS CLI (`aws`: the executable to run) reading an archive through `ssm-history proxy`:
 * the CLI signs for `ssm` with dummy credentials, the proxy re-signs for `execute-api` with the
 * key the stand-in API knows, and the answers are the archive's own, exactly as the same CLI
 * reads them from the query API unsigned (local mode). Shared by the CLI v1 and v2 suites.
 */
export function describeAwsCliThroughProxy(cli: string, aws: string): void {
  describe(`${cli} reads the deployed archive through ssm-history proxy`, () => {
    let database: TestDatabase;
    let archive: Archive;
    let direct: ServedApi;
    let api: SigV4StandIn;
    let proxy: RunningProxy;
    const proxyLog: string[] = [];

    beforeAll(async () => {
      database = await startDynalite();
      archive = await archiveOneCommand(database);
      const queryApi = createQueryApi({ db: database.doc, tableNames: archive.tables, pageTokenKey: 'proxy-test', now: () => archive.at });
      direct = await serveApi(queryApi);
      api = await startSigV4StandIn({ region: REGION, secrets: { [PROXY_CREDENTIALS.accessKeyId]: PROXY_CREDENTIALS.secretAccessKey }, stage: '/prod', handler: queryApi });
      proxy = await startProxy({ api: api.apiUrl, region: REGION, credentials: PROXY_CREDENTIALS, log: (line) => proxyLog.push(line) });
    });
    afterAll(async () => {
      await proxy.close();
      await api.close();
      await direct.close();
      await database.stop();
    });

    /** The same command through the proxy and straight to the query API: both outcomes. */
    async function both(...args: string[]): Promise<{ proxied: AwsCliOutcome; unsigned: AwsCliOutcome }> {
      const [proxied, unsigned] = await Promise.all([awsSsm(aws, proxy.url, args), awsSsm(aws, direct.url, args)]);
      return { proxied, unsigned };
    }

    it('list-commands: the archived command', async () => {
      const { proxied, unsigned } = await both('list-commands');
      expect(proxied).toEqual(unsigned);
      expect(proxied).toMatchObject({
        json: { Commands: [{ CommandId: archive.commandId, DocumentName: 'AWS-RunShellScript', Comment: 'nightly cleanup', TargetCount: 2, ErrorCount: 1 }] },
      });
      // Every request reached the API signed by the proxy's key, for execute-api, and was accepted.
      expect(api.requests.length).toBeGreaterThan(0);
      expect(new Set(api.requests.map((request) => `${request.accessKeyId ?? ''} ${request.outcome}`))).toEqual(new Set([`${PROXY_CREDENTIALS.accessKeyId} accepted`]));
      expect(api.requests.every((request) => request.rawUrl === '/prod/' && request.headers['x-amz-target'] === 'AmazonSSM.ListCommands')).toBe(true);
    });

    it('list-command-invocations --details: both nodes, with their output', async () => {
      const { proxied, unsigned } = await both('list-command-invocations', '--command-id', archive.commandId, '--details');
      expect(proxied).toEqual(unsigned);
      const invocations = (proxied as { json: { CommandInvocations: { InstanceId: string; Status: string; CommandPlugins: { Output: string }[] }[] } }).json.CommandInvocations;
      expect(invocations.map(({ InstanceId, Status }) => [InstanceId, Status]).sort()).toEqual([
        [NODE_OK, 'Success'],
        [NODE_FAILED, 'Failed'],
      ]);
      expect(invocations.find((invocation) => invocation.InstanceId === NODE_OK)?.CommandPlugins[0]?.Output).toBe('Filesystem Size Used\n/dev/xvda1 8G 3G\n');
    });

    it('get-command-invocation: one node’s output and error', async () => {
      const { proxied, unsigned } = await both('get-command-invocation', '--command-id', archive.commandId, '--instance-id', NODE_FAILED);
      expect(proxied).toEqual(unsigned);
      expect(proxied).toMatchObject({
        json: { CommandId: archive.commandId, InstanceId: NODE_FAILED, Status: 'Failed', ResponseCode: 1, StandardOutputContent: 'partial', StandardErrorContent: 'df: /mnt: No such device' },
      });
    });

    it('an SSM error of the archive comes back as SSM’s, for the CLI to report', async () => {
      const { proxied, unsigned } = await both('get-command-invocation', '--command-id', '00000000-0000-4000-8000-000000000000', '--instance-id', NODE_OK);
      expect(proxied).toMatchObject({ error: 'InvocationDoesNotExist' });
      expect(unsigned).toMatchObject({ error: 'InvocationDoesNotExist' });
      expect(proxyLog).toEqual([]);
    });

    it('credentials the proxy cannot load: the CLI shows the error, with what to do', async () => {
      const log: string[] = [];
      const expiredSso = new Error('The SSO session associated with this profile has expired or is otherwise invalid. To refresh this SSO session run aws sso login with the corresponding profile.');
      const stranded = await startProxy({ api: api.apiUrl, region: REGION, credentials: () => Promise.reject(expiredSso), profile: 'dev', log: (line) => log.push(line) });
      try {
        const outcome = await awsSsm(aws, stranded.url, ['list-commands']);
        expect(outcome).toMatchObject({ error: 'ExpiredTokenException' });
        expect('stderr' in outcome ? outcome.stderr : '').toMatch(
          // v2 names the retries it made (none: one attempt) where v1 does not.
          /An error occurred \(ExpiredTokenException\) when calling the ListCommands operation( \(reached max retries: 0\))?: ssm-history proxy: your AWS credentials have expired \(.*\): run aws sso login --profile dev, then retry/,
        );
        expect(log).toHaveLength(1);
        expect(log[0]).toMatch(/run aws sso login --profile dev/);
      } finally {
        await stranded.close();
      }
    });
  });
}
