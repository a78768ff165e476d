import { statusInfo, type StatusInfo } from '../../lambdas/core/status';
import { maintenanceWindowStatuses } from '../../lambdas/sources/maintenance-window/statuses';
import { runCommandStatuses } from '../../lambdas/sources/run-command/statuses';
import { maintenanceWindowLifecycle, runCommandLifecycle, type Lifecycle } from '../support/lifecycle';

/**
 * The rank tables against SSM's lifecycles, written out apart from them (test/support/lifecycle.ts):
 * a status further on in the lifecycle ranks strictly higher, statuses of one stage rank
 * alike, and every ended status shares the top rank (SSM never moves from one to another).
 * Automation (statuses it moves between both ways share a rank) and State Manager have their
 * own checks beside their events.
 */
describe.each<[string, Readonly<Record<string, StatusInfo>>, Lifecycle]>([
  ['Run Command', runCommandStatuses, runCommandLifecycle],
  ['Maintenance Windows', maintenanceWindowStatuses, maintenanceWindowLifecycle],
])('%s status ranks', (_kind, table, lifecycle) => {
  const rank = (status: string): number => statusInfo(table, status).rank;

  it('knows exactly the statuses of the lifecycle', () => {
    expect(Object.keys(table).sort()).toEqual(lifecycle.flat().sort());
  });

  it('ranks each stage strictly above the one before it, and a stage’s statuses alike', () => {
    const stageRanks = lifecycle.map((statuses) => {
      const ranks = new Set(statuses.map(rank));
      expect({ statuses, ranks: ranks.size }).toEqual({ statuses, ranks: 1 });
      return [...ranks][0] as number;
    });
    for (let stage = 1; stage < stageRanks.length; stage++) {
      expect(stageRanks[stage]).toBeGreaterThan(stageRanks[stage - 1] as number);
    }
  });

  it('calls only the last stage terminal, and only its statuses successes or failures', () => {
    const last = lifecycle.length - 1;
    lifecycle.forEach((statuses, stage) => {
      for (const status of statuses) {
        const info = statusInfo(table, status);
        expect({ status, terminal: info.terminal }).toEqual({ status, terminal: stage === last });
        expect({ status, running: info.outcome === 'running' }).toEqual({ status, running: stage !== last });
      }
    });
  });

  it('ranks a status SSM may add later with the running ones, below every ended one', () => {
    const unknown = statusInfo(table, 'SomethingNew');
    expect(unknown).toMatchObject({ terminal: false, outcome: 'running' });
    expect(unknown.rank).toBeLessThan(rank(lifecycle[lifecycle.length - 1]?.[0] ?? ''));
  });
});
