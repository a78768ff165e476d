import {
  GetCommandInvocationCommand,
  ListCommandInvocationsCommand,
  ListCommandsCommand,
  paginateListCommandInvocations,
  paginateListCommands,
  SSMClient,
  type CommandInvocation,
  type ListCommandInvocationsCommandInput,
} from '@aws-sdk/client-ssm';
import { serveApi, type ServedApi } from '../../lambdas/query/node-http';
import { createQueryApi } from '../../lambdas/query/router';
import { startDynalite, type TestDatabase } from '../support/databases';
import { buildArchive, SHARED_NODE, TIED_NODE, type ArchiveFixture } from './archive-fixture';
import { filter, UNKNOWN_COMMAND } from './ssm-requests';

/**
 * The SSM-compatible endpoint's edges: MaxResults bounds and defaults, paging through
 * hundreds of invocations with the SDK's paginators, every kind of bad input as the 400 and
 * exception class SSM (the simulator) answers with, and page tokens that were forged,
 * edited or issued elsewhere, refused before any read.
 */
const client = (endpoint: string): SSMClient =>
  new SSMClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' }, maxAttempts: 1 });

interface Failure {
  readonly name: string;
  readonly status: number | undefined;
}

async function failureOf(target: SSMClient, command: unknown): Promise<Failure | 'succeeded'> {
  try {
    await target.send(command as ListCommandsCommand);
    return 'succeeded';
  } catch (error) {
    return { name: (error as Error).name, status: (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode };
  }
}

let database: TestDatabase;
let fx: ArchiveFixture;
let served: ServedApi;
let ssm: SSMClient;
let archive: SSMClient;

beforeAll(async () => {
  database = await startDynalite();
  fx = await buildArchive(database, 'bulk');
  served = await serveApi(createQueryApi({ db: database.doc, tableNames: fx.tables, pageTokenKey: 'archive-key', now: () => fx.sim.now() }));
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

const ids = (invocations: readonly CommandInvocation[]): string[] => invocations.map((i) => `${i.CommandId}/${i.InstanceId}`);

describe('MaxResults', () => {
  it.each([0, 51])('%i is a ValidationException on both listings', async (maxResults) => {
    expect(await failureOf(archive, new ListCommandsCommand({ MaxResults: maxResults }))).toEqual({ name: 'ValidationException', status: 400 });
    expect(await failureOf(archive, new ListCommandInvocationsCommand({ MaxResults: maxResults }))).toEqual({ name: 'ValidationException', status: 400 });
  });

  it('1 gives one record and a token, 50 and the default give 50', async () => {
    const one = await archive.send(new ListCommandInvocationsCommand({ MaxResults: 1 }));
    expect(one.CommandInvocations).toHaveLength(1);
    expect(one.NextToken).toEqual(expect.any(String));
    const fifty = await archive.send(new ListCommandInvocationsCommand({ MaxResults: 50, Details: true }));
    expect(fifty.CommandInvocations).toHaveLength(50);
    const byDefault = await archive.send(new ListCommandInvocationsCommand({ Details: true }));
    expect(byDefault.CommandInvocations).toEqual(fifty.CommandInvocations);
    expect(byDefault.NextToken).toEqual(expect.any(String));
    const commands = await archive.send(new ListCommandsCommand({ MaxResults: 1 }));
    expect(commands.Commands).toHaveLength(1);
  });

  it('MaxResults may change from page to page, as with SSM', async () => {
    const first = await archive.send(new ListCommandInvocationsCommand({ MaxResults: 3 }));
    const second = await archive.send(new ListCommandInvocationsCommand({ MaxResults: 10, NextToken: first.NextToken, Details: true }));
    const expected = fx.sim.truth().invocations.slice(3, 13);
    expect(second.CommandInvocations).toEqual(expected);
  });
});

describe('paging with the SDK paginators', () => {
  async function all(pageSize: number, input: ListCommandInvocationsCommandInput): Promise<CommandInvocation[]> {
    const out: CommandInvocation[] = [];
    for await (const page of paginateListCommandInvocations({ client: archive, pageSize }, input)) out.push(...(page.CommandInvocations ?? []));
    return out;
  }

  it.each([50, 7])('walks all 370 invocations %i at a time without loss or repeats', async (pageSize) => {
    const truth = fx.sim.truth().invocations;
    const listed = await all(pageSize, { Details: true });
    expect(ids(listed)).toEqual(ids(truth));
    expect(new Set(ids(listed)).size).toBe(370);
    expect(listed).toEqual(truth);
  });

  it('walks one command of 320 invocations, and one node across years', async () => {
    const fleet = await all(13, { CommandId: fx.fleet });
    expect(fleet.map((i) => i.InstanceId)).toEqual(fx.sim.truth().invocations.filter((i) => i.CommandId === fx.fleet).map((i) => i.InstanceId));
    expect(new Set(fleet.map((i) => i.InstanceId)).size).toBe(320);
    expect((await all(1, { InstanceId: SHARED_NODE })).map((i) => i.CommandId)).toEqual([fx.deploy, fx.fleet, fx.tagged, fx.mixed]);
  });

  it('walks the commands one at a time, newest first, ties by CommandId', async () => {
    const seen: string[] = [];
    for await (const page of paginateListCommands({ client: archive, pageSize: 1 }, {})) seen.push(...(page.Commands ?? []).map((c) => c.CommandId ?? ''));
    const tied = [fx.twoStep, fx.tagged].sort();
    expect(seen).toEqual([fx.deploy, fx.fleet, ...tied, fx.mixed]);
  });
});

describe('bad input is a 400 with the exception SSM names', () => {
  const cases: [string, () => unknown][] = [
    ['unknown filter key', () => new ListCommandsCommand({ Filters: [filter('Colour', 'red')] })],
    ['ExecutionStage on ListCommandInvocations', () => new ListCommandInvocationsCommand({ Filters: [filter('ExecutionStage', 'Complete')] })],
    ['a Status ListCommandInvocations does not take', () => new ListCommandInvocationsCommand({ Filters: [filter('Status', 'Incomplete')] })],
    ['a Status ListCommands does not take', () => new ListCommandsCommand({ Filters: [filter('Status', 'Undeliverable')] })],
    ['a timestamp that is not ISO 8601', () => new ListCommandsCommand({ Filters: [filter('InvokedAfter', 'yesterday')] })],
    ['an unknown ExecutionStage', () => new ListCommandsCommand({ Filters: [filter('ExecutionStage', 'Running')] })],
    ['an empty filter value', () => new ListCommandInvocationsCommand({ Filters: [filter('DocumentName', '')] })],
    ['a filter value over 128 characters', () => new ListCommandInvocationsCommand({ Filters: [filter('DocumentName', 'D'.repeat(129))] })],
    ['six filters', () => new ListCommandsCommand({ Filters: Array.from({ length: 6 }, () => filter('DocumentName', 'x')) })],
    ['no filters in a Filters list', () => new ListCommandsCommand({ Filters: [] })],
    ['MaxResults 0', () => new ListCommandsCommand({ MaxResults: 0 })],
    ['MaxResults 51', () => new ListCommandInvocationsCommand({ MaxResults: 51 })],
    ['MaxResults not an integer', () => new ListCommandInvocationsCommand({ MaxResults: 1.5 })],
    ['a garbage NextToken', () => new ListCommandsCommand({ NextToken: 'not-a-token' })],
    ['an unknown CommandId (ListCommands)', () => new ListCommandsCommand({ CommandId: UNKNOWN_COMMAND })],
    ['a CommandId of the wrong length', () => new ListCommandInvocationsCommand({ CommandId: 'abc' })],
    ['a malformed InstanceId', () => new ListCommandInvocationsCommand({ InstanceId: 'server-1' })],
    ['a malformed InstanceId (ListCommands)', () => new ListCommandsCommand({ InstanceId: 'i-123' })],
    ['an unknown invocation', () => new GetCommandInvocationCommand({ CommandId: UNKNOWN_COMMAND, InstanceId: SHARED_NODE })],
    ['GetCommandInvocation without InstanceId', () => new GetCommandInvocationCommand({ CommandId: UNKNOWN_COMMAND } as never)],
    ['GetCommandInvocation with a malformed InstanceId', () => new GetCommandInvocationCommand({ CommandId: UNKNOWN_COMMAND, InstanceId: 'node' })],
  ];

  it.each(cases)('%s', async (_name, command) => {
    const expected = await failureOf(ssm, command());
    expect(expected).not.toBe('succeeded');
    expect(await failureOf(archive, command())).toEqual(expected);
    expect(expected).toMatchObject({ status: 400 });
  });

  it('InvalidPluginName for a two-step invocation without, or with a wrong, PluginName', async () => {
    for (const input of [{ CommandId: fx.twoStep, InstanceId: TIED_NODE }, { CommandId: fx.twoStep, InstanceId: TIED_NODE, PluginName: 'aws:runShellScript' }]) {
      expect(await failureOf(archive, new GetCommandInvocationCommand(input))).toEqual({ name: 'InvalidPluginName', status: 400 });
    }
  });

  it('never answers malformed bodies with a 500', async () => {
    const bodies = ['[]', '"text"', 'null', '{', '{"Filters": "x"}', '{"Filters": [1]}', '{"Filters": [{"key": "Status"}]}', '{"NextToken": 5}', '{"Details": "yes"}', '{"InstanceId": ""}', '{"CommandId": ""}', '{"MaxResults": "ten"}'];
    for (const operation of ['ListCommands', 'ListCommandInvocations', 'GetCommandInvocation']) {
      for (const body of bodies) {
        const [fromSsm, fromArchive] = await Promise.all([post(fx.simulatorEndpoint, `AmazonSSM.${operation}`, body), post(served.url, `AmazonSSM.${operation}`, body)]);
        expect({ operation, body, ...fromArchive }).toEqual({ operation, body, ...fromSsm });
        // Members an operation does not have are ignored (Details on ListCommands): a 200, not an error.
        expect(fromArchive.status === 400 || (fromArchive.status === 200 && operation !== 'ListCommandInvocations' && body.includes('Details'))).toBe(true);
      }
    }
  });
});

async function post(endpoint: string, target: string | undefined, body: string): Promise<{ status: number; type: unknown; errorType: string | null }> {
  const response = await fetch(`${endpoint}/`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-amz-json-1.1', ...(target !== undefined ? { 'X-Amz-Target': target } : {}) },
    body,
  });
  const json = (await response.json()) as Record<string, unknown>;
  return { status: response.status, type: json['__type'], errorType: response.headers.get('x-amzn-errortype') };
}

describe('page tokens', () => {
  it('refuses a forged, edited, foreign or misplaced token with InvalidNextToken, without reading the archive', async () => {
    const page = await archive.send(new ListCommandInvocationsCommand({ CommandId: fx.fleet, MaxResults: 5 }));
    const token = page.NextToken ?? '';
    expect(token).not.toBe('');
    const [payload = '', signature = ''] = token.split('.');
    const decoded = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { a: string[] };
    decoded.a[2] = 'i-00000000000000000';
    const edited = `${Buffer.from(JSON.stringify(decoded)).toString('base64url')}.${signature}`;
    const flipped = `${token.slice(0, 5)}${token[5] === 'A' ? 'B' : 'A'}${token.slice(6)}`;

    const other = createQueryApi({ db: database.doc, tableNames: fx.tables, pageTokenKey: 'another-archive', now: () => fx.sim.now() });
    const foreign = JSON.parse(
      (await other({ method: 'POST', path: '/', query: {}, headers: { 'x-amz-target': 'AmazonSSM.ListCommandInvocations' }, body: JSON.stringify({ CommandId: fx.fleet, MaxResults: 5 }) })).body,
    ) as { NextToken: string };
    const fromSsm = (await ssm.send(new ListCommandInvocationsCommand({ CommandId: fx.fleet, MaxResults: 5 }))).NextToken ?? '';
    const commandsToken = (await archive.send(new ListCommandsCommand({ MaxResults: 1 }))).NextToken ?? '';

    database.calls.reset();
    const refused: [string, unknown][] = [
      ['edited position', new ListCommandInvocationsCommand({ CommandId: fx.fleet, NextToken: edited })],
      ['flipped character', new ListCommandInvocationsCommand({ CommandId: fx.fleet, NextToken: flipped })],
      ['another archive', new ListCommandInvocationsCommand({ CommandId: fx.fleet, NextToken: foreign.NextToken })],
      ['SSM itself', new ListCommandInvocationsCommand({ CommandId: fx.fleet, NextToken: fromSsm })],
      ['another query', new ListCommandInvocationsCommand({ CommandId: fx.mixed, NextToken: token })],
      ['another filter', new ListCommandInvocationsCommand({ CommandId: fx.fleet, Filters: [filter('Status', 'Failed')], NextToken: token })],
      ['another operation', new ListCommandsCommand({ NextToken: token })],
      ['the other listing', new ListCommandInvocationsCommand({ NextToken: commandsToken })],
    ];
    for (const [name, command] of refused) {
      expect({ name, failure: await failureOf(archive, command) }).toEqual({ name, failure: { name: 'InvalidNextToken', status: 400 } });
    }
    expect(database.calls.snapshot()).toEqual({});

    // The genuine token still works, and Details may change between pages.
    const next = await archive.send(new ListCommandInvocationsCommand({ CommandId: fx.fleet, MaxResults: 5, NextToken: token, Details: true }));
    expect(ids(next.CommandInvocations ?? [])).toEqual(ids(fx.sim.truth().invocations.filter((i) => i.CommandId === fx.fleet).slice(5, 10)));
  });
});

describe('wire format', () => {
  it('answers unknown operations and targets like SSM: 400 UnknownOperationException', async () => {
    for (const target of ['AmazonSSM.SendCommand', 'AmazonSSM.DescribeInstanceInformation', 'DynamoDB_20120810.Scan', undefined]) {
      const answer = await post(served.url, target, '{}');
      expect(answer).toEqual({ status: 400, type: 'UnknownOperationException', errorType: 'UnknownOperationException' });
    }
  });

  it('sends timestamps as epoch seconds, and GetCommandInvocation times as ISO strings', async () => {
    const response = await fetch(`${served.url}/`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-amz-json-1.1', 'X-Amz-Target': 'AmazonSSM.ListCommands' },
      body: JSON.stringify({ CommandId: fx.mixed }),
    });
    expect(response.headers.get('content-type')).toBe('application/x-amz-json-1.1');
    const [command] = ((await response.json()) as { Commands: Record<string, unknown>[] }).Commands;
    expect(command?.['RequestedDateTime']).toBe(Date.parse('2022-12-31T23:00:00.000Z') / 1000);
    const get = await archive.send(new GetCommandInvocationCommand({ CommandId: fx.mixed, InstanceId: SHARED_NODE }));
    expect(get.ExecutionStartDateTime).toBe('2022-12-31T23:00:01.000Z');
  });
});
