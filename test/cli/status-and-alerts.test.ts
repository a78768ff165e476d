import { byPath, fakeApiPerTest } from './fake-api';

const NOW = new Date('2026-03-10T12:00:00.000Z');
const runCommand = {
  kind: 'run-command',
  watermark: '2026-03-10T11:57:00.000Z',
  lastPollStartedAt: '2026-03-10T11:59:58.000Z',
  lastSuccessfulPollAt: '2026-03-10T11:59:59.500Z',
  listingInProgress: false,
  recordsStored: 2193,
  missedByEvents: 3,
  parentsListed: 41,
  throttles: 7,
  oldestRecordSsmReturned: '2026-02-08T09:30:00.000Z',
};
const neverPolled = { kind: 'session', listingInProgress: true, recordsStored: 0, missedByEvents: 0, parentsListed: 0, throttles: 0 };

const invocationAlert = {
  kind: 'command-invocation',
  status: 'Failed',
  statusDetails: 'Failed',
  region: 'us-east-1',
  commandId: '5f0b2a9e-1111-2222-3333-444455556666',
  instanceId: 'i-0a1b2c3d4e5f60718',
  documentName: 'AWS-RunShellScript',
  times: { requested: '2026-03-10T11:00:00.000Z' },
  errorExcerpt: '\n  Job for nginx.service failed.\nSee journalctl -xe',
  consoleUrl: 'https://us-east-1.console.aws.amazon.com/systems-manager/run-command/5f0b2a9e',
  subject: 'SSM Run Command Failed: AWS-RunShellScript on i-0a1b2c3d4e5f60718',
  publishedAt: '2026-03-10T11:01:02.345Z',
  messageId: 'local-2',
};
const automationAlert = {
  kind: 'automation-execution',
  status: 'TimedOut',
  statusDetails: 'Step timed out',
  region: 'us-east-1',
  automationExecutionId: 'a1b2c3d4-0000-1111-2222-333344445555',
  documentName: 'AWS-RestartEC2Instance',
  times: {},
  consoleUrl: 'https://example.com',
  subject: 'SSM Automation TimedOut: AWS-RestartEC2Instance',
  publishedAt: '2026-03-10T10:00:00.000Z',
  messageId: 'local-1',
};

const fake = fakeApiPerTest({ now: () => NOW });
const run = fake.run;

describe('status', () => {
  beforeEach(() => {
    fake.respond = byPath({ '/status': { body: { kinds: [runCommand, neverPolled] } } });
  });

  it('prints one row per kind, its times as ages counted from the clock', async () => {
    const { code, stdout, stderr } = await run('status');
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    const [header, first, second] = stdout.split('\n');
    expect(header).toMatch(/^KIND\s+WATERMARK\s+LAST SUCCESSFUL POLL\s+LISTING IN PROGRESS\s+RECORDS STORED\s+MISSED BY EVENTS\s+THROTTLES\s+OLDEST RECORD SSM RETURNED$/);
    expect(first).toMatch(/^run-command\s+3m ago\s+just now\s+no\s+2193\s+3\s+7\s+30d 2h ago$/);
    expect(second).toMatch(/^session\s+-\s+-\s+yes\s+0\s+0\s+0\s+-$/);
    expect(fake.api.requests.map((request) => request.rawUrl)).toEqual(['/status']);
  });

  it('gives the exact times in CSV, one row per kind', async () => {
    const { stdout } = await run('status', '--format', 'csv');
    expect(stdout.split('\r\n')).toEqual([
      'KIND,WATERMARK,LAST SUCCESSFUL POLL,LISTING IN PROGRESS,RECORDS STORED,MISSED BY EVENTS,THROTTLES,OLDEST RECORD SSM RETURNED',
      'run-command,2026-03-10T11:57:00.000Z,2026-03-10T11:59:59.500Z,no,2193,3,7,2026-02-08T09:30:00.000Z',
      'session,,,yes,0,0,0,',
      '',
    ]);
  });

  it('prints the API’s JSON', async () => {
    const { stdout } = await run('status', '--json');
    expect(JSON.parse(stdout)).toEqual({ kinds: [runCommand, neverPolled] });
  });

  it('refuses an answer without kinds', async () => {
    fake.respond = () => ({ body: { items: [] } });
    const { code, stderr } = await run('status');
    expect(code).toBe(1);
    expect(stderr).toMatch(/without a "kinds" list/);
  });
});

