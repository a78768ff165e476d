import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { fleetCommand, SsmSimulator, VirtualClock } from '../../local/ssm-simulator';
import { queryRoutes } from '../../lib/query-api';
import { tableIds, tableSchemas } from '../../lambdas/sources/tables';
import { logicalIdOf } from '../infrastructure/synthesized';
import { deployedFunctions, TEST_ACCOUNT, TEST_REGION, type AwsCall, type DeployedFunction } from '../support/iam/aws-calls';
import { deniedCalls } from '../support/iam/role-evaluation';
import { recordingsDir } from '../support/iam/recording-location';
import { functionModelsOf } from '../support/iam/synthesized-functions';
import { TemplateValues, type CfnTemplate, type DeployedFunctionModel } from '../support/iam/deployed-functions';
import { createTemplateTables, synthesizeWithBundles } from '../support/rehearsal/cloud-assembly';
import { DeployedLambda, type Invocation } from '../support/rehearsal/deployed-lambda';
import { httpApiEvent, scheduledEvent, sqsBatch, type HttpRequest } from '../support/rehearsal/lambda-events';
import { LocalAws } from '../support/rehearsal/local-aws';
import { startDynamoDbLocal, type TestDatabase } from '../support/databases';

/**
 * The rehearsal of a deployment: the bundles `cdk synth` put in the cloud assembly, run as
 * Lambda runs them (their handler string, runtime settings and the template's environment),
 * fed the events Lambda delivers, against DynamoDB Local with the template's own tables and the
 * SSM simulator. Every AWS call they make is evaluated against their synthesized roles.
 */
const MINUTE = 60_000;

/** The nine SSM detail-types the stack's rule routes (AWS's EventBridge event examples for Systems Manager). */
const DETAIL_TYPES = [
  'EC2 Command Status-change Notification',
  'EC2 Command Invocation Status-change Notification',
  'EC2 Automation Execution Status-change Notification',
  'EC2 Automation Step Status-change Notification',
  'EC2 State Manager Association State Change',
  'EC2 State Manager Instance Association State Change',
  'Maintenance Window Execution State-change Notification',
  'Maintenance Window Task Execution State-change Notification',
  'Maintenance Window Task Target Invocation State-change Notification',
];

let outdir: string;
let database: TestDatabase;
let simulator: SsmSimulator;
let aws: LocalAws;
let models: Record<DeployedFunction, DeployedFunctionModel>;
let lambdas: Record<DeployedFunction, DeployedLambda>;
let queueArn: string;
let alertsTopicArn: string;
let notificationTopicArn: string;
let ssmEndpoint: string;
const played = { commandId: '', automationId: '', associationId: '', windowId: '', failedNode: '' };

const result = (invocation: Invocation): unknown => {
  if ('error' in invocation) throw new Error(`The function failed: ${invocation.error.name ?? 'Error'}: ${invocation.error.message}`);
  return invocation.result;
};

async function collect(bodies: readonly string[]): Promise<string[]> {
  const failed: string[] = [];
  for (let i = 0; i < bodies.length; i += 10) {
    const response = result(await lambdas.collector.invoke(sqsBatch(queueArn, bodies.slice(i, i + 10)))) as { batchItemFailures: { itemIdentifier: string }[] };
    failed.push(...response.batchItemFailures.map((failure) => failure.itemIdentifier));
  }
  return failed;
}

interface HttpAnswer {
  readonly statusCode: number;
  readonly headers: Record<string, string>;
  readonly body: string;
}

async function query(request: HttpRequest): Promise<HttpAnswer> {
  return result(await lambdas.query.invoke(httpApiEvent(request))) as HttpAnswer;
}

const withoutRoute = (request: HttpRequest): { headers: Record<string, string>; body: string } => ({ headers: { ...request.headers }, body: request.body ?? '' });

const ssmRequest = (operation: string, input: object): HttpRequest => ({
  method: 'POST',
  routeKey: 'POST /',
  path: '/',
  headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': `AmazonSSM.${operation}` },
  body: JSON.stringify(input),
});

