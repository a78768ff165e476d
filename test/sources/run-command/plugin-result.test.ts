import { SsmSimulator, VirtualClock, fleetCommand } from '../../../local/ssm-simulator';
import { rebuiltResult, splitListedOutput } from '../../../lambdas/sources/run-command/plugin-result';
import { ERROR_TITLE, isListedOutputCut } from '../../../lambdas/sources/run-command/output-limits';

/**
 * GetCommandInvocation rebuilt from a listed plugin must be exactly SSM's answer (the
 * simulator's) whenever the listing holds the whole output: pending, running (elapsed time
 * up to now), finished, never started, with and without stderr and S3 URLs.
 */
describe('rebuiltResult', () => {
  it('equals SSM\'s answer for every plugin not cut short, at every stage of a run', () => {
    const sim = new SsmSimulator({ clock: new VirtualClock(new Date('2024-06-03T09:00:00.000Z')), seed: 3 });
    sim.sendCommand(fleetCommand({ nodes: 60, seed: 5, plugins: 2, failureRate: 0.4, longOutputRate: 0.1, outputS3BucketName: 'logs', spreadMs: 20_000, timeoutSeconds: 60 }));
    sim.sendCommand(fleetCommand({ nodes: 30, seed: 6, failureRate: 0.3, spreadMs: 20_000, timeoutSeconds: 60 }));
    const seen = new Set<string>();
    let compared = 0;
    for (let step = 0; step < 12; step++) {
      sim.advanceBy(step === 0 ? 0 : 9_000);
      const truth = sim.truth();
      for (const invocation of truth.invocations) {
        for (const plugin of invocation.CommandPlugins ?? []) {
          if (isListedOutputCut(plugin.Output)) continue;
          const expected = truth.pluginOutputs.find((o) => o.commandId === invocation.CommandId && o.instanceId === invocation.InstanceId && o.pluginName === plugin.Name);
          expect(rebuiltResult(invocation, plugin, sim.now())).toEqual(expected?.invocation);
          seen.add(`${plugin.Status}/${plugin.ResponseStartDateTime ? 'started' : 'not started'}/${plugin.Output?.includes(ERROR_TITLE) ? 'stderr' : 'stdout only'}`);
          compared++;
        }
      }
    }
    expect(compared).toBeGreaterThan(1000);
    for (const state of ['Pending/not started', 'InProgress/started', 'Success/started', 'Failed/started', 'Failed/not started', 'TimedOut/not started']) {
      expect([...seen].some((s) => s.startsWith(state))).toBe(true);
    }
    expect([...seen].some((s) => s.endsWith('/stderr'))).toBe(true);
  });
});

describe('splitListedOutput', () => {
  it('splits at the agent\'s error title, and keeps an output without stderr whole', () => {
    expect(splitListedOutput(`out\n${ERROR_TITLE}err\n`)).toEqual({ stdout: 'out\n', stderr: 'err\n' });
    expect(splitListedOutput('only stdout')).toEqual({ stdout: 'only stdout', stderr: '' });
    expect(splitListedOutput('')).toEqual({ stdout: '', stderr: '' });
  });

  it('cannot tell a stdout that prints the title itself: the first title wins', () => {
    expect(splitListedOutput(`a${ERROR_TITLE}b${ERROR_TITLE}c`)).toEqual({ stdout: 'a', stderr: `b${ERROR_TITLE}c` });
  });
});
