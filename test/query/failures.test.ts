import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { ApiRequest } from '../../lambdas/query/http';
import { serveApi } from '../../lambdas/query/node-http';
import { createQueryApi } from '../../lambdas/query/router';
import { prefixedTableNames } from '../../lambdas/sources/tables';

/**
 * When DynamoDB refuses or fails: a ValidationException (DynamoDB refusing a request built
 * from the caller's data) is the caller's 400, in each face's error shape; anything else is
 * a 500 that says nothing inside and is logged.
 */
function failingDb(error: Error): DynamoDBDocumentClient {
  return { send: () => Promise.reject(error) } as unknown as DynamoDBDocumentClient;
}

function dynamoDbError(name: string, message: string): Error {
  return Object.assign(new Error(message), { name, $fault: 'client', $metadata: { httpStatusCode: 400 } });
}

const ssm = (operation: string, body: object): ApiRequest => ({
  method: 'POST',
  path: '/',
  query: {},
  headers: { 'x-amz-target': `AmazonSSM.${operation}`, 'content-type': 'application/x-amz-json-1.1' },
  body: JSON.stringify(body),
});
const view: ApiRequest = { method: 'GET', path: '/executions', query: {}, headers: {}, body: '' };

function apiWith(error: Error) {
  const logged: { level: string; message: string; attributes: Record<string, unknown> | undefined }[] = [];
  const api = createQueryApi({
    db: failingDb(error),
    tableNames: prefixedTableNames('unused-'),
    pageTokenKey: 'k',
    log: {
      warn: (message, attributes) => logged.push({ level: 'warn', message, attributes }),
      error: (message, attributes) => logged.push({ level: 'error', message, attributes }),
    },
  });
  return { api, logged };
}

describe('DynamoDB failures', () => {
  it('a DynamoDB ValidationException is a 400, in SSM\'s shape on POST / and as a message on the views', async () => {
    const { api, logged } = apiWith(dynamoDbError('ValidationException', 'One or more parameter values were invalid'));
    const response = await api(ssm('ListCommands', {}));
    expect(response.statusCode).toBe(400);
    expect(response.headers['x-amzn-ErrorType']).toBe('ValidationException');
    expect(JSON.parse(response.body)).toEqual({ __type: 'ValidationException', message: expect.stringContaining('One or more parameter values were invalid') as unknown });
    const fromView = await api(view);
    expect(fromView.statusCode).toBe(400);
    expect(JSON.parse(fromView.body)).toEqual({ message: expect.stringContaining('One or more parameter values were invalid') as unknown });
    expect(logged.map((entry) => entry.level)).toEqual(['warn', 'warn']);
  });

  it('any other failure is a 500 that keeps its details in the log', async () => {
    const { api, logged } = apiWith(dynamoDbError('ResourceNotFoundException', 'Requested resource not found: Table: secret-name'));
    const response = await api(ssm('GetCommandInvocation', { CommandId: 'ffffffff-ffff-4fff-8fff-ffffffffffff', InstanceId: 'i-0123456789abcdef0' }));
    expect(response.statusCode).toBe(500);
    expect(JSON.parse(response.body)).toEqual({ __type: 'InternalServerError', message: expect.not.stringContaining('secret-name') as unknown });
    const fromView = await api({ ...view, path: '/instances/i-0123456789abcdef0/history' });
    expect(fromView.statusCode).toBe(500);
    expect(fromView.body).not.toContain('secret-name');
    expect(logged).toEqual([
      expect.objectContaining({ level: 'error', attributes: expect.objectContaining({ operation: 'GetCommandInvocation', errorMessage: expect.stringContaining('secret-name') as unknown }) as unknown }),
      expect.objectContaining({ level: 'error', attributes: expect.objectContaining({ errorName: 'ResourceNotFoundException' }) as unknown }),
    ]);
  });

  it('bad input never reaches DynamoDB', async () => {
    const { api, logged } = apiWith(new Error('DynamoDB must not be called'));
    expect((await api(ssm('ListCommandInvocations', { MaxResults: 0 }))).statusCode).toBe(400);
    expect((await api({ ...view, query: { kind: 'nope' } })).statusCode).toBe(400);
    expect(logged).toEqual([]);
  });
});

describe('serveApi', () => {
  it('serves an ApiHandler on loopback with the request as sent, and refuses bodies over 1 MB', async () => {
    const seen: ApiRequest[] = [];
    const served = await serveApi(async (request) => {
      seen.push(request);
      return { statusCode: 201, headers: { 'x-echo': request.path }, body: 'ok' };
    });
    try {
      expect(served.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const response = await fetch(`${served.url}/instances/i%2D1/history?limit=2&limit=3&since=2024-01-01T00%3A00%3A00Z`, { headers: { 'X-Custom': 'v' } });
      expect(response.status).toBe(201);
      expect(await response.text()).toBe('ok');
      // A repeated name's values joined with commas, as API Gateway's queryStringParameters has them.
      expect(seen[0]).toMatchObject({ method: 'GET', path: '/instances/i%2D1/history', query: { limit: '2,3', since: '2024-01-01T00:00:00Z' }, body: '' });
      expect(seen[0]?.headers['x-custom']).toBe('v');
      const big = await fetch(`${served.url}/`, { method: 'POST', body: 'x'.repeat(1024 * 1024 + 1) });
      expect(big.status).toBe(413);
    } finally {
      await served.close();
    }
  });
});