beforeAll(async () => {
  outdir = mkdtempSync(path.join(tmpdir(), 'ssm-history-rehearsal-'));
  const { stack, template, assetDir } = synthesizeWithBundles(outdir);
  const cfn = template.toJSON() as CfnTemplate;
  // Each function signs with its own key: one shared database, as one account's DynamoDB is.
  database = await startDynamoDbLocal({ sharedDb: true });
  await createTemplateTables(database.client, cfn);

  // SSM's history starts six hours ago and ends before now: recent enough to alert (24 hours),
  // and no event is dated after the collector receives it.
  simulator = new SsmSimulator({ clock: new VirtualClock(new Date(Math.floor(Date.now() / 1000) * 1000 - 6 * 60 * MINUTE)), seed: 7 });
  ({ endpoint: ssmEndpoint } = await simulator.listen());
  const accessKeys = new Map<string, DeployedFunction>(deployedFunctions.map((fn) => [`ASIA${fn.toUpperCase()}ROLE`, fn]));
  const dynamodbEndpoint = await database.client.config.endpoint?.();
  if (dynamodbEndpoint === undefined) throw new Error('DynamoDB Local has no endpoint');
  // Tables are named by logical ID; the schema's variable for each comes from the template's Refs.
  const tableVariables = new Map<string, string>(tableIds.map((id) => [logicalIdOf(stack.history.tables[id]), tableSchemas[id].envVar]));
  const started = await LocalAws.start(accessKeys, (name) => tableVariables.get(name), { dynamodb: `http://${dynamodbEndpoint.hostname}:${dynamodbEndpoint.port ?? 80}`, ssm: ssmEndpoint });
  aws = started.aws;
  // The queue's URL leads to the local SQS, as the template's Ref would lead to SQS.
  const resolveOptions = { queueUrl: (logicalId: string) => `${started.endpoints.sqs}/123456789012/${logicalId}` };
  const values = new TemplateValues(cfn, resolveOptions);
  models = functionModelsOf(stack, template, resolveOptions);
  queueArn = values.getAtt(logicalIdOf(stack.history.queue), 'Arn');
  alertsTopicArn = values.ref(logicalIdOf(stack.history.alertsTopic));
  notificationTopicArn = values.ref(logicalIdOf(stack.history.notificationTopic));

  const entries = await Promise.all(
    deployedFunctions.map(async (fn) => {
      const model = models[fn];
      const lambda = await DeployedLambda.start(model, assetDir(model.assetHash), {
        AWS_ACCESS_KEY_ID: `ASIA${fn.toUpperCase()}ROLE`,
        AWS_SECRET_ACCESS_KEY: 'rehearsal',
        AWS_SESSION_TOKEN: 'rehearsal',
        AWS_ENDPOINT_URL_DYNAMODB: started.endpoints.dynamodb,
        AWS_ENDPOINT_URL_SSM: started.endpoints.ssm,
        AWS_ENDPOINT_URL_SQS: started.endpoints.sqs,
        AWS_ENDPOINT_URL_SNS: started.endpoints.sns,
      });
      return [fn, lambda] as const;
    }),
  );
  lambdas = Object.fromEntries(entries) as Record<DeployedFunction, DeployedLambda>;

  // Every kind plays once, each with a failure, in the simulator's near-present.
  played.commandId = simulator.sendCommand(
    fleetCommand({
      nodes: 12,
      failureRate: 0.25,
      longOutputRate: 0.2,
      seed: 3,
      notificationConfig: { NotificationArn: notificationTopicArn, NotificationEvents: ['All'], NotificationType: 'Invocation' },
    }),
  );
  simulator.advanceBy(MINUTE);
  played.automationId = simulator.startAutomation({ steps: 6, failAtStep: 4 });
  played.associationId = simulator.createAssociation({ targets: 4, executions: 2, intervalMs: 10 * MINUTE, failures: [{ execution: 1, target: 2 }] });
  played.windowId = simulator.createMaintenanceWindow({
    executions: 1,
    intervalMs: 60 * MINUTE,
    tasks: [{ targets: 3, failures: [{ execution: 0, target: 1 }] }, { targets: 4, taskType: 'RUN_COMMAND', taskArn: 'AWS-RunShellScript' }],
  });
  simulator.runToCompletion();
}, 180_000);

afterAll(async () => {
  if (process.env.REHEARSAL_LOGS) for (const fn of deployedFunctions) process.stdout.write(`--- ${fn}\n${lambdas?.[fn]?.output.join('') ?? ''}\n`);
  await Promise.all(Object.values(lambdas ?? {}).map((lambda) => lambda.stop()));
  await aws?.stop();
  await simulator?.close();
  await database?.stop();
  rmSync(outdir, { recursive: true, force: true });
  // The calls the bundles made join the suite's recordings for the unused-grant check.
  mkdirSync(recordingsDir(), { recursive: true });
  writeFileSync(path.join(recordingsDir(), 'rehearsal.json'), JSON.stringify(aws.recordedCalls(), null, 1));
});

