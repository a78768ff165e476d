import { SsmSimulator, VirtualClock } from '../../local/ssm-simulator';

/** The simulator's Session Manager: statuses over time, CloudTrail's calls as events, and SSM's 30 days. */
const START = new Date('2024-06-11T09:00:00.000Z');
const MINUTE = 60_000;

const callsOf = (sim: SsmSimulator): string[] =>
  sim.events.map((event) => {
    const body = JSON.parse(event.body) as { 'detail-type': string; detail: { eventName: string; responseElements: { sessionId: string } } };
    expect(body['detail-type']).toBe('AWS API Call via CloudTrail');
    return `${body.detail.eventName} ${body.detail.responseElements.sessionId}`;
  });

describe('Session Manager in the SSM simulator', () => {
  it('connects a second after StartSession and ends as asked: TerminateSession, a timeout or a failure (only the call is an event)', () => {
    const sim = new SsmSimulator({ clock: new VirtualClock(START), seed: 3 });
    const closed = sim.startSession({ target: 'i-0aaaaaaaaaaaaaaa1', durationMs: 5 * MINUTE });
    const idle = sim.startSession({ target: 'i-0aaaaaaaaaaaaaaa1', durationMs: 5 * MINUTE, end: 'timeout' });
    const broken = sim.startSession({ target: 'i-0aaaaaaaaaaaaaaa1', durationMs: 5 * MINUTE, end: 'fail' });
    const status = () => new Map(sim.sessionTruth().map((session) => [session.SessionId, session.Status]));
    expect([...status().values()]).toEqual(['Connecting', 'Connecting', 'Connecting']);
    sim.advanceBy(1_000);
    expect([...status().values()]).toEqual(['Connected', 'Connected', 'Connected']);
    sim.advanceBy(5 * MINUTE);
    expect(status()).toEqual(new Map([[closed, 'Terminating'], [idle, 'Terminated'], [broken, 'Failed']]));
    sim.advanceBy(1_000);
    expect(status().get(closed)).toBe('Terminated');
    expect(callsOf(sim).sort()).toEqual([`StartSession ${broken}`, `StartSession ${closed}`, `StartSession ${idle}`, `TerminateSession ${closed}`].sort());
    const ended = sim.sessionTruth().find((session) => session.SessionId === closed);
    expect(ended).toMatchObject({ StartDate: START, EndDate: new Date(START.getTime() + 5 * MINUTE + 2_000), Owner: 'arn:aws:iam::123456789012:user/operator' });
    expect(closed).toMatch(/^operator-[0-9a-f]{17}$/);
  });

  it('forgets ended sessions past the cutoff, never running ones', () => {
    const sim = new SsmSimulator({ clock: new VirtualClock(START), seed: 3 });
    sim.startSession({ target: 'i-0aaaaaaaaaaaaaaa1', durationMs: MINUTE });
    const running = sim.startSession({ target: 'i-0aaaaaaaaaaaaaaa2', durationMs: 60 * MINUTE });
    sim.advanceBy(10 * MINUTE);
    expect(sim.forgetSessionsBefore(new Date(START.getTime() + 1))).toBe(1);
    expect(sim.sessionTruth().map((session) => session.SessionId)).toEqual([running]);
  });
});
