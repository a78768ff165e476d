import { fakeApiPerTest, runCapturing } from './fake-api';

const NOW = new Date('2026-03-10T12:00:00.000Z');
const invocation = {
  kind: 'command-invocation',
  status: 'Failed',
  statusDetails: 'Failed',
  time: '2026-03-04T05:06:07.123Z',
  commandId: '0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0',
  instanceId: 'i-0123456789abcdef0',
  instanceName: 'web "blue", rack 1',
  documentName: 'AWS-RunShellScript',
};

const fake = fakeApiPerTest({ now: () => NOW });
const run = fake.run;

describe('listing filters', () => {
  it('sends several --status, repeated or comma-separated, as one comma-joined status', async () => {
    const { code } = await run('executions', '--status', 'Failed', '--status', 'TimedOut, Cancelled', '--status', 'Undeliverable,');
    expect(code).toBe(0);
    expect(fake.api.requests[0]?.query).toEqual({ status: 'Failed,TimedOut,Cancelled,Undeliverable' });
  });

  it('maps --document and --instance to documentName and instanceId', async () => {
    await run('executions', '--kind', 'command-invocation', '--document', 'AWS-RunShellScript', '--instance', 'i-0123456789abcdef0');
    expect(fake.api.requests[0]?.query).toEqual({ kind: 'command-invocation', documentName: 'AWS-RunShellScript', instanceId: 'i-0123456789abcdef0' });
  });

  it('gives history --document and relative times as written, for the API to count on each page', async () => {
    await run('history', 'i-0123456789abcdef0', '--document', 'AWS-RunPatchBaseline', '--since', '7d', '--until', '30m');
    expect(fake.api.requests[0]?.path).toBe('/instances/i-0123456789abcdef0/history');
    expect(fake.api.requests[0]?.query).toEqual({ documentName: 'AWS-RunPatchBaseline', since: '7d', until: '30m' });
  });

  it.each([['30m'], ['24h'], ['7d'], ['9999d'], ['2026-03-01'], ['2026-03-01T08:00:00Z'], ['2026-03-01T08:00:00.123+02:00']])('accepts --since %s', async (since) => {
    const { code, stderr } = await run('executions', '--since', since);
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    expect(fake.api.requests[0]?.query.since).toBe(since);
  });

  it.each([
    [['--since', '7w'], /--since 7w has the unknown unit "w": a relative time is a count of m \(minutes\), h \(hours\) or d \(days\)/],
    [['--since', '30'], /--since 30 has no unit/],
    [['--until', '0h'], /--until 0h: the count must be from 1 to 9999/],
    [['--since', '10000d'], /the count must be from 1 to 9999/],
    [['--since', 'yesterday'], /--since must be an ISO 8601 time such as 2026-03-01T08:00:00Z, or a time before now such as 30m, 24h or 7d, got "yesterday"/],
    [['--until', '2026-13-01'], /--until must be an ISO 8601 time/],
    [['--since', '1h', '--until', '2h'], /--since \(1h\) must be before --until \(2h\)/],
    [['--since', '2026-03-02T00:00:00Z', '--until', '2026-03-01T00:00:00Z'], /must be before --until/],
    [['--since', '2d', '--until', '2026-03-01T00:00:00Z'], /must be before --until/],
    [['--status', ','], /--status needs a value/],
    [['--document', ' '], /--document needs a value/],
  ])('%p is a usage error, before any request', async (options, message) => {
    const { code, stderr } = await run('executions', ...options);
    expect(code).toBe(2);
    expect(stderr).toMatch(message);
    expect(stderr).toContain('Usage: ssm-history');
    expect(fake.api.requests).toEqual([]);
  });

  it.each([
    [['status', '--limit', '5'], /--limit does not apply to status: status takes no filters/],
    [['status', 'run-command'], /status takes no operands/],
    [['alerts', '--since', '1h'], /--since does not apply to alerts: alerts takes --kind, --limit, --next-token, --all/],
    [['alerts', '--status', 'Failed'], /--status does not apply to alerts/],
    [['show', 'abc', '--all'], /--all does not apply to show: show lists up to --limit children/],
    [['show', 'abc', '--status', 'Failed'], /--status does not apply to show/],
    [['show'], /show needs exactly one <executionId>/],
    [['show', 'a', 'b'], /show needs exactly one <executionId>/],
    [['executions', '--format', 'xml'], /--format must be table, json or csv, got "xml"/],
    [['executions', '--json', '--format', 'csv'], /--json is --format json: it cannot go with --format csv/],
  ])('%p is bad usage, exit 2', async (argv, message) => {
    const { code, stderr } = await runCapturing(argv);
    expect(code).toBe(2);
    expect(stderr).toMatch(message);
  });
});

describe('--format', () => {
  it('takes --json and --format json alike', async () => {
    const page = { items: [invocation] };
    fake.respond = () => ({ body: page });
    const alias = await run('executions', '--json');
    const format = await run('executions', '--format', 'json', '--json');
    expect(JSON.parse(alias.stdout)).toEqual(page);
    expect(format.stdout).toBe(alias.stdout);
  });

  it('prints CSV: a header row, one row per item, the table’s columns with full times, fields quoted as RFC 4180 has it', async () => {
    fake.respond = () => ({ body: { items: [invocation, { ...invocation, instanceName: undefined, status: 'TimedOut', statusDetails: 'DeliveryTimedOut', documentName: 'line1\nline2' }] } });
    const { code, stdout, stderr } = await run('executions', '--format', 'csv');
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    expect(stdout).toBe(
      'TIME,KIND,STATUS,ID,INSTANCE,DOCUMENT\r\n' +
        '2026-03-04T05:06:07.123Z,command-invocation,Failed,0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0,"i-0123456789abcdef0 (web ""blue"", rack 1)",AWS-RunShellScript\r\n' +
        '2026-03-04T05:06:07.123Z,command-invocation,TimedOut (DeliveryTimedOut),0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0,i-0123456789abcdef0,"line1\nline2"\r\n',
    );
  });

  it('keeps CSV on stdout clean: the next token goes to stderr', async () => {
    fake.respond = () => ({ body: { items: [invocation], nextToken: 'tok' } });
    const { code, stdout, stderr } = await run('history', 'i-0123456789abcdef0', '--format', 'csv');
    expect(code).toBe(0);
    expect(stdout.split('\r\n')).toHaveLength(3);
    expect(stdout).not.toContain('tok');
    expect(stderr).toContain('--next-token tok');
  });

  it('prints only the header row when nothing matched', async () => {
    const { stdout } = await run('executions', '--format', 'csv');
    expect(stdout).toBe('TIME,KIND,STATUS,ID,INSTANCE,DOCUMENT\r\n');
  });
});
