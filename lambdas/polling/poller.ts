import type { SSMClient } from '@aws-sdk/client-ssm';
import type { Log } from '../log';
import type { HistoryKind, ListedPage, ListedSource, ParentLister, WorkItem } from '../core/model';
import { earlier } from '../sources/listed-parents';
import type { Checkpoint, CheckpointPatch, CheckpointStore } from '../store/checkpoint-store';
import type { DefinitionStore } from '../store/definition-store';
import { attachListingMiddleware, ListingMeter, TokenBucket } from './rate-limit';
import type { WorkSink } from './work-sink';
import { scopeName, type SsmScope } from '../core/scope';

/** How far back the first poll of a kind lists: AWS keeps Run Command and Automation history 30 days. */
export const DEFAULT_BACKFILL_MS = 30 * 24 * 60 * 60 * 1000;
/** How far before the watermark each listing starts, so late updates are caught. */
export const DEFAULT_OVERLAP_MS = 10 * 60 * 1000;
/** Listing calls per second per kind when not configured: well inside SSM's per-account limits. */
export const DEFAULT_CALLS_PER_SECOND = 2;

export interface PollerDependencies {
  /** The kinds polled, each with its lister (`historySources`; the collector's list has none). */
  readonly sources: readonly ListedSource[];
  /** SSM in the account and Region polled. */
  readonly ssm: SSMClient;
  /**
   * The account and Region polled: each has its own checkpoints, and its work items and
   * definitions name it. Omitted: the archive's home.
   */
  readonly scope?: SsmScope;
  readonly checkpoints: Pick<CheckpointStore, 'get' | 'saveProgress' | 'addCounters'>;
  readonly sink: WorkSink;
  /**
   * Where the definitions the listings return are kept (ParentLister.definitionTables).
   * Omitted: they are not kept (tests of the listing alone).
   */
  readonly definitions?: Pick<DefinitionStore, 'keep'>;
  /** A work item as a work-queue message body (the collector's encodeWorkItem). */
  readonly encode: (item: WorkItem) => string;
  readonly now: () => Date;
  readonly log: Log;
  /** How far back a kind's first listing goes; default 30 days. */
  readonly backfillMs?: number;
  /** How far before the watermark each listing starts; default 10 minutes. */
  readonly overlapMs?: number;
  /** Listing calls per second: one figure for every kind, or per kind (others default). */
  readonly callsPerSecond?: number | Readonly<Partial<Record<HistoryKind, number>>>;
  /** The rate limiter's clock (milliseconds) and sleep; default the real ones. For tests. */
  readonly rateClock?: { readonly now: () => number; readonly sleep: (ms: number) => Promise<void> };
  /** Time this run has left, in milliseconds, shown in the progress lines (e.g. Lambda's remaining time). */
  readonly timeLeftMs?: () => number;
}

export interface KindPollResult {
  readonly kind: HistoryKind;
  /** Where it polled; absent: the archive's home. */
  readonly scope?: SsmScope;
  /** Pages listed by this run. */
  readonly pages: number;
  /** Parents listed and enqueued by this run. */
  readonly parentsListed: number;
  /** True when this run finished the kind's listing (the watermark moved). */
  readonly complete: boolean;
  /** The kind's watermark after this run. */
  readonly watermark?: string;
  /** Throttled SSM attempts this run saw for the kind. */
  readonly throttles: number;
  /** Why this kind's run failed (also logged); its checkpoint keeps its place. */
  readonly error?: string;
}

const iso = (ms: number): string => new Date(ms).toISOString();

function callsPerSecondOf(deps: PollerDependencies, kind: HistoryKind): number {
  const configured = deps.callsPerSecond;
  if (typeof configured === 'number') return configured;
  return configured?.[kind] ?? DEFAULT_CALLS_PER_SECOND;
}

