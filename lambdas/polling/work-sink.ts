import { SendMessageBatchCommand, type SendMessageBatchRequestEntry, type SQSClient } from '@aws-sdk/client-sqs';

/** Where a poller puts its work items: the collector's work queue. */
export interface WorkSink {
  /** Resolves once every body is on the queue; rejects if any may not be (the caller then keeps its place). */
  send(bodies: readonly string[]): Promise<void>;
}

/** SQS takes at most 10 messages per SendMessageBatch. */
export const SQS_BATCH_SIZE = 10;

export interface SqsWorkSinkOptions {
  /** Attempts per batch for entries SQS did not take (partial failures); default 4. */
  readonly attempts?: number;
  /** Wait before the n-th retry: base * 2^(n-1) ms; default 100. */
  readonly retryBaseMs?: number;
  readonly sleep?: (ms: number) => Promise<void>;
}

export class WorkSinkError extends Error {
  constructor(
    message: string,
    /** SQS's reasons for the entries it did not take. */
    readonly failures: readonly { readonly code?: string; readonly message?: string; readonly senderFault?: boolean }[],
  ) {
    super(message);
    this.name = 'WorkSinkError';
  }
}

/**
 * Sends work items to the work queue, ten per SendMessageBatch. Entries of a partially failed
 * batch are retried a few times; if some still fail it throws, so the poller does not move
 * its place past items that may not be on the queue (the ones that are get sent again: the
 * collector is idempotent).
 */
export class SqsWorkSink implements WorkSink {
  private readonly attempts: number;
  private readonly retryBaseMs: number;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(
    private readonly sqs: SQSClient,
    private readonly queueUrl: string,
    options: SqsWorkSinkOptions = {},
  ) {
    this.attempts = Math.max(1, options.attempts ?? 4);
    this.retryBaseMs = options.retryBaseMs ?? 100;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  async send(bodies: readonly string[]): Promise<void> {
    for (let start = 0; start < bodies.length; start += SQS_BATCH_SIZE) {
      await this.sendBatch(bodies.slice(start, start + SQS_BATCH_SIZE));
    }
  }

  private async sendBatch(bodies: readonly string[]): Promise<void> {
    let pending: SendMessageBatchRequestEntry[] = bodies.map((body, index) => ({ Id: String(index), MessageBody: body }));
    let failures: WorkSinkError['failures'] = [];
    for (let attempt = 1; attempt <= this.attempts; attempt++) {
      if (attempt > 1) await this.sleep(this.retryBaseMs * 2 ** (attempt - 2));
      const answer = await this.sqs.send(new SendMessageBatchCommand({ QueueUrl: this.queueUrl, Entries: pending }));
      const failed = new Map((answer.Failed ?? []).map((entry) => [entry.Id, entry]));
      if (failed.size === 0) return;
      failures = [...failed.values()].map((entry) => ({ code: entry.Code, message: entry.Message, senderFault: entry.SenderFault }));
      // A sender fault (a malformed entry) fails the same way every time: no point retrying it.
      if ([...failed.values()].some((entry) => entry.SenderFault === true)) break;
      pending = pending.filter((entry) => failed.has(entry.Id));
    }
    throw new WorkSinkError(`SQS did not take ${failures.length} of ${bodies.length} work items`, failures);
  }
}
