import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import {
  GetCommandInvocationCommand,
  ListCommandsCommand,
  paginateListCommandInvocations,
  SSMClient,
} from '@aws-sdk/client-ssm';
import commandEvent from '../fixtures/aws/command-status-change.json';
import invocationEvent from '../fixtures/aws/command-invocation-status-change.json';
import snsInvocation from '../fixtures/aws/sns-invocation.json';
import { auditAssociationArchive, auditAutomationArchive, auditMaintenanceWindowArchive, auditRunCommandArchive } from '../../bench/archive-audit';
import { DataDirInUseError, PortInUseError, startLocalMode, type LocalMode, type LocalModeOptions } from '../../local/local-mode';
import type { CommandSpec } from '../../local/ssm-simulator';
import { parseTimeline } from '../../lambdas/store/record-store';
import { snsEnvelope } from '../support/messages';
import { ssmClient, withoutMetadata } from '../ssm-simulator/sdk-client';
import { archiveOf, eventually, postEvent, recordingLog, request, tempDataDir } from './support';

/**
 * Local mode in-process, on a free port and a temp data dir, with the SSM simulator as its
 * source (an empty environment: no AWS credentials, whatever the machine has).
 */
const logger = recordingLog();
const options = (dataDir: string, extra: Partial<LocalModeOptions> = {}): LocalModeOptions => ({
  port: 0,
  dataDir,
  // No pollers here: these tests compare exactly what their own events stored (see the pollers' own test).
  pollIntervalMs: 0,
  env: {},
  logger,
  commandIntervalMs: 0,
  ...extra,
});

const run = promisify(execFile);
const SAMPLE_COMMAND_ID = 'e8d3c0e4-71f7-4491-898f-c9b35bee5f3b';

