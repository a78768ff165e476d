import { startLocalMode, type LocalMode, type LocalModeOptions } from '../../local/local-mode';
import type { CommandSpec } from '../../local/ssm-simulator';
import { eventually, recordingLog, request, tempDataDir } from './support';

/**
 * Local mode's alerts: the simulator's failures are printed and served at GET /alerts,
 * newest first, with the archive views' kind, status and camelCase IDs; once each, across
 * restarts.
 */
interface ListedAlert {
  kind: string;
  status: string;
  subject: string;
  publishedAt: string;
  consoleUrl: string;
  commandId?: string;
  instanceId?: string;
  automationExecutionId?: string;
  documentName?: string;
  errorExcerpt?: string;
}

const alertsOf = async (url: string, query = ''): Promise<ListedAlert[]> => {
  const { status, body } = await request(`${url}/alerts${query}`);
  expect(status).toBe(200);
  return body['items'] as ListedAlert[];
};

describe('local mode alerts', () => {
  let dataDir: Awaited<ReturnType<typeof tempDataDir>>;
  let mode: LocalMode;
  const printed: string[] = [];
  const options = (extra: Partial<LocalModeOptions> = {}): LocalModeOptions => ({
    port: 0,
    dataDir: dataDir.path,
    pollIntervalMs: 0,
    env: {},
    logger: recordingLog(),
    commandIntervalMs: 0,
    printAlert: (text) => printed.push(text),
    // One account: the members' seeded failures would alert while these tests count alerts.
    organization: { accounts: 1, regions: ['us-east-1'] },
    ...extra,
  });

  beforeAll(async () => {
    dataDir = await tempDataDir();
    mode = await startLocalMode(options());
  });
  afterAll(async () => {
    await mode.stop();
    await dataDir.remove();
  });

  it("prints and lists a live command's failed node once, with the archive view's kind, status and IDs", async () => {
    const simulator = mode.simulator;
    if (!simulator) throw new Error('no simulator');
    const before = (await alertsOf(mode.url)).length;
    const nodes = simulator.fleet.slice(0, 3);
    const spec: CommandSpec = {
      documentName: 'AWS-RunShellScript',
      parameters: { commands: ['systemctl restart nginx'] },
      plugins: [{ name: 'aws:runShellScript' }],
      invocations: nodes.map((node, index) => ({
        instanceId: node.instanceId,
        instanceName: node.name,
        startAtMs: 50,
        durationMs: 200,
        outcome: index === 1 ? 'Failed' : 'Success',
        plugins: [{ name: 'aws:runShellScript', stdout: 'restarting\n', ...(index === 1 ? { stderr: 'Job for nginx.service failed.\nSee journalctl -xe' } : {}) }],
      })),
    };
    const commandId = simulator.sendCommand(spec);
    const failedNode = nodes[1]?.instanceId ?? '';

    const alert = await eventually('the alert for the failed node', async () =>
      (await alertsOf(mode.url)).find((item) => item.commandId === commandId),
    );
    expect(alert).toMatchObject({
      kind: 'command-invocation',
      status: 'Failed',
      commandId,
      instanceId: failedNode,
      documentName: 'AWS-RunShellScript',
      errorExcerpt: 'Job for nginx.service failed.\nSee journalctl -xe',
    });
    expect(alert.subject).toBe(`SSM Run Command Failed: AWS-RunShellScript on ${failedNode} (${nodes[1]?.name ?? ''})`);
    expect(alert.consoleUrl).toBe(`https://us-east-1.console.aws.amazon.com/systems-manager/run-command/${commandId}/${failedNode}?region=us-east-1`);

    // The same kind, status and IDs as the archive's own view of that invocation.
    const { body } = await request(`${mode.url}/instances/${failedNode}/history?limit=50`);
    const view = (body['items'] as Record<string, unknown>[]).find((item) => item.commandId === commandId);
    expect(view).toMatchObject({ kind: alert.kind, status: alert.status, commandId: alert.commandId, instanceId: alert.instanceId });

    // Printed once; the successful nodes raised nothing.
    expect(printed.filter((text) => text.includes(commandId))).toHaveLength(1);
    expect(printed.find((text) => text.includes(commandId))).toContain('Job for nginx.service failed.');
    const all = await alertsOf(mode.url);
    expect(all.filter((item) => item.commandId === commandId)).toHaveLength(1);
    expect(all).toHaveLength(before + 1);
    // Newest first.
    expect(all[0]?.commandId).toBe(commandId);
    const times = all.map((item) => item.publishedAt);
    expect([...times].sort().reverse()).toEqual(times);
  });

  it('alerts a failed runbook execution once, not its failed step', async () => {
    const simulator = mode.simulator;
    if (!simulator) throw new Error('no simulator');
    const id = simulator.startAutomation({ documentName: 'AWS-RestartEC2Instance', steps: 3, stepDurationMs: 100, failAtStep: 1 });
    const alert = await eventually(
      'the runbook alert',
      async () => (await alertsOf(mode.url, '?kind=automation-execution')).find((item) => item.automationExecutionId === id),
      30_000,
    );
    expect(alert).toMatchObject({ kind: 'automation-execution', status: 'Failed', documentName: 'AWS-RestartEC2Instance' });
    expect(alert.subject).toMatch(/^SSM Automation Failed: AWS-RestartEC2Instance/);
    // The runbook's FailureMessage names the step it failed at.
    expect(alert.errorExcerpt).toContain('step2');
    expect((await alertsOf(mode.url)).filter((item) => item.automationExecutionId === id)).toHaveLength(1);
  });

  it('filters by kind and limits, and answers bad parameters and methods with 400 and 405', async () => {
    const limited = await alertsOf(mode.url, '?limit=1');
    expect(limited).toHaveLength(1);
    expect((await alertsOf(mode.url, '?kind=maintenance-window-execution')).every((item) => item.kind === 'maintenance-window-execution')).toBe(true);
    for (const query of ['?limit=0', '?limit=abc', '?limit=1e2', '?limit=1001', '?kind=command-invocations', '?status=Failed']) {
      const { status, body } = await request(`${mode.url}/alerts${query}`);
      expect({ query, status }).toEqual({ query, status: 400 });
      expect(body['message']).toEqual(expect.any(String));
    }
    expect((await request(`${mode.url}/alerts`, { method: 'DELETE' })).status).toBe(405);
  });

  it('keeps the list across a restart, and does not alert the same failures again', async () => {
    const listed = await alertsOf(mode.url);
    const printedBefore = printed.length;
    await mode.stop();
    mode = await startLocalMode(options());
    expect(await alertsOf(mode.url)).toEqual(listed);
    expect(printed).toHaveLength(printedBefore);
  });
});
