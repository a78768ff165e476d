import { byPath, fakeApiPerTest } from './fake-api';

/**
 * Where things live, as the CLI shows an archive of several accounts and Regions: each
 * listed execution's account and Region, an execution's own, and `status` per account,
 * Region and kind with the account-Regions whose last poll failed.
 */
const NOW = new Date('2026-03-10T12:00:00.000Z');
const fake = fakeApiPerTest({ now: () => NOW });
const run = fake.run;

const command = (commandId: string, account: string, region: string) => ({
  kind: 'command',
  status: 'Success',
  time: '2026-03-10T11:00:00.000Z',
  commandId,
  documentName: 'AWS-RunShellScript',
  account,
  region,
});
const ACCESS_DENIED = 'AccessDenied: cannot assume arn:aws:iam::333333333333:role/ssm-history-read-eu-west-1\nfurther detail';

const kindStatus = (kind: string, extra: Record<string, unknown> = {}) => ({ kind, listingInProgress: false, recordsStored: 0, missedByEvents: 0, parentsListed: 0, throttles: 0, ...extra });

describe('listings of an archive that says where its records live', () => {
  it('add ACCOUNT and REGION after the other columns, in the table and in CSV', async () => {
    fake.respond = () => ({ body: { items: [command('c-1', '222222222222', 'eu-west-1'), command('c-2', '111111111111', 'us-east-1')] } });
    const table = (await run('executions')).stdout.trimEnd().split('\n');
    expect(table[0]).toMatch(/^TIME\s+KIND\s+STATUS\s+ID\s+INSTANCE\s+DOCUMENT\s+ACCOUNT\s+REGION$/);
    expect(table[1]).toMatch(/c-1\s+-\s+AWS-RunShellScript\s+222222222222\s+eu-west-1$/);
    expect(table[2]).toMatch(/c-2\s+-\s+AWS-RunShellScript\s+111111111111\s+us-east-1$/);
    const csv = (await run('history', 'i-0123456789abcdef0', '--format', 'csv')).stdout.split('\r\n');
    expect(csv[0]).toBe('TIME,KIND,STATUS,ID,INSTANCE,DOCUMENT,ACCOUNT,REGION');
    expect(csv[1]).toBe('2026-03-10T11:00:00.000Z,command,Success,c-1,,AWS-RunShellScript,222222222222,eu-west-1');
  });

  it('show an execution’s account and Region in its header', async () => {
    fake.respond = byPath({
      '/executions/c-1': { body: { kind: 'command', id: 'c-1', record: command('c-1', '222222222222', 'eu-west-1'), children: [], moreChildren: false, startedBy: [], started: [] } },
    });
    const { stdout } = await run('show', 'c-1');
    expect(stdout).toMatch(/\n {2}Account\s+222222222222\n {2}Region\s+eu-west-1\n/);
  });
});

describe('status of an organization’s archive', () => {
  const organization = {
    home: { account: '111111111111', region: 'eu-west-1' },
    accounts: ['111111111111', '333333333333'],
    accountsFrom: 'configuration',
    regions: ['eu-west-1'],
    summary: {
      scopes: 2,
      scopesFailing: 1,
      scopesNeverPolled: 1,
      failing: [{ account: '333333333333', region: 'eu-west-1', kinds: ['run-command', 'automation'], lastError: ACCESS_DENIED, lastErrorAt: '2026-03-10T11:56:00.000Z' }],
    },
    collections: [
      { account: '111111111111', region: 'eu-west-1', ...kindStatus('run-command', { lastSuccessfulPollAt: '2026-03-10T11:59:00.000Z' }) },
      { account: '333333333333', region: 'eu-west-1', ...kindStatus('run-command', { lastError: ACCESS_DENIED, lastErrorAt: '2026-03-10T11:55:00.000Z' }) },
    ],
  };

  beforeEach(() => {
    fake.respond = byPath({ '/status': { body: { kinds: [organization.collections[0]], organization } } });
  });

  it('prints one row per account, Region and kind, with why a poll last failed, and the failing account-Regions under it', async () => {
    const { code, stdout } = await run('status');
    expect(code).toBe(0);
    const lines = stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^ACCOUNT\s+REGION\s+KIND\s+WATERMARK\s+LAST SUCCESSFUL POLL\s+.*\s+OLDEST RECORD SSM RETURNED\s+LAST ERROR\s+LAST ERROR AT$/);
    expect(lines[1]).toMatch(/^111111111111\s+eu-west-1\s+run-command\s+-\s+1m ago\s+no\s+0\s+0\s+0\s+-\s+-\s+-$/);
    // The error's first line, cut to the table's room.
    expect(lines[2]).toMatch(/^333333333333\s+eu-west-1\s+run-command\s+.*\s+AccessDenied: cannot assume arn:aws:iam::333333333333:role\/ssm-history-read-e\.\.\.\s+5m ago$/);
    expect(lines.slice(3)).toEqual([
      '',
      '2 account-Regions: 1 failing, 1 never polled successfully.',
      'Failing:',
      '  333333333333/eu-west-1 (run-command, automation) 4m ago: AccessDenied: cannot assume arn:aws:iam::333333333333:role/ssm-history-read-eu-west-1',
    ]);
  });

  it('gives every account, Region and kind in CSV, each error whole', async () => {
    const rows = (await run('status', '--format', 'csv')).stdout.split('\r\n');
    expect(rows[0]).toBe('ACCOUNT,REGION,KIND,WATERMARK,LAST SUCCESSFUL POLL,LISTING IN PROGRESS,RECORDS STORED,MISSED BY EVENTS,THROTTLES,OLDEST RECORD SSM RETURNED,LAST ERROR,LAST ERROR AT');
    expect(rows[2]).toBe(`333333333333,eu-west-1,run-command,,,no,0,0,0,,"${ACCESS_DENIED}",2026-03-10T11:55:00.000Z`);
  });

  it('says under a single-account archive’s table which kinds’ last poll failed', async () => {
    fake.respond = byPath({ '/status': { body: { kinds: [kindStatus('automation', { lastError: 'ThrottlingException: Rate exceeded', lastErrorAt: '2026-03-10T11:58:00.000Z' })] } } });
    const lines = (await run('status')).stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^KIND\s+WATERMARK/);
    expect(lines.slice(2)).toEqual(['', 'Last poll failed:', '  automation 2m ago: ThrottlingException: Rate exceeded']);
  });
});
