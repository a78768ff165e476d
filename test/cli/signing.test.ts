import { createHash, createHmac } from 'node:crypto';
import {
  isLoopback,
  queryString,
  regionOfExecuteApiHost,
  signExecuteApiRequest,
} from '../../lambdas/client/execute-api';
import { runCapturing } from './fake-api';

/** AWS's documentation example keys: static test credentials, valid nowhere. */
const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' };
const signingDate = new Date('2026-03-01T12:34:56Z');

const hex = (data: string) => createHash('sha256').update(data, 'utf8').digest('hex');
const hmac = (key: string | Buffer, data: string) => createHmac('sha256', key).update(data, 'utf8').digest();
const rfc3986 = (value: string) =>
  encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/**
 * SigV4 computed independently (AWS General Reference, "Create a signed AWS API request"),
 * from what API Gateway receives: the path and raw query string on the wire and the headers.
 * Non-S3 services encode each path segment twice; query parameters are decoded from the wire,
 * re-encoded and sorted.
 */
function expectedSignature(method: string, wire: URL, headers: Record<string, string>, signed: string[], region: string): string {
  const canonicalUri = wire.pathname.split('/').map(rfc3986).join('/');
  const canonicalQuery = wire.search
    .replace(/^\?/, '')
    .split('&')
    .filter((pair) => pair !== '')
    .map((pair) => pair.split('=').map((part) => rfc3986(decodeURIComponent(part))))
    .sort(([a = '', x = ''], [b = '', y = '']) => (a === b ? (x < y ? -1 : 1) : a < b ? -1 : 1))
    .map(([key, value]) => `${key}=${value ?? ''}`)
    .join('&');
  const canonicalHeaders = signed.map((name) => `${name}:${(headers[name] ?? '').trim()}\n`).join('');
  const canonicalRequest = [method, canonicalUri, canonicalQuery, canonicalHeaders, signed.join(';'), hex('')].join('\n');
  const amzDate = headers['x-amz-date'] ?? '';
  const scope = `${amzDate.slice(0, 8)}/${region}/execute-api/aws4_request`;
  const stringToSign = ['AWS4-HMAC-SHA256', amzDate, scope, hex(canonicalRequest)].join('\n');
  let key: Buffer = hmac(`AWS4${credentials.secretAccessKey}`, amzDate.slice(0, 8));
  for (const part of [region, 'execute-api', 'aws4_request']) key = hmac(key, part);
  return createHmac('sha256', key).update(stringToSign, 'utf8').digest('hex');
}

describe('signExecuteApiRequest', () => {
  const endpoint = 'https://a1b2c3d4e5.execute-api.eu-west-1.amazonaws.com';

  it('signs for execute-api in the given Region with SigV4', async () => {
    const url = new URL(`${endpoint}/executions${queryString({ status: 'Failed', limit: '5' })}`);
    const headers = await signExecuteApiRequest(
      { method: 'GET', url, headers: { accept: 'application/json' } },
      { region: 'eu-west-1', credentials, signingDate },
    );
    expect(headers.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/20260301\/eu-west-1\/execute-api\/aws4_request, SignedHeaders=[a-z0-9;-]*host[a-z0-9;-]*, Signature=[0-9a-f]{64}$/,
    );
    expect(headers).toMatchObject({ host: 'a1b2c3d4e5.execute-api.eu-west-1.amazonaws.com', 'x-amz-date': '20260301T123456Z', accept: 'application/json' });
    expect(headers['x-amz-security-token']).toBeUndefined();
  });

  it('produces the signature API Gateway computes from the wire, reserved characters and spaces included', async () => {
    const query = { nextToken: 'eyJrIjoi+/=&a b"}', since: '2026-03-01T00:00:00Z', kind: 'command-invocation' };
    const url = new URL(`${endpoint}/instances/i-0123456789abcdef0/history${queryString(query)}`);
    const headers = await signExecuteApiRequest({ method: 'GET', url, headers: {} }, { region: 'eu-west-1', credentials, signingDate });
    const [, signedHeaders = '', signature] = /SignedHeaders=([^,]+), Signature=([0-9a-f]+)/.exec(headers.authorization ?? '') ?? [];
    expect(signature).toBe(expectedSignature('GET', url, headers, signedHeaders.split(';'), 'eu-west-1'));
    // And what the wire carries decodes to exactly what was asked for.
    expect(Object.fromEntries(url.searchParams)).toEqual(query);
  });

  it('adds the session token of temporary credentials', async () => {
    const headers = await signExecuteApiRequest(
      { method: 'GET', url: new URL(`${endpoint}/executions`), headers: {} },
      { region: 'eu-west-1', credentials: { ...credentials, sessionToken: 'session-token' }, signingDate },
    );
    expect(headers['x-amz-security-token']).toBe('session-token');
    expect(headers.authorization).toMatch(/SignedHeaders=[^,]*x-amz-security-token/);
  });
});

