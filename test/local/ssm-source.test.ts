import type { AddressInfo } from 'node:net';
import dynalite from 'dynalite';
import invocationEvent from '../fixtures/aws/command-invocation-status-change.json';
import { chooseSsmSource, startLocalMode, type LocalModeOptions } from '../../lambdas/local/local-mode';
import { COMMAND_DETAIL_TYPE, fleetCommand, SsmSimulator } from '../../lambdas/local/ssm-simulator';
import { archiveOf, postEvent, recordingLog, request, tempDataDir } from './support';

const KEYS = { AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE', AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' };

describe('choosing the SSM source', () => {
  it('takes --ssm-endpoint first, with dummy credentials when none are configured', () => {
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
    ['keys and AWS_REGION', { ...KEYS, AWS_REGION: 'eu-west-1' }, undefined, 'eu-west-1', 'AWS_ACCESS_KEY_ID'],
    ['keys and AWS_DEFAULT_REGION', { ...KEYS, AWS_DEFAULT_REGION: 'ap-south-1' }, undefined, 'ap-south-1', 'AWS_ACCESS_KEY_ID'],
    ['a profile and --region', { AWS_PROFILE: 'ops' }, 'us-west-2', 'us-west-2', 'AWS_PROFILE=ops'],
    ['--region over AWS_REGION', { ...KEYS, AWS_REGION: 'eu-west-1' }, 'eu-central-1', 'eu-central-1', 'AWS_ACCESS_KEY_ID'],
  ])('chooses real SSM when credentials and a Region are configured: %s', (_what, env, region, expectedRegion, from) => {
    expect(chooseSsmSource({ env, region })).toEqual({ kind: 'aws', region: expectedRegion, credentialsFrom: from });
  });

  it.each([
    ['nothing', {}, undefined, /no AWS credentials/],
    ['a Region without credentials', { AWS_REGION: 'eu-west-1' }, undefined, /no AWS credentials/],
    ['an access key without its secret', { AWS_ACCESS_KEY_ID: 'AKIA', AWS_REGION: 'eu-west-1' }, undefined, /no AWS credentials/],
    ['credentials without a Region', KEYS, undefined, /no AWS Region/],
    ['empty values', { AWS_PROFILE: ' ', AWS_REGION: '' }, undefined, /no AWS credentials/],
  ])('falls back to the simulator with %s', (_what, env, region, reason) => {
    const choice = chooseSsmSource({ env, region });
    expect(choice).toMatchObject({ kind: 'simulator', reason: expect.stringMatching(reason) });
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

  it('uses real SSM when credentials and a Region are configured: no simulator, no seeded day, events still stored', async () => {
    const dataDir = await tempDataDir();
    // Fake credentials: nothing here calls SSM (a successful invocation's event is stored as it is).
    const mode = await startLocalMode(options(dataDir.path, { env: { ...KEYS, AWS_REGION: 'eu-west-1' } }));
    try {
      expect(mode.ssm).toMatchObject({ source: 'aws', description: 'AWS Systems Manager in eu-west-1 (credentials from AWS_ACCESS_KEY_ID)' });
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
      expect(mode.ssm).toMatchObject({ source: 'endpoint', endpoint });
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
    const mode = await startLocalMode(options(dataDir.path, { dynamodbEndpoint: endpoint, env: { ...KEYS, AWS_REGION: 'eu-west-1' } }));
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
