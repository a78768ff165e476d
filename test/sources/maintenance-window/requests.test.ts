import {
  checkMaintenanceWindowUuid,
  checkWindowId,
  executedTimeRange,
  matchesMaintenanceWindowFilters,
  readDescribeMaintenanceWindowExecutions,
  readDescribeMaintenanceWindowExecutionTaskInvocations,
  readDescribeMaintenanceWindowExecutionTasks,
  readDescribeMaintenanceWindows,
  type MaintenanceWindowFilter,
} from '../../../lambdas/sources/maintenance-window/requests';
import { thrown } from '../../support/ssm-errors';

/** Maintenance Windows' read requests (the DescribeMaintenanceWindowExecutionTasks API reference), as the simulator and the archive read them. */
const WINDOW_ID = 'mw-0c50858d01e8d5f2a';
const EXECUTION_ID = '3c0f1a2b-4d5e-4f60-8a7b-9c0d1e2f3a4b';
const TASK_ID = '7a5c0000-1111-4222-8333-000000000000';
const EXAMPLE_ID = 'a06e9f91-3b9c-4c3e-8bd4-246ccEXAMPLE';
const ms = (iso: string): number => Date.parse(iso);
const v = (message: string) => ({ type: 'ValidationException', message: `1 validation error detected: ${message}`, httpStatus: 400 });

