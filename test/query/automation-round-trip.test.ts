import { SSMClient, type StepExecution } from '@aws-sdk/client-ssm';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { LISTED_POSITION } from '../../lambdas/sources/automation/records';
import { serveApi, type ServedApi } from '../../lambdas/query/node-http';
import { createQueryApi } from '../../lambdas/query/router';
import { startDynalite, type TestDatabase } from '../support/databases';
import { buildAutomationArchive, type AutomationFixture } from './automation-fixture';
import { count, executionPages, executionRequests, stepPages, stepRequests, type Page } from './automation-requests';
import { SIMULATED_HOME } from './archive-fixture';

/**
 * DescribeAutomationExecutions and DescribeAutomationStepExecutions from the archive against
 * SSM itself (the simulator), through the real SDK client: for the same requests, the same
 * pages; then again after SSM has forgotten every execution; and the same errors.
 */
const FAR_FUTURE = new Date(8.64e15);

function client(endpoint: string): SSMClient {
  return new SSMClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' }, maxAttempts: 1 });
}

describe('the Automation operations of the SSM-compatible endpoint over an archive in dynalite', () => {
  let database: TestDatabase;
  let fx: AutomationFixture;
  let served: ServedApi;
  let ssm: SSMClient;
  let archive: SSMClient;
  const recorded = new Map<string, Page[]>();

  beforeAll(async () => {
    database = await startDynalite();
    fx = await buildAutomationArchive(database);
    served = await serveApi(createQueryApi({ db: database.doc, tableNames: fx.tables, pageTokenKey: 'automation', home: SIMULATED_HOME, now: () => fx.sim.now() }));
    ssm = client(fx.simulatorEndpoint);
    archive = client(served.url);
  });
  afterAll(async () => {
    ssm.destroy();
    archive.destroy();
    await served.close();
    await fx.stop();
    await database.stop();
  });

  it('describes executions page for page as SSM does, with every filter', async () => {
    const sizes: Record<string, number> = {};
    for (const [name, input] of executionRequests(fx)) {
      const expected = await executionPages(ssm, input);
      recorded.set(`executions ${name}`, expected);
      sizes[name] = count(expected);
      expect({ name, pages: await executionPages(archive, input) }).toEqual({ name, pages: expected });
    }
    expect(sizes).toMatchObject({
      all: 7,
      'all, 1 a page': 7,
      ExecutionId: 3,
      'ExecutionId unknown': 0,
      'ExecutionStatus Failed': 2,
      'StartTimeBefore 2024': 3,
      'StartTimeAfter 2024': 4,
      ParentExecutionId: 1,
      'AutomationType CrossAccount': 1,
      'StartTimeAfter, exact (inclusive)': 3,
      'StartTimeBefore, exact (exclusive)': 4,
    });
  });

  it('describes step executions page for page as SSM does, in step order, reversed, with every filter', async () => {
    const sizes: Record<string, number> = {};
    for (const [name, input] of stepRequests(fx)) {
      const expected = await stepPages(ssm, input);
      recorded.set(`steps ${name}`, expected);
      sizes[name] = count(expected);
      expect({ name, pages: await stepPages(archive, input) }).toEqual({ name, pages: expected });
    }
    expect(sizes).toMatchObject({ long: 120, 'long, 7 a page': 120, 'long, StepName': 3, 'failed, StepExecutionStatus failed': 1 });
    expect(sizes['long, StartTimeAfter/Before']).toBeGreaterThan(0);
    expect(sizes['long, StartTimeAfter/Before']).toBeLessThan(120);
  });

  /**
   * SSM lists an execution's steps in its own order (the runbook's), steps that never ran
   * included, and ReverseOrder reverses it (DescribeAutomationStepExecutions' API reference:
   * "ReverseOrder: Indicates whether to list step executions in reverse order by start
   * time"). The archive keeps where SSM listed each step, so it answers in that order.
   */
  it('keeps where SSM listed each step and answers in that order, forward and reversed', async () => {
    const names = (pages: Page[] | undefined): string[] => (pages ?? []).flatMap((page) => page.items as StepExecution[]).map((step) => step.StepName ?? '');
    const ids = (pages: Page[] | undefined): string[] => (pages ?? []).flatMap((page) => page.items as StepExecution[]).map((step) => step.StepExecutionId ?? '');
    // The simulator (SSM here) lists the runbook's steps in document order, and reverses them.
    expect(names(recorded.get('steps long'))).toEqual(Array.from({ length: 120 }, (_, i) => `step${i + 1}`));
    expect(names(recorded.get('steps long, reversed, 9 a page'))).toEqual([...names(recorded.get('steps long'))].reverse());
    const failed = recorded.get('steps failed') ?? [];
    expect(names(failed)).toEqual(['step1', 'step2', 'step3', 'step4', 'step5', 'step6', 'step7']);
    // The three steps after the failed one (step4) never ran: no start time.
    expect((failed.flatMap((page) => page.items) as StepExecution[]).map((step) => step.ExecutionStartTime === undefined)).toEqual([false, false, false, false, true, true, true]);
    expect(ids(recorded.get('steps failed, reversed, 2 a page'))).toEqual([...ids(failed)].reverse());
    // Each stored step holds its place in SSM's forward listing.
    for (const [executionId, listed] of [[fx.failed, failed], [fx.long, recorded.get('steps long') ?? []]] as const) {
      const { Items = [] } = await database.doc.send(
        new QueryCommand({ TableName: fx.tables.automationSteps, KeyConditionExpression: 'AutomationExecutionId = :id', ExpressionAttributeValues: { ':id': executionId } }),
      );
      const positions = new Map(Items.map((item) => [item['StepExecutionId'], item[LISTED_POSITION]]));
      expect(ids(listed).map((id) => positions.get(id))).toEqual(ids(listed).map((_, index) => index));
    }
  });

  it('refuses bad requests with SSM errors and status 400', async () => {
    const bad: [string, string, object][] = [
      ['MaxResults 0', 'DescribeAutomationExecutions', { MaxResults: 0 }],
      ['MaxResults 51', 'DescribeAutomationExecutions', { MaxResults: 51 }],
      ['unknown filter key', 'DescribeAutomationExecutions', { Filters: [{ Key: 'Nope', Values: ['x'] }] }],
      ['unevaluated filter key', 'DescribeAutomationExecutions', { Filters: [{ Key: 'TagKey', Values: ['x'] }] }],
      ['empty filter values', 'DescribeAutomationExecutions', { Filters: [{ Key: 'ExecutionStatus', Values: [] }] }],
      ['bad time', 'DescribeAutomationExecutions', { Filters: [{ Key: 'StartTimeAfter', Values: ['yesterday'] }] }],
      ['bad token', 'DescribeAutomationExecutions', { NextToken: 'not-a-token' }],
      ['no id', 'DescribeAutomationStepExecutions', {}],
      ['short id', 'DescribeAutomationStepExecutions', { AutomationExecutionId: 'abc' }],
      ['unknown id', 'DescribeAutomationStepExecutions', { AutomationExecutionId: '00000000-0000-4000-8000-000000000000' }],
      ['bad step filter', 'DescribeAutomationStepExecutions', { AutomationExecutionId: fx.long, Filters: [{ Key: 'ExecutionStatus', Values: ['x'] }] }],
      ['step MaxResults 51', 'DescribeAutomationStepExecutions', { AutomationExecutionId: fx.long, MaxResults: 51 }],
      ['bad step token', 'DescribeAutomationStepExecutions', { AutomationExecutionId: fx.long, NextToken: 'x' }],
    ];
    const call = async (endpoint: string, operation: string, body: object): Promise<{ status: number; type: unknown }> => {
      const response = await fetch(endpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': `AmazonSSM.${operation}` },
        body: JSON.stringify(body),
      });
      const answer = (await response.json()) as { __type?: string };
      return { status: response.status, type: answer.__type };
    };
    for (const [name, operation, body] of bad) {
      const fromArchive = await call(served.url, operation, body);
      expect({ name, ...fromArchive }).toMatchObject({ name, status: 400 });
      if (name !== 'unknown id') expect({ name, ...fromArchive }).toEqual({ name, ...(await call(fx.simulatorEndpoint, operation, body)) });
      else expect(fromArchive.type).toBe('AutomationExecutionNotFoundException');
    }
  });

  it('lists executions and steps in GET /executions?kind=automation-execution and kind=automation-step', async () => {
    type Item = Record<string, unknown>;
    const all = async (query: string): Promise<Item[][]> => {
      const pages: Item[][] = [];
      let token: string | undefined;
      do {
        const response = await fetch(`${served.url}/executions?${query}${token !== undefined ? `&nextToken=${encodeURIComponent(token)}` : ''}`);
        expect(response.status).toBe(200);
        const body = (await response.json()) as { items: Item[]; nextToken?: string };
        pages.push(body.items);
        token = body.nextToken;
      } while (token !== undefined && pages.length < 200);
      return pages;
    };
    const executions = (recorded.get('executions all') ?? []).flatMap((page) => page.items) as { AutomationExecutionId: string; ExecutionStartTime: Date; AutomationExecutionStatus: string }[];
    const pages = await all('kind=automation-execution&limit=2');
    expect(pages.map((page) => page.length)).toEqual([2, 2, 2, 1]);
    const listed = pages.flat();
    expect(listed.map((item) => item['automationExecutionId'])).toEqual(executions.map((e) => e.AutomationExecutionId));
    expect(listed.find((item) => item['automationExecutionId'] === fx.child)).toEqual({
      kind: 'automation-execution',
      status: 'Success',
      time: executions.find((e) => e.AutomationExecutionId === fx.child)?.ExecutionStartTime.toISOString(),
      automationExecutionId: fx.child,
      documentName: 'Ops-Child',
      parentAutomationExecutionId: fx.parent,
      ...SIMULATED_HOME,
      firstSeenAt: expect.any(String),
      observedAt: expect.any(String),
    });
    expect((await all('kind=automation-execution&status=Failed')).flat().map((item) => item['automationExecutionId']).sort()).toEqual([fx.failed, fx.crossAccount].sort());
    expect((await all('kind=automation-execution&until=2024-01-01T00:00:00Z')).flat()).toHaveLength(3);

    const steps = (await all('kind=automation-step&limit=13')).flat();
    expect(steps).toHaveLength(4 + 3 + 7 + 120 + 2 + 2 + 5);
    const longSteps = (recorded.get('steps long') ?? []).flatMap((page) => page.items) as { StepExecutionId: string }[];
    expect(steps.filter((item) => item['automationExecutionId'] === fx.long).map((item) => item['stepExecutionId'])).toEqual(longSteps.map((s) => s.StepExecutionId));
    expect(steps[0]).toMatchObject({ kind: 'automation-step', automationExecutionId: executions[0]?.AutomationExecutionId, stepName: 'step1', time: expect.any(String) });
    expect(steps.find((item) => item['automationExecutionId'] === fx.child)).toMatchObject({ documentName: 'Ops-Child', parentAutomationExecutionId: fx.parent, status: 'Success' });
    const failedSteps = (await all('kind=automation-step&status=Failed&limit=1')).flat();
    expect(failedSteps.map((item) => item['automationExecutionId']).sort()).toEqual([fx.failed, fx.crossAccount].sort());
    expect(failedSteps[0]?.['statusDetails']).toEqual(expect.stringContaining('Step fails'));

    const bad = await fetch(`${served.url}/executions?kind=automation-execution&status=TimedOutX`);
    expect(bad.status).toBe(400);
    expect((await fetch(`${served.url}/executions?kind=automation-run`)).status).toBe(400);
  });

  it('merges commands and Automation executions in GET /executions when kind is omitted, newest first, one token for both', async () => {
    type Item = Record<string, unknown>;
    const all = async (query: string): Promise<Item[][]> => {
      const pages: Item[][] = [];
      let token: string | undefined;
      do {
        const response = await fetch(`${served.url}/executions?${query}${token !== undefined ? `&nextToken=${encodeURIComponent(token)}` : ''}`);
        expect(response.status).toBe(200);
        const body = (await response.json()) as { items: Item[]; nextToken?: string };
        pages.push(body.items);
        token = body.nextToken;
      } while (token !== undefined && pages.length < 50);
      return pages;
    };
    const executions = (recorded.get('executions all') ?? []).flatMap((page) => page.items) as { AutomationExecutionId: string; ExecutionStartTime: Date }[];
    const commands = fx.sim.truth().commands;
    const expected = [
      ...commands.map((c) => ({ kind: 'command', time: c.RequestedDateTime?.toISOString() ?? '', id: c.CommandId ?? '' })),
      ...executions.map((e) => ({ kind: 'automation-execution', time: e.ExecutionStartTime.toISOString(), id: e.AutomationExecutionId })),
    ].sort((a, b) => (a.time !== b.time ? (a.time > b.time ? -1 : 1) : a.kind !== b.kind ? (a.kind === 'command' ? -1 : 1) : a.id < b.id ? -1 : 1));
    // Three commands sent, six executions, and one command per aws:runCommand step that started.
    const stepCommands = fx.sim.truth().automations.flatMap(({ steps }) => steps.flatMap((step) => step.Outputs?.['CommandId'] ?? []));
    expect(stepCommands.length).toBeGreaterThan(0);
    expect(expected).toHaveLength(9 + stepCommands.length);
    const key = (item: Item) => ({ kind: item['kind'], time: item['time'], id: item['commandId'] ?? item['automationExecutionId'] });
    for (const limit of ['1', '2', '3', '100']) {
      const pages = await all(`limit=${limit}`);
      expect({ limit, listed: pages.flat().map(key) }).toEqual({ limit, listed: expected });
    }
    // The tie across kinds: the command first, then both executions, whatever the page size.
    const tiedAt = expected.findIndex((entry) => entry.id === fx.commands[1]);
    expect(expected.slice(tiedAt, tiedAt + 3).map((entry) => entry.id)).toEqual([fx.commands[1], ...[fx.tiedA, fx.tiedB].sort()]);
    expect((await all('status=Failed&limit=1')).flat().map((item) => item['automationExecutionId']).sort()).toEqual([fx.failed, fx.crossAccount].sort());
    expect((await all('status=Success&until=2024-01-01T00:00:00Z')).flat().map(key)).toEqual(
      expected.filter((entry) => entry.time < '2024' && entry.id !== fx.failed),
    );
  });

  it('answers the same after SSM has forgotten every execution', async () => {
    expect(recorded.size).toBeGreaterThan(20);
    expect(fx.sim.forgetAutomationsBefore(FAR_FUTURE)).toBe(7);
    expect(count(await executionPages(ssm, {}))).toBe(0);
    for (const [name, input] of executionRequests(fx)) {
      expect({ name, pages: await executionPages(archive, input) }).toEqual({ name, pages: recorded.get(`executions ${name}`) });
    }
    for (const [name, input] of stepRequests(fx)) {
      expect({ name, pages: await stepPages(archive, input) }).toEqual({ name, pages: recorded.get(`steps ${name}`) });
    }
  });
});
