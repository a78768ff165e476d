import { auditSessionArchive } from '../../bench/archive-audit';
import { Collector } from '../../lambdas/collector/collector';
import { historySources } from '../../lambdas/sources';
import { sessionFromItem } from '../../lambdas/sources/session/records';
import { RecordStore } from '../../lambdas/store/record-store';
import { SsmSimulator, VirtualClock } from '../../local/ssm-simulator';
import { startDynalite, type TestDatabase } from '../support/databases';
import { silentLog } from '../support/silent-log';
import { ssmClient } from '../ssm-simulator/sdk-client';
import { tableSchemas } from '../../lambdas/sources/tables';

/**
 * Sessions collected from CloudTrail's calls as they happen: each StartSession and
 * TerminateSession costs one DescribeSessions, and what SSM read is what the archive keeps. A
 * session that ends without a call (idle timeout, a broken connection) stays as SSM last
 * showed it until a poll lists it: the events cannot tell.
 */
const START = new Date('2024-06-11T09:00:00.000Z');
const MINUTE = 60_000;

describe('collecting Session Manager sessions from their calls', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await startDynalite();
  });
  afterAll(async () => {
    await database.stop();
  });

  it('archives each session as SSM shows it, one DescribeSessions per call, and leaves a timed-out one Connected for the poller', async () => {
    const sim = new SsmSimulator({ clock: new VirtualClock(START), seed: 5 });
    const { endpoint } = await sim.listen();
    const ssm = ssmClient(endpoint, 1);
    const store = new RecordStore(database.doc, tableSchemas, await database.tables('sc'));
    const collector = new Collector({ sources: historySources, clients: { ssm }, store, logger: silentLog, parentConcurrency: 4, now: () => sim.now() });
    const deliver = async (): Promise<void> => {
      const bodies = sim.events.map((event) => event.body);
      sim.clearEvents();
      const { failedMessageIds } = await collector.collect(bodies.map((body, i) => ({ id: `m${i}`, body })));
      expect(failedMessageIds).toEqual([]);
    };
    try {
      const closed = sim.startSession({ target: 'i-0aaaaaaaaaaaaaaa1', reason: 'check disk usage', durationMs: 5 * MINUTE });
      const idle = sim.startSession({ target: 'i-0aaaaaaaaaaaaaaa2', durationMs: 20 * MINUTE, end: 'timeout' });
      sim.advanceBy(2_000);
      sim.resetStats();
      await deliver();
      // Two StartSession calls, each read once under Active, where a running session is.
      expect(sim.stats().DescribeSessions?.calls).toBe(2);
      const statusOf = async (id: string) => sessionFromItem((await store.get('sessions', { SessionId: id })) ?? {}).Status;
      expect([await statusOf(closed), await statusOf(idle)]).toEqual(['Connected', 'Connected']);

      sim.advanceBy(30 * MINUTE);
      sim.resetStats();
      await deliver();
      // One TerminateSession call: History first, where an ended session is.
      expect(sim.stats().DescribeSessions?.calls).toBe(1);
      expect([await statusOf(closed), await statusOf(idle)]).toEqual(['Terminated', 'Connected']);
      const truth = sim.truth();
      const audit = await auditSessionArchive(store, { ...truth, sessions: truth.sessions?.filter((session) => session.SessionId === closed) });
      expect(audit).toEqual({ matches: true, records: 1, differences: [] });
    } finally {
      ssm.destroy();
      await sim.close();
    }
  });
});
