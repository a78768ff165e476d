import {
  readDescribeAssociationExecutions,
  readDescribeAssociationExecutionTargets,
  readListAssociations,
} from '../../../lambdas/sources/association/requests';
import { thrown } from '../../support/ssm-errors';

/** State Manager's read requests (the DescribeAssociationExecutions API reference). */
const ASSOCIATION_ID = '6e37940a-23ba-4ab0-9b96-5d0a1a05464f';
const EXECUTION_ID = '0d5c2b1a-1111-4222-8333-444455556666';

describe('DescribeAssociationExecutions', () => {
  const read = (filters: unknown, extra: object = {}) => readDescribeAssociationExecutions({ AssociationId: ASSOCIATION_ID, Filters: filters, ...extra });

  it('reads the association, 50 a page by default, and binds the token to the association and filters', () => {
    expect(readDescribeAssociationExecutions({ AssociationId: ASSOCIATION_ID })).toEqual({
      associationId: ASSOCIATION_ID,
      filters: [],
      maxResults: 50,
      nextToken: undefined,
      tokenQuery: { associationId: ASSOCIATION_ID, filters: null },
    });
    const filters = [{ Key: 'Status', Value: 'Failed', Type: 'EQUAL' }];
    expect(read(filters, { MaxResults: 1, NextToken: 't' })).toEqual({
      associationId: ASSOCIATION_ID,
      filters: [{ key: 'Status', value: 'Failed', type: 'EQUAL' }],
      maxResults: 1,
      nextToken: 't',
      tokenQuery: { associationId: ASSOCIATION_ID, filters },
    });
    expect(thrown(() => readDescribeAssociationExecutions({})).message).toContain("Value null at 'associationId'");
    expect(thrown(() => read(undefined, { MaxResults: 51 })).message).toContain('less than or equal to 50');
  });

  it('takes ExecutionId and Status with EQUAL, CreatedTime with EQUAL, GREATER_THAN or LESS_THAN', () => {
    expect(read([{ Key: 'ExecutionId', Value: EXECUTION_ID, Type: 'EQUAL' }]).filters).toEqual([{ key: 'ExecutionId', value: EXECUTION_ID, type: 'EQUAL' }]);
    for (const type of ['EQUAL', 'GREATER_THAN', 'LESS_THAN']) {
      expect(read([{ Key: 'CreatedTime', Value: '2026-11-20T10:00:00Z', Type: type }]).filters).toEqual([
        { key: 'CreatedTime', value: '2026-11-20T10:00:00Z', type, at: Date.parse('2026-11-20T10:00:00Z') },
      ]);
    }
    expect(thrown(() => read([{ Key: 'Status', Value: 'Failed', Type: 'GREATER_THAN' }]))).toEqual({
      type: 'InvalidFilterValue',
      message: 'Filter Status does not take the GREATER_THAN type',
      httpStatus: 400,
    });
    expect(thrown(() => read([{ Key: 'ExecutionId', Value: EXECUTION_ID, Type: 'LESS_THAN' }])).type).toBe('InvalidFilterValue');
    expect(thrown(() => read([{ Key: 'CreatedTime', Value: 'yesterday', Type: 'LESS_THAN' }]))).toEqual({
      type: 'InvalidFilterValue',
      message: 'CreatedTime value yesterday is not an ISO 8601 timestamp',
      httpStatus: 400,
    });
  });

  it('refuses an empty filter list, unknown keys and types, and empty values, naming the filter\'s place', () => {
    expect(thrown(() => read([]))).toMatchObject({
      type: 'ValidationException',
      message: "1 validation error detected: Value at 'filters' failed to satisfy constraint: Member must have length greater than or equal to 1",
    });
    expect(thrown(() => read([{ Key: 'Status', Value: 'Failed', Type: 'EQUAL' }, { Key: 'ResourceId', Value: 'x', Type: 'EQUAL' }]))).toMatchObject({
      type: 'ValidationException',
      message:
        "1 validation error detected: Value 'ResourceId' at 'filters.2.member.key' failed to satisfy constraint: Member must satisfy enum value set: [ExecutionId, Status, CreatedTime]",
    });
    expect(thrown(() => read([{ Key: 'Status', Value: 'Failed', Type: 'AFTER' }]))).toMatchObject({
      type: 'ValidationException',
      message:
        "1 validation error detected: Value 'AFTER' at 'filters.1.member.type' failed to satisfy constraint: Member must satisfy enum value set: [EQUAL, LESS_THAN, GREATER_THAN]",
    });
    expect(thrown(() => read([{ Key: 'Status', Value: 'Failed' }])).message).toContain("Value 'undefined' at 'filters.1.member.type'");
    expect(thrown(() => read([{ Key: 'Status', Value: '', Type: 'EQUAL' }]))).toMatchObject({
      type: 'ValidationException',
      message: "1 validation error detected: Value at 'filters.1.member.value' failed to satisfy constraint: Member must have length greater than or equal to 1",
    });
    expect(thrown(() => read(['Status']))).toMatchObject({ type: 'InvalidFilterKey', message: 'Each filter must be an object with Key, Value and Type' });
  });
});

