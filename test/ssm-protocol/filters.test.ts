import {
  EXECUTING_COMMAND_STATUSES,
  matchesFilters,
  parseCommandFilters,
  parseIsoTimestamp,
  requestedTimeRange,
  statusFilterValues,
  type CommandFilter,
  type FilterSubject,
} from '../../lambdas/ssm-protocol/filters';
import { thrown } from '../support/ssm-errors';

/** Run Command's CommandFilter, as the API reference defines it. */
const ms = (iso: string): number => Date.parse(iso);
const filter = (key: string, value: string) => ({ key, value });

describe('CommandFilter parsing', () => {
  it('takes no filters as none, and 1 to 5 filters', () => {
    expect(parseCommandFilters(undefined, 'ListCommands')).toEqual([]);
    const five = Array.from({ length: 5 }, () => filter('DocumentName', 'AWS-RunShellScript'));
    expect(parseCommandFilters(five, 'ListCommands')).toHaveLength(5);
    expect(thrown(() => parseCommandFilters([], 'ListCommands'))).toMatchObject({
      type: 'ValidationException',
      message: "1 validation error detected: Value at 'filters' failed to satisfy constraint: Member must have length greater than or equal to 1",
    });
    expect(thrown(() => parseCommandFilters([...five, filter('Status', 'Failed')], 'ListCommands'))).toMatchObject({
      type: 'ValidationException',
      message: "1 validation error detected: Value at 'filters' failed to satisfy constraint: Member must have length less than or equal to 5",
    });
  });

  it('checks value lengths (128 at most) before the filters\' meaning, naming the filter\'s place', () => {
    expect(parseCommandFilters([filter('DocumentName', 'd'.repeat(128))], 'ListCommands')).toEqual([{ key: 'DocumentName', value: 'd'.repeat(128) }]);
    const long = 'd'.repeat(129);
    expect(thrown(() => parseCommandFilters([filter('NoSuchKey', 'x'), filter('DocumentName', long)], 'ListCommands'))).toMatchObject({
      type: 'ValidationException',
      message: `1 validation error detected: Value '${long}' at 'filters.2.member.value' failed to satisfy constraint: Member must have length less than or equal to 128`,
    });
  });

  it('refuses keys an operation does not take with InvalidFilterKey', () => {
    expect(thrown(() => parseCommandFilters([filter('ExecutionStage', 'Complete')], 'ListCommandInvocations'))).toEqual({
      type: 'InvalidFilterKey',
      message: 'ExecutionStage is not a valid filter key for ListCommandInvocations',
      httpStatus: 400,
    });
    expect(thrown(() => parseCommandFilters([{ value: 'x' }], 'ListCommands'))).toMatchObject({ type: 'InvalidFilterKey', message: 'undefined is not a valid filter key for ListCommands' });
    expect(thrown(() => parseCommandFilters(['Status'], 'ListCommands'))).toMatchObject({ type: 'InvalidFilterKey', message: 'Each filter must be an object with key and value' });
  });

  it('refuses an empty or missing value with InvalidFilterValue', () => {
    expect(thrown(() => parseCommandFilters([filter('DocumentName', '')], 'ListCommands'))).toEqual({
      type: 'InvalidFilterValue',
      message: 'Filter DocumentName needs a non-empty value',
      httpStatus: 400,
    });
    expect(thrown(() => parseCommandFilters([{ key: 'Status' }], 'ListCommands')).type).toBe('InvalidFilterValue');
  });

  it('takes each operation\'s own Status values', () => {
    expect(parseCommandFilters([filter('Status', 'Delayed')], 'ListCommandInvocations')).toEqual([{ key: 'Status', value: 'Delayed' }]);
    expect(thrown(() => parseCommandFilters([filter('Status', 'Delayed')], 'ListCommands'))).toEqual({
      type: 'InvalidFilterValue',
      message: 'Delayed is not a valid Status filter value for ListCommands',
      httpStatus: 400,
    });
    expect(parseCommandFilters([filter('Status', 'Incomplete')], 'ListCommands')).toEqual([{ key: 'Status', value: 'Incomplete' }]);
    expect(thrown(() => parseCommandFilters([filter('Status', 'Incomplete')], 'ListCommandInvocations')).type).toBe('InvalidFilterValue');
    expect(thrown(() => parseCommandFilters([filter('Status', 'failed')], 'ListCommands')).type).toBe('InvalidFilterValue');
  });

  it('takes ExecutionStage Executing or Complete only', () => {
    expect(parseCommandFilters([filter('ExecutionStage', 'Executing'), filter('ExecutionStage', 'Complete')], 'ListCommands')).toEqual([
      { key: 'ExecutionStage', value: 'Executing' },
      { key: 'ExecutionStage', value: 'Complete' },
    ]);
    expect(thrown(() => parseCommandFilters([filter('ExecutionStage', 'Done')], 'ListCommands'))).toEqual({
      type: 'InvalidFilterValue',
      message: 'Done is not a valid ExecutionStage filter value (Executing | Complete)',
      httpStatus: 400,
    });
  });

  it('reads InvokedAfter and InvokedBefore as ISO 8601 times', () => {
    expect(parseCommandFilters([filter('InvokedAfter', '2026-11-20'), filter('InvokedBefore', '2026-11-20T10:00:00+02:00')], 'ListCommandInvocations')).toEqual([
      { key: 'InvokedAfter', at: ms('2026-11-20T00:00:00Z') },
      { key: 'InvokedBefore', at: ms('2026-11-20T08:00:00Z') },
    ]);
    expect(thrown(() => parseCommandFilters([filter('InvokedAfter', 'yesterday')], 'ListCommands'))).toEqual({
      type: 'InvalidFilterValue',
      message: 'InvokedAfter value yesterday is not an ISO 8601 timestamp',
      httpStatus: 400,
    });
  });
});

