import { durationText } from '../../cli/durations';
import { csvField } from '../../cli/csv';
import { byPath, fakeApiPerTest } from './fake-api';

const commandId = '20b2a238-0b69-4033-aa24-065d5fcbe061';
const failedInvocation = {
  kind: 'command-invocation',
  status: 'Failed',
  statusDetails: 'Failed',
  time: '2026-03-04T05:06:00.606Z',
  requestedDateTime: '2026-03-04T05:06:00.606Z',
  commandId,
  instanceId: 'i-03a450f6b88bbf6f6',
  instanceName: 'batch-01',
  documentName: 'AWS-RunShellScript',
  error: 'Job for nginx.service failed.\nexit status 2',
};
const timedOut = { ...failedInvocation, status: 'TimedOut', statusDetails: 'ExecutionTimedOut', instanceId: 'i-0b898d27c13946fc1', instanceName: undefined, error: 'Command execution timed out.' };
const succeeded = { ...failedInvocation, status: 'Success', statusDetails: 'Success', instanceId: 'i-070eedc87ce3f89f5', instanceName: 'worker-01', error: undefined };
const commandDetail = {
  kind: 'command',
  id: commandId,
  record: {
    kind: 'command',
    status: 'Failed',
    statusDetails: 'Failed',
    time: '2026-03-04T05:06:00.507Z',
    requestedDateTime: '2026-03-04T05:06:00.507Z',
    commandId,
    documentName: 'AWS-RunShellScript',
    observedAt: '2026-03-04T05:09:30.000Z',
    targetCount: 3,
    completedCount: 3,
    errorCount: 2,
  },
  children: [failedInvocation, timedOut, succeeded],
  moreChildren: false,
  startedBy: [{ kind: 'maintenance-window-execution', id: 'd7e2c701-819a-48dd-a624-ef779a880bd8', ids: { TaskExecutionId: '98969dac', InvocationId: '015b89e8' } }],
  started: [],
};

const automationId = '43620513-3db3-45b4-9e57-842b4ee5346f';
const automationDetail = {
  kind: 'automation-execution',
  id: automationId,
  record: {
    kind: 'automation-execution',
    status: 'Failed',
    statusDetails: 'Step fails when it is executing.\nFail to execute step step2.',
    time: '2026-03-04T00:05:47.507Z',
    automationExecutionId: automationId,
    documentName: 'AWS-RestartEC2Instance',
    error: 'Step fails when it is executing.\nFail to execute step step2.',
  },
  children: [
    { kind: 'automation-step', status: 'Success', time: '2026-03-04T00:05:48.507Z', automationExecutionId: automationId, stepExecutionId: 'f5c3191c', stepName: 'step1' },
    { kind: 'automation-step', status: 'Failed', statusDetails: 'Fail to execute step step2.', time: '2026-03-04T00:06:31.507Z', automationExecutionId: automationId, stepExecutionId: '0eb465f6', stepName: 'step2' },
  ],
  moreChildren: true,
  startedBy: [],
  started: [{ kind: 'command', id: '0eb465f6-7c40-4120-93d2-bef30104b7e3', ids: { CommandId: '0eb465f6-7c40-4120-93d2-bef30104b7e3', startedByStep: '0eb465f6' } }],
};

const windowDetail = {
  kind: 'maintenance-window-execution',
  id: 'd7e2c701-819a-48dd-a624-ef779a880bd8',
  record: {
    kind: 'maintenance-window-execution',
    status: 'SUCCESS',
    time: '2026-03-04T19:04:47.507Z',
    windowId: 'mw-af3d01100e4c62377',
    windowExecutionId: 'd7e2c701-819a-48dd-a624-ef779a880bd8',
    endTime: '2026-03-04T21:07:18.507Z',
  },
  children: [],
  moreChildren: false,
  startedBy: [],
  started: [],
};

const fake = fakeApiPerTest();
const run = fake.run;

beforeEach(() => {
  fake.respond = byPath({
    [`/executions/${commandId}`]: { body: commandDetail },
    [`/executions/${automationId}`]: { body: automationDetail },
    [`/executions/${windowDetail.id}`]: { body: windowDetail },
  });
});

