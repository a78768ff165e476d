import { GetCommand } from '@aws-sdk/lib-dynamodb';
import {
  DescribeAssociationExecutionsCommand,
  DescribeAssociationExecutionTargetsCommand,
  ListAssociationsCommand,
  SSMClient,
  type DescribeAssociationExecutionsCommandInput,
} from '@aws-sdk/client-ssm';
import { associationFromItem } from '../../lambdas/sources/association/definitions';
import { awsSsm } from '../support/aws-cli';
import { archiveListedDefinitions } from '../support/listed-definitions';
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
  /** An association SSM holds that has not run yet: its first execution is years away. */
  let idle: string;
  const recorded = new Map<string, Page[]>();

  beforeAll(async () => {
    database = await startDynalite();
    fx = await buildAssociationArchive(database);
    idle = fx.sim.createAssociation({ targets: 2, executions: 1, startAt: new Date('2030-01-01T00:00:00.000Z') });
    // The poller keeps the associations it lists, the idle one too.
    await archiveListedDefinitions(database, fx.tables, fx.simulatorEndpoint, () => fx.sim.now());
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

  /**
   * DescribeAssociationExecutions' API reference (boto3 describe_association_executions; SSM
   * API Reference, DescribeAssociationExecutions, Errors) gives AssociationDoesNotExist for
   * "the specified association doesn't exist"; one that exists answers its executions, and
   * one that has not run yet has none. The archive knows it exists by its archived definition.
   */
  it('answers an association that exists but has nothing archived as SSM does: no executions, and the errors of an existing association', async () => {
    expect(await associationExecutionPages(ssm, { AssociationId: idle })).toEqual([{ items: [], more: false }]);
    const requests: [string, DescribeAssociationExecutionsCommandInput][] = [
      ['all', { AssociationId: idle }],
      ['1 a page', { AssociationId: idle, MaxResults: 1 }],
      ['Status', { AssociationId: idle, Filters: [{ Key: 'Status', Value: 'Failed', Type: 'EQUAL' }] }],
      ['ExecutionId', { AssociationId: idle, Filters: [{ Key: 'ExecutionId', Value: UNKNOWN, Type: 'EQUAL' }] }],
      ['CreatedTime', { AssociationId: idle, Filters: [{ Key: 'CreatedTime', Value: '2024-01-01T00:00:00Z', Type: 'LESS_THAN' }] }],
    ];
    for (const [name, input] of requests) {
      expect({ name, pages: await associationExecutionPages(archive, input) }).toEqual({ name, pages: await associationExecutionPages(ssm, input) });
    }
    const errorOf = (send: Promise<unknown>): Promise<string | undefined> => send.then(() => undefined, (error: Error) => error.name);
    const failing: [string, (target: SSMClient) => Promise<unknown>][] = [
      ['a bad token', (target) => target.send(new DescribeAssociationExecutionsCommand({ AssociationId: idle, NextToken: 'not-a-token' }))],
      ['targets of an unknown execution', (target) => target.send(new DescribeAssociationExecutionTargetsCommand({ AssociationId: idle, ExecutionId: UNKNOWN }))],
      ['an unknown association', (target) => target.send(new DescribeAssociationExecutionsCommand({ AssociationId: UNKNOWN }))],
    ];
    const errors: Record<string, string | undefined> = {};
    for (const [name, send] of failing) {
      errors[name] = await errorOf(send(archive));
      expect({ name, error: errors[name] }).toEqual({ name, error: await errorOf(send(ssm)) });
    }
    expect(errors).toEqual({
      'a bad token': 'InvalidNextToken',
      'targets of an unknown execution': 'AssociationExecutionDoesNotExist',
      'an unknown association': 'AssociationDoesNotExist',
    });
    // The AWS CLI sees the same: an empty list, and the unknown association's error.
    const cli = (endpoint: string) =>
      Promise.all([idle, UNKNOWN].map((id) => awsSsm(endpoint, 'describe-association-executions', '--association-id', id)));
    const [fromArchive, fromSsm] = await Promise.all([cli(served.url), cli(fx.simulatorEndpoint)]);
    expect(fromArchive).toEqual(fromSsm);
    expect(fromArchive).toEqual([{ answer: { AssociationExecutions: [] } }, { error: 'AssociationDoesNotExist' }]);
  });

  it('keeps each association as ListAssociations listed it', async () => {
    const { Associations = [] } = await ssm.send(new ListAssociationsCommand({}));
    expect(Associations.map((association) => association.AssociationId)).toEqual([fx.wide, fx.narrow, idle]);
    for (const association of Associations) {
      const { Item } = await database.doc.send(new GetCommand({ TableName: fx.tables.associationDefinitions, Key: { AssociationId: association.AssociationId } }));
      expect(associationFromItem(Item ?? {})).toEqual(association);
    }
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
