import {
  GetCommandInvocationCommand,
  InvalidCommandId,
  InvalidFilterKey,
  InvalidFilterValue,
  InvalidInstanceId,
  InvalidNextToken,
  InvalidPluginName,
  InvocationDoesNotExist,
  ListCommandInvocationsCommand,
  ListCommandsCommand,
  paginateListCommandInvocations,
  paginateListCommands,
  ValidationException,
  type CommandFilter,
  type CommandFilterKey,
  type CommandInvocation,
  type ListCommandInvocationsCommandInput,
  type SSMClient,
} from '@aws-sdk/client-ssm';
import { SsmSimulator, VirtualClock } from '../../local/ssm-simulator';
import { isListedOutputCut } from '../../lambdas/sources/run-command/output-limits';
import { buildFixture, MINUTE, T0, type Fixture } from './fixture';
import { ssmClient, withoutMetadata } from './sdk-client';

let fx: Fixture;
let client: SSMClient;
let endpoint: string;

beforeAll(async () => {
  fx = buildFixture();
  ({ endpoint } = await fx.sim.listen());
  client = ssmClient(endpoint);
});

afterAll(async () => {
  client.destroy();
  await fx.sim.close();
});

async function allInvocations(input: ListCommandInvocationsCommandInput): Promise<CommandInvocation[]> {
  const out: CommandInvocation[] = [];
  for await (const page of paginateListCommandInvocations({ client, pageSize: 50 }, input)) out.push(...(page.CommandInvocations ?? []));
  return out;
}

const ids = (invocations: CommandInvocation[]): string[] => invocations.map((i) => `${i.CommandId}/${i.InstanceId}`);
const filter = (key: string, value: string): CommandFilter => ({ key: key as CommandFilterKey, value });

