import { ListCommandsCommand } from '@aws-sdk/client-ssm';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { SsmSimulator, VirtualClock } from '../../local/ssm-simulator';
import { METRICS_NAMESPACE } from '../../lambdas/operational-metrics';
import { publishPollMetrics } from '../../lambdas/polling/poll-metrics';
import { SsmCallMeter } from '../../lambdas/ssm-call-meter';
import { ssmClient } from '../ssm-simulator/sdk-client';

describe('SSM call meter', () => {
  it('counts every attempt, retries included, and the attempts SSM throttled, then starts over', async () => {
    const sim = new SsmSimulator({ clock: new VirtualClock(new Date('2026-11-20T12:00:00Z')), seed: 3 });
    const { endpoint } = await sim.listen();
    const ssm = ssmClient(endpoint);
    try {
      const meter = new SsmCallMeter(ssm);
      await ssm.send(new ListCommandsCommand({}));
      expect(meter.take()).toEqual({ calls: 1, throttles: 0 });
      // Every call throttled: the SDK's retries are attempts too, each counted.
      sim.setFaults({ throttleRate: 1 });
      await expect(ssm.send(new ListCommandsCommand({}))).rejects.toThrow();
      // The test client makes 3 attempts.
      expect(meter.take()).toEqual({ calls: 3, throttles: 3 });
      sim.setFaults({});
      expect(meter.take()).toEqual({ calls: 0, throttles: 0 });
    } finally {
      ssm.destroy();
      await sim.close();
    }
  });
});

describe('poll metrics', () => {
  it('publishes PollsSucceeded per kind that did not fail (finished or stopped for time), and the run’s SSM counts', () => {
    const lines: string[] = [];
    const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      lines.push(String(chunk));
      return true;
    });
    try {
      publishPollMetrics(
        new Metrics({ namespace: METRICS_NAMESPACE, serviceName: 'ssm-history' }),
        [
          { kind: 'run-command', pages: 2, parentsListed: 3, complete: true, throttles: 0 },
          { kind: 'automation', pages: 9, parentsListed: 900, complete: false, throttles: 1 },
          { kind: 'association', pages: 0, parentsListed: 0, complete: false, throttles: 0, error: 'AccessDeniedException: no' },
        ],
        { calls: 12, throttles: 1 },
      );
    } finally {
      spy.mockRestore();
    }
    const emf = lines.flatMap((line) => line.split('\n')).filter((line) => line.includes('_aws')).map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(emf.filter((entry) => entry.PollsSucceeded === 1).map((entry) => entry.kind)).toEqual(['run-command', 'automation']);
    expect(emf.filter((entry) => entry.kind === undefined)).toEqual([expect.objectContaining({ SsmCalls: 12, SsmThrottles: 1, service: 'ssm-history' })]);
  });
});
