import { SsmSimulator, VirtualClock } from '../../lambdas/local/ssm-simulator';

/**
 * History that happened before the simulator started (local mode's seeded day): an Automation
 * execution or an association given a past start plays out at once, with SSM's times and
 * events as if it had run then.
 */
const NOW = new Date('2026-11-20T12:00:00.000Z');
const HOUR = 3_600_000;

describe('SSM simulator: executions started in the past', () => {
  let sim: SsmSimulator;
  beforeEach(() => {
    sim = new SsmSimulator({ clock: new VirtualClock(NOW), seed: 3 });
  });

  it('an Automation execution started hours ago has finished, at its own times, with its events emitted', () => {
    const startAt = new Date(NOW.getTime() - 5 * HOUR);
    const id = sim.startAutomation({ steps: 3, stepDurationMs: 60_000, failAtStep: 1, startAt });
    const [truth] = sim.truth().automations;
    expect(truth?.execution.AutomationExecutionId).toBe(id);
    expect(truth?.execution.AutomationExecutionStatus).toBe('Failed');
    expect(truth?.execution.ExecutionStartTime).toEqual(startAt);
    expect(truth?.execution.ExecutionEndTime?.getTime()).toBe(startAt.getTime() + 1000 + 2 * 60_000);
    expect(truth?.steps.map((step) => step.StepStatus)).toEqual(['Success', 'Failed', 'Pending']);
    const times = sim.events.map((event) => Date.parse((JSON.parse(event.body) as { time: string }).time));
    expect(times.length).toBeGreaterThan(0);
    expect(Math.max(...times)).toBeLessThan(NOW.getTime());
  });

  it('an association created yesterday has run every execution, on the nodes it names', () => {
    const startAt = new Date(NOW.getTime() - 24 * HOUR);
    const instanceIds = ['i-0aaaaaaaaaaaaaaa1', 'i-0aaaaaaaaaaaaaaa2'];
    sim.createAssociation({ targets: 2, executions: 4, intervalMs: 6 * HOUR, startAt, instanceIds });
    const [truth] = sim.truth().associations ?? [];
    expect(truth?.executions.map(({ execution }) => execution.CreatedTime?.toISOString())).toEqual(
      [3, 2, 1, 0].map((n) => new Date(startAt.getTime() + n * 6 * HOUR).toISOString()),
    );
    expect(truth?.executions.every(({ execution }) => execution.Status === 'Success')).toBe(true);
    expect(truth?.executions.flatMap(({ targets }) => targets.map((target) => target.ResourceId))).toEqual([...instanceIds, ...instanceIds, ...instanceIds, ...instanceIds]);
  });

  it('refuses node ids that do not match the target count', () => {
    expect(() => sim.createAssociation({ targets: 3, executions: 1, instanceIds: ['i-0aaaaaaaaaaaaaaa1'] })).toThrow(/one node per target/);
  });
});