describe('the deployed bundles, rehearsed as Lambda runs them', () => {
  it('run the handler string and runtime the template names', () => {
    for (const fn of deployedFunctions) {
      expect({ fn, handler: models[fn].handler, runtime: models[fn].runtime }).toEqual({ fn, handler: 'index.handler', runtime: 'nodejs24.x' });
    }
  });

  it('the collector takes SQS batches of all nine detail-types and SNS envelopes, and fails none', async () => {
    aws.during('rehearsal > collector: events and notifications');
    const bodies = simulator.events.map((event) => event.body);
    const detailTypes = new Set(simulator.events.filter((event) => event.channel === 'eventbridge').map((event) => (JSON.parse(event.body) as { 'detail-type': string })['detail-type']));
    expect([...detailTypes].sort()).toEqual([...DETAIL_TYPES].sort());
    expect(simulator.events.some((event) => event.channel === 'sns')).toBe(true);
    expect(await collect(bodies)).toEqual([]);
    // One alert per failed record kind, on the template's alerts topic.
    const kinds = new Set(aws.published.filter((message) => message.topicArn === alertsTopicArn).map((message) => message.attributes.kind));
    expect([...kinds].sort()).toEqual(['association-execution', 'automation-execution', 'command-invocation', 'maintenance-window-execution']);
  });

  it('the poller takes the scheduled event, and the work it queues is collected without failure', async () => {
    aws.during('rehearsal > poller: scheduled poll');
    expect(result(await lambdas.poller.invoke(scheduledEvent('arn:aws:events:us-east-1:123456789012:rule/SsmHistory-PollerSchedule')))).toBeNull();
    const work = aws.sent.splice(0).map((message) => message.body);
    expect(work.length).toBeGreaterThan(0);
    aws.during('rehearsal > collector: polled work items');
    expect(await collect(work)).toEqual([]);
  });

  it('the query function answers each kind over POST / as SSM does', async () => {
    aws.during('rehearsal > query: SSM operations');
    const window = simulator.truth().maintenanceWindows?.find((candidate) => candidate.window.WindowId === played.windowId);
    const windowExecution = window?.executions[0];
    const association = simulator.truth().associations?.find((candidate) => candidate.association.AssociationId === played.associationId);
    const invocation = simulator.truth().invocations.find((candidate) => candidate.CommandId === played.commandId && candidate.Status === 'Failed');
    expect(invocation).toBeDefined();
    played.failedNode = invocation?.InstanceId ?? '';
    const requests: [string, object][] = [
      ['ListCommands', { CommandId: played.commandId }],
      ['ListCommandInvocations', { CommandId: played.commandId, Details: true }],
      ['GetCommandInvocation', { CommandId: played.commandId, InstanceId: played.failedNode }],
      ['DescribeAutomationExecutions', { Filters: [{ Key: 'ExecutionId', Values: [played.automationId] }] }],
      ['DescribeAutomationStepExecutions', { AutomationExecutionId: played.automationId }],
      ['DescribeAssociationExecutions', { AssociationId: played.associationId }],
      ['DescribeAssociationExecutionTargets', { AssociationId: played.associationId, ExecutionId: association?.executions[0]?.execution.ExecutionId }],
      ['DescribeMaintenanceWindowExecutions', { WindowId: played.windowId }],
      ['DescribeMaintenanceWindowExecutionTasks', { WindowExecutionId: windowExecution?.execution.WindowExecutionId }],
      [
        'DescribeMaintenanceWindowExecutionTaskInvocations',
        { WindowExecutionId: windowExecution?.execution.WindowExecutionId, TaskId: windowExecution?.tasks[0]?.task.TaskExecutionId },
      ],
    ];
    for (const [operation, input] of requests) {
      // SSM's own answer on the wire (the simulator's JSON protocol), before it forgets.
      const served = await fetch(ssmEndpoint, { method: 'POST', ...withoutRoute(ssmRequest(operation, input)) });
      const expected = (await served.json()) as unknown;
      const answer = await query(ssmRequest(operation, input));
      expect({ operation, status: answer.statusCode, body: JSON.parse(answer.body) as unknown }).toEqual({ operation, status: 200, body: expected });
    }
  });

  it('the query function answers every view route, a bad request with 400 and a tampered token with 400', async () => {
    aws.during('rehearsal > query: views');
    const routes = new Set(queryRoutes.map((route) => `${route.method} ${route.path}`));
    const executions = await query({ method: 'GET', routeKey: 'GET /executions', path: '/executions', query: { limit: '100' } });
    expect(executions.statusCode).toBe(200);
    const listed = JSON.parse(executions.body) as { items: { kind: string }[] };
    expect([...new Set(listed.items.map((item) => item.kind))].sort()).toEqual(['association-execution', 'automation-execution', 'command', 'maintenance-window-execution']);

    const history = await query({
      method: 'GET',
      routeKey: 'GET /instances/{instanceId}/history',
      path: `/instances/${played.failedNode}/history`,
      pathParameters: { instanceId: played.failedNode },
    });
    expect(history.statusCode).toBe(200);
    expect((JSON.parse(history.body) as { items: unknown[] }).items.length).toBeGreaterThan(0);

    const status = await query({ method: 'GET', routeKey: 'GET /status', path: '/status' });
    expect(status.statusCode).toBe(200);

    const detail = await query({ method: 'GET', routeKey: 'GET /executions/{id}', path: `/executions/${played.automationId}`, pathParameters: { id: played.automationId } });
    expect(detail.statusCode).toBe(200);
    expect(JSON.parse(detail.body)).toMatchObject({ kind: 'automation-execution', id: played.automationId });

    // The played failures alerted (the bundle reads the stack's alert settings), and are counted by day.
    const alerts = await query({ method: 'GET', routeKey: 'GET /alerts', path: '/alerts' });
    expect(alerts.statusCode).toBe(200);
    expect((JSON.parse(alerts.body) as { items: { kind: string }[] }).items.map((item) => item.kind)).toContain('automation-execution');
    const daily = await query({ method: 'GET', routeKey: 'GET /failures/daily', path: '/failures/daily', query: { days: '30' } });
    expect(daily.statusCode).toBe(200);
    const counted = (JSON.parse(daily.body) as { days: { counts: Record<string, number> }[] }).days.reduce((sum, day) => sum + (day.counts['automation-execution'] ?? 0), 0);
    expect(counted).toBeGreaterThan(0);

    const bad = await query({ method: 'GET', routeKey: 'GET /executions', path: '/executions', query: { limit: 'many' } });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toMatch(/limit/);

    const first = JSON.parse((await query({ method: 'GET', routeKey: 'GET /executions', path: '/executions', query: { limit: '1' } })).body) as { nextToken?: string };
    expect(first.nextToken).toBeDefined();
    const token = first.nextToken ?? '';
    const tampered = `${token.slice(0, -2)}${token.endsWith('AA') ? 'BB' : 'AA'}`;
    const refused = await query({ method: 'GET', routeKey: 'GET /executions', path: '/executions', query: { limit: '1', nextToken: tampered } });
    expect(refused.statusCode).toBe(400);
    // The SSM-compatible endpoint of one account and Region, by its path: the archive's own answers as POST / does.
    const scoped = await query({
      ...ssmRequest('ListCommands', {}),
      routeKey: 'POST /accounts/{account}/regions/{region}',
      path: `/accounts/${TEST_ACCOUNT}/regions/${TEST_REGION}`,
      pathParameters: { account: TEST_ACCOUNT, region: TEST_REGION },
    });
    const unscoped = await query(ssmRequest('ListCommands', {}));
    expect(scoped.statusCode).toBe(200);
    expect(JSON.parse(scoped.body)).toEqual(JSON.parse(unscoped.body));
    expect(routes).toEqual(
      new Set(['POST /', 'POST /accounts/{account}/regions/{region}', 'GET /executions', 'GET /executions/{id}', 'GET /instances/{instanceId}/history', 'GET /status', 'GET /alerts', 'GET /failures/daily']),
    );
  });

  it("every AWS call the bundles made is allowed by their synthesized roles", async () => {
    const calls: AwsCall[] = aws.recordedCalls();
    for (const fn of deployedFunctions) expect(calls.filter((call) => call.fn === fn).length).toBeGreaterThan(0);
    expect(await deniedCalls(models, calls)).toEqual([]);
  });
});
