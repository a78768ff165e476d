import type { HistorySource } from '../../lambdas/core/model';

/**
 * How long local mode holds a work-queue message before the collector may receive it: a
 * gathered kind's event (HistorySource.gathering) until its delivery delay has passed since
 * it happened, as the deployed gathering queue's delivery delay holds it; anything else, and
 * an event already older than that (a seeded day), not at all.
 */
export function gatheringDelayMs(sources: readonly HistorySource[], body: string, now: Date): number {
  let message: unknown;
  try {
    message = JSON.parse(body);
  } catch {
    return 0;
  }
  if (typeof message !== 'object' || message === null) return 0;
  const { 'detail-type': detailType, time } = message as Record<string, unknown>;
  if (typeof detailType !== 'string' || typeof time !== 'string') return 0;
  const gathering = sources.find((source) => source.eventDetailTypes.includes(detailType))?.gathering;
  const happened = Date.parse(time);
  if (gathering === undefined || !Number.isFinite(happened)) return 0;
  return Math.max(0, happened + gathering.delaySeconds * 1000 - now.getTime());
}
