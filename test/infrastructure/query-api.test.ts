import { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { tableIds, tableSchemas } from '../../lambdas/sources/tables';
import type { TableSchema } from '../../lambdas/core/table-schema';
import { HistoryTables } from '../../lib/history-tables';
import { QueryApi } from '../../lib/query-api';
import type { SsmHistoryStack } from '../../lib/ssm-history-stack';
import {
  actionsOf,
  appLikeCdkSynth,
  getAtt,
  logicalIdOf,
  resourcesOf,
  statementsOfRole,
  synthesizeSsmHistory,
  type PolicyStatement,
} from './synthesized';

let stack: SsmHistoryStack;
let template: Template;
let functionId: string;
let roleId: string;

beforeAll(() => {
  ({ stack, template } = synthesizeSsmHistory());
  const queryFunction = stack.history.queryFunction;
  if (!queryFunction.role) throw new Error('query function has no role');
  functionId = logicalIdOf(queryFunction);
  roleId = logicalIdOf(queryFunction.role);
});

interface CfnResource {
  readonly Properties: Record<string, unknown>;
}
const resourcesOfType = (type: string) => Object.values(template.findResources(type) as Record<string, CfnResource>);

describe('query API routes', () => {
  it('serves exactly the SSM-compatible POST / (and per account and Region), the archive views, the status and the alerts', () => {
    const routeKeys = resourcesOfType('AWS::ApiGatewayV2::Route').map((route) => route.Properties.RouteKey);
    expect(routeKeys.sort()).toEqual([
      'GET /alerts',
      'GET /executions',
      'GET /executions/{id}',
      'GET /failures/daily',
      'GET /instances/{instanceId}/history',
      'GET /status',
      'POST /',
      'POST /accounts/{account}/regions/{region}',
    ]);
  });

  it('requires IAM (SigV4) authorization on every route', () => {
    const routes = resourcesOfType('AWS::ApiGatewayV2::Route');
    expect(routes.length).toBeGreaterThan(0);
    for (const route of routes) {
      expect({ route: route.Properties.RouteKey, auth: route.Properties.AuthorizationType }).toEqual({
        route: route.Properties.RouteKey,
        auth: 'AWS_IAM',
      });
    }
  });

  it('is an HTTP API whose routes all go to the query function (Lambda proxy, payload 2.0)', () => {
    template.resourceCountIs('AWS::ApiGatewayV2::Api', 1);
    template.hasResourceProperties('AWS::ApiGatewayV2::Api', { ProtocolType: 'HTTP' });
    template.resourceCountIs('AWS::ApiGatewayV2::Integration', 1);
    template.hasResourceProperties('AWS::ApiGatewayV2::Integration', {
      IntegrationType: 'AWS_PROXY',
      IntegrationUri: getAtt(functionId),
      PayloadFormatVersion: '2.0',
    });
    // Only API Gateway may invoke the function, and only through this API's routes.
    const permissions = resourcesOfType('AWS::Lambda::Permission').filter(
      (permission) => JSON.stringify(permission.Properties.FunctionName) === JSON.stringify(getAtt(functionId)),
    );
    expect(permissions).toHaveLength(8);
    for (const permission of permissions) {
      expect(permission.Properties).toMatchObject({ Action: 'lambda:InvokeFunction', Principal: 'apigateway.amazonaws.com' });
      expect(JSON.stringify(permission.Properties.SourceArn)).toContain(`:execute-api:`);
      expect(JSON.stringify(permission.Properties.SourceArn)).toContain(JSON.stringify({ Ref: logicalIdOf(stack.history.queryApi) }));
    }
  });
});

describe('query API stage', () => {
  it('is the $default stage, deployed automatically, with default throttling', () => {
    template.resourceCountIs('AWS::ApiGatewayV2::Stage', 1);
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      AutoDeploy: true,
      DefaultRouteSettings: { ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100 },
    });
  });

  it('writes JSON access logs with who called what, how it ended and how long it took', () => {
    const stage = resourcesOfType('AWS::ApiGatewayV2::Stage')[0];
    const settings = stage?.Properties.AccessLogSettings as { DestinationArn: unknown; Format: string };
    const logGroups = template.findResources('AWS::Logs::LogGroup');
    const [destinationId] = (settings.DestinationArn as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'];
    expect(logGroups[destinationId]?.Properties).toEqual({ RetentionInDays: 30 });
    const format = JSON.parse(settings.Format) as Record<string, string>;
    expect(format).toMatchObject({
      requestId: '$context.requestId',
      ip: '$context.identity.sourceIp',
      caller: '$context.identity.caller',
      userArn: '$context.identity.userArn',
      routeKey: '$context.routeKey',
      status: '$context.status',
      latency: '$context.responseLatency',
    });
  });

  it('outputs the API URL', () => {
    template.hasOutput('QueryApiUrl', { Value: Match.anyValue() });
    expect(JSON.stringify(template.findOutputs('QueryApiUrl'))).toContain('execute-api');
  });
});

