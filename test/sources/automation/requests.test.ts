import {
  matchesStartTime,
  readDescribeAutomationExecutions,
  readDescribeAutomationStepExecutions,
  readGetAutomationExecution,
  type AutomationFilter,
} from '../../../lambdas/sources/automation/requests';
import { thrown } from '../../support/ssm-errors';

/** Automation's read requests: filters { Key, Values[] }, values ORed, keys ANDed. */
const EXECUTION_ID = '4105a4fc-f944-11e6-9d32-0a1b2c3d495e';
const ms = (iso: string): number => Date.parse(iso);

describe('DescribeAutomationExecutions', () => {
  it('reads a bare request with 50 a page, and binds the token to the filters only', () => {
    expect(readDescribeAutomationExecutions({})).toEqual({ filters: [], maxResults: 50, nextToken: undefined, tokenQuery: { filters: null } });
    const filters = [
      { Key: 'ExecutionStatus', Values: ['Failed', 'TimedOut'] },
      { Key: 'StartTimeAfter', Values: ['2026-11-20T10:00:00Z'] },
    ];
    expect(readDescribeAutomationExecutions({ Filters: filters, MaxResults: 1, NextToken: 'n' })).toEqual({
      filters: [
        { key: 'ExecutionStatus', values: ['Failed', 'TimedOut'] },
        { key: 'StartTimeAfter', values: ['2026-11-20T10:00:00Z'], times: [ms('2026-11-20T10:00:00Z')] },
      ],
      maxResults: 1,
      nextToken: 'n',
      tokenQuery: { filters },
    });
  });

  it('takes 1 to 12 filters of the documented keys; keys SSM has and the archive cannot evaluate are refused, not ignored', () => {
    expect(thrown(() => readDescribeAutomationExecutions({ Filters: [] }))).toMatchObject({
      type: 'ValidationException',
      message: "1 validation error detected: Value at 'filters' failed to satisfy constraint: Member must have length greater than or equal to 1",
    });
    const thirteen = Array.from({ length: 13 }, () => ({ Key: 'ExecutionStatus', Values: ['Failed'] }));
    expect(thrown(() => readDescribeAutomationExecutions({ Filters: thirteen })).message).toContain('Member must have length less than or equal to 12');
    expect(readDescribeAutomationExecutions({ Filters: thirteen.slice(1) }).filters).toHaveLength(12);
    expect(thrown(() => readDescribeAutomationExecutions({ Filters: [{ Key: 'StepName', Values: ['x'] }] }))).toMatchObject({
      type: 'ValidationException',
      message:
        "1 validation error detected: Value 'StepName' at 'filters.1.member.key' failed to satisfy constraint: Member must satisfy enum value set: [DocumentNamePrefix, ExecutionStatus, ExecutionId, ParentExecutionId, CurrentAction, StartTimeBefore, StartTimeAfter, AutomationType, TagKey, TargetResourceGroup, AutomationSubtype, OpsItemId]",
    });
    for (const key of ['TagKey', 'TargetResourceGroup', 'AutomationSubtype', 'OpsItemId']) {
      expect(thrown(() => readDescribeAutomationExecutions({ Filters: [{ Key: key, Values: ['x'] }] }))).toEqual({
        type: 'InvalidFilterKey',
        message: `The SSM simulator does not evaluate the ${key} filter`,
        httpStatus: 400,
      });
    }
    for (const key of ['DocumentNamePrefix', 'ExecutionId', 'ParentExecutionId', 'CurrentAction', 'AutomationType']) {
      expect(readDescribeAutomationExecutions({ Filters: [{ Key: key, Values: ['x'] }] }).filters).toEqual([{ key, values: ['x'] }]);
    }
    expect(thrown(() => readDescribeAutomationExecutions({ Filters: ['ExecutionStatus'] }))).toMatchObject({ type: 'InvalidFilterKey', message: 'Each filter must be an object with Key and Values' });
  });

  it('wants 1 to 10 non-empty values, and ISO 8601 times for the time keys', () => {
    const message = 'Filter ExecutionStatus needs 1 to 10 non-empty string values';
    for (const values of [[], Array.from({ length: 11 }, () => 'Failed'), ['Failed', ''], ['Failed', 3], 'Failed', undefined]) {
      expect(thrown(() => readDescribeAutomationExecutions({ Filters: [{ Key: 'ExecutionStatus', Values: values }] }))).toEqual({ type: 'InvalidFilterValue', message, httpStatus: 400 });
    }
    expect(readDescribeAutomationExecutions({ Filters: [{ Key: 'ExecutionStatus', Values: Array.from({ length: 10 }, () => 'Failed') }] }).filters[0]?.values).toHaveLength(10);
    expect(thrown(() => readDescribeAutomationExecutions({ Filters: [{ Key: 'StartTimeBefore', Values: ['2026-11-20', 'soon'] }] }))).toEqual({
      type: 'InvalidFilterValue',
      message: 'StartTimeBefore value soon is not an ISO 8601 timestamp',
      httpStatus: 400,
    });
  });
});

