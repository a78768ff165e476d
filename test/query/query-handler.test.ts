import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { ConfigurationError, queryConfigFrom } from '../../lambdas/config';
import { tableIds, tableSchemas, type TableNames } from '../../lambdas/sources/tables';
import { startDynalite, type TestDatabase } from '../support/databases';
import { buildArchive, SHARED_NODE, type ArchiveFixture } from './archive-fixture';

/** The Lambda entry point as API Gateway's HTTP API calls it (payload format 2.0). */
function event(method: string, rawPath: string, options: { rawQueryString?: string; body?: string; base64?: boolean; headers?: Record<string, string> } = {}): APIGatewayProxyEventV2 {
  const body = options.body;
  return {
    version: '2.0',
    routeKey: `${method} ${rawPath}`,
    rawPath,
    rawQueryString: options.rawQueryString ?? '',
    headers: { host: 'abc123.execute-api.us-east-1.amazonaws.com', ...options.headers },
    requestContext: {
      accountId: '123456789012',
      apiId: 'abc123',
      domainName: 'abc123.execute-api.us-east-1.amazonaws.com',
      domainPrefix: 'abc123',
      http: { method, path: rawPath, protocol: 'HTTP/1.1', sourceIp: '192.0.2.1', userAgent: 'aws-cli/2' },
      requestId: 'req-1',
      routeKey: `${method} ${rawPath}`,
      stage: '$default',
      time: '03/Jun/2024:09:00:00 +0000',
      timeEpoch: 1717405200000,
    },
    isBase64Encoded: options.base64 ?? false,
    ...(body !== undefined ? { body: options.base64 ? Buffer.from(body).toString('base64') : body } : {}),
  };
}

describe('query handler', () => {
  let database: TestDatabase;
  let fx: ArchiveFixture;
  let tables: TableNames;
  const saved = { ...process.env };

  beforeAll(async () => {
    database = await startDynalite();
    fx = await buildArchive(database, 'bulk');
    tables = fx.tables;
    const endpoint = await database.client.config.endpoint?.();
    process.env = {
      ...process.env,
      AWS_REGION: 'us-east-1',
      HOME_ACCOUNT: '123456789012',
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
      AWS_ENDPOINT_URL_DYNAMODB: `${endpoint?.protocol}//${endpoint?.hostname}:${endpoint?.port}`,
      AWS_LAMBDA_LOG_LEVEL: 'SILENT',
      PAGE_TOKEN_KEY: 'handler-test',
    };
    for (const id of tableIds) process.env[tableSchemas[id].envVar] = tables[id];
  });
  afterAll(async () => {
    process.env = saved;
    await fx.stop();
    await database.stop();
  });

  it('answers SSM\'s protocol on POST /, plain or base64-encoded, and the views on GET', async () => {
    // Imported only now: the handler reads its configuration once, at module load.
    const { handler } = await import('../../lambdas/handlers/query');
    const headers = { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'AmazonSSM.ListCommands' };
    for (const base64 of [false, true]) {
      const result = await handler(event('POST', '/', { headers, body: JSON.stringify({ MaxResults: 2 }), base64 }));
      expect(result).toMatchObject({ statusCode: 200, isBase64Encoded: false, headers: { 'Content-Type': 'application/x-amz-json-1.1' } });
      const body = JSON.parse(result.body ?? '') as { Commands: { CommandId: string }[]; NextToken?: string };
      expect(body.Commands.map((c) => c.CommandId)).toEqual([fx.deploy, fx.fleet]);
      expect(body.NextToken).toEqual(expect.any(String));
    }

    const bad = await handler(event('POST', '/', { headers: { ...headers, 'x-amz-target': 'AmazonSSM.ListCommandInvocations' }, body: '{"MaxResults":51}' }));
    expect(bad.statusCode).toBe(400);
    expect(JSON.parse(bad.body ?? '')).toMatchObject({ __type: 'ValidationException' });

    const history = await handler(event('GET', `/instances/${SHARED_NODE}/history`, { rawQueryString: 'limit=2' }));
    expect(history.statusCode).toBe(200);
    const page = JSON.parse(history.body ?? '') as { items: { commandId: string }[]; nextToken?: string };
    expect(page.items.map((item) => item.commandId)).toEqual([fx.deploy, fx.fleet]);

    // Payload format 2.0 has no multi-value field: "Duplicate query strings are combined with
    // commas and included in the queryStringParameters field" (Working with AWS Lambda proxy
    // integrations for HTTP APIs, https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-lambda.html).
    // A repeated status is several statuses, as a comma-separated one.
    const statuses = async (rawQueryString: string): Promise<unknown> => {
      const result = await handler(event('GET', `/instances/${SHARED_NODE}/history`, { rawQueryString }));
      expect({ rawQueryString, status: result.statusCode }).toEqual({ rawQueryString, status: 200 });
      return (JSON.parse(result.body ?? '') as { items: { commandId: string }[] }).items.map((item) => item.commandId);
    };
    expect(await statuses('status=Terminated')).toEqual([fx.tagged]);
    expect(await statuses('status=Success')).toEqual([fx.mixed]);
    expect(await statuses('status=Terminated&status=Success')).toEqual([fx.tagged, fx.mixed]);
    expect(await statuses('status=Terminated%2Csuccess')).toEqual([fx.tagged, fx.mixed]);
    // A parameter that takes one value, repeated, is refused rather than one of them guessed.
    const twice = await handler(event('GET', `/instances/${SHARED_NODE}/history`, { rawQueryString: 'limit=9&limit=2' }));
    expect(twice.statusCode).toBe(400);
    expect(JSON.parse(twice.body ?? '')).toEqual({ message: expect.stringContaining('limit takes one value') as unknown });

    const timeline = await handler(event('GET', '/executions', { rawQueryString: `kind=command-invocation&limit=1&status=Failed` }));
    expect(timeline.statusCode).toBe(200);
    expect((JSON.parse(timeline.body ?? '') as { items: unknown[] }).items).toHaveLength(1);

    const unknown = await handler(event('GET', '/executions', { rawQueryString: 'limit=0' }));
    expect(unknown.statusCode).toBe(400);
    expect(JSON.parse(unknown.body ?? '')).toEqual({ message: expect.stringContaining('limit') as unknown });
  });
});

