import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { fakeApiPerTest, runCapturing } from './fake-api';

const invocation = {
  kind: 'command-invocation',
  status: 'Failed',
  statusDetails: 'Failed',
  time: '2026-03-04T05:06:07.123Z',
  requestedDateTime: '2026-03-04T05:06:00.000Z',
  commandId: '0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0',
  instanceId: 'i-0123456789abcdef0',
  instanceName: 'web-1',
  documentName: 'AWS-RunShellScript',
};
const command = {
  kind: 'command',
  status: 'Success',
  statusDetails: 'Success',
  time: '2026-03-03T01:02:03.000Z',
  commandId: 'f0e9d8c7-b6a5-4938-8271-605f4e3d2c1b',
  documentName: 'AWS-UpdateSSMAgent',
};
const timedOut = { ...invocation, status: 'TimedOut', statusDetails: 'DeliveryTimedOut', instanceId: 'i-0fedcba9876543210', instanceName: undefined };

const fake = fakeApiPerTest();
const run = fake.run;

describe('executions', () => {
  it('prints a table with time, kind, status, ids and document, then the next token', async () => {
    fake.respond = () => ({ body: { items: [invocation, command, timedOut], nextToken: 'tok/1+2=' } });
    const { code, stdout, stderr } = await run('executions');
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    const lines = stdout.split('\n');
    expect(lines[0]).toMatch(/^TIME\s+KIND\s+STATUS\s+ID\s+INSTANCE\s+DOCUMENT$/);
    expect(lines[1]).toMatch(
      /^2026-03-04T05:06:07Z\s+command-invocation\s+Failed\s+0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0\s+i-0123456789abcdef0 \(web-1\)\s+AWS-RunShellScript$/,
    );
    expect(lines[2]).toMatch(/^2026-03-03T01:02:03Z\s+command\s+Success\s+f0e9d8c7-b6a5-4938-8271-605f4e3d2c1b\s+-\s+AWS-UpdateSSMAgent$/);
    expect(lines[3]).toMatch(/\sTimedOut \(DeliveryTimedOut\)\s.*\si-0fedcba9876543210\s/);
    // Columns line up: every row starts its KIND column where the header does.
    const kindColumn = lines[0]?.indexOf('KIND');
    expect(lines.slice(1, 4).map((line) => line.indexOf('command'))).toEqual([kindColumn, kindColumn, kindColumn]);
    expect(stdout).toContain('--next-token tok/1+2=');
    expect(fake.api.requests.map((request) => `${request.method} ${request.path}`)).toEqual(['GET /executions']);
  });

  it('marks a status SSM has not confirmed, which only an event or notification gave', async () => {
    fake.respond = () => ({ body: { items: [{ ...invocation, unconfirmed: true }, command] } });
    const { code, stdout } = await run('executions');
    expect(code).toBe(0);
    const lines = stdout.split('\n');
    expect(lines[1]).toMatch(/\sFailed \[unconfirmed\]\s+0b1c2d3e-/);
    expect(lines[2]).toMatch(/\sSuccess\s+f0e9d8c7-/);
    expect(lines[2]).not.toContain('unconfirmed');
  });

  it('says so when nothing matched, without a next-token hint', async () => {
    const { code, stdout } = await run('executions', '--status', 'Cancelled');
    expect(code).toBe(0);
    expect(stdout).toBe('No executions found.\n');
  });

  it('prints the API’s JSON with --json', async () => {
    const page = { items: [invocation, command], nextToken: 'abc' };
    fake.respond = () => ({ body: page });
    const { code, stdout } = await run('executions', '--json');
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toEqual(page);
  });

  it('maps every option to its query parameter, encoded so that it arrives unchanged', async () => {
    const token = 'eyJrIjoiYSJ9+/=& x';
    const { code } = await run(
      'executions',
      '--kind', 'command-invocation',
      '--status', 'Failed',
      '--since', '2026-03-01T00:00:00Z',
      '--until', '2026-04-01',
      '--limit', '25',
      '--next-token', token,
    );
    expect(code).toBe(0);
    const [request] = fake.api.requests;
    expect(request?.query).toEqual({
      kind: 'command-invocation',
      status: 'Failed',
      since: '2026-03-01T00:00:00Z',
      until: '2026-04-01',
      limit: '25',
      nextToken: token,
    });
    // No "+" for a space (SigV4 would read it as a plus) and no raw reserved characters.
    expect(request?.rawUrl).toContain('nextToken=eyJrIjoiYSJ9%2B%2F%3D%26%20x');
    expect(request?.headers.accept).toBe('application/json');
  });

  it('leaves out the options not given', async () => {
    await run('executions');
    expect(fake.api.requests[0]?.rawUrl).toBe('/executions');
  });

  it('follows every page with --all, in order, and prints them as one list', async () => {
    const pages: Record<string, { items: object[]; nextToken?: string }> = {
      '': { items: [invocation], nextToken: 'p2' },
      p2: { items: [command], nextToken: 'p3' },
      p3: { items: [timedOut] },
    };
    fake.respond = (request) => ({ body: pages[request.query.nextToken ?? ''] });
    const { code, stdout } = await run('executions', '--status', 'Failed', '--limit', '1', '--all', '--json');
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toEqual({ items: [invocation, command, timedOut] });
    expect(fake.api.requests.map((request) => request.query)).toEqual([
      { status: 'Failed', limit: '1' },
      { status: 'Failed', limit: '1', nextToken: 'p2' },
      { status: 'Failed', limit: '1', nextToken: 'p3' },
    ]);

    const table = await run('executions', '--all');
    expect(table.stdout.trimEnd().split('\n')).toHaveLength(4);
    expect(table.stdout).not.toContain('--next-token');
  });

  it('stops --all when the API hands back a token it already gave', async () => {
    fake.respond = () => ({ body: { items: [invocation], nextToken: 'same' } });
    const { code, stderr } = await run('executions', '--all');
    expect(code).toBe(1);
    expect(stderr).toMatch(/page token it had returned before/);
    expect(fake.api.requests).toHaveLength(2);
  });

  it('shows names from the fleet with their control characters blanked', async () => {
    fake.respond = () => ({ body: { items: [{ ...invocation, instanceName: 'evil\u001b[31m\nname' }] } });
    const { stdout } = await run('executions');
    expect(stdout).not.toContain('\u001b');
    expect(stdout.trimEnd().split('\n')).toHaveLength(2);
  });
});