describe('query function permissions', () => {
  let statements: PolicyStatement[];
  let actions: string[];
  beforeAll(() => {
    statements = statementsOfRole(template, roleId);
    actions = statements.flatMap(actionsOf);
  });

  it('uses its own role, without AWS managed policies', () => {
    const role = template.findResources('AWS::IAM::Role')[roleId];
    expect(role?.Properties.ManagedPolicyArns).toBeUndefined();
    expect(role?.Properties.Policies).toBeUndefined();
  });

  it('may make on each table exactly the reads the archive declares, and Query its indexes', () => {
    const dynamodb = statements.filter((statement) => actionsOf(statement).some((action) => action.startsWith('dynamodb:')));
    const actionsOn = new Map<string, string[]>();
    for (const statement of dynamodb) {
      expect(statement.Effect).toBe('Allow');
      for (const resource of resourcesOf(statement)) {
        const key = JSON.stringify(resource);
        actionsOn.set(key, [...(actionsOn.get(key) ?? []), ...actionsOf(statement)].sort());
      }
    }
    const expected = new Map<string, string[]>();
    for (const tableId of tableIds) {
      const tableArn = getAtt(logicalIdOf(stack.history.tables[tableId]));
      const reads = tableSchemas[tableId].queryReads.map((read) => `dynamodb:${read}`).sort();
      if (reads.length > 0) expected.set(JSON.stringify(tableArn), reads);
      const schema: TableSchema = tableSchemas[tableId];
      for (const index of schema.indexes ?? []) {
        expected.set(JSON.stringify({ 'Fn::Join': ['', [tableArn, `/index/${index.name}`]] }), ['dynamodb:Query']);
      }
    }
    expect(Object.fromEntries(actionsOn)).toEqual(Object.fromEntries(expected));
  });

  it('cannot scan or write', () => {
    const forbidden = actions.filter((action) =>
      /^dynamodb:(Scan|PutItem|UpdateItem|DeleteItem|BatchWriteItem|TransactWriteItems|PartiQL.*|\*)$/.test(action),
    );
    expect(forbidden).toEqual([]);
    expect(actions.filter((action) => action.includes('*'))).toEqual([]);
  });

  it('reaches nothing beyond the tables, its logs and X-Ray: no SSM, SQS or SNS', () => {
    const services = new Set(actions.map((action) => action.split(':')[0]));
    expect([...services].sort()).toEqual(['dynamodb', 'logs', 'xray']);
    const onAnyResource = statements.filter((statement) => resourcesOf(statement).includes('*')).flatMap(actionsOf);
    expect(onAnyResource.sort()).toEqual(['xray:PutTelemetryRecords', 'xray:PutTraceSegments']);
  });
});

describe('query function', () => {
  it('knows every table, a deployment-unique page token key, what alerts say (as the collector does) and its own account, and nothing else', () => {
    const fn = template.findResources('AWS::Lambda::Function')[functionId];
    const variables = (fn?.Properties.Environment as { Variables: Record<string, unknown> }).Variables;
    const tables = Object.fromEntries(
      tableIds.map((tableId) => [tableSchemas[tableId].envVar, { Ref: logicalIdOf(stack.history.tables[tableId]) }]),
    );
    expect(Object.keys(variables).sort()).toEqual(
      [...Object.keys(tables), 'PAGE_TOKEN_KEY', 'POWERTOOLS_LOG_LEVEL', 'POWERTOOLS_SERVICE_NAME', 'ALERT_ACCOUNT_ID', 'ALERT_PARTITION', 'HOME_ACCOUNT'].sort(),
    );
    expect(variables).toMatchObject(tables);
    expect(variables).toMatchObject({ ALERT_ACCOUNT_ID: { Ref: 'AWS::AccountId' }, ALERT_PARTITION: { Ref: 'AWS::Partition' }, HOME_ACCOUNT: { Ref: 'AWS::AccountId' } });
    // The stack's ARN (unique per stack creation) plus the construct's address.
    expect(JSON.stringify(variables.PAGE_TOKEN_KEY)).toContain('AWS::StackId');
  });

  it('times out well inside the HTTP API’s 30 s integration timeout', () => {
    const fn = template.findResources('AWS::Lambda::Function')[functionId];
    expect(fn?.Properties.Timeout).toBeLessThan(30);
    expect(fn?.Properties).toMatchObject({ Architectures: ['arm64'], TracingConfig: { Mode: 'Active' } });
  });
});

describe('QueryApi props', () => {
  const build = (props: { rateLimit?: number; burstLimit?: number }) => {
    const scope = new Stack(appLikeCdkSynth(), 'QueryApiTest');
    const api = new QueryApi(scope, 'QueryApi', { tables: new HistoryTables(scope, 'Tables'), ...props });
    return { scope, api };
  };

  it('passes throttling limits to the stage', () => {
    const { scope } = build({ rateLimit: 5, burstLimit: 7 });
    Template.fromStack(scope).hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      DefaultRouteSettings: { ThrottlingRateLimit: 5, ThrottlingBurstLimit: 7 },
    });
  });

  it.each([
    [{ rateLimit: 0 }, /rateLimit must be a positive number/],
    [{ rateLimit: -1 }, /rateLimit must be a positive number/],
    [{ burstLimit: 2.5 }, /burstLimit must be a positive integer/],
    [{ burstLimit: 0 }, /burstLimit must be a positive integer/],
  ])('refuses %p', (props, message) => {
    expect(() => build(props)).toThrow(message);
  });

  it('grants execute-api:Invoke on exactly its routes in its stage', () => {
    const { scope, api } = build({});
    const role = new iam.Role(scope, 'Caller', { assumedBy: new iam.AccountRootPrincipal() });
    api.grantInvoke(role);
    const statements = statementsOfRole(Template.fromStack(scope), logicalIdOf(role));
    expect(statements.flatMap(actionsOf)).toEqual(['execute-api:Invoke']);
    const arns = statements.flatMap(resourcesOf).map((arn) => JSON.stringify(arn));
    expect(arns).toHaveLength(8);
    for (const suffix of [
      '/$default/POST/',
      '/$default/POST/accounts/*/regions/*',
      '/$default/GET/executions',
      '/$default/GET/executions/*',
      '/$default/GET/instances/*/history',
      '/$default/GET/status',
      '/$default/GET/alerts',
      '/$default/GET/failures/daily',
    ]) {
      expect(arns.some((arn) => arn.includes(suffix))).toBe(true);
    }
  });
});
