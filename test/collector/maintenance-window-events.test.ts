import windowSample from '../fixtures/aws/maintenance-window-execution-state-change.json';
import taskSample from '../fixtures/aws/maintenance-window-task-execution-state-change.json';
import invocationSample from '../fixtures/aws/maintenance-window-task-target-invocation-state-change.json';
import { MessageReader } from '../../lambdas/collector/messages';
import { historySources } from '../../lambdas/sources';
import { MalformedMessageError, type SsmEvent, type WorkItem } from '../../lambdas/core/model';
import { maintenanceWindowSource } from '../../lambdas/sources/maintenance-window';
import {
  parseMaintenanceWindowEvent,
  TASK_EXECUTION_DETAIL_TYPE,
  TASK_INVOCATION_DETAIL_TYPE,
  WINDOW_EXECUTION_DETAIL_TYPE,
} from '../../lambdas/sources/maintenance-window/events';
import { maintenanceWindowStatuses } from '../../lambdas/sources/maintenance-window/statuses';

const reader = new MessageReader(historySources);
const read = (body: object | string): WorkItem => reader.read(typeof body === 'string' ? body : JSON.stringify(body));

const WINDOW_ID = 'mw-0ed7251d3fcf6e0c2';
const WINDOW_EXECUTION_ID = 'b60fb56e-776c-4e5c-84ee-123456789012';
const TASK_EXECUTION_ID = '6417e808-7f35-4d1a-843f-123456789012';

const withDetail = <T extends { detail: object }>(sample: T, patch: Record<string, unknown>): T => ({
  ...sample,
  detail: { ...sample.detail, ...patch },
});

const SAMPLE_SCOPE = { account: '012345678901', region: 'us-east-1' };