describe('history', () => {
  it('asks for one node’s history with its filters and paging', async () => {
    fake.respond = () => ({ body: { items: [invocation] } });
    const { code, stdout } = await run(
      'history', 'i-0123456789abcdef0',
      '--status', 'Failed', '--since', '2026-01-01T00:00:00Z', '--until', '2026-02-01T00:00:00Z', '--limit', '10', '--next-token', 't',
    );
    expect(code).toBe(0);
    expect(fake.api.requests[0]?.path).toBe('/instances/i-0123456789abcdef0/history');
    expect(fake.api.requests[0]?.query).toEqual({
      status: 'Failed', since: '2026-01-01T00:00:00Z', until: '2026-02-01T00:00:00Z', limit: '10', nextToken: 't',
    });
    expect(stdout).toContain('AWS-RunShellScript');
  });

  it('says so when the node has no history', async () => {
    const { stdout } = await run('history', 'mi-0123456789abcdef0');
    expect(stdout).toBe('No history for mi-0123456789abcdef0.\n');
  });

  it('keeps the endpoint’s base path', async () => {
    await runCapturing(['history', 'i-1', '--endpoint', `${fake.api.url}/archive/`]);
    expect(fake.api.requests[0]?.path).toBe('/archive/instances/i-1/history');
  });
});

