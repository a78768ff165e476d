import { fleetCommand, SsmSimulator, VirtualClock } from '../../local/ssm-simulator';

export const T0 = new Date('2024-06-03T09:00:00.000Z');
export const MINUTE = 60_000;

export interface Fixture {
  sim: SsmSimulator;
  /** Five nodes, one per outcome kind, requested at T0. */
  mixed: string;
  /** Two plugins per node, requested at T0 + 10 min; one node prints 30,000 characters. */
  twoStep: string;
  /** 110 nodes from fleetCommand, requested at T0 + 20 min. */
  fleet: string;
  /** Still running when the fixture is returned: one node InProgress, one Pending. */
  running: string;
}

/** 119 invocations over four commands, the newest one still running. */
export function buildFixture(): Fixture {
  const sim = new SsmSimulator({ clock: new VirtualClock(T0), seed: 42 });
  const mixed = sim.sendCommand({
    documentName: 'AWS-RunShellScript',
    comment: 'mixed outcomes',
    parameters: { commands: ['uptime'] },
    plugins: [{ name: 'aws:runShellScript' }],
    invocations: [
      { instanceId: 'i-0aaaaaaaaaaaaaaa1', plugins: [{ name: 'aws:runShellScript', stdout: 'up 3 days\n' }] },
      {
        instanceId: 'i-0aaaaaaaaaaaaaaa2',
        outcome: 'Failed',
        plugins: [{ name: 'aws:runShellScript', stdout: 'partial', stderr: 'boom', responseCode: 2 }],
      },
      { instanceId: 'i-0aaaaaaaaaaaaaaa3', outcome: 'DeliveryTimedOut', delayedAtMs: 5000, startAtMs: MINUTE },
      { instanceId: 'i-0aaaaaaaaaaaaaaa4', outcome: 'Undeliverable' },
      { instanceId: 'i-0aaaaaaaaaaaaaaa5', outcome: 'ExecutionTimedOut', durationMs: 2 * MINUTE },
    ],
  });
  sim.advanceBy(10 * MINUTE);
  const twoStep = sim.sendCommand({
    documentName: 'Custom-TwoStep',
    outputS3BucketName: 'archive-bucket',
    outputS3KeyPrefix: 'runs',
    plugins: [{ name: 'install' }, { name: 'verify' }],
    invocations: [
      { instanceId: 'i-0bbbbbbbbbbbbbbb1', plugins: [{ name: 'install', stdout: 'x'.repeat(30_000) }, { name: 'verify', stdout: 'ok\n' }] },
      { instanceId: 'i-0bbbbbbbbbbbbbbb2', outcome: 'Failed', plugins: [{ name: 'install', stdout: 'done' }, { name: 'verify', stderr: 'e'.repeat(9000) }] },
    ],
  });
  sim.advanceBy(10 * MINUTE);
  const fleet = sim.sendCommand(fleetCommand({ nodes: 110, seed: 11, failureRate: 0.2, longOutputRate: 0.05 }));
  sim.runToCompletion();
  sim.advanceBy(MINUTE);
  const running = sim.sendCommand({
    documentName: 'AWS-RunPowerShellScript',
    invocations: [
      { instanceId: 'i-0ccccccccccccccc1', startAtMs: 1000, durationMs: 10 * MINUTE },
      { instanceId: 'i-0ccccccccccccccc2', startAtMs: 5 * MINUTE },
    ],
  });
  sim.advanceBy(2000);
  return { sim, mixed, twoStep, fleet, running };
}
