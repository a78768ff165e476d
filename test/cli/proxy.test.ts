import { EventEmitter } from 'node:events';
import { createServer, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ListCommandsCommand, SSMClient } from '@aws-sdk/client-ssm';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { queryString, sha256, signExecuteApiRequest } from '../../lambdas/client/execute-api';
import type { ApiHandler, ApiRequest } from '../../lambdas/query/http';
import { runProxyCommand } from '../../cli/proxy-command';
import { ProxySetupError, startProxy, type LocalRoutes, type ProxyOptions, type RunningProxy } from '../../cli/proxy';
import { startSigV4StandIn, type SigV4StandIn, type SigV4StandInOptions } from '../support/sigv4-stand-in';

/** The identity the proxy signs with, which the stand-in knows. */
const PROXY_CREDENTIALS = { accessKeyId: 'AKIDPROXYEXAMPLE', secretAccessKey: 'proxy/secret+EXAMPLEKEY', sessionToken: 'proxy-session-token' };
/** What an SSM client signs with: valid nowhere, and never forwarded. */
const CLIENT_CREDENTIALS = { accessKeyId: 'AKIDCLIENTEXAMPLE', secretAccessKey: 'client-secret', sessionToken: 'client-session-token' };
const REGION = 'eu-west-1';
/** The API's clock and the proxy's: a fixed instant, so signatures and their dates are deterministic. */
const NOW = new Date('2026-03-01T12:00:00.000Z');
const clock = () => NOW;

/** What the stand-in's accepted requests reached: the query API's view of them, echoed back. */
const echo: ApiHandler = async (request: ApiRequest) => ({
  statusCode: request.path === '/missing' ? 404 : 200,
  headers: { 'content-type': request.headers['x-amz-target'] === undefined ? 'application/json' : 'application/x-amz-json-1.1' },
  body: JSON.stringify({ method: request.method, path: request.path, query: request.query, target: request.headers['x-amz-target'] ?? null, body: request.body }),
});

interface Echoed {
  readonly method: string;
  readonly path: string;
  readonly query: Record<string, string>;
  readonly target: string | null;
  readonly body: string;
}

const opened: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((server) => server.close()));
});

async function standIn(options: Partial<SigV4StandInOptions> = {}): Promise<SigV4StandIn> {
  const api = await startSigV4StandIn({
    region: REGION,
    secrets: { [PROXY_CREDENTIALS.accessKeyId]: PROXY_CREDENTIALS.secretAccessKey },
    now: clock,
    handler: echo,
    ...options,
  });
  opened.push(api);
  return api;
}

async function proxyTo(api: string, options: Partial<ProxyOptions> = {}): Promise<{ proxy: RunningProxy; log: string[] }> {
  const log: string[] = [];
  const proxy = await startProxy({ api, region: REGION, credentials: PROXY_CREDENTIALS, now: clock, log: (line) => log.push(line), ...options });
  opened.push(proxy);
  return { proxy, log };
}

/** A request signed as an SSM client signs it: SigV4 for `service`, here for `ssm`. */
async function signedFor(service: string, url: URL, init: { method: string; headers: Record<string, string>; body?: string }, signingDate = NOW) {
  const query: Record<string, string> = {};
  for (const [key, value] of url.searchParams) query[key] = value;
  const signer = new SignatureV4({ service, region: REGION, credentials: CLIENT_CREDENTIALS, sha256 });
  const signed = await signer.sign(
    new HttpRequest({ method: init.method, protocol: url.protocol, hostname: url.hostname, port: Number(url.port), path: url.pathname, query, headers: { ...init.headers, host: url.host }, ...(init.body === undefined ? {} : { body: init.body }) }),
    { signingDate },
  );
  const { host: _host, ...headers } = signed.headers;
  return headers;
}