describe('endpoints', () => {
  it.each([
    ['http://127.0.0.1:3000', true],
    ['http://127.1.2.3/', true],
    ['http://localhost:3000', true],
    ['http://[::1]:3000', true],
    ['https://a1b2c3d4e5.execute-api.eu-west-1.amazonaws.com/', false],
    ['http://10.0.0.5:3000', false],
    ['https://history.example.com', false],
    ['http://127.0.0.1.example.com', false],
  ])('%s is loopback: %s', (url, loopback) => {
    expect(isLoopback(new URL(url))).toBe(loopback);
  });

  it.each([
    ['a1b2c3d4e5.execute-api.eu-west-1.amazonaws.com', 'eu-west-1'],
    ['a1b2c3d4e5.execute-api.cn-north-1.amazonaws.com.cn', 'cn-north-1'],
    ['A1B2C3D4E5.EXECUTE-API.US-EAST-2.AMAZONAWS.COM', 'us-east-2'],
    ['history.example.com', undefined],
    ['ssm.eu-west-1.amazonaws.com', undefined],
  ])('the Region of %s is %s', (hostname, region) => {
    expect(regionOfExecuteApiHost(hostname)).toBe(region);
  });
});

describe('the CLI against a deployed (non-loopback) endpoint', () => {
  /** Captures what would be sent: a non-loopback endpoint is not reachable from the tests. */
  const capture = () => {
    const sent: { url: string; headers: Record<string, string> }[] = [];
    const fetch = (async (input: string | URL | Request, init?: RequestInit) => {
      sent.push({ url: String(input), headers: { ...(init?.headers as Record<string, string>) } });
      return new Response(JSON.stringify({ items: [] }), { status: 200, headers: { 'content-type': 'application/json' } });
    }) as typeof globalThis.fetch;
    return { sent, fetch };
  };

  it('signs for execute-api in the Region of the execute-api hostname, before AWS_REGION', async () => {
    const { sent, fetch } = capture();
    const { code } = await runCapturing(
      ['executions', '--status', 'Failed', '--endpoint', 'https://a1b2c3d4e5.execute-api.eu-west-1.amazonaws.com/'],
      { fetch, credentials },
      { AWS_REGION: 'us-east-1' },
    );
    expect(code).toBe(0);
    expect(sent).toHaveLength(1);
    expect(sent[0]?.url).toBe('https://a1b2c3d4e5.execute-api.eu-west-1.amazonaws.com/executions?status=Failed');
    expect(sent[0]?.headers.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/eu-west-1\/execute-api\/aws4_request, /);
    // fetch sets Host from the URL.
    expect(sent[0]?.headers.host).toBeUndefined();
  });

  it('signs for a custom domain in --region, else AWS_REGION', async () => {
    const { sent, fetch } = capture();
    await runCapturing(['executions', '--endpoint', 'https://history.example.com', '--region', 'ap-south-1'], { fetch, credentials });
    await runCapturing(['executions', '--endpoint', 'https://history.example.com'], { fetch, credentials }, { AWS_REGION: 'sa-east-1' });
    expect(sent.map((request) => /\/\d{8}\/([a-z0-9-]+)\/execute-api\//.exec(request.headers.authorization ?? '')?.[1])).toEqual([
      'ap-south-1',
      'sa-east-1',
    ]);
  });

  it('asks for --region when it cannot tell the Region', async () => {
    const { sent, fetch } = capture();
    const { code, stderr } = await runCapturing(['executions', '--endpoint', 'https://history.example.com'], { fetch, credentials });
    expect(code).toBe(2);
    expect(stderr).toMatch(/cannot tell which Region history\.example\.com is in: pass --region/);
    expect(sent).toEqual([]);
  });

  it('explains a failure to find credentials', async () => {
    const { sent, fetch } = capture();
    const noCredentials = () => Promise.reject(new Error('Could not load credentials from any providers'));
    const { code, stderr } = await runCapturing(
      ['executions', '--endpoint', 'https://a1b2c3d4e5.execute-api.eu-west-1.amazonaws.com'],
      { fetch, credentials: noCredentials },
    );
    expect(code).toBe(1);
    expect(stderr).toMatch(/cannot sign the request .* Could not load credentials from any providers \(configure AWS credentials/);
    expect(sent).toEqual([]);
  });
});
