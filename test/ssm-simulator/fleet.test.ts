import {
  fleetCommand,
  FLEET_PLUGIN,
  FLEET_SECOND_PLUGIN,
  SsmSimulator,
  VirtualClock,
} from '../../local/ssm-simulator';
import { ERROR_TITLE, LISTED_OUTPUT_CAPACITY, isListedOutputCut, STDOUT_CONTENT_LIMIT } from '../../lambdas/sources/run-command/output-limits';
import { T0 } from './fixture';

describe('fleetCommand', () => {
  const spec = fleetCommand({ nodes: 1000, failureRate: 0.05, longOutputRate: 0.01, seed: 2024 });

  it('is reproducible from its seed', () => {
    expect(fleetCommand({ nodes: 1000, failureRate: 0.05, longOutputRate: 0.01, seed: 2024 })).toEqual(spec);
    expect(fleetCommand({ nodes: 1000, seed: 2025 }).invocations[0]?.instanceId).not.toBe(spec.invocations[0]?.instanceId);
  });

  it('targets unique EC2-style instance ids with host names', () => {
    const ids = spec.invocations.map((i) => i.instanceId);
    expect(new Set(ids).size).toBe(1000);
    expect(ids.every((id) => /^i-[0-9a-f]{17}$/.test(id))).toBe(true);
    expect(spec.invocations.every((i) => /\.internal$/.test(i.instanceName ?? ''))).toBe(true);
  });

  it('fails about the asked share, in several ways', () => {
    const failures = spec.invocations.filter((i) => i.outcome !== 'Success');
    expect(failures.length).toBeGreaterThan(25);
    expect(failures.length).toBeLessThan(80);
    const kinds = new Set(failures.map((i) => i.outcome));
    expect(kinds).toEqual(new Set(['Failed', 'ExecutionTimedOut', 'DeliveryTimedOut', 'Undeliverable']));
    const failed = failures.filter((i) => i.outcome === 'Failed');
    expect(failed.every((i) => (i.plugins?.[0]?.responseCode ?? 0) !== 0 && (i.plugins?.[0]?.stderr ?? '') !== '')).toBe(true);
  });

  it('has long outputs past the listing cap and some past the 24,000-character cap', () => {
    const lengths = spec.invocations.map((i) => i.plugins?.[0]?.stdout?.length ?? 0);
    expect(lengths.filter((n) => n > LISTED_OUTPUT_CAPACITY).length).toBeGreaterThanOrEqual(3);
    const veryLong = fleetCommand({ nodes: 200, longOutputRate: 0.2, seed: 8 }).invocations.filter(
      (i) => (i.plugins?.[0]?.stdout?.length ?? 0) > STDOUT_CONTENT_LIMIT,
    );
    expect(veryLong.length).toBeGreaterThan(0);
  });

  it('spreads the run over a few minutes and plays out to the end', () => {
    const sim = new SsmSimulator({ clock: new VirtualClock(T0) });
    sim.sendCommand(fleetCommand({ nodes: 300, seed: 3, longOutputRate: 0.1, failureRate: 0.1 }));
    const end = sim.runToCompletion();
    expect(end.getTime() - T0.getTime()).toBeLessThanOrEqual(15 * 60_000);
    const truth = sim.truth();
    expect(truth.commands[0]).toMatchObject({ TargetCount: 300, CompletedCount: 300, Status: 'Failed' });
    for (const plugin of truth.pluginOutputs) {
      const listed = truth.invocations.find((i) => i.InstanceId === plugin.instanceId)?.CommandPlugins?.[0]?.Output ?? '';
      expect(listed.length).toBeLessThanOrEqual(LISTED_OUTPUT_CAPACITY);
      // The agent keeps both streams whole only below capacity minus the error title.
      const room = LISTED_OUTPUT_CAPACITY - (plugin.stderr === '' ? 0 : ERROR_TITLE.length);
      expect(isListedOutputCut(listed)).toBe(plugin.stdout.length + plugin.stderr.length >= room);
      expect(plugin.invocation.StandardOutputContent).toBe(plugin.stdout.slice(0, STDOUT_CONTENT_LIMIT));
    }
  });

  it('runs two plugins per node when asked', () => {
    const two = fleetCommand({ nodes: 20, plugins: 2, seed: 1 });
    expect(two.plugins?.map((p) => p.name)).toEqual([FLEET_PLUGIN, FLEET_SECOND_PLUGIN]);
    const started = two.invocations.filter((i) => i.plugins !== undefined);
    expect(started.every((i) => i.plugins?.map((p) => p.name).join() === `${FLEET_PLUGIN},${FLEET_SECOND_PLUGIN}`)).toBe(true);
  });
});