describe('errors', () => {
  it.each([
    [400, { message: 'since must be an ISO 8601 time, got "yesterday"' }, 'the API answered 400: since must be an ISO 8601 time, got "yesterday"'],
    [403, { message: 'Forbidden' }, 'the API answered 403: Forbidden'],
    [400, { __type: 'InvalidNextToken', Message: 'The token is not valid' }, 'the API answered 400: The token is not valid'],
    [502, 'Bad Gateway', 'the API answered 502: Bad Gateway'],
  ])('shows the API’s message for HTTP %s and exits 1', async (status, body, message) => {
    fake.respond = () => ({ status, body });
    const { code, stdout, stderr } = await run('executions');
    expect({ code, stdout, stderr }).toEqual({ code: 1, stdout: '', stderr: `ssm-history: ${message}\n` });
  });

  it('refuses an answer that is not a page of items', async () => {
    fake.respond = () => ({ body: { CommandInvocations: [] } });
    const { code, stderr } = await run('executions');
    expect(code).toBe(1);
    expect(stderr).toMatch(/without an "items" list/);
  });

  it('says local mode may not be running when nothing listens', async () => {
    const closedPort = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const { port } = probe.address() as AddressInfo;
        probe.close(() => resolve(port));
      });
    });
    const { code, stderr } = await runCapturing(['executions', '--endpoint', `http://127.0.0.1:${closedPort}`]);
    expect(code).toBe(1);
    expect(stderr).toMatch(/cannot reach http:\/\/127\.0\.0\.1:\d+: ECONNREFUSED \(is local mode running\? npm start\)/);
  });

  it.each([
    [[], /no command given/],
    [['executons'], /unknown command "executons"/],
    [['executions', '--bogus'], /Unknown option '--bogus'/],
    [['executions', 'extra'], /executions takes no operands/],
    [['history'], /history needs exactly one <instanceId>/],
    [['history', 'i-1', 'i-2'], /history needs exactly one <instanceId>/],
    [['history', 'i-1', '--kind', 'command'], /--kind does not apply to history: a node's history is its command invocations/],
    [['history', 'i-1', '--instance', 'i-2'], /--instance does not apply to history: the node is the <instanceId> operand/],
    [['executions', '--limit', '0'], /--limit must be a positive integer, got "0"/],
    [['executions', '--limit', 'ten'], /--limit must be a positive integer/],
    [['executions', '--limit'], /argument missing/],
    [['executions', '--all', '--next-token', 'x'], /--all starts from the first page/],
    [['executions', '--endpoint', 'not a url'], /--endpoint must be a URL/],
    [['executions', '--endpoint', 'ftp://example.com'], /--endpoint must be http or https/],
  ])('%p is bad usage: message, usage text, exit 2', async (argv, message) => {
    const { code, stdout, stderr } = await runCapturing(argv);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toMatch(message);
    expect(stderr).toContain('Usage: ssm-history <command> [options]');
  });

  it('prints the usage for --help and exits 0', async () => {
    const { code, stdout } = await runCapturing(['--help']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^Usage: ssm-history <command> \[options\]/);
    expect(stdout).toContain('history <instanceId>');
    for (const command of ['executions', 'show <executionId>', 'alerts', 'status']) expect(stdout).toMatch(new RegExp(`^  ${command} `, 'm'));
    expect(stdout).toContain('  proxy --api <url> [--port 3000]  serve the deployed archive on 127.0.0.1, signed for you (any SSM client, and the console)\n');
    expect(stdout).toMatch(/--json\s+an alias of --format json/);
  });
});

describe('local mode', () => {
  it('sends loopback requests unsigned, even with credentials at hand', async () => {
    const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' };
    for (const endpoint of [fake.api.url, fake.api.url.replace('127.0.0.1', 'localhost')]) {
      await runCapturing(['executions', '--endpoint', endpoint], { credentials }, { AWS_REGION: 'eu-west-1' });
    }
    expect(fake.api.requests).toHaveLength(2);
    for (const request of fake.api.requests) {
      expect(request.headers.authorization).toBeUndefined();
      expect(request.headers['x-amz-date']).toBeUndefined();
    }
  });
});

describe('proxy, through the CLI', () => {
  it('hands `proxy` to the proxy command: its own usage and its own usage errors', async () => {
    const help = await runCapturing(['proxy', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/--api/);
    const missing = await runCapturing(['proxy']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/--api/);
  });
});