/** An SSM JSON protocol request as the AWS CLI sends it. */
const SSM_LIST_COMMANDS = {
  method: 'POST',
  headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'AmazonSSM.ListCommands' },
  body: '{"MaxResults":5,"Filters":[{"key":"Status","value":"Failed"}]}',
};

describe('the SigV4 stand-in refuses what API Gateway refuses', () => {
  async function sendSigned(api: SigV4StandIn, path: string, options: { credentials?: typeof PROXY_CREDENTIALS; signingDate?: Date; body?: string; alter?: (body: string) => string } = {}) {
    const url = new URL(path, api.apiUrl);
    const body = options.body ?? SSM_LIST_COMMANDS.body;
    const headers = await signExecuteApiRequest(
      { method: 'POST', url, headers: SSM_LIST_COMMANDS.headers, body },
      { region: REGION, credentials: options.credentials ?? PROXY_CREDENTIALS, signingDate: options.signingDate ?? NOW },
    );
    const { host: _host, ...sent } = headers;
    const response = await fetch(url, { method: 'POST', headers: sent, body: options.alter ? options.alter(body) : body });
    return { status: response.status, body: (await response.json()) as { message?: string; path?: string }, errorType: response.headers.get('x-amzn-errortype') };
  }

  it('accepts a request signed for execute-api with a key it knows', async () => {
    const api = await standIn();
    const { status, body } = await sendSigned(api, '/');
    expect(status).toBe(200);
    expect(body).toMatchObject({ path: '/' });
    expect(api.requests.map((request) => request.outcome)).toEqual(['accepted']);
  });

  it('refuses an unknown access key', async () => {
    const api = await standIn();
    const { status, body } = await sendSigned(api, '/', { credentials: { ...PROXY_CREDENTIALS, accessKeyId: 'AKIDUNKNOWN' } });
    expect(status).toBe(403);
    expect(body).toEqual({ message: 'The security token included in the request is invalid.' });
  });

  it('refuses a wrong secret: the signature does not match', async () => {
    const api = await standIn();
    const { status, body } = await sendSigned(api, '/', { credentials: { ...PROXY_CREDENTIALS, secretAccessKey: 'not-the-secret' } });
    expect(status).toBe(403);
    expect(body.message).toMatch(/^The request signature we calculated does not match the signature you provided\. Check your AWS Secret Access Key and signing method\./);
  });

  it('refuses a request signed for ssm, as the AWS CLI signs it', async () => {
    const api = await standIn({ secrets: { [CLIENT_CREDENTIALS.accessKeyId]: CLIENT_CREDENTIALS.secretAccessKey } });
    const url = new URL('/', api.apiUrl);
    const response = await fetch(url, { ...SSM_LIST_COMMANDS, headers: await signedFor('ssm', url, SSM_LIST_COMMANDS) });
    expect(response.status).toBe(403);
    expect(response.headers.get('x-amzn-errortype')).toBe('InvalidSignatureException');
    expect(await response.json()).toEqual({ message: "Credential should be scoped to correct service: 'execute-api'. " });
  });

  it('refuses a replayed request: signed more than 5 minutes before its clock', async () => {
    const api = await standIn();
    const { status, body } = await sendSigned(api, '/', { signingDate: new Date(NOW.getTime() - 10 * 60_000) });
    expect(status).toBe(403);
    expect(body).toEqual({ message: 'Signature expired: 20260301T115000Z is now earlier than 20260301T115500Z (20260301T120000Z - 5 min.)' });
    // Within the window it is fine.
    expect((await sendSigned(api, '/', { signingDate: new Date(NOW.getTime() - 4 * 60_000) })).status).toBe(200);
  });

  it('refuses a request altered after signing: its body, its path, its query', async () => {
    const api = await standIn();
    const mismatch = /^The request signature we calculated does not match/;
    const alteredBody = await sendSigned(api, '/', { alter: (body) => body.replace('"MaxResults":5', '"MaxResults":50') });
    expect(alteredBody.status).toBe(403);
    expect(alteredBody.body.message).toMatch(mismatch);

    const url = new URL(`/executions${queryString({ status: 'Failed' })}`, api.apiUrl);
    const headers = await signExecuteApiRequest({ method: 'GET', url, headers: {} }, { region: REGION, credentials: PROXY_CREDENTIALS, signingDate: NOW });
    const { host: _host, ...sent } = headers;
    const elsewhere = await fetch(new URL('/status?status=Failed', api.apiUrl), { headers: sent });
    const otherQuery = await fetch(new URL('/executions?status=TimedOut', api.apiUrl), { headers: sent });
    const asSigned = await fetch(url, { headers: sent });
    expect([elsewhere.status, otherQuery.status, asSigned.status]).toEqual([403, 403, 200]);
    expect(((await otherQuery.json()) as { message: string }).message).toMatch(mismatch);
  });

  it('refuses expired temporary credentials, and a request with no signature', async () => {
    const api = await standIn({ expiredSessionTokens: [PROXY_CREDENTIALS.sessionToken] });
    expect(await sendSigned(api, '/')).toMatchObject({ status: 403, body: { message: 'The security token included in the request is expired' } });
    const unsigned = await fetch(new URL('/', api.apiUrl), SSM_LIST_COMMANDS);
    expect(unsigned.status).toBe(403);
    expect(await unsigned.json()).toEqual({ message: 'Missing Authentication Token' });
  });
});

