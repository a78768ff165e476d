import type { CommandSpec } from '../../local/ssm-simulator';
import { startLocalMode, type LocalMode } from '../../local/local-mode';
import { archiveOf, eventually, recordingLog, request, tempDataDir } from './support';

/**
 * Local mode's pollers, on --poll-interval: what SSM holds reaches the archive even when no
 * event did, and GET /status says what the pollers saw.
 */
describe('local mode pollers', () => {
  let dataDir: Awaited<ReturnType<typeof tempDataDir>>;
  let mode: LocalMode;
  let archive: ReturnType<typeof archiveOf>;
  const logger = recordingLog();

  beforeAll(async () => {
    dataDir = await tempDataDir();
    mode = await startLocalMode({ port: 0, dataDir: dataDir.path, pollIntervalMs: 60 * 60_000, env: {}, logger, commandIntervalMs: 0, organization: { accounts: 1, regions: ['us-east-1'] } });
    archive = archiveOf(mode);
  }, 60_000);
  afterAll(async () => {
    archive.close();
    await mode.stop();
    await dataDir.remove();
  });

  it('backfills at start: every kind is polled once, with progress lines, and the seeded day was all there already', async () => {
    const pollers = mode.pollers;
    if (!pollers) throw new Error('no pollers');
    const results = await pollers.pollNow();
    expect(results.map((result) => result.kind).sort()).toEqual(['association', 'automation', 'maintenance-window', 'run-command', 'session']);
    expect(results.every((result) => result.complete && result.error === undefined)).toBe(true);
    // A progress line per page: kind, parents listed, records stored, throttles, time left.
    const progress = logger.entries.filter((entry) => entry.message === 'Poll progress').map((entry) => entry.attributes ?? {});
    expect(progress.length).toBeGreaterThan(0);
    for (const line of progress) {
      expect(line).toMatchObject({ parentsListed: expect.any(Number) as unknown, recordsStored: expect.any(Number) as unknown, throttles: expect.any(Number) as unknown, timeLeftMs: expect.any(Number) as unknown });
    }
    expect(Math.max(...progress.map((line) => line.recordsStored as number))).toBeGreaterThan(0);
    const status = await request(`${mode.url}/status`);
    const kinds = (status.body as { kinds: { kind: string; watermark?: string; lastSuccessfulPollAt?: string; backfillCompletedAt?: string; oldestRecordSsmReturned?: string; missedByEvents: number }[] }).kinds;
    // The events had brought the whole seeded day: the backfill created nothing.
    expect(kinds.map((kind) => kind.missedByEvents)).toEqual([0, 0, 0, 0, 0]);
    for (const kind of kinds) {
      expect(kind).toMatchObject({ watermark: expect.any(String) as unknown, lastSuccessfulPollAt: expect.any(String) as unknown, backfillCompletedAt: expect.any(String) as unknown });
      // The seeded day began about 24 hours ago: that is the oldest record SSM still held.
      expect(Date.parse(kind.oldestRecordSsmReturned ?? '')).toBeGreaterThan(Date.now() - 25 * 3_600_000);
    }
  });

  it('archives a command whose events never reached the collector at the next poll, and counts it missed by events', async () => {
    const simulator = mode.simulator;
    const pollers = mode.pollers;
    if (!simulator || !pollers) throw new Error('no simulator or pollers');
    simulator.stopLive(); // from now on SSM's events reach nobody
    const node = simulator.fleet[0];
    if (!node) throw new Error('no fleet');
    const spec: CommandSpec = {
      documentName: 'AWS-RunShellScript',
      parameters: { commands: ['uptime'] },
      plugins: [{ name: 'aws:runShellScript' }],
      invocations: [{ instanceId: node.instanceId, instanceName: node.name, startAtMs: 10, durationMs: 50, outcome: 'Failed', plugins: [{ name: 'aws:runShellScript', stderr: 'no route to host' }] }],
    };
    const commandId = simulator.sendCommand(spec);
    await eventually('the command to finish in SSM', () =>
      Promise.resolve(simulator.truth().commands.find((command) => command.CommandId === commandId && command.Status === 'Failed')),
    );
    expect(await archive.store.get('commands', { CommandId: commandId })).toBeUndefined();

    await pollers.pollNow();
    const stored = await eventually('the poller to have it archived', async () => {
      const item = await archive.store.get('commandInvocations', { CommandId: commandId, InstanceId: node.instanceId });
      return item?.Status === 'Failed' ? item : undefined;
    });
    expect(stored).toMatchObject({ lastProducer: 'poll', detailed: true });
    const status = await eventually('GET /status to count it', async () => {
      const body = (await request(`${mode.url}/status`)).body as { kinds: { kind: string; missedByEvents: number }[] };
      const runCommand = body.kinds.find((kind) => kind.kind === 'run-command');
      return runCommand !== undefined && runCommand.missedByEvents >= 2 ? runCommand : undefined;
    });
    // The command and its invocation: two records a poller stored before any event did.
    expect(status.missedByEvents).toBe(2);
  });
});