describe('Maintenance Windows requests', () => {
  it('reads DescribeMaintenanceWindows with 10 a page by default, MaxResults 10 to 100', () => {
    expect(readDescribeMaintenanceWindows({})).toEqual({ filters: [], maxResults: 10, nextToken: undefined, tokenQuery: { filters: null } });
    expect(readDescribeMaintenanceWindows({ MaxResults: 100, NextToken: 'n' })).toMatchObject({ maxResults: 100, nextToken: 'n' });
    expect(readDescribeMaintenanceWindows({ MaxResults: 10 }).maxResults).toBe(10);
    expect(thrown(() => readDescribeMaintenanceWindows({ MaxResults: 9 })).message).toContain('greater than or equal to 10');
    expect(thrown(() => readDescribeMaintenanceWindows({ MaxResults: 101 })).message).toContain('less than or equal to 100');
  });

  it('reads Name and Enabled filters: Enabled true or false in any case', () => {
    const filters = [
      { Key: 'Name', Values: ['patching', 'backup'] },
      { Key: 'Enabled', Values: ['TRUE', 'false'] },
    ];
    expect(readDescribeMaintenanceWindows({ Filters: filters })).toEqual({
      filters: [
        { key: 'Name', values: ['patching', 'backup'] },
        { key: 'Enabled', values: [true, false] },
      ],
      maxResults: 10,
      nextToken: undefined,
      tokenQuery: { filters },
    });
    expect(thrown(() => readDescribeMaintenanceWindows({ Filters: [{ Key: 'Enabled', Values: ['yes'] }] }))).toEqual(v('Invalid value yes for filter Enabled: must be true or false'));
  });

  it('reads a window\'s executions by WindowId, with ExecutedAfter and ExecutedBefore times', () => {
    const filters = [{ Key: 'ExecutedAfter', Values: ['2026-11-20T10:00:00Z'] }, { Key: 'ExecutedBefore', Values: ['2026-11-21'] }];
    expect(readDescribeMaintenanceWindowExecutions({ WindowId: WINDOW_ID, Filters: filters })).toEqual({
      windowId: WINDOW_ID,
      filters: [
        { key: 'ExecutedAfter', values: ['2026-11-20T10:00:00Z'], times: [ms('2026-11-20T10:00:00Z')] },
        { key: 'ExecutedBefore', values: ['2026-11-21'], times: [ms('2026-11-21T00:00:00Z')] },
      ],
      maxResults: 10,
      nextToken: undefined,
      tokenQuery: { windowId: WINDOW_ID, filters },
    });
    expect(thrown(() => readDescribeMaintenanceWindowExecutions({ WindowId: WINDOW_ID, Filters: [{ Key: 'ExecutedAfter', Values: ['later'] }] }))).toEqual(
      v('Invalid value later for filter ExecutedAfter: must be an ISO 8601 date/time such as 2021-11-04T05:00:00Z'),
    );
    expect(thrown(() => readDescribeMaintenanceWindowExecutions({})).message).toContain("Value null at 'windowId'");
  });

  it('checks a WindowId\'s length, then its pattern', () => {
    expect(() => checkWindowId('WindowId', WINDOW_ID)).not.toThrow();
    expect(thrown(() => checkWindowId('WindowId', 'mw-0c50858d01e8d5f2'))).toEqual(v("Value 'mw-0c50858d01e8d5f2' at 'windowId' failed to satisfy constraint: Member must have length equal to 20"));
    expect(thrown(() => checkWindowId('WindowId', 'mw-0C50858D01E8D5F2A'))).toEqual(
      v("Value 'mw-0C50858D01E8D5F2A' at 'windowId' failed to satisfy constraint: Member must satisfy regular expression pattern: ^mw-[0-9a-f]{17}$"),
    );
    expect(thrown(() => checkWindowId('WindowId', 'xw-0c50858d01e8d5f2a')).message).toContain('regular expression pattern');
  });

  it('checks execution and task ids: 36 characters, a UUID or AWS\'s documentation placeholder', () => {
    expect(() => checkMaintenanceWindowUuid('TaskId', TASK_ID)).not.toThrow();
    expect(() => checkMaintenanceWindowUuid('TaskId', TASK_ID.toUpperCase())).not.toThrow();
    expect(() => checkMaintenanceWindowUuid('TaskId', EXAMPLE_ID)).not.toThrow();
    expect(thrown(() => checkMaintenanceWindowUuid('TaskId', `${TASK_ID}0`))).toEqual(v(`Value '${TASK_ID}0' at 'taskId' failed to satisfy constraint: Member must have length equal to 36`));
    const notUuid = '7a5c0000_1111_4222_8333_000000000000';
    expect(thrown(() => checkMaintenanceWindowUuid('WindowExecutionId', notUuid))).toEqual(
      v(
        `Value '${notUuid}' at 'windowExecutionId' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`,
      ),
    );
    expect(thrown(() => checkMaintenanceWindowUuid('TaskId', 'a06e9f91-3b9c-4c3e-8bd4-246cEXAMPLE0')).message).toContain('regular expression pattern');
  });

  it('reads a window execution\'s tasks and a task\'s invocations, with STATUS filters', () => {
    const filters = [{ Key: 'STATUS', Values: ['FAILED', 'TIMED_OUT'] }];
    expect(readDescribeMaintenanceWindowExecutionTasks({ WindowExecutionId: EXECUTION_ID, Filters: filters, MaxResults: 20 })).toEqual({
      windowExecutionId: EXECUTION_ID,
      filters: [{ key: 'STATUS', values: ['FAILED', 'TIMED_OUT'] }],
      maxResults: 20,
      nextToken: undefined,
      tokenQuery: { windowExecutionId: EXECUTION_ID, filters },
    });
    expect(readDescribeMaintenanceWindowExecutionTaskInvocations({ WindowExecutionId: EXECUTION_ID, TaskId: EXAMPLE_ID, NextToken: 'n' })).toEqual({
      windowExecutionId: EXECUTION_ID,
      taskId: EXAMPLE_ID,
      filters: [],
      maxResults: 10,
      nextToken: 'n',
      tokenQuery: { windowExecutionId: EXECUTION_ID, taskId: EXAMPLE_ID, filters: null },
    });
    expect(thrown(() => readDescribeMaintenanceWindowExecutionTasks({ WindowExecutionId: EXECUTION_ID, Filters: [{ Key: 'STATUS', Values: ['failed'] }] }))).toEqual(
      v('Invalid value failed for filter STATUS. Supported values: PENDING, IN_PROGRESS, SUCCESS, FAILED, TIMED_OUT, CANCELLING, CANCELLED'),
    );
    expect(thrown(() => readDescribeMaintenanceWindowExecutionTaskInvocations({ WindowExecutionId: EXECUTION_ID })).message).toContain("Value null at 'taskId'");
    expect(thrown(() => readDescribeMaintenanceWindowExecutionTaskInvocations({ WindowExecutionId: 'bad', TaskId: 'also bad' })).message).toContain("at 'windowExecutionId'");
    expect(thrown(() => readDescribeMaintenanceWindowExecutionTaskInvocations({ WindowExecutionId: EXECUTION_ID, TaskId: 'bad' })).message).toContain("at 'taskId'");
    expect(thrown(() => readDescribeMaintenanceWindowExecutionTasks({ WindowExecutionId: 'bad' })).message).toContain("at 'windowExecutionId'");
  });

  it('refuses malformed filters with ValidationException, in the model\'s order', () => {
    const read = (filters: unknown) => () => readDescribeMaintenanceWindowExecutions({ WindowId: WINDOW_ID, Filters: filters });
    const six = Array.from({ length: 6 }, () => ({ Key: 'ExecutedAfter', Values: ['2026-11-20'] }));
    expect(read(six.slice(1))()).toMatchObject({ filters: expect.any(Array) });
    expect(thrown(read(six))).toEqual(v("Value at 'filters' failed to satisfy constraint: Member must have length less than or equal to 5"));
    expect(read([])()).toMatchObject({ filters: [] });
    expect(thrown(read(['x']))).toEqual(v("Value at 'filters.1.member' failed to satisfy constraint: Member must be a MaintenanceWindowFilter"));
    expect(thrown(read([{ Values: ['x'] }]))).toEqual(v("Value at 'filters.1.member.key' failed to satisfy constraint: Member must have length greater than or equal to 1"));
    expect(thrown(read([{ Key: '', Values: ['x'] }]))).toEqual(v("Value at 'filters.1.member.key' failed to satisfy constraint: Member must have length greater than or equal to 1"));
    const longKey = 'K'.repeat(129);
    expect(thrown(read([{ Key: longKey, Values: ['x'] }]))).toEqual(v(`Value '${longKey}' at 'filters.1.member.key' failed to satisfy constraint: Member must have length less than or equal to 128`));
    expect(thrown(read([{ Key: 'K'.repeat(128), Values: ['x'] }])).message).toContain('Invalid filter key');
    expect(thrown(read([{ Key: 'ExecutedAfter', Values: 'x' }]))).toEqual(v("Value at 'filters.1.member.values' failed to satisfy constraint: Member must be a list of strings"));
    expect(thrown(read([{ Key: 'ExecutedAfter', Values: ['x', 1] }])).message).toContain('must be a list of strings');
    expect(thrown(read([{ Key: 'ExecutedAfter', Values: ['2026-11-20', ''] }]))).toEqual(
      v("Value '' at 'filters.1.member.values.2.member' failed to satisfy constraint: Member must have length greater than or equal to 1"),
    );
    const longValue = 'v'.repeat(257);
    expect(thrown(read([{ Key: 'Nope', Values: [longValue] }]))).toEqual(
      v(`Value '${longValue}' at 'filters.1.member.values.1.member' failed to satisfy constraint: Member must have length less than or equal to 256`),
    );
    expect(thrown(read([{ Key: 'ExecutedAfter', Values: ['v'.repeat(256)] }])).message).toContain('must be an ISO 8601 date/time');
    expect(thrown(read([{ Key: 'ExecutedAfter', Values: ['2026-11-20'] }, { Key: 'STATUS', Values: ['FAILED'] }]))).toEqual(
      v('Invalid filter key: STATUS. Supported filter keys: ExecutedBefore, ExecutedAfter'),
    );
    expect(thrown(read([{ Key: 'ExecutedAfter' }]))).toEqual(v('Filter ExecutedAfter needs at least one value'));
    expect(thrown(read([{ Key: 'ExecutedAfter', Values: [] }]))).toEqual(v('Filter ExecutedAfter needs at least one value'));
  });
});