describe('reading AWS sample Maintenance Windows events', () => {
  it('registers the three detail-types', () => {
    expect(maintenanceWindowSource.eventDetailTypes).toEqual([
      WINDOW_EXECUTION_DETAIL_TYPE,
      TASK_EXECUTION_DETAIL_TYPE,
      TASK_INVOCATION_DETAIL_TYPE,
    ]);
    expect(historySources).toContain(maintenanceWindowSource);
  });

  it('reads the window execution sample into its partial record and a fetch of the whole parent bracketed by its start', () => {
    expect(read(windowSample)).toEqual({
      kind: 'maintenance-window',
      parentId: WINDOW_EXECUTION_ID,
      producer: 'event',
      sentAt: '2016-11-16T01:00:57.000Z',
      // The account and Region of AWS's sample event (EventBridge events name both).
      scope: SAMPLE_SCOPE,
      observations: [
        {
          table: 'maintenanceWindowExecutions',
          key: { WindowExecutionId: WINDOW_EXECUTION_ID },
          status: 'TIMED_OUT',
          statuses: maintenanceWindowStatuses,
          observedAt: '2016-11-16T01:00:57.000Z',
          fields: {
            WindowId: WINDOW_ID,
            WindowExecutionId: WINDOW_EXECUTION_ID,
            Status: 'TIMED_OUT',
            StartTime: '2016-11-16T01:00:56.427Z',
            EndTime: '2016-11-16T01:00:57.070Z',
          },
          complete: false,
          producers: new Set(['event']),
          timeline: [{ status: 'TIMED_OUT', at: '2016-11-16T01:00:57.000Z' }],
        },
      ],
      fetch: { scope: 'parent', listedBy: { ownerId: WINDOW_ID, startedAt: '2016-11-16T01:00:56.427Z' } },
    });
  });

  it('reads the task execution sample into its partial record and a fetch of its invocations', () => {
    expect(read(taskSample)).toEqual({
      kind: 'maintenance-window',
      parentId: WINDOW_EXECUTION_ID,
      producer: 'event',
      sentAt: '2016-11-16T01:00:56.000Z',
      // The account and Region of AWS's sample event (EventBridge events name both).
      scope: SAMPLE_SCOPE,
      observations: [
        {
          table: 'maintenanceWindowTasks',
          key: { WindowExecutionId: WINDOW_EXECUTION_ID, TaskExecutionId: TASK_EXECUTION_ID },
          status: 'TIMED_OUT',
          statuses: maintenanceWindowStatuses,
          observedAt: '2016-11-16T01:00:56.000Z',
          fields: {
            WindowExecutionId: WINDOW_EXECUTION_ID,
            TaskExecutionId: TASK_EXECUTION_ID,
            Status: 'TIMED_OUT',
            StartTime: '2016-11-16T01:00:56.759Z',
            EndTime: '2016-11-16T01:00:56.847Z',
          },
          complete: false,
          producers: new Set(['event']),
          timeline: [{ status: 'TIMED_OUT', at: '2016-11-16T01:00:56.000Z' }],
        },
      ],
      fetch: { scope: 'children', childIds: [TASK_EXECUTION_ID] },
    });
  });

  it('reads the task target invocation sample into nothing to store and a fetch of its task’s invocations', () => {
    expect(read(invocationSample)).toEqual({
      kind: 'maintenance-window',
      parentId: WINDOW_EXECUTION_ID,
      producer: 'event',
      sentAt: '2016-11-16T01:00:57.000Z',
      // The account and Region of AWS's sample event (EventBridge events name both).
      scope: SAMPLE_SCOPE,
      observations: [],
      fetch: { scope: 'children', childIds: [TASK_EXECUTION_ID] },
    });
  });

  it.each(['PENDING', 'IN_PROGRESS', 'CANCELLING'])('stores a %s window execution and fetches nothing', (status) => {
    const item = read(withDetail(windowSample, { status, 'end-time': undefined }));
    expect(item.fetch).toEqual({ scope: 'none' });
    expect(item.observations[0]?.fields).toEqual({
      WindowId: WINDOW_ID,
      WindowExecutionId: WINDOW_EXECUTION_ID,
      Status: status,
      StartTime: '2016-11-16T01:00:56.427Z',
    });
  });

  it.each(['SUCCESS', 'FAILED', 'CANCELLED', 'SKIPPED_OVERLAPPING'])('fetches the whole parent once the window execution ended %s', (status) => {
    expect(read(withDetail(windowSample, { status })).fetch.scope).toBe('parent');
  });

  it('fetches the whole window execution without a time bracket when its event has no start-time', () => {
    expect(read(withDetail(windowSample, { 'start-time': undefined })).fetch).toEqual({ scope: 'parent', listedBy: { ownerId: WINDOW_ID } });
  });

  it.each(['PENDING', 'IN_PROGRESS', 'CANCELLING', 'SUCCESS'])('fetches nothing for a task or an invocation that is %s', (status) => {
    expect(read(withDetail(taskSample, { status })).fetch).toEqual({ scope: 'none' });
    expect(read(withDetail(invocationSample, { status })).fetch).toEqual({ scope: 'none' });
    expect(read(withDetail(taskSample, { status })).observations).toHaveLength(1);
  });

  it.each(['FAILED', 'CANCELLED'])('fetches the task’s invocations at once when a task or an invocation ended %s', (status) => {
    expect(read(withDetail(taskSample, { status })).fetch).toEqual({ scope: 'children', childIds: [TASK_EXECUTION_ID] });
    expect(read(withDetail(invocationSample, { status })).fetch).toEqual({ scope: 'children', childIds: [TASK_EXECUTION_ID] });
  });

  it('refuses a status SSM does not document, rather than rank an unknown claim', () => {
    expect(() => read(withDetail(windowSample, { status: 'REJECTED' }))).toThrow(/"status" is not a maintenance window status: "REJECTED"/);
  });

  it('reads an invocation event without window-target-id or owner-information', () => {
    expect(read(withDetail(invocationSample, { 'window-target-id': undefined, 'owner-information': undefined })).observations).toEqual([]);
  });
});

