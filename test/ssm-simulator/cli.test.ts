import { awsSsmJson } from '../support/aws-cli';
import { buildFixture, T0, type Fixture } from './fixture';


let fx: Fixture;
let endpoint: string;

beforeAll(async () => {
  fx = buildFixture();
  ({ endpoint } = await fx.sim.listen());
});

afterAll(async () => {
  await fx.sim.close();
});

/** The AWS CLI (v1 on PATH) against the simulator, with dummy credentials and no user config. */
async function aws(...args: string[]): Promise<Record<string, unknown>> {
  return (await awsSsmJson(endpoint, ...args)) as Record<string, unknown>;
}

type Row = Record<string, unknown>;

describe('AWS CLI against the simulator', () => {
  it('parses list-commands, list-command-invocations --details (paged) and get-command-invocation', async () => {
    const [commands, invocations, invocation] = await Promise.all([
      aws('list-commands', '--command-id', fx.mixed),
      aws('list-command-invocations', '--details', '--page-size', '20'),
      aws('get-command-invocation', '--command-id', fx.mixed, '--instance-id', 'i-0aaaaaaaaaaaaaaa1'),
    ]);

    const [command] = commands['Commands'] as Row[];
    expect(command).toMatchObject({ CommandId: fx.mixed, DocumentName: 'AWS-RunShellScript', TargetCount: 5, Status: 'Failed' });
    // CLI v1 prints wire timestamps as they came (cli_timestamp_format none): epoch seconds.
    expect(command?.['RequestedDateTime']).toBe(T0.getTime() / 1000);

    // The CLI follows NextToken itself: six requests of 20 make the whole list.
    const rows = invocations['CommandInvocations'] as Row[];
    const truth = fx.sim.truth().invocations;
    expect(rows.map((r) => `${String(r['CommandId'])}/${String(r['InstanceId'])}`)).toEqual(truth.map((t) => `${t.CommandId}/${t.InstanceId}`));
    const success = rows.find((r) => r['InstanceId'] === 'i-0aaaaaaaaaaaaaaa1');
    expect((success?.['CommandPlugins'] as Row[])[0]).toMatchObject({ Name: 'aws:runShellScript', Output: 'up 3 days\n', ResponseCode: 0 });

    expect(invocation).toMatchObject({
      CommandId: fx.mixed,
      InstanceId: 'i-0aaaaaaaaaaaaaaa1',
      PluginName: 'aws:runShellScript',
      StandardOutputContent: 'up 3 days\n',
      ExecutionStartDateTime: '2024-06-03T09:00:01.000Z',
      ExecutionElapsedTime: 'PT2S',
      Status: 'Success',
    });
  });

  it('reports SSM errors by name', async () => {
    const failure = await aws('list-commands', '--filters', 'key=Colour,value=red').then(
      () => undefined,
      (error: unknown) => error as { code: number; stderr: string },
    );
    expect(failure?.code).not.toBe(0);
    expect(failure?.stderr).toContain('InvalidFilterKey');
  });
});