describe('Maintenance Windows filter matching', () => {
  const parsed = (filters: unknown): readonly MaintenanceWindowFilter[] => readDescribeMaintenanceWindowExecutions({ WindowId: WINDOW_ID, Filters: filters }).filters;
  const statuses = (values: string[]): readonly MaintenanceWindowFilter[] => readDescribeMaintenanceWindowExecutionTasks({ WindowExecutionId: EXECUTION_ID, Filters: [{ Key: 'STATUS', Values: values }] }).filters;
  const windows = (filters: unknown): readonly MaintenanceWindowFilter[] => readDescribeMaintenanceWindows({ Filters: filters }).filters;

  it('matches ExecutedAfter inclusively and ExecutedBefore exclusively, any value of a filter, every filter', () => {
    const at = ms('2026-11-20T10:00:00Z');
    expect(matchesMaintenanceWindowFilters(parsed([{ Key: 'ExecutedAfter', Values: ['2026-11-20T10:00:00Z'] }]), { startTime: at })).toBe(true);
    expect(matchesMaintenanceWindowFilters(parsed([{ Key: 'ExecutedAfter', Values: ['2026-11-20T10:00:01Z'] }]), { startTime: at })).toBe(false);
    expect(matchesMaintenanceWindowFilters(parsed([{ Key: 'ExecutedAfter', Values: ['2026-11-21', '2026-11-19'] }]), { startTime: at })).toBe(true);
    expect(matchesMaintenanceWindowFilters(parsed([{ Key: 'ExecutedBefore', Values: ['2026-11-20T10:00:00Z'] }]), { startTime: at })).toBe(false);
    expect(matchesMaintenanceWindowFilters(parsed([{ Key: 'ExecutedBefore', Values: ['2026-11-20T10:00:01Z'] }]), { startTime: at })).toBe(true);
    expect(matchesMaintenanceWindowFilters(parsed([{ Key: 'ExecutedBefore', Values: ['2026-11-19', '2026-11-21'] }]), { startTime: at })).toBe(true);
    expect(
      matchesMaintenanceWindowFilters(parsed([{ Key: 'ExecutedAfter', Values: ['2026-11-19'] }, { Key: 'ExecutedBefore', Values: ['2026-11-20'] }]), { startTime: at }),
    ).toBe(false);
    expect(matchesMaintenanceWindowFilters(parsed([{ Key: 'ExecutedAfter', Values: ['2026-11-19'] }]), {})).toBe(false);
    expect(matchesMaintenanceWindowFilters(parsed([{ Key: 'ExecutedBefore', Values: ['2026-11-21'] }]), {})).toBe(false);
    expect(matchesMaintenanceWindowFilters([], {})).toBe(true);
  });

  it('matches STATUS, Name and Enabled exactly, and never a subject without the field', () => {
    expect(matchesMaintenanceWindowFilters(statuses(['FAILED', 'TIMED_OUT']), { status: 'TIMED_OUT' })).toBe(true);
    expect(matchesMaintenanceWindowFilters(statuses(['FAILED']), { status: 'SUCCESS' })).toBe(false);
    expect(matchesMaintenanceWindowFilters(statuses(['FAILED']), {})).toBe(false);
    expect(matchesMaintenanceWindowFilters(windows([{ Key: 'Name', Values: ['patching'] }]), { name: 'patching' })).toBe(true);
    expect(matchesMaintenanceWindowFilters(windows([{ Key: 'Name', Values: ['patching'] }]), { name: 'patching-2' })).toBe(false);
    expect(matchesMaintenanceWindowFilters(windows([{ Key: 'Name', Values: ['patching'] }]), {})).toBe(false);
    expect(matchesMaintenanceWindowFilters(windows([{ Key: 'Enabled', Values: ['false'] }]), { enabled: false })).toBe(true);
    expect(matchesMaintenanceWindowFilters(windows([{ Key: 'Enabled', Values: ['false'] }]), { enabled: true })).toBe(false);
    expect(matchesMaintenanceWindowFilters(windows([{ Key: 'Enabled', Values: ['true'] }]), {})).toBe(false);
  });

  it('narrows the StartTime range to the loosest value of each filter and the tightest filter', () => {
    expect(executedTimeRange([])).toEqual({});
    expect(executedTimeRange(statuses(['FAILED']))).toEqual({});
    expect(
      executedTimeRange(
        parsed([
          { Key: 'ExecutedAfter', Values: ['2026-03-01', '2026-01-01'] },
          { Key: 'ExecutedAfter', Values: ['2026-02-01'] },
          { Key: 'ExecutedBefore', Values: ['2026-06-01', '2026-09-01'] },
          { Key: 'ExecutedBefore', Values: ['2026-08-01'] },
        ]),
      ),
    ).toEqual({ from: ms('2026-02-01T00:00:00Z'), before: ms('2026-08-01T00:00:00Z') });
    expect(executedTimeRange(parsed([{ Key: 'ExecutedAfter', Values: ['2026-02-01'] }, { Key: 'ExecutedAfter', Values: ['2026-01-01'] }]))).toEqual({ from: ms('2026-02-01T00:00:00Z') });
    expect(executedTimeRange(parsed([{ Key: 'ExecutedBefore', Values: ['2026-01-01'] }, { Key: 'ExecutedBefore', Values: ['2026-02-01'] }]))).toEqual({ before: ms('2026-01-01T00:00:00Z') });
  });
});