describe('DescribeAutomationStepExecutions and GetAutomationExecution', () => {
  it('reads the execution, the step filters and ReverseOrder, and binds the token to all three', () => {
    expect(readDescribeAutomationStepExecutions({ AutomationExecutionId: EXECUTION_ID })).toEqual({
      executionId: EXECUTION_ID,
      filters: [],
      maxResults: 50,
      nextToken: undefined,
      reverseOrder: false,
      tokenQuery: { executionId: EXECUTION_ID, filters: null, reverseOrder: false },
    });
    const filters = [{ Key: 'StepExecutionStatus', Values: ['Failed'] }];
    expect(readDescribeAutomationStepExecutions({ AutomationExecutionId: EXECUTION_ID, Filters: filters, ReverseOrder: true, MaxResults: 2, NextToken: 'n' })).toEqual({
      executionId: EXECUTION_ID,
      filters: [{ key: 'StepExecutionStatus', values: ['Failed'] }],
      maxResults: 2,
      nextToken: 'n',
      reverseOrder: true,
      tokenQuery: { executionId: EXECUTION_ID, filters, reverseOrder: true },
    });
    for (const key of ['StartTimeBefore', 'StartTimeAfter', 'StepExecutionStatus', 'StepExecutionId', 'StepName', 'Action']) {
      const values = key.startsWith('StartTime') ? ['2026-11-20'] : ['x'];
      expect(readDescribeAutomationStepExecutions({ AutomationExecutionId: EXECUTION_ID, Filters: [{ Key: key, Values: values }] }).filters[0]?.key).toBe(key);
    }
    expect(thrown(() => readDescribeAutomationStepExecutions({ AutomationExecutionId: EXECUTION_ID, Filters: [{ Key: 'ExecutionStatus', Values: ['x'] }] })).message).toContain(
      'Member must satisfy enum value set: [StartTimeBefore, StartTimeAfter, StepExecutionStatus, StepExecutionId, StepName, Action]',
    );
    expect(thrown(() => readDescribeAutomationStepExecutions({ AutomationExecutionId: EXECUTION_ID, Filters: Array.from({ length: 7 }, () => ({ Key: 'StepName', Values: ['x'] })) })).message).toContain(
      'less than or equal to 6',
    );
  });

  it('requires an AutomationExecutionId of 36 characters', () => {
    expect(readGetAutomationExecution({ AutomationExecutionId: EXECUTION_ID })).toBe(EXECUTION_ID);
    expect(thrown(() => readGetAutomationExecution({})).message).toContain("Value null at 'automationExecutionId'");
    expect(thrown(() => readGetAutomationExecution({ AutomationExecutionId: 'short' })).message).toContain("Value 'short' at 'automationExecutionId' failed to satisfy constraint: Member must have length equal to 36");
    expect(thrown(() => readDescribeAutomationStepExecutions({ AutomationExecutionId: 'short' })).message).toContain('Member must have length equal to 36');
  });
});

describe('matchesStartTime', () => {
  const after: AutomationFilter = { key: 'StartTimeAfter', values: [], times: [ms('2026-11-20T10:00:00Z'), ms('2026-11-21T10:00:00Z')] };
  const before: AutomationFilter = { key: 'StartTimeBefore', values: [], times: [ms('2026-11-20T10:00:00Z'), ms('2026-11-19T10:00:00Z')] };

  it('is inclusive after and exclusive before, any of the filter\'s times matching', () => {
    expect(matchesStartTime(after, ms('2026-11-20T10:00:00Z'))).toBe(true);
    expect(matchesStartTime(after, ms('2026-11-20T09:59:59Z'))).toBe(false);
    expect(matchesStartTime(before, ms('2026-11-20T10:00:00Z'))).toBe(false);
    expect(matchesStartTime(before, ms('2026-11-20T09:59:59Z'))).toBe(true);
  });

  it('never matches an execution that has not started, and has no opinion on other keys', () => {
    expect(matchesStartTime(after, undefined)).toBe(false);
    expect(matchesStartTime(before, undefined)).toBe(false);
    expect(matchesStartTime({ key: 'StartTimeAfter', values: [] }, ms('2026-11-20T10:00:00Z'))).toBe(false);
    expect(matchesStartTime({ key: 'ExecutionStatus', values: ['Failed'] }, ms('2026-11-20T10:00:00Z'))).toBeUndefined();
  });
});
