import { GetCommandInvocationCommand, SSMClient } from '@aws-sdk/client-ssm';
import { serveApi, type ServedApi } from '../../lambdas/query/node-http';
import { createQueryApi } from '../../lambdas/query/router';
import { startDynamoDbLocal, type TestDatabase } from '../support/databases';
import { withoutMetadata } from '../ssm-simulator/sdk-client';
import { buildArchive, TIED_NODE, type ArchiveFixture } from './archive-fixture';
import { commandPages, invocationPages, listCommandsRequests, listInvocationsRequests } from './ssm-requests';

/**
 * The listings again, on AWS's DynamoDB Local: its index ordering, its expression checks
 * (unused names, BETWEEN bounds, projections of an INCLUDE index) are DynamoDB's own, where
 * dynalite only imitates them. The full comparison runs on dynalite (ssm-round-trip.test.ts).
 */
const client = (endpoint: string): SSMClient =>
  new SSMClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' }, maxAttempts: 1 });

describe('the SSM-compatible endpoint over an archive in DynamoDB Local', () => {
  let database: TestDatabase;
  let fx: ArchiveFixture;
  let served: ServedApi;
  let ssm: SSMClient;
  let archive: SSMClient;

  beforeAll(async () => {
    database = await startDynamoDbLocal();
    // Loaded directly: this suite tests DynamoDB's reading, and the collector's writes are tested on it elsewhere.
    fx = await buildArchive(database, 'bulk');
    served = await serveApi(createQueryApi({ db: database.doc, tableNames: fx.tables, pageTokenKey: 'round-trip', now: () => fx.sim.now() }));
    ssm = client(fx.simulatorEndpoint);
    archive = client(served.url);
  });
  afterAll(async () => {
    ssm.destroy();
    archive.destroy();
    await served.close();
    await fx.stop();
    await database.stop();
  });

  it('lists commands page for page as SSM does', async () => {
    for (const [name, input] of listCommandsRequests(fx)) {
      expect({ name, pages: await commandPages(archive, input) }).toEqual({ name, pages: await commandPages(ssm, input) });
    }
  });

  it('lists invocations page for page as SSM does', async () => {
    for (const [name, input] of listInvocationsRequests(fx)) {
      expect({ name, pages: await invocationPages(archive, input) }).toEqual({ name, pages: await invocationPages(ssm, input) });
    }
  });

  it('answers GetCommandInvocation from a saved full output and from a listed one', async () => {
    for (const input of [
      { CommandId: fx.twoStep, InstanceId: TIED_NODE, PluginName: 'install' },
      { CommandId: fx.tagged, InstanceId: TIED_NODE },
    ]) {
      const expected = withoutMetadata(await ssm.send(new GetCommandInvocationCommand(input)));
      expect(withoutMetadata(await archive.send(new GetCommandInvocationCommand(input)))).toEqual(expected);
    }
  });
});