describe('DescribeAssociationExecutionTargets', () => {
  const read = (filters: unknown) => readDescribeAssociationExecutionTargets({ AssociationId: ASSOCIATION_ID, ExecutionId: EXECUTION_ID, Filters: filters });

  it('reads the association and execution, and filters on Status, ResourceId and ResourceType', () => {
    const filters = [
      { Key: 'Status', Value: 'Failed' },
      { Key: 'ResourceId', Value: 'i-12345678' },
      { Key: 'ResourceType', Value: 'ManagedInstance' },
    ];
    expect(readDescribeAssociationExecutionTargets({ AssociationId: ASSOCIATION_ID, ExecutionId: EXECUTION_ID, Filters: filters, MaxResults: 3, NextToken: 'n' })).toEqual({
      associationId: ASSOCIATION_ID,
      executionId: EXECUTION_ID,
      filters: [
        { key: 'Status', value: 'Failed' },
        { key: 'ResourceId', value: 'i-12345678' },
        { key: 'ResourceType', value: 'ManagedInstance' },
      ],
      maxResults: 3,
      nextToken: 'n',
      tokenQuery: { associationId: ASSOCIATION_ID, executionId: EXECUTION_ID, filters },
    });
    expect(readDescribeAssociationExecutionTargets({ AssociationId: ASSOCIATION_ID, ExecutionId: EXECUTION_ID })).toMatchObject({
      filters: [],
      maxResults: 50,
      tokenQuery: { associationId: ASSOCIATION_ID, executionId: EXECUTION_ID, filters: null },
    });
    expect(thrown(() => readDescribeAssociationExecutionTargets({ AssociationId: ASSOCIATION_ID })).message).toContain("Value null at 'executionId'");
  });

  it('refuses an empty list, other keys and empty values', () => {
    expect(thrown(() => read([])).message).toContain("Value at 'filters' failed to satisfy constraint: Member must have length greater than or equal to 1");
    expect(thrown(() => read([{ Key: 'CreatedTime', Value: 'x' }]))).toMatchObject({
      type: 'ValidationException',
      message:
        "1 validation error detected: Value 'CreatedTime' at 'filters.1.member.key' failed to satisfy constraint: Member must satisfy enum value set: [Status, ResourceId, ResourceType]",
    });
    expect(thrown(() => read([{ Key: 'Status', Value: 'Failed' }, { Key: 'Status' }])).message).toContain("at 'filters.2.member.value' failed to satisfy constraint: Member must have length greater than or equal to 1");
    expect(thrown(() => read([7]))).toMatchObject({ type: 'InvalidFilterKey', message: 'Each filter must be an object with Key and Value' });
  });
});

describe('ListAssociations', () => {
  it('pages 50 at a time by default, and refuses association filters rather than ignore them', () => {
    expect(readListAssociations({})).toEqual({ maxResults: 50, nextToken: undefined });
    expect(readListAssociations({ MaxResults: 5, NextToken: 'n', AssociationFilterList: [] })).toEqual({ maxResults: 5, nextToken: 'n' });
    expect(thrown(() => readListAssociations({ AssociationFilterList: [{ key: 'Name', value: 'x' }] }))).toEqual({
      type: 'InvalidFilterKey',
      message: 'The SSM simulator does not evaluate AssociationFilterList',
      httpStatus: 400,
    });
    expect(thrown(() => readListAssociations({ MaxResults: 51 })).type).toBe('ValidationException');
  });
});
