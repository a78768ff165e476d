import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { apiRequestFromEvent } from '../../lambdas/query/api-gateway';
import type { ApiRequest } from '../../lambdas/query/http';
import { serveApi, type ServedApi } from '../../lambdas/query/node-http';
import { readStatuses, readTimeWindow, ViewRequestError } from '../../lambdas/query/views/parameters';
import { jsonResponse } from '../../lambdas/query/responses';

/**
 * A query string means the same deployed (API Gateway's HTTP API, payload format 2.0) and in
 * local mode (node:http): a repeated name's values joined with commas, as API Gateway's
 * queryStringParameters has them. Then the views' reading of the values: statuses in any
 * kind's spelling, relative times.
 */
function event(rawQueryString: string): APIGatewayProxyEventV2 {
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: '/executions',
    rawQueryString,
    headers: {},
    requestContext: {
      accountId: '123456789012',
      apiId: 'abc123',
      domainName: 'abc123.execute-api.us-east-1.amazonaws.com',
      domainPrefix: 'abc123',
      http: { method: 'GET', path: '/executions', protocol: 'HTTP/1.1', sourceIp: '192.0.2.1', userAgent: 'curl' },
      requestId: 'r',
      routeKey: '$default',
      stage: '$default',
      time: '03/Jun/2024:09:00:00 +0000',
      timeEpoch: 1717405200000,
    },
    isBase64Encoded: false,
  };
}

describe('a repeated query parameter, deployed and in local mode', () => {
  let served: ServedApi;
  const seen: ApiRequest[] = [];
  beforeAll(async () => {
    served = await serveApi(async (request) => {
      seen.push(request);
      return jsonResponse(200, {});
    });
  });
  afterAll(async () => {
    await served.close();
  });

  async function viaNodeHttp(rawQueryString: string): Promise<ApiRequest['query']> {
    seen.length = 0;
    await fetch(`${served.url}/executions?${rawQueryString}`);
    return seen[0]?.query ?? {};
  }

  it("is what API Gateway's payload 2.0 documents: the values joined with commas in queryStringParameters", () => {
    // The example event of https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-lambda.html:
    // "Duplicate query strings are combined with commas and included in the queryStringParameters field."
    expect(apiRequestFromEvent(event('parameter1=value1&parameter1=value2&parameter2=value')).query).toEqual({ parameter1: 'value1,value2', parameter2: 'value' });
  });

  it.each([
    ['status=Failed&status=TimedOut', { status: 'Failed,TimedOut' }],
    ['status=Failed%2CTimedOut', { status: 'Failed,TimedOut' }],
    ['a=1&b=2&a=3&a=4', { a: '1,3,4', b: '2' }],
    ['documentName=AWS-RunShellScript&since=7d', { documentName: 'AWS-RunShellScript', since: '7d' }],
    ['q=a+b&r=%E2%9C%93&empty=', { q: 'a b', r: '\u2713', empty: '' }],
    ['__proto__=x&constructor=y', Object.fromEntries([['__proto__', 'x'], ['constructor', 'y']])],
  ])('%s arrives as the same query through node:http and API Gateway', async (rawQueryString, expected) => {
    const deployed = apiRequestFromEvent(event(rawQueryString)).query;
    expect(deployed).toEqual(expected);
    expect(Object.keys(deployed)).toEqual(Object.keys(expected));
    const local = await viaNodeHttp(rawQueryString);
    expect(local).toEqual(deployed);
    expect(Object.keys(local)).toEqual(Object.keys(deployed));
  });
});

describe('status values', () => {
  const known = ['Failed', 'TimedOut', 'InProgress', 'FAILED', 'TIMED_OUT', 'IN_PROGRESS', 'SKIPPED_OVERLAPPING', 'Success', 'SUCCESS'];
  const read = (status: string) => readStatuses({ status }, known);

  it('match every kind\'s spelling, case and underscores ignored, and bind tokens to what was asked, however written', () => {
    expect(read('failed')).toEqual({ statuses: new Set(['Failed', 'FAILED']), asQueried: 'failed' });
    expect(read('TimedOut,in_progress')).toEqual({ statuses: new Set(['TimedOut', 'TIMED_OUT', 'InProgress', 'IN_PROGRESS']), asQueried: 'inprogress,timedout' });
    expect(read(' IN_PROGRESS , timedout,TimedOut')?.asQueried).toEqual('inprogress,timedout');
    expect(read('skippedOverlapping')?.statuses).toEqual(new Set(['SKIPPED_OVERLAPPING']));
    expect(readStatuses({}, known)).toBeUndefined();
  });

  it.each([['Bogus'], ['Failed,Bogus'], ['Failed,'], [''], [',']])('refuses %j, naming status', (status) => {
    expect(() => read(status)).toThrow(ViewRequestError);
    expect(() => read(status)).toThrow(/status/);
  });
});

describe('since and until', () => {
  const now = new Date('2026-03-10T12:00:00.000Z');
  const at = (iso: string): number => Date.parse(iso);

  it('count minutes, hours or days back from the clock, and bind tokens to the words, not the moment', () => {
    expect(readTimeWindow({ since: '30m' }, now)).toEqual({
      since: at('2026-03-10T11:30:00.000Z'),
      range: { from: '2026-03-10T11:30:00.000Z' },
      asQueried: { since: '30m', until: null },
    });
    expect(readTimeWindow({ since: '7d', until: '24h' }, now)).toMatchObject({
      since: at('2026-03-03T12:00:00.000Z'),
      until: at('2026-03-09T12:00:00.000Z'),
      range: { from: '2026-03-03T12:00:00.000Z', to: '2026-03-09T11:59:59.999Z' },
      asQueried: { since: '7d', until: '24h' },
    });
    // Leading zeros say the same: the token is bound to the count.
    expect(readTimeWindow({ since: '007d' }, now).asQueried).toEqual({ since: '7d', until: null });
    expect(readTimeWindow({ since: '2026-03-01T00:00:00Z' }, now).asQueried).toEqual({ since: at('2026-03-01T00:00:00Z'), until: null });
  });

  it.each([
    ['7', /no unit/],
    ['7w', /unknown unit "w"/],
    ['7M', /unknown unit "M"/],
    ['0h', /from 1 to 9999/],
    ['10000d', /from 1 to 9999/],
    ['-7d', /ISO 8601 .* 30m, 24h or 7d/],
    ['1.5h', /ISO 8601/],
    ['7d,8d', /takes one value/],
  ])('refuses since=%s with a message', (since, message) => {
    let thrown: unknown;
    try {
      readTimeWindow({ since }, now);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ViewRequestError);
    expect((thrown as ViewRequestError).parameter).toBe('since');
    expect((thrown as ViewRequestError).message).toMatch(message);
  });
});
