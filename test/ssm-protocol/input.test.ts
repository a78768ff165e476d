import {
  camel,
  checkCommandIdLength,
  checkInstanceId,
  isJsonObject,
  optionalArray,
  optionalBoolean,
  optionalInteger,
  optionalString,
  requiredString,
} from '../../lambdas/ssm-protocol/input';
import { thrown } from '../support/ssm-errors';

/** Request members read as AWS's JSON services read them. */
describe('request member readers', () => {
  it('reads an optional string; null and absent are absent; any other type is a SerializationException', () => {
    expect(optionalString({ NextToken: 'abc' }, 'NextToken')).toBe('abc');
    expect(optionalString({ NextToken: '' }, 'NextToken')).toBe('');
    expect(optionalString({ NextToken: null }, 'NextToken')).toBeUndefined();
    expect(optionalString({}, 'NextToken')).toBeUndefined();
    expect(thrown(() => optionalString({ NextToken: 5 }, 'NextToken'))).toEqual({
      type: 'SerializationException',
      message: "Expected a string for member 'NextToken'",
      httpStatus: 400,
    });
  });

  it('requires a string: absent or null is a ValidationException naming the member in camelCase', () => {
    expect(requiredString({ CommandId: 'c' }, 'CommandId')).toBe('c');
    for (const input of [{}, { CommandId: null }]) {
      expect(thrown(() => requiredString(input, 'CommandId'))).toEqual({
        type: 'ValidationException',
        message: "1 validation error detected: Value null at 'commandId' failed to satisfy constraint: Member must not be null",
        httpStatus: 400,
      });
    }
    expect(thrown(() => requiredString({ CommandId: [] }, 'CommandId')).type).toBe('SerializationException');
  });

  it('reads an optional boolean', () => {
    expect(optionalBoolean({ Details: true }, 'Details')).toBe(true);
    expect(optionalBoolean({ Details: false }, 'Details')).toBe(false);
    expect(optionalBoolean({ Details: null }, 'Details')).toBeUndefined();
    expect(optionalBoolean({}, 'Details')).toBeUndefined();
    expect(thrown(() => optionalBoolean({ Details: 'true' }, 'Details'))).toMatchObject({ type: 'SerializationException', message: "Expected a boolean for member 'Details'" });
  });

  it('reads an optional integer within its bounds, both inclusive', () => {
    expect(optionalInteger({ MaxResults: 1 }, 'MaxResults', 1, 50)).toBe(1);
    expect(optionalInteger({ MaxResults: 50 }, 'MaxResults', 1, 50)).toBe(50);
    expect(optionalInteger({ MaxResults: null }, 'MaxResults', 1, 50)).toBeUndefined();
    expect(optionalInteger({}, 'MaxResults', 1, 50)).toBeUndefined();
    expect(thrown(() => optionalInteger({ MaxResults: 0 }, 'MaxResults', 1, 50))).toMatchObject({
      type: 'ValidationException',
      message: "1 validation error detected: Value '0' at 'maxResults' failed to satisfy constraint: Member must have value greater than or equal to 1",
    });
    expect(thrown(() => optionalInteger({ MaxResults: 51 }, 'MaxResults', 1, 50))).toMatchObject({
      type: 'ValidationException',
      message: "1 validation error detected: Value '51' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 50",
    });
    for (const value of [1.5, '10', true]) {
      expect(thrown(() => optionalInteger({ MaxResults: value }, 'MaxResults', 1, 50))).toMatchObject({
        type: 'SerializationException',
        message: "Expected an integer for member 'MaxResults'",
      });
    }
  });

  it('reads an optional list', () => {
    expect(optionalArray({ Filters: [1, 'a'] }, 'Filters')).toEqual([1, 'a']);
    expect(optionalArray({ Filters: [] }, 'Filters')).toEqual([]);
    expect(optionalArray({ Filters: null }, 'Filters')).toBeUndefined();
    expect(optionalArray({}, 'Filters')).toBeUndefined();
    expect(thrown(() => optionalArray({ Filters: { key: 'a' } }, 'Filters'))).toMatchObject({ type: 'SerializationException', message: "Expected a list for member 'Filters'" });
  });

  it('tells a JSON object from null, lists and scalars', () => {
    expect(isJsonObject({})).toBe(true);
    expect(isJsonObject({ a: 1 })).toBe(true);
    expect(isJsonObject(null)).toBe(false);
    expect(isJsonObject([])).toBe(false);
    expect(isJsonObject('{}')).toBe(false);
    expect(isJsonObject(undefined)).toBe(false);
  });

  it('wants a CommandId of exactly 36 characters', () => {
    expect(() => checkCommandIdLength('CommandId', 'e8d3c0e4-71f7-4491-898f-c9b35bee5f3b')).not.toThrow();
    for (const value of ['e8d3c0e4-71f7-4491-898f-c9b35bee5f3', 'e8d3c0e4-71f7-4491-898f-c9b35bee5f3bb']) {
      expect(thrown(() => checkCommandIdLength('CommandId', value))).toMatchObject({
        type: 'ValidationException',
        message: `1 validation error detected: Value '${value}' at 'commandId' failed to satisfy constraint: Member must have length equal to 36`,
      });
    }
  });

  it('takes EC2 instance ids (8 or 17 characters) and managed node ids, and answers others InvalidInstanceId', () => {
    for (const id of ['i-12345678', 'i-0123456789abcdef0', 'mi-0123456789abcdef0']) expect(() => checkInstanceId(id)).not.toThrow();
    for (const id of ['i-1234567', 'i-0123456789abcdef', 'mi-12345678', 'x-12345678', ' i-12345678', 'i-12345678 ']) {
      expect(thrown(() => checkInstanceId(id))).toEqual({ type: 'InvalidInstanceId', message: `Instance Id ${id} is not valid`, httpStatus: 400 });
    }
  });

  it('spells member names as SSM\'s messages do', () => {
    expect(camel('MaxResults')).toBe('maxResults');
    expect(camel('AutomationExecutionId')).toBe('automationExecutionId');
    expect(camel('x')).toBe('x');
  });
});