describe('alerts', () => {
  it('asks GET /alerts with --kind and --limit and lists them as given, newest first, with each error’s first line', async () => {
    fake.respond = byPath({ '/alerts': { body: { items: [invocationAlert, automationAlert] } } });
    const { code, stdout } = await run('alerts', '--kind', 'command-invocation', '--limit', '5');
    expect(code).toBe(0);
    expect(fake.api.requests[0]?.query).toEqual({ kind: 'command-invocation', limit: '5' });
    const lines = stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^PUBLISHED\s+KIND\s+STATUS\s+EXECUTION\s+SUBJECT\s+ERROR$/);
    expect(lines[1]).toMatch(
      /^2026-03-10T11:01:02Z\s+command-invocation\s+Failed\s+5f0b2a9e-1111-2222-3333-444455556666\s+SSM Run Command Failed: AWS-RunShellScript on i-0a1b2c3d4e5f60718\s+Job for nginx.service failed.$/,
    );
    // No excerpt: the status details say what happened.
    expect(lines[2]).toMatch(/^2026-03-10T10:00:00Z\s+automation-execution\s+TimedOut\s+a1b2c3d4-0000-1111-2222-333344445555\s+.*\s+Step timed out$/);
    expect(lines).toHaveLength(3);
  });

  it('cuts a long error line in the table, never in CSV', async () => {
    const long = `E${'x'.repeat(150)}`;
    fake.respond = () => ({ body: { items: [{ ...invocationAlert, errorExcerpt: long }] } });
    const table = await run('alerts');
    expect(table.stdout).toContain(`E${'x'.repeat(76)}...`);
    expect(table.stdout).not.toContain(long);
    const csv = await run('alerts', '--format', 'csv');
    expect(csv.stdout.split('\r\n')).toEqual([
      'PUBLISHED,KIND,STATUS,EXECUTION,SUBJECT,ERROR',
      `2026-03-10T11:01:02.345Z,command-invocation,Failed,5f0b2a9e-1111-2222-3333-444455556666,SSM Run Command Failed: AWS-RunShellScript on i-0a1b2c3d4e5f60718,${long}`,
      '',
    ]);
  });

  it('follows a nextToken with --all, and hands one on with --next-token', async () => {
    fake.respond = (request) =>
      request.query.nextToken === 'n2' ? { body: { items: [automationAlert] } } : { body: { items: [invocationAlert], nextToken: 'n2' } };
    const all = await run('alerts', '--all', '--json');
    expect(JSON.parse(all.stdout)).toEqual({ items: [invocationAlert, automationAlert] });
    expect(fake.api.requests.map((request) => request.query)).toEqual([{}, { nextToken: 'n2' }]);

    const first = await run('alerts');
    expect(first.stdout).toContain('--next-token n2');
    await run('alerts', '--next-token', 'n2');
    expect(fake.api.requests.at(-1)?.query).toEqual({ nextToken: 'n2' });
  });

  it('says so when none were sent', async () => {
    const { code, stdout } = await run('alerts');
    expect({ code, stdout }).toEqual({ code: 0, stdout: 'No alerts found.\n' });
  });

  it('says an API without GET /alerts needs deploying again', async () => {
    fake.respond = () => ({ status: 404, body: { message: 'Not Found' } });
    const { code, stderr } = await run('alerts');
    expect(code).toBe(1);
    expect(stderr).toBe('ssm-history: the API answered 404: Not Found (an archive deployed before GET /alerts existed has no such route: deploy it again)\n');
  });
});