describe('SDK round trips', () => {
  it('ListCommands returns every command, newest first, exactly as the truth', async () => {
    const out = await client.send(new ListCommandsCommand({}));
    expect(withoutMetadata(out)).toEqual({ Commands: fx.sim.truth().commands });
    expect(out.Commands?.map((c) => c.CommandId)).toEqual([fx.running, fx.fleet, fx.twoStep, fx.mixed]);
    const mixed = out.Commands?.[3];
    expect(mixed?.RequestedDateTime).toEqual(T0);
    expect(mixed).toMatchObject({ TargetCount: 5, CompletedCount: 5, ErrorCount: 2, DeliveryTimedOutCount: 1, Status: 'Failed' });
  });

  it('ListCommandInvocations with Details=true matches the truth field for field', async () => {
    expect(await allInvocations({ Details: true })).toEqual(fx.sim.truth().invocations);
  });

  it('ListCommandInvocations without Details returns empty CommandPlugins and the same other fields', async () => {
    const brief = await allInvocations({ Details: false });
    const full = fx.sim.truth().invocations;
    expect(brief).toHaveLength(119);
    expect(brief.every((i) => Array.isArray(i.CommandPlugins) && i.CommandPlugins.length === 0)).toBe(true);
    expect(brief).toEqual(full.map((i) => ({ ...i, CommandPlugins: [] })));
    expect(await allInvocations({})).toEqual(brief);
  });

  it('lists plugins with the agent-truncated Output and GetCommandInvocation gives the longer text', async () => {
    const [first] = await allInvocations({ CommandId: fx.twoStep, InstanceId: 'i-0bbbbbbbbbbbbbbb1', Details: true });
    const install = first?.CommandPlugins?.find((p) => p.Name === 'install');
    expect(install?.Output?.length).toBe(2500);
    expect(isListedOutputCut(install?.Output ?? '')).toBe(true);
    expect(install?.StandardOutputUrl).toBe(
      `https://s3.us-east-1.amazonaws.com/archive-bucket/runs/${fx.twoStep}/i-0bbbbbbbbbbbbbbb1/install/stdout`,
    );

    const get = await client.send(new GetCommandInvocationCommand({ CommandId: fx.twoStep, InstanceId: 'i-0bbbbbbbbbbbbbbb1', PluginName: 'install' }));
    expect(get.StandardOutputContent).toBe('x'.repeat(24_000));
    expect(get).toMatchObject({ PluginName: 'install', Status: 'Success', StatusDetails: 'Success', ResponseCode: 0 });
    expect(get.ExecutionStartDateTime).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    expect(get.ExecutionElapsedTime).toBe('PT1S');

    const failed = await client.send(new GetCommandInvocationCommand({ CommandId: fx.twoStep, InstanceId: 'i-0bbbbbbbbbbbbbbb2', PluginName: 'verify' }));
    expect(failed.StandardErrorContent).toBe('e'.repeat(8000));
    expect(failed).toMatchObject({ Status: 'Failed', StatusDetails: 'Failed', ResponseCode: 1 });
  });

  it('GetCommandInvocation matches the truth and needs no PluginName for one-plugin documents', async () => {
    const truth = fx.sim.truth().pluginOutputs;
    for (const instanceId of ['i-0aaaaaaaaaaaaaaa1', 'i-0aaaaaaaaaaaaaaa2', 'i-0aaaaaaaaaaaaaaa4', 'i-0ccccccccccccccc1', 'i-0ccccccccccccccc2']) {
      const commandId = instanceId.startsWith('i-0c') ? fx.running : fx.mixed;
      const out = await client.send(new GetCommandInvocationCommand({ CommandId: commandId, InstanceId: instanceId }));
      const expected = truth.find((t) => t.commandId === commandId && t.instanceId === instanceId);
      expect(withoutMetadata(out)).toEqual(expected?.invocation);
    }
    const undeliverable = truth.find((t) => t.instanceId === 'i-0aaaaaaaaaaaaaaa4')?.invocation;
    expect(undeliverable).toMatchObject({ Status: 'Failed', StatusDetails: 'Undeliverable', ResponseCode: -1, ExecutionStartDateTime: '' });
    const running = truth.find((t) => t.instanceId === 'i-0ccccccccccccccc1')?.invocation;
    expect(running).toMatchObject({ Status: 'InProgress', ResponseCode: -1, ExecutionEndDateTime: '', StandardOutputContent: '', ExecutionElapsedTime: 'PT1S' });
  });

  it('pages through 119 invocations 7 at a time without loss or repeats', async () => {
    const expected = ids(fx.sim.truth().invocations);
    expect(expected).toHaveLength(119);

    const manual: CommandInvocation[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const page = await client.send(new ListCommandInvocationsCommand({ MaxResults: 7, NextToken: token, Details: true }));
      expect(page.CommandInvocations?.length).toBeLessThanOrEqual(7);
      manual.push(...(page.CommandInvocations ?? []));
      token = page.NextToken;
      pages++;
    } while (token !== undefined);
    expect(pages).toBe(17);
    expect(ids(manual)).toEqual(expected);

    const paginated: CommandInvocation[] = [];
    for await (const page of paginateListCommandInvocations({ client, pageSize: 7 }, {})) paginated.push(...(page.CommandInvocations ?? []));
    expect(ids(paginated)).toEqual(expected);
    expect(new Set(ids(paginated)).size).toBe(119);
  });

  it('pages ListCommands one at a time and keeps filters across pages', async () => {
    const seen: string[] = [];
    for await (const page of paginateListCommands({ client, pageSize: 1 }, { Filters: [filter('ExecutionStage', 'Complete')] })) {
      seen.push(...(page.Commands ?? []).map((c) => c.CommandId ?? ''));
    }
    expect(seen).toEqual([fx.fleet, fx.twoStep, fx.mixed]);
  });

  it('resumes after the last item when commands arrive or are forgotten between pages', async () => {
    const sim = new SsmSimulator({ clock: new VirtualClock(T0) });
    const five = (prefix: string): { instanceId: string }[] => [1, 2, 3, 4, 5].map((n) => ({ instanceId: `i-0${prefix}00000000000000${n}` }));
    const a = sim.sendCommand({ documentName: 'AWS-RunShellScript', invocations: five('a') });
    sim.advanceBy(MINUTE);
    const b = sim.sendCommand({ documentName: 'AWS-RunShellScript', invocations: five('b') });
    sim.advanceBy(MINUTE);
    const c = sim.sendCommand({ documentName: 'AWS-RunShellScript', invocations: five('c') });
    const local = ssmClient((await sim.listen()).endpoint);
    try {
      const first = await local.send(new ListCommandInvocationsCommand({ MaxResults: 7 }));
      expect(ids(first.CommandInvocations ?? [])).toEqual([...five('c').map((i) => `${c}/${i.instanceId}`), `${b}/i-0b000000000000001`, `${b}/i-0b000000000000002`]);
      sim.advanceBy(MINUTE);
      sim.sendCommand({ documentName: 'AWS-RunShellScript', invocations: five('d') });
      const second = await local.send(new ListCommandInvocationsCommand({ MaxResults: 7, NextToken: first.NextToken }));
      expect(ids(second.CommandInvocations ?? []).slice(0, 3)).toEqual([3, 4, 5].map((n) => `${b}/i-0b00000000000000${n}`));
      sim.forgetCommand(b);
      const third = await local.send(new ListCommandInvocationsCommand({ MaxResults: 7, NextToken: first.NextToken }));
      expect(ids(third.CommandInvocations ?? [])).toEqual(five('a').map((i) => `${a}/${i.instanceId}`));
      expect(third.NextToken).toBeUndefined();
    } finally {
      local.destroy();
      await sim.close();
    }
  });
});