describe('startProxy', () => {
  it('forwards an SSM request re-signed with its own credentials: the client’s signature and token stay behind', async () => {
    const api = await standIn();
    const { proxy } = await proxyTo(api.apiUrl);
    const url = new URL('/', proxy.url);
    const clientHeaders = await signedFor('ssm', url, SSM_LIST_COMMANDS);
    const response = await fetch(url, { ...SSM_LIST_COMMANDS, headers: clientHeaders });

    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/x-amz-json-1.1');
    const echoed = (await response.json()) as Echoed;
    expect(echoed).toEqual({ method: 'POST', path: '/', query: {}, target: 'AmazonSSM.ListCommands', body: SSM_LIST_COMMANDS.body });
    const [received] = api.requests;
    expect(received?.outcome).toBe('accepted');
    expect(response.headers.get('x-amzn-requestid')).toMatch(/^[0-9a-f-]{36}$/);
    expect(received?.accessKeyId).toBe(PROXY_CREDENTIALS.accessKeyId);
    expect(received?.headers.authorization).toMatch(new RegExp(`^AWS4-HMAC-SHA256 Credential=${PROXY_CREDENTIALS.accessKeyId}/20260301/${REGION}/execute-api/aws4_request, `));
    expect(received?.headers.authorization).not.toBe(clientHeaders.authorization);
    expect(received?.headers['x-amz-security-token']).toBe(PROXY_CREDENTIALS.sessionToken);
    expect(received?.headers['x-amz-date']).toBe('20260301T120000Z');
    expect(received?.headers['x-amz-target']).toBe('AmazonSSM.ListCommands');
    expect(received?.headers['content-type']).toBe('application/x-amz-json-1.1');
    expect(received?.body).toBe(SSM_LIST_COMMANDS.body);
    // The client's own signature went nowhere.
    expect(JSON.stringify(received?.headers)).not.toMatch(/AKIDCLIENTEXAMPLE|client-session-token/);
  });

  it('serves the AWS SDK’s own SSM client, whose requests are signed for ssm', async () => {
    const api = await standIn({
      handler: async (request) => ({
        statusCode: 200,
        headers: { 'content-type': 'application/x-amz-json-1.1' },
        body: JSON.stringify({ Commands: [{ CommandId: 'c-1', DocumentName: 'AWS-RunShellScript', Status: request.headers['x-amz-target'] === 'AmazonSSM.ListCommands' ? 'Failed' : 'Unknown' }] }),
      }),
    });
    const { proxy } = await proxyTo(api.apiUrl);
    const ssm = new SSMClient({ endpoint: proxy.url, region: 'us-east-1', credentials: CLIENT_CREDENTIALS, maxAttempts: 1 });
    try {
      const { Commands } = await ssm.send(new ListCommandsCommand({ MaxResults: 5 }));
      expect(Commands).toEqual([{ CommandId: 'c-1', DocumentName: 'AWS-RunShellScript', Status: 'Failed' }]);
    } finally {
      ssm.destroy();
    }
    expect(api.requests.map((request) => [request.accessKeyId, request.outcome])).toEqual([[PROXY_CREDENTIALS.accessKeyId, 'accepted']]);
  });

  it('puts the API’s stage path before every path', async () => {
    const api = await standIn({ stage: '/prod' });
    expect(api.apiUrl).toMatch(/\/prod\/$/);
    const { proxy } = await proxyTo(api.apiUrl);
    const ssm = await fetch(new URL('/', proxy.url), SSM_LIST_COMMANDS);
    const view = await fetch(new URL('/instances/i-0123456789abcdef0/history?limit=5', proxy.url));
    expect([ssm.status, view.status]).toEqual([200, 200]);
    expect(((await view.json()) as Echoed).path).toBe('/instances/i-0123456789abcdef0/history');
    expect(api.requests.map((request) => [request.rawUrl, request.outcome])).toEqual([
      ['/prod/', 'accepted'],
      ['/prod/instances/i-0123456789abcdef0/history?limit=5', 'accepted'],
    ]);
  });

  it('re-encodes query strings as it signs them: spaces, "+", commas, reserved characters, a repeated name', async () => {
    const api = await standIn();
    const { proxy } = await proxyTo(api.apiUrl);
    const response = await fetch(
      `${proxy.url}/executions?documentName=My+Doc%20v2&status=Failed,TimedOut&since=2026-03-01T00:00:00Z&nextToken=eyJ%2B%2F%3D%26a%22%7D&kind=x&kind=y`,
    );
    expect(response.status).toBe(200);
    expect(((await response.json()) as Echoed).query).toEqual({
      documentName: 'My Doc v2',
      status: 'Failed,TimedOut',
      since: '2026-03-01T00:00:00Z',
      nextToken: 'eyJ+/=&a"}',
      // A repeated name arrives joined with commas, as API Gateway hands it to Lambda.
      kind: 'x,y',
    });
    const [received] = api.requests;
    expect(received?.outcome).toBe('accepted');
    expect(received?.rawUrl).toBe('/executions?documentName=My%20Doc%20v2&status=Failed%2CTimedOut&since=2026-03-01T00%3A00%3A00Z&nextToken=eyJ%2B%2F%3D%26a%22%7D&kind=x&kind=y');
  });

  it('streams back the API’s status, content type and body, errors included', async () => {
    const api = await standIn();
    const { proxy } = await proxyTo(api.apiUrl);
    const response = await fetch(`${proxy.url}/missing`);
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(await response.json()).toMatchObject({ path: '/missing' });
  });

  describe('credentials', () => {
    const ssoExpired = new Error('The SSO session associated with this profile has expired or is otherwise invalid. To refresh this SSO session run aws sso login with the corresponding profile.');

    it('that cannot be loaded (an expired SSO session): the client gets its protocol’s error, stderr what to do', async () => {
      const api = await standIn();
      const { proxy, log } = await proxyTo(api.apiUrl, { credentials: () => Promise.reject(ssoExpired), profile: 'dev' });
      const ssm = await fetch(new URL('/', proxy.url), SSM_LIST_COMMANDS);
      expect(ssm.status).toBe(403);
      expect(ssm.headers.get('content-type')).toBe('application/x-amz-json-1.1');
      const error = (await ssm.json()) as { __type: string; message: string };
      expect(error.__type).toBe('ExpiredTokenException');
      expect(error.message).toMatch(/your AWS credentials have expired \(The SSO session .*\): run aws sso login --profile dev, then retry$/);
      expect(log).toEqual([error.message]);

      const view = await fetch(`${proxy.url}/executions`);
      expect(view.status).toBe(403);
      expect(await view.json()).toEqual({ message: error.message });
      expect(api.requests).toEqual([]);
    });

    it('that do not exist: the client is told so, stderr says how to configure them', async () => {
      const api = await standIn();
      const { proxy, log } = await proxyTo(api.apiUrl, { credentials: () => Promise.reject(new Error('Could not load credentials from any providers')) });
      const response = await fetch(new URL('/', proxy.url), SSM_LIST_COMMANDS);
      expect(response.status).toBe(403);
      expect(await response.json()).toEqual({
        __type: 'MissingAuthenticationToken',
        message: 'ssm-history proxy: no AWS credentials to sign with (Could not load credentials from any providers): configure them with aws configure (or aws configure sso), AWS_PROFILE or --profile',
      });
      expect(log).toHaveLength(1);
      expect(log[0]).toMatch(/^ssm-history proxy: no AWS credentials to sign with .*aws configure/);
    });

    it('that the API says have expired: the same clear message, not API Gateway’s', async () => {
      const api = await standIn({ expiredSessionTokens: [PROXY_CREDENTIALS.sessionToken] });
      const { proxy, log } = await proxyTo(api.apiUrl, { profile: 'ops' });
      const response = await fetch(new URL('/', proxy.url), SSM_LIST_COMMANDS);
      expect(response.status).toBe(403);
      const error = (await response.json()) as { __type: string; message: string };
      expect(error).toEqual({
        __type: 'ExpiredTokenException',
        message: 'ssm-history proxy: your AWS credentials have expired (the API says the security token is expired): run aws sso login --profile ops, then retry',
      });
      expect(log).toEqual([error.message]);
      expect(api.requests.map((request) => request.outcome)).toEqual(['The security token included in the request is expired']);
    });

    it('are asked for on every request, so that a new login takes effect without a restart', async () => {
      const api = await standIn();
      const answers = [() => Promise.reject(ssoExpired), () => Promise.resolve(PROXY_CREDENTIALS)];
      const credentials = jest.fn(() => (answers.shift() ?? (() => Promise.resolve(PROXY_CREDENTIALS)))());
      const { proxy } = await proxyTo(api.apiUrl, { credentials });
      const first = await fetch(new URL('/', proxy.url), SSM_LIST_COMMANDS);
      const second = await fetch(new URL('/', proxy.url), SSM_LIST_COMMANDS);
      expect([first.status, second.status]).toEqual([403, 200]);
      expect(credentials).toHaveBeenCalledTimes(2);
    });

    it('that the API does not know: its refusal reaches the client as it is', async () => {
      const api = await standIn();
      const { proxy, log } = await proxyTo(api.apiUrl, { credentials: { ...PROXY_CREDENTIALS, accessKeyId: 'AKIDUNKNOWN' } });
      const response = await fetch(new URL('/', proxy.url), SSM_LIST_COMMANDS);
      expect(response.status).toBe(403);
      expect(await response.json()).toEqual({ message: 'The security token included in the request is invalid.' });
      expect(log).toEqual([]);
    });
  });

  it('answers 502 with the reason when the API cannot be reached', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise((resolve) => closed.close(resolve));
    const { proxy, log } = await proxyTo(`http://127.0.0.1:${port}/`);

    const ssm = await fetch(new URL('/', proxy.url), SSM_LIST_COMMANDS);
    expect(ssm.status).toBe(502);
    const error = (await ssm.json()) as { __type: string; message: string };
    expect(error.__type).toBe('ServiceUnavailable');
    expect(error.message).toBe(`ssm-history proxy: cannot reach the API at http://127.0.0.1:${port}: connect ECONNREFUSED 127.0.0.1:${port} (check --api and the network)`);
    const view = await fetch(`${proxy.url}/status`);
    expect(view.status).toBe(502);
    expect(await view.json()).toEqual({ message: error.message });
    expect(log).toEqual([error.message, error.message]);
  });

  it('tries its local routes first, and forwards what they leave', async () => {
    const api = await standIn();
    const seen: string[] = [];
    const localRoutes: LocalRoutes = async (request) => {
      seen.push(`${request.method} ${request.path} ${JSON.stringify(request.query)}`);
      return request.path.startsWith('/console') ? { statusCode: 200, headers: { 'content-type': 'text/html' }, body: '<h1>console</h1>' } : undefined;
    };
    const { proxy } = await proxyTo(api.apiUrl, { localRoutes });
    const page = await fetch(`${proxy.url}/console?tab=failures`);
    expect(page.status).toBe(200);
    expect(await page.text()).toBe('<h1>console</h1>');
    expect(api.requests).toEqual([]);

    const forwarded = await fetch(`${proxy.url}/executions`);
    expect(forwarded.status).toBe(200);
    expect(seen).toEqual(['GET /console {"tab":"failures"}', 'GET /executions {}']);
    expect(api.requests.map((request) => request.rawUrl)).toEqual(['/executions']);
  });

  it('refuses a request naming a host other than a loopback one (a rebinding web page)', async () => {
    const api = await standIn();
    const { proxy } = await proxyTo(api.apiUrl);
    const { status, body } = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = httpRequest(`${proxy.url}/executions`, { headers: { host: `attacker.example:${proxy.port}` } }, (res) => {
        let text = '';
        res.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      });
      req.on('error', reject);
      req.end();
    });
    expect(status).toBe(403);
    expect(body).toMatch(/127\.0\.0\.1, localhost or \[::1\] only, not to attacker\.example/);
    expect(api.requests).toEqual([]);
  });

  it('will not start without a Region to sign for, on a non-loopback address, or for a plain-http API elsewhere', async () => {
    const base = { credentials: PROXY_CREDENTIALS, port: 0 };
    await expect(startProxy({ ...base, api: 'https://history.example.com/' })).rejects.toThrow(/cannot tell which Region history\.example\.com is in/);
    await expect(startProxy({ ...base, api: 'https://a1b2c3d4e5.execute-api.eu-west-1.amazonaws.com/', host: '0.0.0.0' })).rejects.toThrow(ProxySetupError);
    await expect(startProxy({ ...base, api: 'http://history.example.com/', region: REGION })).rejects.toThrow(/must be an https:\/\/ URL/);
    // An execute-api hostname names its Region.
    const proxy = await startProxy({ ...base, api: 'https://a1b2c3d4e5.execute-api.ap-south-1.amazonaws.com/', region: 'us-east-1' });
    opened.push(proxy);
    expect(proxy.region).toBe('ap-south-1');
    expect(proxy.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });
});