/**
 * One poll of every kind that has a lister, kinds concurrently. Each kind lists the parents
 * SSM holds that started or changed since its watermark (less an overlap; the first poll goes
 * back `backfillMs`), page by page, and enqueues one work item per parent: the collector stays
 * the only writer of history. The definitions a listing reads whole (associations, windows)
 * the poller keeps itself, only those that changed. Per page the items are enqueued and the
 * definitions kept first and the place saved after, so a crash loses nothing (at worst a page
 * is enqueued twice; the collector is idempotent). When
 * `shouldStop()` says time is up, the kind stops between pages with its place saved and the
 * next run resumes there. One kind's failure is logged and returned; the others go on.
 */
export async function pollOnce(deps: PollerDependencies, shouldStop: () => boolean): Promise<KindPollResult[]> {
  attachListingMiddleware(deps.ssm);
  return Promise.all(deps.sources.map((source) => pollKind(deps, source.kind, source.lister, shouldStop)));
}

async function pollKind(deps: PollerDependencies, kind: HistoryKind, lister: ParentLister, shouldStop: () => boolean): Promise<KindPollResult> {
  const bucket = new TokenBucket({
    callsPerSecond: callsPerSecondOf(deps, kind),
    ...(deps.rateClock ? { now: deps.rateClock.now, sleep: deps.rateClock.sleep } : {}),
  });
  const meter = new ListingMeter(bucket);
  let pages = 0;
  let parentsListed = 0;
  let throttlesSaved = 0;
  let watermark: string | undefined;
  const where = deps.scope !== undefined ? { scope: deps.scope } : {};
  const named = deps.scope !== undefined ? { scope: scopeName(deps.scope) } : {};
  try {
    const startedAt = deps.now();
    const checkpoint: Checkpoint = await deps.checkpoints.get(kind, deps.scope);
    watermark = checkpoint.watermark;
    const backfill = checkpoint.watermark === undefined;
    let since: string;
    let position: string | undefined;
    let listingStartedAt: string;
    let earliestRunning: string | undefined;
    if (checkpoint.position !== undefined && checkpoint.listingSince !== undefined) {
      // A listing in flight: ask SSM the same question from where the last run stopped.
      since = checkpoint.listingSince;
      position = checkpoint.position;
      listingStartedAt = checkpoint.listingStartedAt ?? startedAt.toISOString();
      earliestRunning = checkpoint.listingEarliestRunning;
      await deps.checkpoints.saveProgress(kind, { lastPollStartedAt: startedAt.toISOString() }, deps.scope);
    } else {
      const from = checkpoint.watermark !== undefined ? Date.parse(checkpoint.watermark) : startedAt.getTime() - (deps.backfillMs ?? DEFAULT_BACKFILL_MS);
      since = iso(from - (deps.overlapMs ?? DEFAULT_OVERLAP_MS));
      listingStartedAt = startedAt.toISOString();
      await deps.checkpoints.saveProgress(kind, {
        lastPollStartedAt: listingStartedAt,
        listingSince: since,
        listingStartedAt,
        listingEarliestRunning: null,
        position: null,
        ...(backfill ? { backfillStartedAt: listingStartedAt } : {}),
      }, deps.scope);
    }
    let knownOldest = checkpoint.oldestSeen;
    let restarted = false;
    deps.log.info(position === undefined ? 'Poll listing started' : 'Poll listing resumed', { kind, ...named, since, backfill });

    for (;;) {
      if (shouldStop()) {
        deps.log.info('Poll stopped for time; the next run resumes the listing', { kind, ...named, pages, parentsListed, throttles: meter.throttles });
        await saveThrottles();
        return { kind, ...where, pages, parentsListed, complete: false, ...(watermark !== undefined ? { watermark } : {}), throttles: meter.throttles };
      }
      const from = position;
      let page: ListedPage;
      try {
        page = await meter.run(() => lister.listPage(deps.ssm, since, from, deps.now()));
      } catch (error) {
        // SSM's tokens expire: a saved place it no longer knows restarts the same listing
        // from its first page (once per run). What is sent again is collected idempotently.
        if (from === undefined || restarted || !(error instanceof Error && error.name === 'InvalidNextToken')) throw error;
        restarted = true;
        deps.log.warn('Saved listing position expired; listing again from the start', { kind, ...named, since });
        position = undefined;
        await deps.checkpoints.saveProgress(kind, { position: null }, deps.scope);
        continue;
      }
      pages++;
      // Enqueue first: until the place is saved, a crash only means this page is listed again.
      const scope = deps.scope;
      if (page.items.length > 0) await deps.sink.send(page.items.map((item) => deps.encode(scope === undefined ? item : { ...item, scope })));
      // The listing read these already: the poller keeps them itself, with no work item.
      const definitions = scope === undefined ? (page.definitions ?? []) : (page.definitions ?? []).map((definition) => ({ ...definition, scope }));
      const definitionsChanged = definitions.length > 0 && deps.definitions !== undefined ? await deps.definitions.keep(definitions) : 0;
      parentsListed += page.items.length;
      earliestRunning = earlier(earliestRunning, page.earliestRunning);
      // Only an older one is written (the store keeps the minimum anyway): no failed condition per page.
      const oldestSeen =
        page.oldestSeen !== undefined && (knownOldest === undefined || Date.parse(page.oldestSeen) < Date.parse(knownOldest)) ? page.oldestSeen : undefined;
      const add = { parentsListed: page.items.length, throttles: meter.throttles - throttlesSaved };
      const complete = page.next === undefined;
      let patch: CheckpointPatch;
      if (!complete) {
        patch = {
          position: page.next,
          ...(earliestRunning !== undefined ? { listingEarliestRunning: earliestRunning } : {}),
          ...(oldestSeen !== undefined ? { oldestSeen } : {}),
          add,
        };
      } else {
        // Parents that started before the listing did are all enqueued, except those still
        // running: the watermark stays at or before the earliest of them, so they are listed
        // (and re-collected) until they finish.
        watermark = earlier(earliestRunning, listingStartedAt);
        const finishedAt = deps.now().toISOString();
        patch = {
          watermark,
          position: null,
          listingSince: null,
          listingStartedAt: null,
          listingEarliestRunning: null,
          lastSuccessfulPollAt: finishedAt,
          backfillCompletedAt: finishedAt,
          lastError: null,
          lastErrorAt: null,
          ...(oldestSeen !== undefined ? { oldestSeen } : {}),
          add,
        };
      }
      // What the collector has stored of this kind so far (its counters), as the save returns
      // it: a long backfill shows the archive growing.
      const { recordsStored } = await deps.checkpoints.saveProgress(kind, patch, deps.scope);
      throttlesSaved += add.throttles;
      if (oldestSeen !== undefined) knownOldest = oldestSeen;
      position = page.next;
      deps.log.info('Poll progress', {
        kind,
        ...named,
        pages,
        parentsListed,
        recordsStored,
        pageParents: page.items.length,
        ...(definitionsChanged > 0 ? { definitionsChanged } : {}),
        throttles: meter.throttles,
        backfill,
        complete,
        ...(deps.timeLeftMs ? { timeLeftMs: deps.timeLeftMs() } : {}),
      });
      if (complete) {
        deps.log.info('Poll listing complete', { kind, ...named, pages, parentsListed, watermark, throttles: meter.throttles, backfill });
        return { kind, ...where, pages, parentsListed, complete: true, watermark, throttles: meter.throttles };
      }
    }
  } catch (error) {
    const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    deps.log.error('Poll failed for this kind; its checkpoint keeps its place', { kind, ...named, pages, parentsListed, throttles: meter.throttles, error: message });
    await saveThrottles().catch(() => undefined);
    // GET /status shows why, until a poll here succeeds.
    await deps.checkpoints.saveProgress(kind, { lastError: message, lastErrorAt: deps.now().toISOString() }, deps.scope).catch(() => undefined);
    return { kind, ...where, pages, parentsListed, complete: false, ...(watermark !== undefined ? { watermark } : {}), throttles: meter.throttles, error: message };
  }

  async function saveThrottles(): Promise<void> {
    const unsaved = meter.throttles - throttlesSaved;
    if (unsaved <= 0) return;
    await deps.checkpoints.addCounters(kind, { throttles: unsaved }, deps.scope);
    throttlesSaved += unsaved;
  }
}