describe('filters', () => {
  it('InvokedAfter and InvokedBefore bound RequestedDateTime on both APIs', async () => {
    const after = new Date(T0.getTime() + 5 * MINUTE).toISOString();
    const before = new Date(T0.getTime() + 15 * MINUTE).toISOString().replace('.000Z', 'Z');
    const cmds = await client.send(new ListCommandsCommand({ Filters: [filter('InvokedAfter', after), filter('InvokedBefore', before)] }));
    expect(cmds.Commands?.map((c) => c.CommandId)).toEqual([fx.twoStep]);
    const invs = await allInvocations({ Filters: [filter('InvokedAfter', after), filter('InvokedBefore', before)] });
    expect(invs.map((i) => i.InstanceId)).toEqual(['i-0bbbbbbbbbbbbbbb1', 'i-0bbbbbbbbbbbbbbb2']);
    const onDay = await allInvocations({ Filters: [filter('InvokedBefore', '2024-06-03')] });
    expect(onDay).toEqual([]);
    const inclusive = await client.send(new ListCommandsCommand({ Filters: [filter('InvokedAfter', T0.toISOString())] }));
    expect(inclusive.Commands).toHaveLength(4);
  });

  it.each([
    ['Success', ['i-0aaaaaaaaaaaaaaa1']],
    ['Failed', ['i-0aaaaaaaaaaaaaaa2', 'i-0aaaaaaaaaaaaaaa4']],
    ['TimedOut', ['i-0aaaaaaaaaaaaaaa3', 'i-0aaaaaaaaaaaaaaa5']],
    ['DeliveryTimedOut', ['i-0aaaaaaaaaaaaaaa3']],
    ['ExecutionTimedOut', ['i-0aaaaaaaaaaaaaaa5']],
    ['Undeliverable', ['i-0aaaaaaaaaaaaaaa4']],
    ['Cancelled', []],
    ['InvalidPlatform', []],
  ])('ListCommandInvocations Status=%s matches Status or StatusDetails', async (value, expected) => {
    const out = await allInvocations({ CommandId: fx.mixed, Filters: [filter('Status', value)] });
    expect(out.map((i) => i.InstanceId)).toEqual(expected);
  });

  it('Status Pending, InProgress and Delayed see the running command only', async () => {
    expect((await allInvocations({ Filters: [filter('Status', 'InProgress')] })).map((i) => i.InstanceId)).toEqual(['i-0ccccccccccccccc1']);
    expect((await allInvocations({ Filters: [filter('Status', 'Pending')] })).map((i) => i.InstanceId)).toEqual(['i-0ccccccccccccccc2']);
    expect(await allInvocations({ Filters: [filter('Status', 'Delayed')] })).toEqual([]);
  });

  it('ListCommands Status, ExecutionStage and DocumentName filters', async () => {
    const byStatus = async (value: string): Promise<string[]> =>
      ((await client.send(new ListCommandsCommand({ Filters: [filter('Status', value)] }))).Commands ?? []).map((c) => c.CommandId ?? '');
    expect(await byStatus('InProgress')).toEqual([fx.running]);
    expect(await byStatus('Failed')).toEqual(expect.arrayContaining([fx.mixed, fx.twoStep]));
    expect(await byStatus('Success')).toEqual([]);
    const executing = await client.send(new ListCommandsCommand({ Filters: [filter('ExecutionStage', 'Executing')] }));
    expect(executing.Commands?.map((c) => c.CommandId)).toEqual([fx.running]);
    const byDoc = await client.send(new ListCommandsCommand({ Filters: [filter('DocumentName', 'Custom-TwoStep')] }));
    expect(byDoc.Commands?.map((c) => c.CommandId)).toEqual([fx.twoStep]);
    const docInvocations = await allInvocations({ Filters: [filter('DocumentName', 'AWS-RunShellScript'), filter('Status', 'Success')] });
    expect(docInvocations.every((i) => i.DocumentName === 'AWS-RunShellScript' && i.Status === 'Success')).toBe(true);
    expect(docInvocations.length).toBeGreaterThan(50);
  });

  it('CommandId and InstanceId narrow both listings', async () => {
    const byInstance = await client.send(new ListCommandsCommand({ InstanceId: 'i-0bbbbbbbbbbbbbbb2' }));
    expect(byInstance.Commands?.map((c) => c.CommandId)).toEqual([fx.twoStep]);
    const one = await allInvocations({ InstanceId: 'i-0aaaaaaaaaaaaaaa3' });
    expect(one.map((i) => i.CommandId)).toEqual([fx.mixed]);
    const byCommand = await client.send(new ListCommandsCommand({ CommandId: fx.twoStep }));
    expect(byCommand.Commands?.map((c) => c.CommandId)).toEqual([fx.twoStep]);
    expect(await allInvocations({ CommandId: 'ffffffff-ffff-4fff-8fff-ffffffffffff' })).toEqual([]);
  });
});

