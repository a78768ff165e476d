import type { SSMClient } from '@aws-sdk/client-ssm';
import { encodeWorkItem } from '../../lambdas/collector/messages';
import type { Log } from '../../lambdas/log';
import type { CheckpointStore } from '../../lambdas/store/checkpoint-store';
import type { DefinitionStore } from '../../lambdas/store/definition-store';
import { pollOnce, type KindPollResult } from '../../lambdas/polling/poller';
import type { ListedSource } from '../../lambdas/core/model';
import type { SsmScope } from '../../lambdas/core/scope';

/** One account and Region to poll, and its SSM. */
export interface PollTarget {
  /** Absent: the archive's home. */
  readonly scope?: SsmScope;
  readonly ssm: SSMClient;
}

export interface LocalPollersOptions {
  readonly sources: readonly ListedSource[];
  /** Every account and Region polled each interval, all at once (each has its own checkpoints and rate limits). */
  readonly targets: readonly PollTarget[];
  readonly checkpoints: CheckpointStore;
  /** Where the definitions the listings read are kept, as the deployed poller keeps them. */
  readonly definitions: DefinitionStore;
  /** Where work items go: local mode's work queue, drained by the collector as in AWS. */
  readonly post: (body: string) => void;
  /** Between the end of one poll and the start of the next. */
  readonly intervalMs: number;
  readonly log: Log;
  /** How far back the first poll lists; default the pollers' 30 days. */
  readonly backfillMs?: number;
}

/**
 * The deployed pollers, on a timer: a poll at once (the backfill, on a new data dir), then
 * one every interval. A long backfill logs a progress line per page (kind, parents listed,
 * throttles, time to the next scheduled poll), so it never goes quiet. Stopping ends the
 * current poll between pages, its place saved for the next start.
 */
export class LocalPollers {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;
  private lastResults: readonly KindPollResult[] = [];

  constructor(private readonly options: LocalPollersOptions) {}

  start(): void {
    this.schedule(0);
  }

  /** The last poll's results per kind (empty before the first poll ends). */
  get results(): readonly KindPollResult[] {
    return this.lastResults;
  }

  /** Polls now unless a poll is running; resolves when that poll ends. */
  async pollNow(): Promise<readonly KindPollResult[]> {
    if (this.running === undefined) this.running = this.poll();
    await this.running;
    return this.lastResults;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    await this.running;
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.pollNow().then(() => this.schedule(this.options.intervalMs));
    }, delayMs);
    this.timer.unref();
  }

  private async poll(): Promise<void> {
    const startedAt = Date.now();
    try {
      const polls = this.options.targets.map((target) => pollOnce(
        {
          sources: this.options.sources,
          ssm: target.ssm,
          ...(target.scope !== undefined ? { scope: target.scope } : {}),
          checkpoints: this.options.checkpoints,
          definitions: this.options.definitions,
          sink: {
            send: (bodies) => {
              for (const body of bodies) this.options.post(body);
              return Promise.resolve();
            },
          },
          encode: encodeWorkItem,
          now: () => new Date(),
          log: this.options.log,
          ...(this.options.backfillMs !== undefined ? { backfillMs: this.options.backfillMs } : {}),
          timeLeftMs: () => Math.max(0, startedAt + this.options.intervalMs - Date.now()),
        },
        () => this.stopped,
      ));
      this.lastResults = (await Promise.all(polls)).flat();
    } catch (error) {
      // pollOnce keeps each kind's failure to itself; anything else is logged, and the next poll tries again.
      this.options.log.error('Poll failed', { error: error instanceof Error ? error.message : String(error) });
    } finally {
      this.running = undefined;
    }
  }
}
