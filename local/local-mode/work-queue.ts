import type { Log } from '../../lambdas/log';

/**
 * The work queue of the deployed stack, in-process: messages are collected in batches of up
 * to ten (SQS's batch size for the collector), a few batches at once (the event source's
 * maximum concurrency), and a message whose batch failed it is received again after a delay,
 * up to three receives (the queue's maxReceiveCount), then dead-lettered: logged and kept.
 */
export interface BatchMessage {
  readonly id: string;
  readonly body: string;
}

/** What one receive of one message came to. */
export type ReceiveResult<R> =
  | { readonly ok: true; readonly result: R }
  | { readonly ok: false; readonly reason: string };

/** Collects one batch; answers one result per message id (a message missing from it failed). */
export type BatchConsumer<R> = (messages: readonly BatchMessage[]) => Promise<ReadonlyMap<string, ReceiveResult<R>>>;

export interface WorkQueueOptions<R> {
  readonly consume: BatchConsumer<R>;
  readonly logger: Pick<Log, 'warn' | 'error'>;
  /** Default 10. */
  readonly batchSize?: number;
  /** How long a batch waits for more messages once the first arrived. Default 25 ms. */
  readonly lingerMs?: number;
  /** Batches collected at once. Default 5. */
  readonly concurrency?: number;
  /** Default 3. */
  readonly maxReceives?: number;
  /** Wait before the nth receive (n >= 2). Default 2 s, then 10 s. */
  readonly retryDelayMs?: (receive: number) => number;
}

/** The first receive's outcome, which is what POST /events answers with. */
export type FirstReceive<R> = ReceiveResult<R> & { readonly messageId: string; readonly willRetry: boolean };

interface Entry<R> {
  readonly message: BatchMessage;
  receives: number;
  readonly first?: (outcome: FirstReceive<R>) => void;
}

export interface QueueStats {
  readonly sent: number;
  readonly collected: number;
  readonly retried: number;
  readonly deadLettered: number;
}

export class LocalWorkQueue<R> {
  private readonly waiting: Entry<R>[] = [];
  private readonly retryTimers = new Set<NodeJS.Timeout>();
  private readonly idleWaiters: (() => void)[] = [];
  private readonly deadLetters: { id: string; body: string; reason: string }[] = [];
  private lingerTimer: NodeJS.Timeout | undefined;
  private inFlight = 0;
  private sequence = 0;
  private closed = false;
  private counts = { sent: 0, collected: 0, retried: 0, deadLettered: 0 };
  private readonly batchSize: number;
  private readonly lingerMs: number;
  private readonly concurrency: number;
  private readonly maxReceives: number;
  private readonly retryDelayMs: (receive: number) => number;

  constructor(private readonly options: WorkQueueOptions<R>) {
    this.batchSize = options.batchSize ?? 10;
    this.lingerMs = options.lingerMs ?? 25;
    this.concurrency = options.concurrency ?? 5;
    this.maxReceives = options.maxReceives ?? 3;
    this.retryDelayMs = options.retryDelayMs ?? ((receive) => (receive <= 2 ? 2_000 : 10_000));
  }

  /** Enqueues a message; resolves with its first receive (retries carry on in the background). */
  send(body: string): Promise<FirstReceive<R>> {
    return new Promise((resolve) => this.enqueue(body, resolve));
  }

  /**
   * Enqueues without waiting for anything (events from the simulator), receivable after
   * `delayMs` (SQS's delivery delay); a delayed message is not waited for by `idle`.
   */
  post(body: string, delayMs = 0): void {
    if (delayMs <= 0 || this.closed) {
      this.enqueue(body);
      return;
    }
    const timer = setTimeout(() => {
      this.retryTimers.delete(timer);
      this.enqueue(body);
    }, delayMs);
    timer.unref();
    this.retryTimers.add(timer);
  }

  /** Messages that used up their receives, with the last reason. */
  get deadLettered(): readonly { id: string; body: string; reason: string }[] {
    return this.deadLetters;
  }

  stats(): QueueStats {
    return { ...this.counts };
  }