describe('errors arrive as the SDK named exception classes', () => {
  it.each([
    ['unknown filter key', () => new ListCommandsCommand({ Filters: [filter('Colour', 'red')] }), InvalidFilterKey],
    ['ExecutionStage on ListCommandInvocations', () => new ListCommandInvocationsCommand({ Filters: [filter('ExecutionStage', 'Complete')] }), InvalidFilterKey],
    ['unknown Status value', () => new ListCommandInvocationsCommand({ Filters: [filter('Status', 'Incomplete')] }), InvalidFilterValue],
    ['bad timestamp', () => new ListCommandsCommand({ Filters: [filter('InvokedAfter', 'yesterday')] }), InvalidFilterValue],
    ['bad ExecutionStage', () => new ListCommandsCommand({ Filters: [filter('ExecutionStage', 'Running')] }), InvalidFilterValue],
    ['garbage NextToken', () => new ListCommandsCommand({ NextToken: 'not-a-token' }), InvalidNextToken],
    ['unknown CommandId', () => new ListCommandsCommand({ CommandId: 'ffffffff-ffff-4fff-8fff-ffffffffffff' }), InvalidCommandId],
    ['MaxResults 0', () => new ListCommandsCommand({ MaxResults: 0 }), ValidationException],
    ['MaxResults 51', () => new ListCommandInvocationsCommand({ MaxResults: 51 }), ValidationException],
    ['six filters', () => new ListCommandsCommand({ Filters: Array.from({ length: 6 }, () => filter('DocumentName', 'x')) }), ValidationException],
    ['bad InstanceId', () => new ListCommandInvocationsCommand({ InstanceId: 'server-1' }), InvalidInstanceId],
    ['unknown invocation', () => new GetCommandInvocationCommand({ CommandId: 'ffffffff-ffff-4fff-8fff-ffffffffffff', InstanceId: 'i-0aaaaaaaaaaaaaaa1' }), InvocationDoesNotExist],
  ])('%s', async (_name, command, errorClass) => {
    const error: unknown = await client.send(command() as ListCommandsCommand).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(errorClass);
    expect((error as { $metadata: { httpStatusCode: number } }).$metadata.httpStatusCode).toBe(400);
    expect((error as Error).message.length).toBeGreaterThan(0);
  });

  it('InvalidPluginName when a multi-plugin invocation is asked for without or with a wrong PluginName', async () => {
    await expect(client.send(new GetCommandInvocationCommand({ CommandId: fx.twoStep, InstanceId: 'i-0bbbbbbbbbbbbbbb1' }))).rejects.toBeInstanceOf(InvalidPluginName);
    await expect(
      client.send(new GetCommandInvocationCommand({ CommandId: fx.twoStep, InstanceId: 'i-0bbbbbbbbbbbbbbb1', PluginName: 'aws:runShellScript' })),
    ).rejects.toBeInstanceOf(InvalidPluginName);
  });

  it('rejects a tampered token and a token from another query as InvalidNextToken', async () => {
    const page = await client.send(new ListCommandInvocationsCommand({ CommandId: fx.fleet, MaxResults: 5 }));
    const token = page.NextToken ?? '';
    expect(token).not.toBe('');
    const tampered = `${token.slice(0, 5)}${token[5] === 'A' ? 'B' : 'A'}${token.slice(6)}`;
    await expect(client.send(new ListCommandInvocationsCommand({ CommandId: fx.fleet, NextToken: tampered }))).rejects.toBeInstanceOf(InvalidNextToken);
    await expect(client.send(new ListCommandInvocationsCommand({ CommandId: fx.mixed, NextToken: token }))).rejects.toBeInstanceOf(InvalidNextToken);
    await expect(client.send(new ListCommandsCommand({ NextToken: token }))).rejects.toBeInstanceOf(InvalidNextToken);
  });
});

