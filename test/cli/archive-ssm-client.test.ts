import { GetCommandInvocationCommand, InvalidCommandId, ListCommandInvocationsCommand } from '@aws-sdk/client-ssm';
import { archiveSsmClient } from '../../lambdas/client/archive-ssm-client';
import { startFakeApi, type CannedResponse, type CapturedRequest, type FakeApi } from './fake-api';

const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' };

let api: FakeApi;
let respond: (request: CapturedRequest) => CannedResponse;

beforeEach(async () => {
  api = await startFakeApi((request) => respond(request));
});
afterEach(async () => {
  await api.close();
});

describe('archiveSsmClient', () => {
  it('sends SSM’s own protocol, signed for execute-api instead of ssm', async () => {
    respond = () => ({
      headers: { 'content-type': 'application/x-amz-json-1.1' },
      body: { CommandInvocations: [{ CommandId: 'c-1', InstanceId: 'i-0123456789abcdef0', Status: 'Failed' }] },
    });
    const client = archiveSsmClient({ endpoint: api.url, region: 'eu-west-1', credentials });
    const output = await client.send(new ListCommandInvocationsCommand({ InstanceId: 'i-0123456789abcdef0', Details: true }));

    expect(output.CommandInvocations).toEqual([{ CommandId: 'c-1', InstanceId: 'i-0123456789abcdef0', Status: 'Failed' }]);
    const [request] = api.requests;
    expect(request?.method).toBe('POST');
    expect(request?.path).toBe('/');
    expect(request?.headers['x-amz-target']).toBe('AmazonSSM.ListCommandInvocations');
    expect(request?.headers['content-type']).toBe('application/x-amz-json-1.1');
    expect(JSON.parse(request?.body ?? '')).toEqual({ InstanceId: 'i-0123456789abcdef0', Details: true });
    expect(request?.headers.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/eu-west-1\/execute-api\/aws4_request, SignedHeaders=\S*host\S*x-amz-target\S*, Signature=[0-9a-f]{64}$/,
    );
  });

  it('surfaces the archive’s SSM error shapes as the SDK’s own exceptions', async () => {
    respond = () => ({
      status: 400,
      headers: { 'content-type': 'application/x-amz-json-1.1' },
      body: { __type: 'InvalidCommandId', Message: 'no such command' },
    });
    const client = archiveSsmClient({ endpoint: api.url, region: 'eu-west-1', credentials });
    await expect(client.send(new GetCommandInvocationCommand({ CommandId: 'nope', InstanceId: 'i-1' }))).rejects.toBeInstanceOf(
      InvalidCommandId,
    );
  });

  it('takes the Region from an execute-api hostname', async () => {
    const client = archiveSsmClient({ endpoint: 'https://a1b2c3d4e5.execute-api.ap-southeast-2.amazonaws.com/', credentials });
    await expect(client.config.region()).resolves.toBe('ap-southeast-2');
  });

  it('needs a Region for any other host', () => {
    expect(() => archiveSsmClient({ endpoint: 'https://history.example.com', credentials })).toThrow(/no region given/);
  });
});
