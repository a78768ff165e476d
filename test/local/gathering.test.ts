import associationSample from '../fixtures/aws/association-state-change.json';
import instanceSample from '../fixtures/aws/instance-association-state-change.json';
import commandSample from '../fixtures/aws/command-status-change.json';
import type { HistorySource } from '../../lambdas/core/model';
import { historySources } from '../../lambdas/sources';
import { associationSource } from '../../lambdas/sources/association';
import { gatheringDelayMs } from '../../local/local-mode/gathering';
import { LocalWorkQueue, type BatchMessage, type ReceiveResult } from '../../local/local-mode/work-queue';
import { recordingLog } from './support';

/**
 * Local mode's stand-in for the deployed gathering queue: State Manager's events wait until a
 * minute after they happened before the collector may receive them, as an SQS queue's delivery
 * delay holds each message it is sent (SQS developer guide, "Amazon SQS delay queues": a
 * message is invisible to consumers for the delay, 0 to 15 minutes, after it is sent).
 */
const at = (sample: { time: string }, seconds: number): Date => new Date(Date.parse(sample.time) + seconds * 1000);
const body = (sample: object): string => JSON.stringify(sample);

describe('gatheringDelayMs', () => {
  it('holds a State Manager event until a minute after it happened', () => {
    expect(associationSource.gathering).toEqual({ delaySeconds: 60 });
    expect(gatheringDelayMs(historySources, body(associationSample), at(associationSample, 10))).toBe(50_000);
    expect(gatheringDelayMs(historySources, body(instanceSample), at(instanceSample, 0))).toBe(60_000);
    expect(gatheringDelayMs(historySources, body(instanceSample), at(instanceSample, 59.999))).toBe(1);
  });

  it('does not hold an event already older than that (a seeded day), nor one a minute old exactly', () => {
    expect(gatheringDelayMs(historySources, body(associationSample), at(associationSample, 120))).toBe(0);
    expect(gatheringDelayMs(historySources, body(associationSample), at(associationSample, 60))).toBe(0);
  });

  it('does not hold an event of a kind without gathering', () => {
    expect(gatheringDelayMs(historySources, body(commandSample), at(commandSample, 1))).toBe(0);
    const ungathered: HistorySource[] = historySources.map((source) => (source === associationSource ? { ...source, gathering: undefined } : source));
    expect(gatheringDelayMs(ungathered, body(associationSample), at(associationSample, 10))).toBe(0);
  });

  it("holds for the source's own delay", () => {
    const longer: HistorySource[] = historySources.map((source) => (source === associationSource ? { ...source, gathering: { delaySeconds: 900 } } : source));
    expect(gatheringDelayMs(longer, body(instanceSample), at(instanceSample, 100))).toBe(800_000);
  });

  it('does not hold what it cannot read as an event', () => {
    const now = at(associationSample, 10);
    for (const unreadable of ['not JSON', '', 'null', '42', '"text"', '[]']) expect(gatheringDelayMs(historySources, unreadable, now)).toBe(0);
    expect(gatheringDelayMs(historySources, body({ ...associationSample, time: undefined }), now)).toBe(0);
    expect(gatheringDelayMs(historySources, body({ ...associationSample, time: 'yesterday' }), now)).toBe(0);
    expect(gatheringDelayMs(historySources, body({ ...associationSample, 'detail-type': 7 }), now)).toBe(0);
  });
});

describe('LocalWorkQueue.post with a delivery delay', () => {
  beforeEach(() => {
    jest.useFakeTimers();
  });
  afterEach(() => {
    jest.useRealTimers();
  });

  /** A consumer that records its batches and collects every message. */
  function recorder() {
    const batches: string[][] = [];
    const consume = async (messages: readonly BatchMessage[]): Promise<ReadonlyMap<string, ReceiveResult<string>>> => {
      batches.push(messages.map((message) => message.body));
      return new Map(messages.map((message) => [message.id, { ok: true, result: message.body }]));
    };
    return { batches, consume };
  }

  it('receives a delayed message only once its delay has passed, and idle() does not wait for it', async () => {
    const { batches, consume } = recorder();
    const queue = new LocalWorkQueue({ consume, logger: recordingLog() });
    queue.post('now');
    queue.post('in a minute', 60_000);
    queue.post('no delay', 0);
    let idle = false;
    void queue.idle().then(() => {
      idle = true;
    });
    await jest.advanceTimersByTimeAsync(1_000);
    // Idle with the delayed message still held: in AWS it is not on the queue for receivers yet.
    expect(idle).toBe(true);
    expect(batches).toEqual([['now', 'no delay']]);
    expect(queue.stats()).toMatchObject({ sent: 2, collected: 2 });

    await jest.advanceTimersByTimeAsync(58_000);
    expect(batches).toEqual([['now', 'no delay']]);
    await queue.idle();
    expect(batches).toEqual([['now', 'no delay']]);

    // Past the delay (and the batch's linger), it is received like any other message.
    await jest.advanceTimersByTimeAsync(1_100);
    await queue.idle();
    expect(batches).toEqual([['now', 'no delay'], ['in a minute']]);
    expect(queue.stats()).toEqual({ sent: 3, collected: 3, retried: 0, deadLettered: 0 });
  });

  it('on close, drops a delayed message not yet due (logged), and never receives it', async () => {
    const { batches, consume } = recorder();
    const logger = recordingLog();
    const queue = new LocalWorkQueue({ consume, logger });
    queue.post('due', 10);
    queue.post('not due', 60_000);
    await jest.advanceTimersByTimeAsync(100);
    await queue.idle();
    expect(batches).toEqual([['due']]);

    const closed = queue.close();
    await jest.advanceTimersByTimeAsync(0);
    await closed;
    expect(logger.entries).toEqual([{ level: 'warn', message: 'Dropping messages that were waiting to be retried or delivered', attributes: { messages: 1 } }]);
    // And one posted with a delay once closed is not taken either.
    queue.post('after close', 5_000);
    await jest.advanceTimersByTimeAsync(120_000);
    expect(batches).toEqual([['due']]);
    expect(queue.stats()).toEqual({ sent: 1, collected: 1, retried: 0, deadLettered: 0 });
  });
});