describe('malformed Maintenance Windows events', () => {
  const samples = [
    ['window execution', windowSample],
    ['task execution', taskSample],
    ['task target invocation', invocationSample],
  ] as const;

  describe.each(samples)('a %s event', (_name, sample) => {
    it.each([
      ['no window-id', { 'window-id': undefined }, /"window-id" must be a non-empty string/],
      ['a window-id that is not one', { 'window-id': 'mw-123' }, /"window-id" is not a maintenance window id \(mw- and 17 hex digits\): "mw-123"/],
      ['an upper-case window-id', { 'window-id': 'mw-0ED7251D3FCF6E0C2' }, /"window-id" is not a maintenance window id/],
      ['an 18-digit window-id', { 'window-id': 'mw-123456789012345678' }, /"window-id" is not a maintenance window id/],
      ['no window-execution-id', { 'window-execution-id': undefined }, /"window-execution-id" must be a non-empty string/],
      ['a numeric window-execution-id', { 'window-execution-id': 42 }, /"window-execution-id" must be a non-empty string/],
      ['a window-execution-id that is not a UUID', { 'window-execution-id': 'b60fb56e-776c-4e5c-84ee-12345678901z' }, /"window-execution-id" is not a window execution id/],
      ['a short window-execution-id', { 'window-execution-id': 'b60fb56e' }, /"window-execution-id" is not a window execution id/],
      ['no status', { status: undefined }, /"status" must be a non-empty string/],
      ['an empty status', { status: ' ' }, /"status" must be a non-empty string/],
      ['a numeric status', { status: 3 }, /"status" must be a non-empty string/],
      ['a status that is not an SSM status', { status: 'Timed out' }, /"status" is not a maintenance window status: "Timed out"/],
      ['a start-time that is not a time', { 'start-time': 'yesterday' }, /"start-time" is not a time \(an ISO 8601 time from 2010 to 2100\): "yesterday"/],
      ['a start-time in year 275760', { 'start-time': '+275760-09-13T00:00:00.000Z' }, /"start-time" is not a time \(an ISO 8601 time from 2010 to 2100\)/],
      ['an end-time before Systems Manager', { 'end-time': '1970-01-01T00:00:00Z' }, /"end-time" is not a time/],
      ['a numeric start-time', { 'start-time': 1479258056 }, /"start-time" must be a string/],
      ['an end-time that is not a time', { 'end-time': '2016-13-45T99:00:00Z' }, /"end-time" is not a time/],
    ])('is refused with %s', (_case, patch, reason) => {
      expect(() => read(withDetail(sample, patch))).toThrow(MalformedMessageError);
      expect(() => read(withDetail(sample, patch))).toThrow(reason);
    });

    it('is refused when its envelope time is not a time', () => {
      expect(() => read({ ...sample, time: 'soon' })).toThrow(/"time" is not a time/);
    });

    it('is refused when its detail is not an object', () => {
      expect(() => read({ ...sample, detail: 'TIMED_OUT' })).toThrow(MalformedMessageError);
      const event = { ...sample, detail: ['TIMED_OUT'] } as unknown as SsmEvent;
      expect(() => parseMaintenanceWindowEvent(event)).toThrow(/"detail" is not an object/);
    });
  });

  it.each([
    ['task execution', taskSample],
    ['task target invocation', invocationSample],
  ] as const)('refuses a %s event without a valid task-execution-id', (_name, sample) => {
    expect(() => read(withDetail(sample, { 'task-execution-id': undefined }))).toThrow(/"task-execution-id" must be a non-empty string/);
    expect(() => read(withDetail(sample, { 'task-execution-id': 'task-1' }))).toThrow(/"task-execution-id" is not a task execution id \(a UUID\): "task-1"/);
  });

  it('refuses an invocation event whose window-target-id or owner-information is not a string', () => {
    expect(() => read(withDetail(invocationSample, { 'window-target-id': 7 }))).toThrow(/"window-target-id" must be a string/);
    expect(() => read(withDetail(invocationSample, { 'owner-information': { owner: 'me' } }))).toThrow(/"owner-information" must be a string/);
  });

  it('refuses another detail-type handed to the maintenance window parser', () => {
    const event = { ...windowSample, 'detail-type': 'Maintenance Window State-change Notification' } as SsmEvent;
    expect(() => parseMaintenanceWindowEvent(event)).toThrow(/not a Maintenance Windows detail-type/);
    // And the reader routes no history kind to it.
    expect(() => read(event)).toThrow(/no history kind collects "Maintenance Window State-change Notification" events/);
  });
});
