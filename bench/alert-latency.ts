import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLocalMode } from '../local/local-mode';
import type { Log } from '../lambdas/log';
import { percentile } from './percentile';

export interface AlertLatencyFigures {
  readonly commands: number;
  /** Failed invocations sent: each should raise one alert. */
  readonly expected: number;
  readonly alerted: number;
  /** Failed invocations alerted more than once (should be 0). */
  readonly duplicated: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  readonly seconds: number;
}

const silent: Log = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Alert latency in local mode, as a newcomer runs it: the simulator plays live commands on
 * the real clock, some nodes fail, and SSM's events go through the work queue to the
 * collector, which archives the failure and publishes its alert. Latency per alert: from the
 * failure (the failed plugin's ResponseFinishDateTime, when the simulator emits its event) to
 * the alert published (LocalAlertLog's publishedAt).
 */
export async function benchAlertLatency(commands = 60, nodesPerCommand = 5, spacingMs = 100): Promise<AlertLatencyFigures> {
  const dataDir = await mkdtemp(join(tmpdir(), 'ssm-history-bench-alerts-'));
  // One account: the path measured is the same for any account, and the members' seeded hour,
  // collected in the background after startup, would land on the first live failures.
  const mode = await startLocalMode({
    port: 0,
    dataDir,
    pollIntervalMs: 0,
    env: {},
    logger: silent,
    commandIntervalMs: 0,
    printAlert: () => undefined,
    organization: { accounts: 1, regions: ['us-east-1'] },
  });
  try {
    const simulator = mode.simulator;
    if (simulator === undefined) throw new Error('local mode did not start the simulator');
    const fleet = simulator.fleet;
    const expected = new Set<string>();
    const started = performance.now();
    for (let c = 0; c < commands; c++) {
      const nodes = Array.from({ length: nodesPerCommand }, (_, n) => fleet[(c * nodesPerCommand + n) % fleet.length]);
      const failing = new Set([c % nodesPerCommand, (c + 2) % nodesPerCommand]);
      const commandId = simulator.sendCommand({
        documentName: 'AWS-RunShellScript',
        parameters: { commands: ['./deploy.sh'] },
        invocations: nodes.map((node, n) => ({
          instanceId: node?.instanceId ?? '',
          instanceName: node?.name ?? '',
          startAtMs: 20 + ((c * 37 + n * 11) % 150),
          durationMs: 100 + ((c * 53 + n * 29) % 300),
          outcome: failing.has(n) ? 'Failed' : 'Success',
          plugins: [{ name: 'aws:runShellScript', stdout: 'deploying\n', ...(failing.has(n) ? { stderr: `deploy failed on ${node?.name ?? ''}` } : {}) }],
        })),
      });
      for (const n of failing) expected.add(`${commandId} ${nodes[n]?.instanceId ?? ''}`);
      await sleep(spacingMs);
    }
    const mine = () => mode.alerts.list().filter((alert) => expected.has(`${alert.commandId ?? ''} ${alert.instanceId ?? ''}`));
    const deadline = Date.now() + 120_000;
    while (new Set(mine().map((alert) => `${alert.commandId ?? ''} ${alert.instanceId ?? ''}`)).size < expected.size && Date.now() < deadline) await sleep(50);
    const seconds = (performance.now() - started) / 1000;
    const alerts = mine();
    const perFailure = new Map<string, number>();
    for (const alert of alerts) {
      const id = `${alert.commandId ?? ''} ${alert.instanceId ?? ''}`;
      perFailure.set(id, (perFailure.get(id) ?? 0) + 1);
    }
    const latencies = alerts
      .map((alert) => Date.parse(alert.publishedAt) - Date.parse(alert.times.ended ?? ''))
      .filter((ms) => Number.isFinite(ms))
      .sort((a, b) => a - b);
    return {
      commands,
      expected: expected.size,
      alerted: perFailure.size,
      duplicated: [...perFailure.values()].filter((count) => count > 1).length,
      p50Ms: percentile(latencies, 50),
      p99Ms: percentile(latencies, 99),
      maxMs: latencies.at(-1) ?? Number.NaN,
      seconds,
    };
  } finally {
    await mode.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}
