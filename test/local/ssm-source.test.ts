import { readdir } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import dynalite from 'dynalite';
import invocationEvent from '../fixtures/aws/command-invocation-status-change.json';
import { chooseSsmSource, startLocalMode, UsageError, type LocalModeOptions } from '../../local/local-mode';
import { describeSsmSource } from '../../local/local-mode/ssm-source';
import { COMMAND_DETAIL_TYPE, fleetCommand, SsmSimulator } from '../../local/ssm-simulator';
import { archiveOf, postEvent, recordingLog, request, tempDataDir } from './support';

const KEYS = { AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE', AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' };

describe('choosing the SSM source', () => {
  it.each([
    ['nothing', {}, undefined, 'us-east-1'],
    ['keys and AWS_REGION', { ...KEYS, AWS_REGION: 'eu-west-1' }, undefined, 'eu-west-1'],
    // The README's line for the AWS CLI: it must not send local mode to ssm.us-east-1.amazonaws.com.
    ['the AWS CLI line', { AWS_ACCESS_KEY_ID: 'local', AWS_SECRET_ACCESS_KEY: 'local', AWS_DEFAULT_REGION: 'us-east-1' }, undefined, 'us-east-1'],
    ['a profile and --region', { AWS_PROFILE: 'ops' }, 'us-west-2', 'us-west-2'],
  ])('plays the simulator by default, whatever credentials are configured: %s', (_what, env, region, expectedRegion) => {
    expect(chooseSsmSource({ env, region })).toEqual({
      kind: 'simulator',
      region: expectedRegion,
      reason: 'default; pass --ssm aws to read real SSM',
    });
  });

  it('plays the simulator when --ssm simulator asks for it', () => {
    expect(chooseSsmSource({ ssm: 'simulator', env: { ...KEYS, AWS_REGION: 'eu-west-1' } })).toEqual({
      kind: 'simulator',
      region: 'eu-west-1',
      reason: '--ssm simulator',
    });
  });

  it.each([
    ['keys and AWS_REGION', { ...KEYS, AWS_REGION: 'eu-west-1' }, undefined, 'eu-west-1', 'AWS_REGION', 'AWS_ACCESS_KEY_ID'],
    ['keys and AWS_DEFAULT_REGION', { ...KEYS, AWS_DEFAULT_REGION: 'ap-south-1' }, undefined, 'ap-south-1', 'AWS_DEFAULT_REGION', 'AWS_ACCESS_KEY_ID'],
    ['a profile and --region', { AWS_PROFILE: 'ops' }, 'us-west-2', 'us-west-2', '--region', 'AWS_PROFILE=ops'],
    ['--region over AWS_REGION', { ...KEYS, AWS_REGION: 'eu-west-1' }, 'eu-central-1', 'eu-central-1', '--region', 'AWS_ACCESS_KEY_ID'],
    // As the SDK's default chain: AWS_PROFILE wins over keys in the environment.
    ['a profile and keys', { ...KEYS, AWS_PROFILE: 'ops', AWS_REGION: 'eu-west-1' }, undefined, 'eu-west-1', 'AWS_REGION', 'AWS_PROFILE=ops'],
    ['an access key without its secret', { AWS_ACCESS_KEY_ID: 'AKIA', AWS_REGION: 'eu-west-1' }, undefined, 'eu-west-1', 'AWS_REGION', expect.stringMatching(/^the AWS SDK's default chain/)],
    ['no credentials in the environment', { AWS_REGION: 'eu-west-1' }, undefined, 'eu-west-1', 'AWS_REGION', expect.stringMatching(/^the AWS SDK's default chain/)],
  ])('reads real SSM with --ssm aws: %s', (_what, env, region, expectedRegion, regionFrom, credentialsFrom) => {
    expect(chooseSsmSource({ ssm: 'aws', env, region })).toEqual({ kind: 'aws', region: expectedRegion, regionFrom, credentialsFrom });
  });

  it('says where real SSM, its Region and its credentials come from', () => {
    const choice = chooseSsmSource({ ssm: 'aws', env: { ...KEYS, AWS_DEFAULT_REGION: 'ap-south-1' } });
    expect(describeSsmSource(choice)).toEqual({
      description: 'AWS Systems Manager in ap-south-1',
      reason: '--ssm aws; Region from AWS_DEFAULT_REGION, credentials from AWS_ACCESS_KEY_ID',
    });
    expect(describeSsmSource(chooseSsmSource({ env: KEYS }), 'http://127.0.0.1:4000')).toEqual({
      description: 'the SSM simulator at http://127.0.0.1:4000',
      reason: 'default; pass --ssm aws to read real SSM',
    });
  });

  it('takes --ssm-endpoint, with dummy credentials when none are configured', () => {
    expect(chooseSsmSource({ ssmEndpoint: 'http://127.0.0.1:9', env: { ...KEYS, AWS_REGION: 'eu-west-1' } })).toEqual({
      kind: 'endpoint',
      endpoint: 'http://127.0.0.1:9',
      region: 'eu-west-1',
      credentials: 'environment',
    });
    expect(chooseSsmSource({ ssmEndpoint: 'http://127.0.0.1:9', env: {} })).toEqual({
      kind: 'endpoint',
      endpoint: 'http://127.0.0.1:9',
      region: 'us-east-1',
      credentials: 'dummy',
    });
  });

  it.each([
    [
      '--ssm aws without a Region',
      { ssm: 'aws', env: KEYS },
      /^--ssm aws needs an AWS Region: pass --region \(e\.g\. --region eu-west-1\), or set AWS_REGION or AWS_DEFAULT_REGION$/,
    ],
    ['--ssm aws with an empty Region', { ssm: 'aws', env: { ...KEYS, AWS_REGION: ' ', AWS_DEFAULT_REGION: '' } }, /--ssm aws needs an AWS Region/],
    [
      '--ssm aws with --ssm-endpoint',
      { ssm: 'aws', ssmEndpoint: 'http://127.0.0.1:9', env: { ...KEYS, AWS_REGION: 'eu-west-1' } },
      /^--ssm aws and --ssm-endpoint both choose where SSM is read: pass --ssm-endpoint alone for another endpoint, or --ssm alone$/,
    ],
    ['--ssm simulator with --ssm-endpoint', { ssm: 'simulator', ssmEndpoint: 'http://127.0.0.1:9', env: {} }, /^--ssm simulator and --ssm-endpoint both choose/],
  ] as const)('rejects %s with a UsageError that says so', (_what, input, message) => {
    let thrown: unknown;
    try {
      chooseSsmSource(input);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(UsageError);
    expect((thrown as Error).message).toMatch(message);
  });
});

describe('local mode with other sources and stores', () => {
  const logger = recordingLog();
  const options = (dataDir: string, extra: Partial<LocalModeOptions>): LocalModeOptions => ({
    port: 0,
    dataDir,
    // No pollers: with fake credentials there is no real SSM to poll.
    pollIntervalMs: 0,
    logger,
    env: {},
    ...extra,
  });

  it('uses real SSM with --ssm aws: no simulator, no seeded day, events still stored', async () => {
    const dataDir = await tempDataDir();
    // Fake credentials: nothing here calls SSM (a successful invocation's event is stored as it is).
    const mode = await startLocalMode(options(dataDir.path, { ssm: 'aws', env: { ...KEYS, AWS_REGION: 'eu-west-1' } }));
    try {
      expect(mode.ssm).toMatchObject({
        source: 'aws',
        description: 'AWS Systems Manager in eu-west-1',
        reason: '--ssm aws; Region from AWS_REGION, credentials from AWS_ACCESS_KEY_ID',
      });
      expect(mode.region).toBe('eu-west-1');
      expect(mode.simulator).toBeUndefined();
      expect(mode.seed).toBeUndefined();
      const response = await postEvent(mode.url, invocationEvent);
      expect(response.status).toBe(202);
      expect(response.body.stored).toEqual([expect.objectContaining({ status: 'Success', outcome: 'written' })]);
    } finally {
      await mode.stop();
      await dataDir.remove();
    }
  });

  it('refuses --ssm aws without a Region before it opens anything', async () => {
    const dataDir = await tempDataDir();
    try {
      const failure: unknown = await startLocalMode(options(dataDir.path, { ssm: 'aws', env: KEYS })).catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(UsageError);
      expect((failure as Error).message).toMatch(/^--ssm aws needs an AWS Region/);
      // No lock, no state, no database: the data dir is as it was.
      expect(await readdir(dataDir.path)).toEqual([]);
    } finally {
      await dataDir.remove();
    }
  });

  it('reads the endpoint given with --ssm-endpoint: a finished command event fetches every invocation from it', async () => {
    const dataDir = await tempDataDir();
    const ssm = new SsmSimulator({ seed: 21 });
    const { endpoint } = await ssm.listen();
    const commandId = ssm.sendCommand(fleetCommand({ nodes: 60, failureRate: 0.1, longOutputRate: 0.05, seed: 21 }));
    ssm.runToCompletion();
    const finished = ssm.events.filter((event) => {
      const body = JSON.parse(event.body) as { 'detail-type': string; detail: { status: string } };
      return body['detail-type'] === COMMAND_DETAIL_TYPE && ['Success', 'Failed'].includes(body.detail.status);
    });
    const last = finished[finished.length - 1];
    if (!last) throw new Error('the command did not finish');

    const mode = await startLocalMode(options(dataDir.path, { ssmEndpoint: endpoint }));
    const archive = archiveOf(mode);
    try {
      expect(mode.ssm).toMatchObject({ source: 'endpoint', endpoint, reason: '--ssm-endpoint; us-east-1, dummy credentials' });
      expect(mode.simulator).toBeUndefined();
      const response = await postEvent(mode.url, last.body);
      expect(response.status).toBe(202);
      const stored = response.body.stored as { table: string }[];
      expect(stored.filter((record) => record.table === 'commandInvocations')).toHaveLength(60);
      expect(ssm.stats().ListCommandInvocations?.calls).toBeGreaterThanOrEqual(2);
      expect(await archive.store.get('commands', { CommandId: commandId })).toMatchObject({ TargetCount: 60, CompletedCount: 60 });
    } finally {
      archive.close();
      await mode.stop();
      await ssm.close();
      await dataDir.remove();
    }
  });

  it('keeps the archive in the DynamoDB given with --dynamodb-endpoint, tables from the deployed schema', async () => {
    const dataDir = await tempDataDir();
    // Another DynamoDB-compatible server (an in-memory dynalite here; DynamoDB Local the same way).
    const other = dynalite({ createTableMs: 0 });
    await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
    const endpoint = `http://127.0.0.1:${(other.address() as AddressInfo).port}`;
    // Real SSM chosen (fake keys, never called): no seeded day, just what POST /events brings.
    const mode = await startLocalMode(options(dataDir.path, { ssm: 'aws', dynamodbEndpoint: endpoint, env: { ...KEYS, AWS_REGION: 'eu-west-1' } }));
    try {
      expect(mode.database).toMatchObject({ description: `DynamoDB at ${endpoint}`, endpoint, path: undefined });
      expect((await postEvent(mode.url, invocationEvent)).status).toBe(202);
      const history = await request(`${mode.url}/instances/i-9bb89e2b/history`);
      expect(history.status).toBe(200);
      expect(history.body.items).toEqual([
        expect.objectContaining({ kind: 'command-invocation', commandId: invocationEvent.detail['command-id'], instanceId: 'i-9bb89e2b', status: 'Success' }),
      ]);
    } finally {
      await mode.stop();
      await new Promise((resolve) => other.close(resolve));
      await dataDir.remove();
    }
  });
});
