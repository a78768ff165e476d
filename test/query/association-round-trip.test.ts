import { DescribeAssociationExecutionsCommand, DescribeAssociationExecutionTargetsCommand, SSMClient } from '@aws-sdk/client-ssm';
import { serveApi, type ServedApi } from '../../lambdas/query/node-http';
import { createQueryApi } from '../../lambdas/query/router';
import { startDynalite, type TestDatabase } from '../support/databases';
import { buildAssociationArchive, type AssociationFixture } from './association-fixture';
import {
  associationExecutionPages,
  associationTargetPages,
  count,
  executionRequests,
  knownExecutions,
  targetRequests,
  type KnownExecutions,
  type Page,
} from './association-requests';

/**
 * DescribeAssociationExecutions and DescribeAssociationExecutionTargets from the archive
 * against SSM itself (the simulator), through the real SDK client: for the same requests,
 * the same pages, field for field; then again after SSM has forgotten every execution; and
 * the same errors.
 */
const FAR_FUTURE = new Date(8.64e15);
const UNKNOWN = '00000000-0000-4000-8000-000000000000';

function client(endpoint: string): SSMClient {
  return new SSMClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' }, maxAttempts: 1 });
}

describe('the State Manager operations of the SSM-compatible endpoint over an archive in dynalite', () => {
  let database: TestDatabase;
  let fx: AssociationFixture;
  let served: ServedApi;
  let ssm: SSMClient;
  let archive: SSMClient;
  let known: KnownExecutions;
  const recorded = new Map<string, Page[]>();

  beforeAll(async () => {
    database = await startDynalite();
    fx = await buildAssociationArchive(database);
    served = await serveApi(createQueryApi({ db: database.doc, tableNames: fx.tables, pageTokenKey: 'association', now: () => fx.sim.now() }));
    ssm = client(fx.simulatorEndpoint);
    archive = client(served.url);
    known = knownExecutions(fx);
  });
  afterAll(async () => {
    ssm.destroy();
    archive.destroy();
    await served.close();
    await fx.stop();
    await database.stop();
  });

  it('describes executions page for page as SSM does, with every filter', async () => {
    expect(known.wide.map((e) => e.status)).toEqual(['Success', 'Failed', 'Success', 'Success']);
    const sizes: Record<string, number> = {};
    for (const [name, input] of executionRequests(fx, known)) {
      const expected = await associationExecutionPages(ssm, input);
      recorded.set(`executions ${name}`, expected);
      sizes[name] = count(expected);
      expect({ name, pages: await associationExecutionPages(archive, input) }).toEqual({ name, pages: expected });
    }
    expect(sizes).toEqual({
      wide: 4,
      'wide, 1 a page': 4,
      'wide, 3 a page': 4,
      'narrow, 2 a page': 3,
      ExecutionId: 1,
      'ExecutionId of another association': 0,
      'ExecutionId unknown': 0,
      'two ExecutionIds': 0,
      'Status Failed': 1,
      'Status Success, 1 a page': 3,
      'Status Pending': 0,
      'CreatedTime GREATER_THAN 2024': 1,
      'CreatedTime LESS_THAN 2024': 2,
      'CreatedTime EQUAL, exact': 1,
      'CreatedTime GREATER_THAN, exact (exclusive)': 2,
      'CreatedTime without a zone': 2,
      'CreatedTime window and Status': 1,
    });
    // Paged as SSM pages: a token only while more follow.
    expect(recorded.get('executions wide, 3 a page')?.map((page) => [page.items.length, page.more])).toEqual([
      [3, true],
      [1, false],
    ]);
  });

  it('describes execution targets page for page as SSM does, by ResourceId, with every filter', async () => {
    const sizes: Record<string, number> = {};
    for (const [name, input] of targetRequests(fx, known)) {
      const expected = await associationTargetPages(ssm, input);
      recorded.set(`targets ${name}`, expected);
      sizes[name] = count(expected);
      expect({ name, pages: await associationTargetPages(archive, input) }).toEqual({ name, pages: expected });
    }
    expect(sizes).toEqual({
      'wide failed': 60,
      'wide failed, 7 a page': 60,
      'wide first, 50 a page': 60,
      'narrow failed, 1 a page': 3,
      'Status Failed': 1,
      'Status Success, 20 a page': 59,
      ResourceId: 1,
      'ResourceId and Status': 0,
      'ResourceId unknown': 0,
      'ResourceType of none': 0,
      'ResourceType ManagedInstance, 25 a page': 60,
    });
    expect(recorded.get('targets wide failed')?.map((page) => page.items.length)).toEqual([50, 10]);
  });

  it('refuses bad requests with SSM errors and status 400, as SSM does', async () => {
    const failed = known.wide.find((e) => e.status === 'Failed')?.id ?? '';
    const narrowExecution = known.narrow[0]?.id ?? '';
    const bad: [string, string, object][] = [
      ['no AssociationId', 'DescribeAssociationExecutions', {}],
      ['AssociationId not a string', 'DescribeAssociationExecutions', { AssociationId: 7 }],
      ['unknown association', 'DescribeAssociationExecutions', { AssociationId: UNKNOWN }],
      ['unknown association, bad token', 'DescribeAssociationExecutions', { AssociationId: UNKNOWN, NextToken: 'x' }],
      ['MaxResults 0', 'DescribeAssociationExecutions', { AssociationId: fx.wide, MaxResults: 0 }],
      ['MaxResults 51', 'DescribeAssociationExecutions', { AssociationId: fx.wide, MaxResults: 51 }],
      ['no filters', 'DescribeAssociationExecutions', { AssociationId: fx.wide, Filters: [] }],
      ['unknown filter key', 'DescribeAssociationExecutions', { AssociationId: fx.wide, Filters: [{ Key: 'Nope', Value: 'x', Type: 'EQUAL' }] }],
      ['unknown filter type', 'DescribeAssociationExecutions', { AssociationId: fx.wide, Filters: [{ Key: 'Status', Value: 'x', Type: 'LIKE' }] }],
      ['wrong type for the key', 'DescribeAssociationExecutions', { AssociationId: fx.wide, Filters: [{ Key: 'Status', Value: 'Failed', Type: 'LESS_THAN' }] }],
      ['empty value', 'DescribeAssociationExecutions', { AssociationId: fx.wide, Filters: [{ Key: 'Status', Value: '', Type: 'EQUAL' }] }],
      ['bad time', 'DescribeAssociationExecutions', { AssociationId: fx.wide, Filters: [{ Key: 'CreatedTime', Value: 'yesterday', Type: 'LESS_THAN' }] }],
      ['bad token', 'DescribeAssociationExecutions', { AssociationId: fx.wide, NextToken: 'not-a-token' }],
      ['no ExecutionId', 'DescribeAssociationExecutionTargets', { AssociationId: fx.wide }],
      ['unknown association of targets', 'DescribeAssociationExecutionTargets', { AssociationId: UNKNOWN, ExecutionId: failed }],
      ['unknown execution', 'DescribeAssociationExecutionTargets', { AssociationId: fx.wide, ExecutionId: UNKNOWN }],
      ["another association's execution", 'DescribeAssociationExecutionTargets', { AssociationId: fx.wide, ExecutionId: narrowExecution }],
      ['unknown target filter key', 'DescribeAssociationExecutionTargets', { AssociationId: fx.wide, ExecutionId: failed, Filters: [{ Key: 'Nope', Value: 'x' }] }],
      ['no target filters', 'DescribeAssociationExecutionTargets', { AssociationId: fx.wide, ExecutionId: failed, Filters: [] }],
      ['target MaxResults 51', 'DescribeAssociationExecutionTargets', { AssociationId: fx.wide, ExecutionId: failed, MaxResults: 51 }],
      ['bad target token', 'DescribeAssociationExecutionTargets', { AssociationId: fx.wide, ExecutionId: failed, NextToken: 'x' }],
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
    const types: Record<string, unknown> = {};
    for (const [name, operation, body] of bad) {
      const fromArchive = await call(served.url, operation, body);
      types[name] = fromArchive.type;
      expect({ name, ...fromArchive }).toMatchObject({ name, status: 400 });
      expect({ name, ...fromArchive }).toEqual({ name, ...(await call(fx.simulatorEndpoint, operation, body)) });
    }
    expect(types).toMatchObject({
      'unknown association': 'AssociationDoesNotExist',
      'unknown execution': 'AssociationExecutionDoesNotExist',
      "another association's execution": 'AssociationExecutionDoesNotExist',
      'bad token': 'InvalidNextToken',
      'MaxResults 51': 'ValidationException',
    });
  });

  it('refuses the archive token of another query or operation', async () => {
    const token = (await archive.send(new DescribeAssociationExecutionsCommand({ AssociationId: fx.wide, MaxResults: 1 }))).NextToken ?? '';
    expect(token).not.toBe('');
    const failed = known.wide.find((e) => e.status === 'Failed')?.id ?? '';
    const refused: [string, () => Promise<unknown>][] = [
      ['another association', () => archive.send(new DescribeAssociationExecutionsCommand({ AssociationId: fx.narrow, MaxResults: 1, NextToken: token }))],
      [
        'another filter',
        () =>
          archive.send(
            new DescribeAssociationExecutionsCommand({ AssociationId: fx.wide, MaxResults: 1, Filters: [{ Key: 'Status', Value: 'Success', Type: 'EQUAL' }], NextToken: token }),
          ),
      ],
      ['another operation', () => archive.send(new DescribeAssociationExecutionTargetsCommand({ AssociationId: fx.wide, ExecutionId: failed, NextToken: token }))],
    ];
    for (const [name, send] of refused) {
      expect({ name, error: await send().then(() => undefined, (error: Error) => error.name) }).toEqual({ name, error: 'InvalidNextToken' });
    }
  });

  it('answers the same after SSM has forgotten every execution', async () => {
    expect(recorded.size).toBe(executionRequests(fx, known).length + targetRequests(fx, known).length);
    expect(fx.sim.forgetAssociationExecutionsBefore(FAR_FUTURE)).toBe(7);
    expect(count(await associationExecutionPages(ssm, { AssociationId: fx.wide }))).toBe(0);
    for (const [name, input] of executionRequests(fx, known)) {
      expect({ name, pages: await associationExecutionPages(archive, input) }).toEqual({ name, pages: recorded.get(`executions ${name}`) });
    }
    for (const [name, input] of targetRequests(fx, known)) {
      expect({ name, pages: await associationTargetPages(archive, input) }).toEqual({ name, pages: recorded.get(`targets ${name}`) });
    }
  });
});
