import { SsmError, serializationError, validationError } from '../../lambdas/ssm-protocol/errors';
import { encodeJson, readSsmCall, SSM_CONTENT_TYPE, ssmErrorResponse, ssmOutputResponse } from '../../lambdas/ssm-protocol/json-protocol';
import { thrown } from '../support/ssm-errors';

/** AWS JSON 1.1 as SSM speaks it, apart from any HTTP server. */
describe('SSM JSON protocol', () => {
  const call = (request: Partial<{ method: string; target: string | undefined; body: string }>) =>
    readSsmCall({ method: 'POST', target: 'AmazonSSM.ListCommands', body: '{}', ...request });

  it('reads the operation from the target and the input from the body; an empty body is {}', () => {
    expect(call({ body: '{"MaxResults":5}' })).toEqual({ operation: 'ListCommands', input: { MaxResults: 5 } });
    expect(call({ body: '' })).toEqual({ operation: 'ListCommands', input: {} });
    expect(call({ target: 'AmazonSSM.' })).toEqual({ operation: '', input: {} });
  });

  it('refuses anything but a POST with an AmazonSSM target as an unknown operation', () => {
    expect(thrown(() => call({ method: 'GET' }))).toEqual({ type: 'UnknownOperationException', message: 'Unknown operation AmazonSSM.ListCommands', httpStatus: 400 });
    expect(thrown(() => call({ target: undefined }))).toMatchObject({ type: 'UnknownOperationException', message: 'Unknown operation undefined' });
    expect(thrown(() => call({ target: 'AmazonSQS.ListQueues' }))).toMatchObject({ type: 'UnknownOperationException' });
    expect(thrown(() => call({ target: 'xAmazonSSM.ListCommands' }))).toMatchObject({ type: 'UnknownOperationException' });
  });

  it('refuses a body that is not JSON, or not a JSON object', () => {
    expect(thrown(() => call({ body: '{' }))).toEqual({ type: 'SerializationException', message: 'Request body is not valid JSON', httpStatus: 400 });
    for (const body of ['[]', 'null', '"text"', '3']) {
      expect(thrown(() => call({ body }))).toEqual({ type: 'SerializationException', message: 'Request body must be a JSON object', httpStatus: 400 });
    }
  });

  it('answers with the output as JSON, Dates as epoch seconds however deep', () => {
    const response = ssmOutputResponse({ Commands: [{ RequestedDateTime: new Date(1_700_000_000_123), Nested: { At: new Date(0) }, Name: 'x' }], NextToken: 't' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['Content-Type']).toBe(SSM_CONTENT_TYPE);
    expect(response.headers['x-amzn-RequestId']).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(JSON.parse(response.body)).toEqual({ Commands: [{ RequestedDateTime: 1_700_000_000.123, Nested: { At: 0 }, Name: 'x' }], NextToken: 't' });
    expect(ssmOutputResponse({}).headers['x-amzn-RequestId']).not.toBe(response.headers['x-amzn-RequestId']);
    expect(encodeJson({ a: [new Date(1000), 'b', null] })).toBe('{"a":[1,"b",null]}');
  });

  it('answers an error with its status, its type in x-amzn-ErrorType and the body, and its message', () => {
    const response = ssmErrorResponse(new SsmError('InvalidCommandId', 'no such command'));
    expect(response.statusCode).toBe(400);
    expect(response.headers).toMatchObject({ 'Content-Type': SSM_CONTENT_TYPE, 'x-amzn-ErrorType': 'InvalidCommandId' });
    expect(JSON.parse(response.body)).toEqual({ __type: 'InvalidCommandId', message: 'no such command' });
    expect(ssmErrorResponse(new SsmError('InternalServerError', 'boom', 500)).statusCode).toBe(500);
  });

  it('names errors by their type, 400 unless told, with AWS\'s wording for validation and serialization', () => {
    const error = new SsmError('InvalidNextToken', 'bad token', undefined, { cause: 'x' });
    expect(error).toMatchObject({ name: 'InvalidNextToken', type: 'InvalidNextToken', message: 'bad token', httpStatus: 400, cause: 'x' });
    expect(error).toBeInstanceOf(Error);
    expect(validationError('detail')).toMatchObject({ type: 'ValidationException', message: '1 validation error detected: detail' });
    expect(serializationError('Member', 'a list')).toMatchObject({ type: 'SerializationException', message: "Expected a list for member 'Member'" });
  });
});
