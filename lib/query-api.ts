import { Aws, Duration, Names, Token, Validations } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpIamAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { alertContentEnvironment, type AlertContentSettings } from './alert-content-settings';
import { QUERY_ROUTES } from '../lambdas/query/router';
import { tableIds, tableSchemas } from '../lambdas/sources/tables';
import { ArchiveFunction } from './archive-function';
import type { HistoryTables } from './history-tables';
import { queryEntry } from './lambda-bundling';
import { organizationEnvironment, type SsmHistoryOrganization } from './organization';

/** The query API's routes, as its one handler (lambdas/handlers/query.ts) answers them. */
export const queryRoutes = QUERY_ROUTES.map((route) => ({ method: apigwv2.HttpMethod[route.method], path: route.path }));

/**
 * Every access log line, as one JSON object (cdk-nag Serverless-APIGWStructuredLogging).
 * Every value is quoted: API Gateway writes "-" for a value it does not have (an unsigned
 * request has no caller), which unquoted would break the line's JSON.
 * `caller`/`userArn`/`accountId` are filled for IAM-authorized routes: who asked, not just from where.
 */
const accessLogFields = {
  requestId: '$context.requestId',
  time: '$context.requestTime',
  ip: '$context.identity.sourceIp',
  caller: '$context.identity.caller',
  userArn: '$context.identity.userArn',
  accountId: '$context.identity.accountId',
  routeKey: '$context.routeKey',
  status: '$context.status',
  latency: '$context.responseLatency',
  integrationLatency: '$context.integrationLatency',
  responseLength: '$context.responseLength',
  error: '$context.error.message',
  integrationError: '$context.integrationErrorMessage',
} as const;

/**
 * Longest query: a handful of DynamoDB Queries and BatchGetItems of at most 1 MB each. Well
 * inside the HTTP API's fixed 30 s integration timeout, so a stuck invocation ends as the
 * function's own error (logged, traced) rather than as API Gateway's bare 503.
 */
const QUERY_TIMEOUT = Duration.seconds(10);

export interface QueryApiProps {
  /** The archive it reads (and only reads). */
  readonly tables: HistoryTables;
  /**
   * Steady-state requests per second the stage lets through, across all callers and routes
   * (the stage's default route throttling; above it callers get 429 and the SDKs retry).
   * It bounds what a runaway script can spend on Lambda and DynamoDB reads, far below the
   * account-wide API Gateway quota that other APIs share.
   * @default 50
   */
  readonly rateLimit?: number;
  /**
   * Requests the stage accepts in a burst above `rateLimit` (token bucket size).
   * @default 100
   */
  readonly burstLimit?: number;
  /**
   * How long the access logs and the handler's logs are kept.
   * @default logs.RetentionDays.ONE_MONTH
   */
  readonly logRetention?: logs.RetentionDays;
  /**
   * What alerts say, as the collector is given it: GET /alerts rebuilds each sent alert from
   * its record with these.
   * @default - the collector's defaults
   */
  readonly alerts?: AlertContentSettings;
  /**
   * The member accounts and Regions the archive collects, which GET /status reports on (the
   * query function reads only the tables, never a member's SSM).
   * @default - the archive's own account and Region only
   */
  readonly organization?: SsmHistoryOrganization;
}

function requirePositive(name: string, value: number, integer: boolean): void {
  if (Token.isUnresolved(value)) return;
  if (!Number.isFinite(value) || value <= 0 || (integer && !Number.isInteger(value))) {
    throw new Error(`QueryApi ${name} must be a positive ${integer ? 'integer' : 'number'}, got ${value}`);
  }
}

/**
 * The archive's query API: an API Gateway HTTP API whose every route requires IAM (SigV4)
 * authorization, in front of one read-only Lambda.
 *
 * HTTP API rather than REST API (API Gateway pricing): a third of the price per
 * request ($1.00/M vs $3.50/M), lower added latency, and it has everything this API needs:
 * IAM authorization per route, stage throttling and JSON access logs. What only REST offers
 * (WAF, API keys and usage plans, request validation, private endpoints) does not apply to a
 * SigV4-signed operator API whose handler validates its own input. Its 30 s integration
 * timeout is fixed, which the handler's 10 s timeout respects.
 *
 * The handler's role holds exactly: Query, GetItem and BatchGetItem on each table and on its
 * indexes by exact ARN (never Scan, never a write), and ArchiveFunction's logs and X-Ray. No
 * SSM, SQS or SNS: the API answers from the archive alone.
 */