describe('CommandFilter matching', () => {
  const subject: FilterSubject = {
    requestedAt: ms('2026-11-20T10:00:00Z'),
    documentName: 'AWS-RunShellScript',
    status: 'Failed',
    statusDetails: 'ExecutionTimedOut',
    terminal: true,
  };
  const parsed = (...filters: { key: string; value: string }[]): readonly CommandFilter[] => parseCommandFilters(filters, 'ListCommands');

  it('matches InvokedAfter inclusively and InvokedBefore exclusively', () => {
    expect(matchesFilters(parsed(filter('InvokedAfter', '2026-11-20T10:00:00Z')), subject)).toBe(true);
    expect(matchesFilters(parsed(filter('InvokedAfter', '2026-11-20T10:00:00.001Z')), subject)).toBe(false);
    expect(matchesFilters(parsed(filter('InvokedBefore', '2026-11-20T10:00:00Z')), subject)).toBe(false);
    expect(matchesFilters(parsed(filter('InvokedBefore', '2026-11-20T10:00:00.001Z')), subject)).toBe(true);
  });

  it('matches a Status on the status or the status details; TimedOut also on delivery and execution time-outs', () => {
    expect(matchesFilters(parsed(filter('Status', 'Failed')), subject)).toBe(true);
    expect(matchesFilters(parsed(filter('Status', 'ExecutionTimedOut')), subject)).toBe(true);
    expect(matchesFilters(parsed(filter('Status', 'TimedOut')), subject)).toBe(true);
    expect(matchesFilters(parsed(filter('Status', 'TimedOut')), { ...subject, statusDetails: 'DeliveryTimedOut' })).toBe(true);
    expect(matchesFilters(parsed(filter('Status', 'TimedOut')), { ...subject, statusDetails: 'Failed' })).toBe(false);
    expect(matchesFilters(parsed(filter('Status', 'Success')), subject)).toBe(false);
    expect(statusFilterValues('TimedOut')).toEqual({ statuses: ['TimedOut'], details: ['TimedOut', 'DeliveryTimedOut', 'ExecutionTimedOut'] });
    expect(statusFilterValues('Failed')).toEqual({ statuses: ['Failed'], details: ['Failed'] });
  });

  it('matches DocumentName exactly, ExecutionStage on whether the command ended, and ANDs the filters', () => {
    expect(matchesFilters(parsed(filter('DocumentName', 'AWS-RunShellScript')), subject)).toBe(true);
    expect(matchesFilters(parsed(filter('DocumentName', 'AWS-RunShell')), subject)).toBe(false);
    expect(matchesFilters(parsed(filter('ExecutionStage', 'Complete')), subject)).toBe(true);
    expect(matchesFilters(parsed(filter('ExecutionStage', 'Executing')), subject)).toBe(false);
    expect(matchesFilters(parsed(filter('ExecutionStage', 'Executing')), { ...subject, terminal: false })).toBe(true);
    expect(matchesFilters(parsed(filter('ExecutionStage', 'Complete')), { ...subject, terminal: false })).toBe(false);
    expect(matchesFilters(parsed(filter('Status', 'Failed'), filter('DocumentName', 'Other')), subject)).toBe(false);
    expect(matchesFilters([], subject)).toBe(true);
    expect(EXECUTING_COMMAND_STATUSES).toEqual(['Pending', 'InProgress', 'Cancelling']);
  });

  it('narrows the RequestedDateTime range to the latest InvokedAfter and the earliest InvokedBefore', () => {
    expect(requestedTimeRange([])).toEqual({});
    expect(requestedTimeRange(parsed(filter('Status', 'Failed')))).toEqual({});
    expect(
      requestedTimeRange(
        parsed(filter('InvokedAfter', '2026-01-01'), filter('InvokedBefore', '2026-12-01'), filter('InvokedAfter', '2026-03-01'), filter('InvokedBefore', '2026-06-01')),
      ),
    ).toEqual({ from: ms('2026-03-01T00:00:00Z'), before: ms('2026-06-01T00:00:00Z') });
    expect(requestedTimeRange(parsed(filter('InvokedAfter', '2026-03-01'), filter('InvokedAfter', '2026-01-01')))).toEqual({ from: ms('2026-03-01T00:00:00Z') });
    expect(requestedTimeRange(parsed(filter('InvokedBefore', '2026-01-01'), filter('InvokedBefore', '2026-03-01')))).toEqual({ before: ms('2026-01-01T00:00:00Z') });
  });
});

describe('parseIsoTimestamp', () => {
  it.each([
    ['2026-11-20', '2026-11-20T00:00:00.000Z'],
    ['2026-11-20T10:00', '2026-11-20T10:00:00.000Z'],
    ['2026-11-20T10:00:05', '2026-11-20T10:00:05.000Z'],
    ['2026-11-20T10:00:05.123456789', '2026-11-20T10:00:05.123Z'],
    ['2026-11-20T10:00:05Z', '2026-11-20T10:00:05.000Z'],
    ['2026-11-20T10:00:05+02:00', '2026-11-20T08:00:05.000Z'],
    ['2026-11-20T10:00:05-0130', '2026-11-20T11:30:05.000Z'],
  ])('reads %s as %s (no zone is UTC)', (text, iso) => {
    expect(parseIsoTimestamp(text)).toBe(Date.parse(iso));
  });

  it.each(['', 'yesterday', '2026-11-20 10:00:00', '20261120', '2026-11-20T10', '2026-13-45', 'x2026-11-20', '2026-11-20T10:00:00Zx'])('refuses %j', (text) => {
    expect(parseIsoTimestamp(text)).toBeUndefined();
  });
});
