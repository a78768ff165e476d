import executionSample from '../fixtures/aws/automation-execution-status-change.json';
import stepSample from '../fixtures/aws/automation-step-status-change.json';
import { MessageReader } from '../../lambdas/collector/messages';
import { historySources } from '../../lambdas/sources';
import { formatAutomationEventTime, parseAutomationEventTime } from '../../lambdas/sources/automation/events';
import { MalformedMessageError } from '../../lambdas/core/model';
import { statusInfo } from '../../lambdas/core/status';
import { automationStatuses } from '../../lambdas/sources/automation/statuses';

const reader = new MessageReader(historySources);
const read = (body: object | string) => reader.read(typeof body === 'string' ? body : JSON.stringify(body));
const EXECUTION_ID = '333ba70b-2333-48db-b17e-a5e69c6f4d1c';

describe('reading AWS sample Automation events', () => {
  it('reads the execution status-change sample into the execution record and a pass over its steps', () => {
    const item = read(executionSample);
    expect(item).toMatchObject({ kind: 'automation', parentId: EXECUTION_ID, producer: 'event' });
    expect(item.fetch).toEqual({ scope: 'parent' });
    expect(item.observations).toHaveLength(1);
    expect(item.observations[0]).toMatchObject({
      table: 'automationExecutions',
      key: { AutomationExecutionId: EXECUTION_ID },
      status: 'Success',
      observedAt: '2024-11-29T19:43:35.000Z',
      complete: false,
      fields: {
        AutomationExecutionId: EXECUTION_ID,
        AutomationExecutionStatus: 'Success',
        DocumentName: 'runcommand1',
        DocumentVersion: '1',
        // "Nov 29, 2024 7:43:20 PM", read as UTC.
        ExecutionStartTime: '2024-11-29T19:43:20.000Z',
        ExecutionEndTime: '2024-11-29T19:43:26.000Z',
        ExecutedBy: 'arn:aws:iam::123456789012:user/userName',
      },
    });
  });

  it('reads a running execution without any SSM call', () => {
    const item = read({ ...executionSample, detail: { ...executionSample.detail, Status: 'InProgress' } });
    expect(item.fetch).toEqual({ scope: 'none' });
    expect(item.observations[0]?.status).toBe('InProgress');
  });

  it('reads the step status-change sample: a success waits for the execution’s pass, with no call', () => {
    const item = read(stepSample);
    expect(item).toMatchObject({ kind: 'automation', parentId: EXECUTION_ID, producer: 'event' });
    expect(item.fetch).toEqual({ scope: 'none' });
    expect(item.observations).toEqual([]);
  });

  it.each(['Failed', 'TimedOut', 'Cancelled', 'Rejected', 'CompletedWithFailure'])('asks at once for the step that ended %s, by name', (status) => {
    const item = read({ ...stepSample, detail: { ...stepSample.detail, Status: status } });
    expect(item.fetch).toEqual({ scope: 'children', childIds: ['runFixedCmds'] });
  });
});

describe('malformed Automation events', () => {
  const withDetail = (sample: typeof executionSample | typeof stepSample, detail: Record<string, unknown>) => ({
    ...sample,
    detail: { ...sample.detail, ...detail },
  });

  it.each([
    ['no ExecutionId', withDetail(executionSample, { ExecutionId: undefined }), /"ExecutionId" must be a non-empty string/],
    ['a short ExecutionId', withDetail(executionSample, { ExecutionId: 'abc' }), /not an automation execution id/],
    ['no Status', withDetail(executionSample, { Status: undefined }), /"Status" must be a non-empty string/],
    ['a numeric Status', withDetail(stepSample, { Status: 3 }), /"Status" must be a non-empty string/],
    ['an ISO StartTime', withDetail(executionSample, { StartTime: '2024-11-29T19:43:20Z' }), /"StartTime" is not a time/],
    ['an impossible EndTime', withDetail(stepSample, { EndTime: 'Feb 30, 2024 7:43:25 PM' }), /"EndTime" is not a time/],
    ['a 13 o’clock time', withDetail(stepSample, { EndTime: 'Nov 29, 2024 13:43:25 PM' }), /"EndTime" is not a time/],
    ['an object DefinitionVersion', withDetail(executionSample, { DefinitionVersion: {} }), /"DefinitionVersion" must be a number/],
    ['a step without StepName', withDetail(stepSample, { StepName: undefined }), /"StepName" must be a non-empty string/],
    ['a bad envelope time', { ...stepSample, time: 'yesterday' }, /"time" is not a time/],
  ])('rejects an event with %s', (_case, event, reason) => {
    expect(() => read(event)).toThrow(MalformedMessageError);
    expect(() => read(event)).toThrow(reason);
  });
});

describe('Automation event times', () => {
  it.each([
    ['Nov 29, 2024 7:43:25 PM', '2024-11-29T19:43:25.000Z'],
    ['Jan 1, 2025 12:00:00 AM', '2025-01-01T00:00:00.000Z'],
    ['Jan 1, 2025 12:00:01 PM', '2025-01-01T12:00:01.000Z'],
    ['Dec 31, 2024 11:59:59 PM', '2024-12-31T23:59:59.000Z'],
  ])('reads %s as UTC %s, and writes it back', (text, iso) => {
    expect(parseAutomationEventTime(text)).toBe(iso);
    expect(formatAutomationEventTime(new Date(iso))).toBe(text);
  });
});

describe('Automation status order', () => {
  const all = [
    'Pending', 'InProgress', 'Waiting', 'Success', 'TimedOut', 'Cancelling', 'Cancelled', 'Failed', 'PendingApproval',
    'Approved', 'Rejected', 'Scheduled', 'RunbookInProgress', 'PendingChangeCalendarOverride',
    'ChangeCalendarOverrideApproved', 'ChangeCalendarOverrideRejected', 'CompletedWithSuccess', 'CompletedWithFailure', 'Exited',
  ];

  it('knows every AutomationExecutionStatus value, and no other', () => {
    expect(Object.keys(automationStatuses).sort()).toEqual([...all].sort());
  });

  it('ranks every waiting or running status below every terminal one', () => {
    const terminal = all.filter((s) => statusInfo(automationStatuses, s).terminal);
    const active = all.filter((s) => !statusInfo(automationStatuses, s).terminal);
    expect(terminal.sort()).toEqual(
      ['Success', 'TimedOut', 'Cancelled', 'Failed', 'Rejected', 'ChangeCalendarOverrideRejected', 'CompletedWithSuccess', 'CompletedWithFailure', 'Exited'].sort(),
    );
    const lowestTerminal = Math.min(...terminal.map((s) => statusInfo(automationStatuses, s).rank));
    for (const status of active) expect(statusInfo(automationStatuses, status).rank).toBeLessThan(lowestTerminal);
  });

  it('lets an execution go from waiting to running and back (one rank), but never back to Pending', () => {
    const rank = (s: string) => statusInfo(automationStatuses, s).rank;
    expect(rank('Waiting')).toBe(rank('InProgress'));
    expect(rank('PendingApproval')).toBe(rank('InProgress'));
    expect(rank('Pending')).toBeLessThan(rank('InProgress'));
    expect(rank('Cancelling')).toBeGreaterThan(rank('InProgress'));
  });
});
