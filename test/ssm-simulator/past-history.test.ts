import { SsmSimulator, VirtualClock } from '../../local/ssm-simulator';

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

  it('a maintenance window that started yesterday has run every execution, with the same ids for the same seed', () => {
    const spec = { windowId: 'mw-0123456789abcdef0', executions: 3, intervalMs: 8 * HOUR, tasks: [{ targets: 2 }], startAt: new Date(NOW.getTime() - 24 * HOUR), seed: 42 };
    sim.createMaintenanceWindow(spec);
    const [truth] = sim.truth().maintenanceWindows ?? [];
    expect(truth?.executions.map(({ execution }) => [execution.Status, execution.StartTime?.toISOString()])).toEqual(
      [2, 1, 0].map((n) => ['SUCCESS', new Date(NOW.getTime() - 24 * HOUR + n * 8 * HOUR).toISOString()]),
    );
    const again = new SsmSimulator({ clock: new VirtualClock(NOW), seed: 99 });
    again.createMaintenanceWindow(spec);
    const ids = (t: typeof truth) => t?.executions.flatMap(({ execution, tasks }) => [execution.WindowExecutionId, ...tasks.flatMap(({ task, invocations }) => [task.TaskExecutionId, ...invocations.map((i) => i.InvocationId)])]);
    expect(ids(again.truth().maintenanceWindows?.[0])).toEqual(ids(truth));
  });

  it('refuses node ids that do not match the target count', () => {
    expect(() => sim.createAssociation({ targets: 3, executions: 1, instanceIds: ['i-0aaaaaaaaaaaaaaa1'] })).toThrow(/one node per target/);
  });
});