describe('show', () => {
  it('prints a command: header, timeline, its invocations with their errors, what started it', async () => {
    const { code, stdout, stderr } = await run('show', commandId);
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    const lines = stdout.split('\n');
    expect(lines.slice(0, 5)).toEqual([
      `command ${commandId}`,
      '  Status    Failed',
      '  Document  AWS-RunShellScript',
      '  Targets   3 targets, 3 completed, 2 errors',
      '',
    ]);
    expect(stdout).toContain('Timeline:\n  requested  2026-03-04T05:06:00Z\n  observed   2026-03-04T05:09:30Z  Failed\n');
    expect(stdout).toMatch(/Invocations \(3\):\n  INSTANCE\s+STATUS\s+REQUESTED\s+ERROR\n/);
    expect(lines.find((line) => line.includes('batch-01'))).toMatch(/^  i-03a450f6b88bbf6f6 \(batch-01\)\s+Failed\s+2026-03-04T05:06:00Z\s+Job for nginx.service failed.$/);
    expect(lines.find((line) => line.includes('i-0b898d27c13946fc1'))).toMatch(/TimedOut \(ExecutionTimedOut\)\s+2026-03-04T05:06:00Z\s+Command execution timed out.$/);
    expect(lines.find((line) => line.includes('worker-01'))).toMatch(/Success\s+2026-03-04T05:06:00Z\s+-$/);
    expect(stdout).toMatch(/Started by:\n  KIND\s+ID\s+VIA\n  maintenance-window-execution\s+d7e2c701-819a-48dd-a624-ef779a880bd8\s+TaskExecutionId=98969dac, InvocationId=015b89e8\n/);
    expect(stdout).toContain('Started: nothing the archive holds');
    expect(stdout).toContain('ssm-history show <ID>');
  });

  it('prints an Automation execution: its error, its steps with their failure, what it started, and that there are more', async () => {
    const { stdout } = await run('show', automationId, '--limit', '2');
    expect(fake.api.requests[0]?.query).toEqual({ limit: '2' });
    expect(stdout).toContain('  Details   Step fails when it is executing.\n');
    expect(stdout).toContain('Error:\n  Step fails when it is executing.\n  Fail to execute step step2.\n');
    expect(stdout).toContain('Steps (the first 2; more with a larger --limit, up to 1000):');
    expect(stdout).toMatch(/  step2\s+Failed\s+2026-03-04T00:06:31Z\s+0eb465f6\s+Fail to execute step step2.\n/);
    expect(stdout).toMatch(/Started:\n  KIND\s+ID\s+VIA\n  command\s+0eb465f6-7c40-4120-93d2-bef30104b7e3\s+startedByStep=0eb465f6\n/);
    expect(stdout).toContain('Started by: nothing the archive holds');
  });

  it('times a window execution from start to end', async () => {
    const { stdout } = await run('show', windowDetail.id);
    expect(stdout).toContain('Timeline:\n  started  2026-03-04T19:04:47Z\n  ended    2026-03-04T21:07:18Z  +2h 2m\n');
    expect(stdout).toContain('Tasks: none archived');
  });

  it('lists the children in CSV, with full values, and says on stderr that there are more', async () => {
    const { code, stdout, stderr } = await run('show', automationId, '--format', 'csv');
    expect(code).toBe(0);
    expect(stdout.split('\r\n')).toEqual([
      'STEP,STATUS,STARTED,STEP EXECUTION ID,ERROR',
      'step1,Success,2026-03-04T00:05:48.507Z,f5c3191c,',
      'step2,Failed,2026-03-04T00:06:31.507Z,0eb465f6,Fail to execute step step2.',
      '',
    ]);
    expect(stderr).toMatch(/More children than these 2/);
  });

  it('prints the API’s JSON as it is, from one request', async () => {
    const { stdout } = await run('show', commandId, '--json');
    expect(JSON.parse(stdout)).toEqual(commandDetail);
    expect(fake.api.requests).toHaveLength(1);
  });

  it('encodes the id in the path', async () => {
    await run('show', 'a/b c');
    expect(fake.api.requests[0]?.rawUrl).toBe('/executions/a%2Fb%20c');
  });

  it('says the archive holds no such execution on a 404, exit 1', async () => {
    const { code, stdout, stderr } = await run('show', '00000000-0000-0000-0000-000000000000');
    expect({ code, stdout }).toEqual({ code: 1, stdout: '' });
    expect(stderr).toMatch(/^ssm-history: the archive holds no execution 00000000-0000-0000-0000-000000000000: check the id \(a CommandId, AutomationExecutionId/);
  });
});

describe('durationText', () => {
  it.each([
    [850, '850ms'],
    [1_000, '1s'],
    [83_000, '1m 23s'],
    [300_000, '5m'],
    [3_723_000, '1h 2m'],
    [2 * 86_400_000 + 3_600_000, '2d 1h'],
    [-90_000, '1m 30s'],
  ])('%p ms is %p', (ms, expected) => {
    expect(durationText(ms)).toBe(expected);
  });
});

describe('csvField', () => {
  it.each([
    ['plain', 'plain'],
    ['a,b', '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ['one\r\ntwo', '"one\r\ntwo"'],
    ['esc\u001b[31m', 'esc [31m'],
    ['', ''],
  ])('%p is %p', (value, expected) => {
    expect(csvField(value)).toBe(expected);
  });
});