describe('local mode with the SSM simulator', () => {
  let dataDir: Awaited<ReturnType<typeof tempDataDir>>;
  let mode: LocalMode;
  let archive: ReturnType<typeof archiveOf>;

  beforeAll(async () => {
    dataDir = await tempDataDir();
    mode = await startLocalMode(options(dataDir.path));
    archive = archiveOf(mode);
  });
  afterAll(async () => {
    archive.close();
    await mode.stop();
    await dataDir.remove();
  });

  it('starts on 127.0.0.1 with the seeded day already in the archive, exactly as the simulator serves it', async () => {
    expect(mode.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(mode.ssm.source).toBe('simulator');
    expect(mode.database).toMatchObject({ description: 'dynalite (embedded)', path: join(dataDir.path, 'dynalite') });
    expect(mode.seed).toMatchObject({ collectedNow: true });
    expect(mode.seed?.commands).toBeGreaterThanOrEqual(10);
    // A day of activity: commands over the past 24 hours, fan-outs with failures and long outputs.
    const truth = mode.simulator?.truth();
    if (!truth) throw new Error('no simulator');
    const requested = truth.commands.map((command) => (command.RequestedDateTime as Date).getTime());
    expect(Math.max(...requested) - Math.min(...requested)).toBeGreaterThan(20 * 3_600_000);
    expect(Math.min(...requested)).toBeGreaterThan(Date.now() - 24 * 3_600_000);
    expect(truth.invocations.some((invocation) => invocation.Status === 'Failed')).toBe(true);
    expect(truth.pluginOutputs.some((output) => output.stdout.length > 2500)).toBe(true);

    const audit = await auditRunCommandArchive(archive.store, truth);
    expect(audit.differences).toEqual([]);
    expect(audit).toMatchObject({ matches: true, commands: truth.commands.length, invocations: truth.invocations.length });
    expect(audit.fullOutputs).toBeGreaterThan(0);
  });

  it('has the seeded day of runbooks and associations in the archive too, exactly as the simulator serves them', async () => {
    const truth = mode.simulator?.truth();
    if (!truth) throw new Error('no simulator');
    // Runbooks over the day, one a child of another, some failing; associations on the fleet's own nodes.
    expect(mode.seed?.automations).toBe(truth.automations.length);
    expect(truth.automations.some(({ execution }) => execution.ParentAutomationExecutionId !== undefined)).toBe(true);
    expect(truth.automations.some(({ execution }) => execution.AutomationExecutionStatus === 'Failed')).toBe(true);
    const associations = truth.associations ?? [];
    expect(mode.seed?.associationExecutions).toBe(associations.reduce((sum, { executions }) => sum + executions.length, 0));
    const nodes = new Set(truth.invocations.map((invocation) => invocation.InstanceId));
    const targets = associations.flatMap(({ executions }) => executions.flatMap(({ targets: list }) => list));
    expect(targets.length).toBeGreaterThan(0);
    expect(targets.every((target) => nodes.has(target.ResourceId))).toBe(true);
    expect(targets.some((target) => target.Status === 'Failed')).toBe(true);

    const automation = await auditAutomationArchive(archive.store, truth);
    expect(automation.differences).toEqual([]);
    expect(automation.records).toBeGreaterThan(truth.automations.length);
    const association = await auditAssociationArchive(archive.store, truth);
    expect(association.differences).toEqual([]);
    expect(association.records).toBeGreaterThan(targets.length);
  });

  it('has the seeded day of maintenance windows in the archive, every execution, task and invocation as the simulator serves them', async () => {
    const truth = mode.simulator?.truth();
    if (!truth) throw new Error('no simulator');
    const windows = truth.maintenanceWindows ?? [];
    const executions = windows.flatMap((window) => window.executions);
    expect(mode.seed?.windowExecutions).toBe(executions.length);
    expect(executions.some(({ execution }) => execution.Status === 'FAILED')).toBe(true);
    expect(executions.some(({ execution }) => execution.Status === 'SUCCESS')).toBe(true);
    const audit = await auditMaintenanceWindowArchive(archive.store, truth);
    expect(audit.differences).toEqual([]);
    expect(audit.records).toBeGreaterThan(executions.length * 2);
  });

  it("POST /events stores AWS's sample EventBridge events and answers 202 with what was stored", async () => {
    const invocation = await postEvent(mode.url, invocationEvent);
    expect(invocation.status).toBe(202);
    expect(invocation.body).toMatchObject({ kind: 'run-command', parentId: SAMPLE_COMMAND_ID, producer: 'event' });
    expect(invocation.body.stored).toEqual([
      { table: 'commandInvocations', key: { CommandId: SAMPLE_COMMAND_ID, InstanceId: 'i-9bb89e2b' }, status: 'Success', outcome: 'written' },
    ]);

    // A finished command asks SSM for the command; the simulator never heard of this 2016 one,
    // so what the event said is what the archive keeps.
    const command = await postEvent(mode.url, commandEvent);
    expect(command.status).toBe(202);
    expect(command.body.stored).toEqual([{ table: 'commands', key: { CommandId: SAMPLE_COMMAND_ID }, status: 'Success', outcome: 'written' }]);

    expect(await archive.store.get('commands', { CommandId: SAMPLE_COMMAND_ID })).toMatchObject({
      Status: 'Success',
      DocumentName: 'AWS-RunPowerShellScript',
      lastProducer: 'event',
    });
    expect(await archive.store.get('commandInvocations', { CommandId: SAMPLE_COMMAND_ID, InstanceId: 'i-9bb89e2b' })).toMatchObject({ Status: 'Success' });

    // The same event again: accepted, and the archive keeps what it has.
    const again = await postEvent(mode.url, invocationEvent);
    expect(again.body.stored).toEqual([expect.objectContaining({ outcome: 'stale' })]);
  });

  it('POST /events takes an SNS envelope (Run Command notification) as an SQS subscription would receive it', async () => {
    const response = await postEvent(mode.url, snsEnvelope(snsInvocation));
    expect(response.status).toBe(202);
    expect(response.body).toMatchObject({ producer: 'notification', parentId: snsInvocation.commandId });
    expect(response.body.stored).toEqual([
      {
        table: 'commandInvocations',
        key: { CommandId: snsInvocation.commandId, InstanceId: snsInvocation.instanceId },
        status: 'InProgress',
        outcome: 'written',
      },
    ]);
    expect(
      await archive.store.get('commandInvocations', { CommandId: snsInvocation.commandId, InstanceId: snsInvocation.instanceId }),
    ).toMatchObject({ Status: 'InProgress', lastProducer: 'notification' });
  });

  it("serves the query API's views from the archive: the timeline and one node's history", async () => {
    const page = await request(`${mode.url}/executions?limit=5`);
    expect(page.status).toBe(200);
    const items = page.body.items as Record<string, unknown>[];
    expect(items).toHaveLength(5);
    expect(typeof page.body.nextToken).toBe('string');
    const times = items.map((item) => String(item.time));
    expect([...times].sort().reverse()).toEqual(times);

    const node = mode.simulator?.fleet[0];
    if (!node) throw new Error('no fleet');
    const history = await request(`${mode.url}/instances/${node.instanceId}/history`);
    expect(history.status).toBe(200);
    const runs = history.body.items as Record<string, unknown>[];
    expect(runs.length).toBeGreaterThanOrEqual(3);
    expect(new Set(runs.map((run) => run.instanceId))).toEqual(new Set([node.instanceId]));
  });

  it('follows lineage both ways: a window task, an association target and an Automation step each to their command and back', async () => {
    const first = async (query: string): Promise<Record<string, unknown>> => {
      const page = await request(`${mode.url}/executions?${query}&limit=1`);
      const [item] = page.body.items as Record<string, unknown>[];
      if (item === undefined) throw new Error(`local mode's day has no ${query}`);
      return item;
    };
    const detail = async (id: unknown): Promise<{ started: { kind: string; id: string }[]; startedBy: { kind: string; id: string }[] }> => {
      const response = await request(`${mode.url}/executions/${String(id)}`);
      expect(response.status).toBe(200);
      return response.body as unknown as { started: { kind: string; id: string }[]; startedBy: { kind: string; id: string }[] };
    };
    const parents: [string, string, string][] = [
      ['kind=maintenance-window-execution', 'windowExecutionId', 'maintenance-window-task-invocation'],
      ['kind=association-execution', 'executionId', 'association-target'],
    ];
    for (const [query, idField, starterKind] of parents) {
      const parentId = (await first(query))[idField];
      const [command] = (await detail(parentId)).started.filter((link) => link.kind === 'command');
      expect({ query, command: command?.kind }).toEqual({ query, command: 'command' });
      expect((await detail(command?.id)).startedBy).toEqual([expect.objectContaining({ kind: starterKind, id: parentId })]);
    }
    // The day's runbooks: at least one ran an aws:runCommand step.
    const runbooks = (await request(`${mode.url}/executions?kind=automation-execution&limit=100`)).body.items as Record<string, unknown>[];
    const started = await Promise.all(runbooks.map(async (runbook) => ({ id: runbook.automationExecutionId, links: (await detail(runbook.automationExecutionId)).started })));
    const withCommand = started.find(({ links }) => links.some((link) => link.kind === 'command'));
    const stepCommand = withCommand?.links.find((link) => link.kind === 'command');
    expect((await detail(stepCommand?.id)).startedBy).toEqual([expect.objectContaining({ kind: 'automation-step', id: withCommand?.id })]);
  });

  it("answers the AWS SDK's SSMClient with exactly what the simulator serves, command by command", async () => {
    const truth = mode.simulator?.truth();
    const simulatorEndpoint = mode.ssm.endpoint;
    if (!truth || !simulatorEndpoint) throw new Error('no simulator');
    const local = ssmClient(mode.url);
    const ssm = ssmClient(simulatorEndpoint);
    const invocations = async (client: SSMClient, CommandId: string) => {
      const all: unknown[] = [];
      for await (const page of paginateListCommandInvocations({ client, pageSize: 7 }, { CommandId, Details: true })) {
        all.push(...(page.CommandInvocations ?? []));
      }
      return all;
    };
    try {
      for (const command of truth.commands) {
        const id = command.CommandId as string;
        const [fromArchive, fromSsm] = await Promise.all([invocations(local, id), invocations(ssm, id)]);
        expect(fromArchive).toEqual(fromSsm);
        const [archived, served] = await Promise.all([
          local.send(new ListCommandsCommand({ CommandId: id })),
          ssm.send(new ListCommandsCommand({ CommandId: id })),
        ]);
        expect(withoutMetadata(archived)).toEqual(withoutMetadata(served));
      }
      const cut = truth.pluginOutputs.find((output) => output.stdout.length > 2500);
      if (!cut) throw new Error('no long output in the seeded day');
      const input = { CommandId: cut.commandId, InstanceId: cut.instanceId, PluginName: cut.pluginName };
      const [archived, served] = await Promise.all([
        local.send(new GetCommandInvocationCommand(input)),
        ssm.send(new GetCommandInvocationCommand(input)),
      ]);
      expect(withoutMetadata(archived)).toEqual(withoutMetadata(served));
    } finally {
      local.destroy();
      ssm.destroy();
    }
  });

  it('answers `aws ssm list-command-invocations --endpoint-url <local mode> --details`, as the banner suggests', async () => {
    const { stdout } = await run('aws', ['ssm', 'list-command-invocations', '--endpoint-url', mode.url, '--details', '--output', 'json'], {
      env: {
        ...process.env,
        AWS_ACCESS_KEY_ID: 'local',
        AWS_SECRET_ACCESS_KEY: 'local',
        AWS_DEFAULT_REGION: 'us-east-1',
        AWS_CONFIG_FILE: '/nonexistent',
        AWS_SHARED_CREDENTIALS_FILE: '/nonexistent',
        AWS_PAGER: '',
      },
      maxBuffer: 64 * 1024 * 1024,
    });
    const listed = (JSON.parse(stdout) as { CommandInvocations: { CommandId: string; InstanceId: string; CommandPlugins: unknown[] }[] }).CommandInvocations;
    const keys = new Set(listed.map((invocation) => `${invocation.CommandId}/${invocation.InstanceId}`));
    const seeded = mode.simulator?.truth().invocations ?? [];
    expect(seeded.length).toBeGreaterThan(0);
    for (const invocation of seeded) expect(keys).toContain(`${invocation.CommandId}/${invocation.InstanceId}`);
    // With --details, each collected invocation comes with its plugins and their output.
    const seededIds = new Set(seeded.map((invocation) => invocation.CommandId));
    const details = listed.filter((invocation) => seededIds.has(invocation.CommandId));
    expect(details.every((invocation) => invocation.CommandPlugins.length > 0)).toBe(true);
  });

  it.each([
    ['not JSON', '{"detail-type": ', /message body is not JSON/],
    ['an array', '[]', /not a JSON object/],
    ['neither an event nor a notification', '{"hello": "world"}', /neither an EventBridge event nor an SNS notification/],
    ['an event from another source', { ...invocationEvent, source: 'aws.ec2' }, /event source is not aws.ssm: aws.ec2/],
    ['an event with a bad command id', { ...invocationEvent, detail: { ...invocationEvent.detail, 'command-id': 'abc' } }, /is not a command id \(a UUID\): "abc"/],
    ['an SNS envelope whose Message is not JSON', { Type: 'Notification', Message: 'hello' }, /SNS notification Message is not JSON/],
    ['an SNS subscription confirmation', { Type: 'SubscriptionConfirmation', Message: '{}' }, /neither/],
    ['an empty body', '', /message body is not JSON/],
  ])('POST /events with %s is a 400 with the collector\'s reason', async (_what, body, reason) => {
    const response = await postEvent(mode.url, body);
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ error: 'MalformedMessage', message: expect.stringMatching(reason) });
  });

  it('answers other methods on /events with 405, and keeps serving after bad requests', async () => {
    const get = await request(`${mode.url}/events`);
    expect(get.status).toBe(405);
    const tooLarge = await postEvent(mode.url, 'x'.repeat(300 * 1024));
    expect(tooLarge.status).toBe(413);
    expect((await postEvent(mode.url, invocationEvent)).status).toBe(202);
  });

  it('accepts an event about a command SSM does not show yet, and says the collector will retry it', async () => {
    const unknown = randomUUID();
    const response = await postEvent(mode.url, {
      ...commandEvent,
      time: new Date().toISOString(),
      detail: { ...commandEvent.detail, 'command-id': unknown },
    });
    expect(response.status).toBe(202);
    expect(response.body).toMatchObject({ parentId: unknown, stored: [], retrying: true, reason: expect.stringContaining(`does not know command ${unknown}`) });
  });

  it("delivers a live command's events to the collector as it plays out on the real clock", async () => {
    const simulator = mode.simulator;
    if (!simulator) throw new Error('no simulator');
    const nodes = simulator.fleet.slice(0, 3);
    const spec: CommandSpec = {
      documentName: 'AWS-RunShellScript',
      parameters: { commands: ['uptime'] },
      plugins: [{ name: 'aws:runShellScript' }],
      invocations: nodes.map((node, index) => ({
        instanceId: node.instanceId,
        instanceName: node.name,
        startAtMs: 100 + 50 * index,
        durationMs: 300,
        outcome: index === 2 ? 'Failed' : 'Success',
        plugins: [{ name: 'aws:runShellScript', stdout: ' 10:00:00 up 3 days,  load average: 0.01\n', ...(index === 2 ? { stderr: 'oops' } : {}) }],
      })),
    };
    const commandId = simulator.sendCommand(spec);

    // Pending right away (the events of SendCommand), then the command's final status.
    const final = await eventually('the command to finish in the archive', async () => {
      const item = await archive.store.get('commands', { CommandId: commandId });
      return item?.Status === 'Failed' ? item : undefined;
    });
    expect(final).toMatchObject({ DocumentName: 'AWS-RunShellScript', TargetCount: 3 });
    const failed = await archive.store.get('commandInvocations', { CommandId: commandId, InstanceId: nodes[2]?.instanceId ?? '' });
    expect(failed).toMatchObject({ Status: 'Failed' });
    expect(parseTimeline(failed?.statusTimeline as ReadonlySet<string>).map((entry) => entry.status)).toEqual(['Pending', 'InProgress', 'Failed']);
    const audit = await auditRunCommandArchive(archive.store, simulator.truth());
    expect(audit.differences).toEqual([]);
  });

  it("delivers live Automation executions' events to the collector, and lists them in /executions?kind=automation-execution", async () => {
    const simulator = mode.simulator;
    if (!simulator) throw new Error('no simulator');
    const scripted = simulator.startAutomation({ documentName: 'AWS-RestartEC2Instance', steps: 3, stepDurationMs: 200, failAtStep: 1 });
    const live = simulator.sendLiveAutomation();
    type Item = { automationExecutionId?: string; status?: string; documentName?: string; kind?: string };
    const listed = await eventually(
      'the scripted execution to finish in the archive, and the live one to be there',
      async () => {
        const { status, body } = await request(`${mode.url}/executions?kind=automation-execution`);
        expect(status).toBe(200);
        const items = body['items'] as Item[];
        const mine = items.filter((item) => item.automationExecutionId === scripted || item.automationExecutionId === live);
        return mine.length === 2 && mine.some((item) => item.automationExecutionId === scripted && item.status === 'Failed') ? items : undefined;
      },
      30_000,
    );
    expect(listed.find((item) => item.automationExecutionId === scripted)).toMatchObject({ kind: 'automation-execution', status: 'Failed', documentName: 'AWS-RestartEC2Instance' });
    const steps = await request(`${mode.url}/executions?kind=automation-step&limit=100`);
    const ofScripted = (steps.body['items'] as { automationExecutionId?: string; stepName?: string; status?: string }[]).filter((item) => item.automationExecutionId === scripted);
    expect(ofScripted.map((item) => [item.stepName, item.status])).toEqual([['step1', 'Success'], ['step2', 'Failed'], ['step3', 'Pending']]);
  });

  it('refuses a port that is taken, and cleans up after itself', async () => {
    const other = await tempDataDir();
    try {
      const port = Number(new URL(mode.url).port);
      await expect(startLocalMode(options(other.path, { port }))).rejects.toBeInstanceOf(PortInUseError);
    } finally {
      await other.remove();
    }
  });

  it('refuses a data dir that another local mode is using, and leaves that one running', async () => {
    await expect(startLocalMode(options(dataDir.path, { port: 0 }))).rejects.toBeInstanceOf(DataDirInUseError);
    expect((await request(`${mode.url}/executions?limit=1`)).status).toBe(200);
  });

  it('keeps its archive across a restart on the same data dir, without collecting the seeded day again', async () => {
    const stateFile = join(dataDir.path, 'local-mode.json');
    const stateBefore = JSON.parse(await readFile(stateFile, 'utf8')) as Record<string, unknown>;
    const truthBefore = mode.simulator?.truth();
    // A live command that cannot have finished yet (no node starts within 200 ms): it is
    // remembered at the stop, and played on to its end by the next start.
    const firstPage = await request(`${mode.url}/executions?limit=3`);
    const token = String(firstPage.body.nextToken);
    const running = mode.simulator?.sendLiveCommand() ?? '';
    archive.close();
    await mode.stop();
    await mode.stop(); // idempotent
    expect(JSON.parse(await readFile(stateFile, 'utf8'))).toMatchObject({ ...stateBefore, resume: [expect.objectContaining({ seed: expect.any(Number) })] });

    // As if a killed process had left its lock behind: taken over.
    await writeFile(join(dataDir.path, 'local-mode.lock'), '999999999\n');
    mode = await startLocalMode(options(dataDir.path));
    archive = archiveOf(mode);
    expect(mode.seed).toMatchObject({ collectedNow: false, resumedCommands: 1 });
    const stateAfter = JSON.parse(await readFile(stateFile, 'utf8')) as Record<string, unknown>;
    expect(stateAfter).toEqual(stateBefore);

    // A page token handed out before the restart still works (its key is kept in the data dir).
    const nextPage = await request(`${mode.url}/executions?limit=3&nextToken=${encodeURIComponent(token)}`);
    expect(nextPage.status).toBe(200);
    expect(nextPage.body.items).toHaveLength(3);

    // What came through POST /events is still there.
    expect(await archive.store.get('commands', { CommandId: SAMPLE_COMMAND_ID })).toMatchObject({ Status: 'Success' });
    // The simulator rebuilt the same day (same ids, times and outcomes) and the running command.
    const truthAfter = mode.simulator?.truth();
    if (truthAfter === undefined) throw new Error('local mode runs the SSM simulator');
    const ids = (commands: readonly { CommandId?: string }[]) => commands.map((command) => command.CommandId);
    expect(ids(truthAfter.commands)).toContain(running);
    const seeded = { ...truthAfter, commands: truthAfter.commands.filter((command) => command.CommandId !== running) };
    seeded.invocations = truthAfter.invocations.filter((invocation) => invocation.CommandId !== running);
    seeded.pluginOutputs = truthAfter.pluginOutputs.filter((output) => output.commandId !== running);
    expect(ids(truthBefore?.commands ?? [])).toEqual(expect.arrayContaining(ids(seeded.commands)));
    const audit = await auditRunCommandArchive(archive.store, seeded);
    expect(audit.differences).toEqual([]);
    // The day's own commands, and those its windows, associations and runbooks ran through Run Command.
    expect(audit.commands).toBe(seeded.commands.length);
    expect(audit.commands).toBeGreaterThan(mode.seed?.commands ?? 0);
    expect(await archive.store.get('commands', { CommandId: running })).toBeDefined();

    // Nothing went wrong along the way that only the log knows about.
    expect(logger.entries.filter((entry) => entry.level === 'error' && entry.message !== 'Message dead-lettered')).toEqual([]);
  });
});