describe('runProxyCommand', () => {
  function capture(env: Record<string, string | undefined> = {}) {
    const output = { stdout: '', stderr: '' };
    let announce: (line: string) => void = () => undefined;
    const started = new Promise<string>((resolve) => {
      announce = resolve;
    });
    const io = {
      stdout: {
        write: (chunk: string) => {
          output.stdout += chunk;
          if (output.stdout.includes('\n')) announce(output.stdout);
        },
      },
      stderr: { write: (chunk: string) => (output.stderr += chunk) },
      env,
    };
    return { io, output, started };
  }

  it.each([
    [[], /--api is required/],
    [['--api', 'https://a1b2c3d4e5.execute-api.eu-west-1.amazonaws.com/', '--port', 'http'], /--port takes a port number from 0 to 65535, not http/],
    [['--api', 'https://a1b2c3d4e5.execute-api.eu-west-1.amazonaws.com/', '--port', '70000'], /--port takes a port number/],
    [['--api', 'https://a1b2c3d4e5.execute-api.eu-west-1.amazonaws.com/', '--verbose'], /Unknown option '--verbose'/],
    [['--api', 'https://a1b2c3d4e5.execute-api.eu-west-1.amazonaws.com/', '--host', '0.0.0.0'], /loopback address only .* not 0\.0\.0\.0/],
    [['--api', 'https://history.example.com/'], /cannot tell which Region history\.example\.com is in: pass --region/],
    [['--api', 'https://a1b2c3d4e5.execute-api.eu-west-1.amazonaws.com/', '--region', 'us-east-1'], /--region us-east-1 contradicts the API's hostname, which is in eu-west-1/],
    [['--api', 'not a url'], /--api must be the query API's URL/],
  ])('%j is bad usage: exit 2 with the reason and the usage', async (argv, reason) => {
    const { io, output } = capture();
    const signals = new EventEmitter();
    await expect(runProxyCommand(argv, io, { credentials: PROXY_CREDENTIALS, signals })).resolves.toBe(2);
    expect(output.stderr).toMatch(reason);
    expect(output.stderr).toMatch(/Usage: ssm-history proxy --api <QueryApiUrl>/);
    expect(output.stdout).toBe('');
    expect(signals.listenerCount('SIGINT') + signals.listenerCount('SIGTERM')).toBe(0);
  });

  it('prints its usage for --help', async () => {
    const { io, output } = capture();
    await expect(runProxyCommand(['proxy', '-h'], io)).resolves.toBe(0);
    expect(output.stdout).toMatch(/^Usage: ssm-history proxy --api <QueryApiUrl> \[options\]/);
  });

  it('says where it listens and how to use it, serves until SIGTERM, then exits 0', async () => {
    const api = await standIn({ now: () => new Date() });
    const { io, output, started } = capture({ AWS_REGION: REGION, AWS_PROFILE: 'dev' });
    const signals = new EventEmitter();
    const exited = runProxyCommand(['--api', api.apiUrl, '--port', '0'], io, { credentials: PROXY_CREDENTIALS, signals });

    const line = await started;
    const url = /^ssm-history proxy: (http:\/\/127\.0\.0\.1:\d+) forwards to /.exec(line)?.[1] ?? '';
    expect(line).toBe(
      `ssm-history proxy: ${url} forwards to ${api.apiUrl}, signed for execute-api in ${REGION} with profile dev; ` +
        `e.g. aws ssm list-commands --endpoint-url ${url} (or ssm-history executions --endpoint ${url}). Ctrl-C stops it.\n`,
    );
    const response = await fetch(new URL('/', url), SSM_LIST_COMMANDS);
    expect(response.status).toBe(200);
    expect(api.requests.map((request) => request.outcome)).toEqual(['accepted']);

    signals.emit('SIGTERM');
    await expect(exited).resolves.toBe(0);
    expect(signals.listenerCount('SIGINT') + signals.listenerCount('SIGTERM')).toBe(0);
    await expect(fetch(new URL('/', url), SSM_LIST_COMMANDS)).rejects.toThrow(/fetch failed/);
    expect(output.stderr).toBe('');
  });

  it('exits 1 when its port is taken', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    opened.push({ close: () => new Promise<void>((resolve) => taken.close(() => resolve())) });
    const { port } = taken.address() as AddressInfo;
    const { io, output } = capture();
    const signals = new EventEmitter();
    await expect(
      runProxyCommand(['--api', 'https://a1b2c3d4e5.execute-api.eu-west-1.amazonaws.com/', '--port', String(port)], io, { credentials: PROXY_CREDENTIALS, signals }),
    ).resolves.toBe(1);
    expect(output.stderr).toBe(`ssm-history proxy: cannot listen: port ${port} is in use (local mode, or another proxy?): pass --port\n`);
    expect(signals.listenerCount('SIGINT')).toBe(0);
  });
});