describe('queryConfigFrom', () => {
  const tables = Object.fromEntries(tableIds.map((id) => [tableSchemas[id].envVar, `t-${id}`]));

  it('reads the table names, the page token key and what alerts say (for GET /alerts)', () => {
    const expected = Object.fromEntries(tableIds.map((id) => [id, `t-${id}`]));
    const config = queryConfigFrom({ ...tables, PAGE_TOKEN_KEY: 'k', AWS_REGION: 'eu-west-1', HOME_ACCOUNT: '123456789012', ALERT_ACCOUNT_ID: '123456789012', ALERT_ERROR_EXCERPTS: 'false' });
    expect(config).toMatchObject({
      tableNames: expected,
      pageTokenKey: 'k',
      alerts: { context: { region: 'eu-west-1', accountId: '123456789012' } },
      home: { account: '123456789012', region: 'eu-west-1' },
    });
    expect(config.alerts.config.errorExcerpts).toBe(false);
  });

  it('fails fast on alert settings the collector would refuse too', () => {
    expect(() => queryConfigFrom({ ...tables, PAGE_TOKEN_KEY: 'k', AWS_REGION: 'eu-west-1', HOME_ACCOUNT: '123456789012', ALERT_STATUSES: 'Faild' })).toThrow(ConfigurationError);
    expect(() => queryConfigFrom({ ...tables, PAGE_TOKEN_KEY: 'k' })).toThrow('AWS_REGION');
  });

  it('fails fast without a page token key or a table', () => {
    expect(() => queryConfigFrom(tables)).toThrow(ConfigurationError);
    expect(() => queryConfigFrom({ ...tables, PAGE_TOKEN_KEY: '' })).toThrow('PAGE_TOKEN_KEY');
    expect(() => queryConfigFrom({ PAGE_TOKEN_KEY: 'k' })).toThrow(ConfigurationError);
  });
});
