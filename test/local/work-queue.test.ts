import { LocalWorkQueue, type BatchMessage, type ReceiveResult } from '../../local/local-mode/work-queue';
import { recordingLog } from './support';

type Results = ReadonlyMap<string, ReceiveResult<string>>;

/** A consumer that records its batches and answers per message from `decide`. */
function consumer(decide: (message: BatchMessage, receive: number) => ReceiveResult<string>) {
  const batches: string[][] = [];
  const receives = new Map<string, number>();
  const consume = async (messages: readonly BatchMessage[]): Promise<Results> => {
    batches.push(messages.map((message) => message.body));
    await new Promise((resolve) => setImmediate(resolve));
    return new Map(
      messages.map((message) => {
        const receive = (receives.get(message.body) ?? 0) + 1;
        receives.set(message.body, receive);
        return [message.id, decide(message, receive)];
      }),
    );
  };
  return { batches, consume };
}

describe('the in-process work queue', () => {
  it('collects a burst in batches of up to ten, a few at once', async () => {
    const { batches, consume } = consumer((message) => ({ ok: true, result: message.body }));
    const queue = new LocalWorkQueue({ consume, logger: recordingLog(), concurrency: 2 });
    for (let i = 0; i < 25; i++) queue.post(`m${i}`);
    await queue.idle();
    expect(batches.map((batch) => batch.length)).toEqual([10, 10, 5]);
    expect(batches.flat()).toEqual(Array.from({ length: 25 }, (_, i) => `m${i}`));
    expect(queue.stats()).toEqual({ sent: 25, collected: 25, retried: 0, deadLettered: 0 });
  });

  it('never collects on the sender\'s call stack, even when a post fills a batch', async () => {
    const { batches, consume } = consumer((message) => ({ ok: true, result: message.body }));
    const queue = new LocalWorkQueue({ consume, logger: recordingLog() });
    for (let i = 0; i < 10; i++) queue.post(`m${i}`);
    // In AWS the poller and the collector are two functions: a collector's calls must not look
    // like the poller's to anything reading the stack (the IAM conformance check does).
    expect(batches).toEqual([]);
    await queue.idle();
    expect(batches).toEqual([Array.from({ length: 10 }, (_, i) => `m${i}`)]);
  });

  it('answers send() with the first receive', async () => {
    const { consume } = consumer((message) => (message.body === 'bad' ? { ok: false, reason: 'no' } : { ok: true, result: `stored ${message.body}` }));
    const queue = new LocalWorkQueue({ consume, logger: recordingLog(), maxReceives: 1 });
    const [good, bad] = await Promise.all([queue.send('good'), queue.send('bad')]);
    expect(good).toMatchObject({ ok: true, result: 'stored good', willRetry: false });
    expect(bad).toMatchObject({ ok: false, reason: 'no', willRetry: false });
  });

  it('receives a failed message again after a delay, then dead-letters it after its last receive', async () => {
    const logger = recordingLog();
    const { consume } = consumer((message, receive) =>
      message.body === 'flaky' && receive < 2 ? { ok: false, reason: 'not yet' } : message.body === 'poison' ? { ok: false, reason: `bad ${receive}` } : { ok: true, result: 'ok' },
    );
    const delays: number[] = [];
    const queue = new LocalWorkQueue({
      consume,
      logger,
      retryDelayMs: (receive) => {
        delays.push(receive);
        return 1;
      },
    });
    const [flaky, poison] = await Promise.all([queue.send('flaky'), queue.send('poison')]);
    expect(flaky).toMatchObject({ ok: false, willRetry: true });
    expect(poison).toMatchObject({ ok: false, willRetry: true });
    const deadline = Date.now() + 5_000;
    while (queue.stats().deadLettered === 0 || queue.stats().collected === 0) {
      if (Date.now() > deadline) throw new Error('the retries did not finish');
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    await queue.idle();
    expect(queue.stats()).toEqual({ sent: 2, collected: 1, retried: 3, deadLettered: 1 });
    expect(queue.deadLettered).toEqual([{ id: expect.any(String), body: 'poison', reason: 'bad 3' }]);
    expect(delays).toEqual([2, 2, 3]);
    expect(logger.entries).toEqual([expect.objectContaining({ level: 'error', message: 'Message dead-lettered' })]);
  });

  it('treats a consumer that throws as a failed receive of every message in the batch', async () => {
    const queue = new LocalWorkQueue<string>({
      consume: () => Promise.reject(new Error('DynamoDB is down')),
      logger: recordingLog(),
      maxReceives: 1,
    });
    expect(await queue.send('a')).toMatchObject({ ok: false, reason: 'the collector failed: DynamoDB is down', willRetry: false });
  });

  it('on close, collects what is waiting, drops retries not yet due, and refuses new messages', async () => {
    const logger = recordingLog();
    const { batches, consume } = consumer((message) => (message.body === 'later' ? { ok: false, reason: 'not yet' } : { ok: true, result: 'ok' }));
    const queue = new LocalWorkQueue({ consume, logger, retryDelayMs: () => 60_000 });
    const later = await queue.send('later');
    expect(later.willRetry).toBe(true);
    queue.post('waiting');
    await queue.close();
    expect(batches).toEqual([['later'], ['waiting']]);
    expect(logger.entries).toEqual([expect.objectContaining({ level: 'warn', attributes: { messages: 1 } })]);
    expect(await queue.send('too late')).toMatchObject({ ok: false, reason: 'local mode is stopping' });
  });
});