export class QueryApi extends Construct {
  public readonly api: apigwv2.HttpApi;
  public readonly stage: apigwv2.HttpStage;
  public readonly function: lambda.Function;
  public readonly role: iam.Role;
  public readonly accessLogs: logs.LogGroup;

  constructor(scope: Construct, id: string, props: QueryApiProps) {
    super(scope, id);
    const rateLimit = props.rateLimit ?? 50;
    const burstLimit = props.burstLimit ?? 100;
    requirePositive('rateLimit', rateLimit, false);
    requirePositive('burstLimit', burstLimit, true);

    const handler = new ArchiveFunction(this, 'Handler', {
      entry: queryEntry,
      description: 'ssm-history query API: SSM-compatible reads and archive views over the history tables',
      timeout: QUERY_TIMEOUT,
      logRetention: props.logRetention,
      environment: {
        ...alertContentEnvironment(this, props.alerts ?? {}),
        ...(props.organization ? organizationEnvironment(props.organization) : {}),
      },
    });
    this.function = handler.function;
    this.role = handler.role;
    for (const tableId of tableIds) props.tables.bindReader(this.function, tableId, tableSchemas[tableId].queryReads);
    // Page tokens are tamper-checked (an HMAC keyed with this value), not secret: a token only
    // encodes where the next page of a query starts, a query the signed-in caller may already
    // make, and IAM decides who may call at all. The key only has to differ between
    // deployments (and between archives in one stack), so that a token is not taken for
    // another archive's; the stack's ARN (unique per stack creation) plus this construct's
    // address does that, with no secret to store, rotate or grant.
    this.function.addEnvironment('PAGE_TOKEN_KEY', `${Aws.STACK_ID}/${this.node.addr}`);
    Validations.of(this.function).acknowledge({
      id: 'Serverless-LambdaDLQ',
      reason:
        'A function DLQ only catches asynchronous invocations; API Gateway invokes the query ' +
        'handler synchronously and returns its errors to the caller, who retries. Nothing is ' +
        'queued, so there is nothing to dead-letter, and a DLQ would give the role sqs:SendMessage.',
    });

    this.api = new apigwv2.HttpApi(this, 'Api', {
      // A display name only (API Gateway identifies APIs by id), readable in the console.
      apiName: Names.uniqueResourceName(this, { maxLength: 128, separator: '-' }),
      description: 'ssm-history query API (IAM-authorized): SSM-compatible POST / and archive views',
      // Our own $default stage below, with throttling and access logs.
      createDefaultStage: false,
      // Every route, including any added later, requires a SigV4 signature for execute-api and
      // an IAM policy allowing execute-api:Invoke on it.
      defaultAuthorizer: new HttpIamAuthorizer(),
    });
    const integration = new HttpLambdaIntegration('Query', this.function);
    for (const route of queryRoutes) {
      this.api.addRoutes({ path: route.path, methods: [route.method], integration });
    }

    // HTTP APIs deliver access logs through CloudWatch Logs' log delivery, set up with the
    // deployer's permissions: unlike REST APIs, no account-wide API Gateway CloudWatch role.
    this.accessLogs = new logs.LogGroup(this, 'AccessLogs', {
      retention: props.logRetention ?? logs.RetentionDays.ONE_MONTH,
    });
    this.stage = new apigwv2.HttpStage(this, 'DefaultStage', {
      httpApi: this.api,
      stageName: '$default',
      autoDeploy: true,
      throttle: { rateLimit, burstLimit },
      accessLogSettings: {
        destination: new apigwv2.LogGroupLogDestination(this.accessLogs),
        format: apigateway.AccessLogFormat.custom(JSON.stringify(accessLogFields)),
      },
    });
  }

  /** The API's base URL, e.g. https://abc123.execute-api.eu-west-1.amazonaws.com/ */
  public get url(): string {
    return this.stage.url;
  }

  /** Lets a principal call every route of the API (execute-api:Invoke on each route's ARN). */
  public grantInvoke(grantee: iam.IGrantable): iam.Grant {
    return iam.Grant.addToPrincipal({
      grantee,
      actions: ['execute-api:Invoke'],
      resourceArns: queryRoutes.map((route) =>
        this.api.arnForExecuteApi(route.method, route.path.replace(/\{[^}]+\}/g, '*'), this.stage.stageName),
      ),
    });
  }
}
