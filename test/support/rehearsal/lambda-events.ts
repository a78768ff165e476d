import { createHash, randomUUID } from 'node:crypto';
import type { APIGatewayProxyEventV2WithIAMAuthorizer, ScheduledEvent, SQSEvent } from 'aws-lambda';
import { TEST_ACCOUNT, TEST_REGION } from '../iam/aws-calls';

/**
 * The events Lambda delivers, shaped as its developer guide documents them: an SQS batch
 * ("Using Lambda with Amazon SQS", example event), the EventBridge scheduled event ("Using
 * Lambda with EventBridge Scheduler/rules") and the HTTP API payload format 2.0 with the IAM
 * authorizer's context (API Gateway developer guide, "Working with AWS Lambda proxy
 * integrations for HTTP APIs").
 */
export function sqsBatch(queueArn: string, bodies: readonly string[]): SQSEvent {
  const now = String(Date.now());
  return {
    Records: bodies.map((body) => ({
      messageId: randomUUID(),
      receiptHandle: `AQEB${randomUUID()}`,
      body,
      attributes: {
        ApproximateReceiveCount: '1',
        SentTimestamp: now,
        SenderId: 'AIDAIENQZJOLO23YVJ4VO',
        ApproximateFirstReceiveTimestamp: now,
      },
      messageAttributes: {},
      md5OfBody: createHash('md5').update(body).digest('hex'),
      eventSource: 'aws:sqs',
      eventSourceARN: queueArn,
      awsRegion: TEST_REGION,
    })),
  };
}

export function scheduledEvent(ruleArn: string): ScheduledEvent {
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': 'Scheduled Event',
    source: 'aws.events',
    account: TEST_ACCOUNT,
    time: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
    region: TEST_REGION,
    resources: [ruleArn],
    detail: {},
  };
}

export interface HttpRequest {
  readonly method: 'GET' | 'POST';
  /** The route key as the API defines it, e.g. `GET /instances/{instanceId}/history`. */
  readonly routeKey: string;
  readonly path: string;
  readonly query?: Readonly<Record<string, string>>;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string;
  readonly pathParameters?: Readonly<Record<string, string>>;
}

const CALLER = 'AROAEXAMPLEOPERATOR:operator';

export function httpApiEvent(request: HttpRequest): APIGatewayProxyEventV2WithIAMAuthorizer {
  const rawQueryString = new URLSearchParams(request.query ?? {}).toString();
  const now = new Date();
  return {
    version: '2.0',
    routeKey: request.routeKey,
    rawPath: request.path,
    rawQueryString,
    headers: {
      'content-length': String(Buffer.byteLength(request.body ?? '')),
      host: 'abc123.execute-api.us-east-1.amazonaws.com',
      'user-agent': 'aws-cli/2.9',
      'x-amzn-trace-id': `Root=1-${randomUUID().slice(0, 8)}`,
      ...(request.headers ?? {}),
    },
    ...(request.query !== undefined ? { queryStringParameters: { ...request.query } } : {}),
    ...(request.pathParameters !== undefined ? { pathParameters: { ...request.pathParameters } } : {}),
    requestContext: {
      accountId: TEST_ACCOUNT,
      apiId: 'abc123',
      authorizer: {
        iam: {
          accessKey: 'ASIAEXAMPLEOPERATOR',
          accountId: TEST_ACCOUNT,
          callerId: CALLER,
          cognitoIdentity: null as never,
          principalOrgId: 'o-exampleorg',
          userArn: `arn:aws:sts::${TEST_ACCOUNT}:assumed-role/Operator/operator`,
          userId: CALLER,
        },
      },
      domainName: 'abc123.execute-api.us-east-1.amazonaws.com',
      domainPrefix: 'abc123',
      http: { method: request.method, path: request.path, protocol: 'HTTP/1.1', sourceIp: '192.0.2.1', userAgent: 'aws-cli/2.9' },
      requestId: randomUUID(),
      routeKey: request.routeKey,
      stage: '$default',
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
    },
    ...(request.body !== undefined ? { body: request.body } : {}),
    isBase64Encoded: false,
  };
}