describe('wire format', () => {
  async function post(target: string, body: unknown): Promise<{ status: number; errorType: string | null; json: Record<string, unknown> }> {
    const res = await fetch(`${endpoint}/`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-amz-json-1.1', 'X-Amz-Target': target },
      body: JSON.stringify(body),
    });
    return { status: res.status, errorType: res.headers.get('x-amzn-errortype'), json: (await res.json()) as Record<string, unknown> };
  }

  it('sends timestamps as epoch seconds, except GetCommandInvocation ISO strings', async () => {
    const list = await post('AmazonSSM.ListCommands', { CommandId: fx.mixed });
    const [command] = list.json['Commands'] as Record<string, unknown>[];
    expect(command?.['RequestedDateTime']).toBe(T0.getTime() / 1000);
    expect(typeof command?.['ExpiresAfter']).toBe('number');
    const get = await post('AmazonSSM.GetCommandInvocation', { CommandId: fx.mixed, InstanceId: 'i-0aaaaaaaaaaaaaaa1' });
    expect(get.json['ExecutionStartDateTime']).toBe('2024-06-03T09:00:01.000Z');
  });

  it('answers errors with __type, message and x-amzn-ErrorType, and unknown operations with 400', async () => {
    const bad = await post('AmazonSSM.ListCommands', { Filters: [{ key: 'Nope', value: 'x' }] });
    expect(bad).toMatchObject({ status: 400, errorType: 'InvalidFilterKey', json: { __type: 'InvalidFilterKey' } });
    expect(typeof bad.json['message']).toBe('string');
    const unknown = await post('AmazonSSM.SendCommand', {});
    expect(unknown).toMatchObject({ status: 400, errorType: 'UnknownOperationException', json: { __type: 'UnknownOperationException' } });
    const noTarget = await post('SomethingElse', {});
    expect(noTarget.status).toBe(400);
    const wrongType = await post('AmazonSSM.ListCommands', { MaxResults: 'ten' });
    expect(wrongType.json['__type']).toBe('SerializationException');
  });
});