  /** Resolves when nothing is waiting or being collected (retries and delayed messages for later do not count). */
  async idle(): Promise<void> {
    if (this.isIdle()) return;
    await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
  }

  /**
   * Stops taking messages, collects what is waiting, and drops retries and delayed messages
   * not yet due (logged: in AWS they would stay on the queue; here the process is going away).
   */
  async close(): Promise<void> {
    this.closed = true;
    for (const timer of this.retryTimers) clearTimeout(timer);
    if (this.retryTimers.size > 0) {
      this.options.logger.warn('Dropping messages that were waiting to be retried or delivered', { messages: this.retryTimers.size });
    }
    this.retryTimers.clear();
    this.pump(true);
    await this.idle();
  }

  private enqueue(body: string, first?: (outcome: FirstReceive<R>) => void): void {
    const id = `local-${++this.sequence}`;
    if (this.closed) {
      first?.({ ok: false, reason: 'local mode is stopping', messageId: id, willRetry: false });
      return;
    }
    this.counts.sent++;
    this.waiting.push({ message: { id, body }, receives: 0, ...(first ? { first } : {}) });
    this.pump(false);
  }

  private isIdle(): boolean {
    return this.waiting.length === 0 && this.inFlight === 0;
  }

  /** Starts batches while there is room: at once when a batch is full, else after the linger. */
  private pump(now: boolean): void {
    while (this.inFlight < this.concurrency && this.waiting.length > 0) {
      if (!now && this.waiting.length < this.batchSize && !this.closed) {
        this.lingerTimer ??= setTimeout(() => {
          this.lingerTimer = undefined;
          this.pump(true);
        }, this.lingerMs);
        return;
      }
      if (this.lingerTimer !== undefined) clearTimeout(this.lingerTimer);
      this.lingerTimer = undefined;
      this.run(this.waiting.splice(0, this.batchSize));
    }
    if (this.isIdle()) for (const resolve of this.idleWaiters.splice(0)) resolve();
  }

  private run(batch: Entry<R>[]): void {
    this.inFlight++;
    const messages = batch.map((entry) => {
      entry.receives++;
      return entry.message;
    });
    const settle = (results: ReadonlyMap<string, ReceiveResult<R>>) => {
      for (const entry of batch) {
        const result = results.get(entry.message.id) ?? { ok: false as const, reason: 'the collector gave no result for it' };
        this.settle(entry, result);
      }
    };
    // Collected from a fresh stack, as SQS would: the sender (a poller, a route) has handed the
    // message over and is not the one collecting it, not even on the call stack.
    Promise.resolve()
      .then(() => this.options.consume(messages))
      .then(settle, (error: unknown) => {
        const reason = `the collector failed: ${error instanceof Error ? error.message : String(error)}`;
        settle(new Map(batch.map((entry) => [entry.message.id, { ok: false, reason }])));
      })
      .finally(() => {
        this.inFlight--;
        this.pump(this.closed);
      })
      .catch((error: unknown) => this.options.logger.error('Work queue failed', { error: String(error) }));
  }

  private settle(entry: Entry<R>, result: ReceiveResult<R>): void {
    const firstReceive = entry.receives === 1;
    if (result.ok) {
      this.counts.collected++;
      if (firstReceive) entry.first?.({ ...result, messageId: entry.message.id, willRetry: false });
      return;
    }
    const willRetry = !this.closed && entry.receives < this.maxReceives;
    if (firstReceive) entry.first?.({ ...result, messageId: entry.message.id, willRetry });
    if (willRetry) {
      this.counts.retried++;
      const timer = setTimeout(() => {
        this.retryTimers.delete(timer);
        this.waiting.push(entry);
        this.pump(false);
      }, this.retryDelayMs(entry.receives + 1));
      timer.unref();
      this.retryTimers.add(timer);
      return;
    }
    this.counts.deadLettered++;
    this.deadLetters.push({ id: entry.message.id, body: entry.message.body, reason: result.reason });
    this.options.logger.error('Message dead-lettered', { messageId: entry.message.id, receives: entry.receives, reason: result.reason });
  }
}
