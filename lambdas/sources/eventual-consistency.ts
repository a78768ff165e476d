import type { WorkItem } from '../core/model';

/**
 * How long SSM may not yet show a parent an event announced. Run Command and Automation are
 * eventually consistent (GetCommandInvocation right after SendCommand can answer
 * InvocationDoesNotExist); past this window, a parent SSM does not know has been forgotten
 * (its retention ran out), and what the events said is all there is to keep.
 */
export const EVENTUAL_CONSISTENCY_WINDOW_MS = 10 * 60 * 1000;

/** True while the newest of these work items is recent enough that SSM may still show its parent. */
export function mayNotBeVisibleYet(items: readonly WorkItem[], now: Date): boolean {
  const newest = items.reduce((latest, item) => (item.sentAt > latest ? item.sentAt : latest), '');
  return newest === '' || now.getTime() - Date.parse(newest) < EVENTUAL_CONSISTENCY_WINDOW_MS;
}

/** SSM does not know this parent: not yet (eventual consistency) or no longer (retention). */
export class ParentNotFoundError extends Error {
  constructor(parent: string, options?: { cause?: unknown }) {
    super(`SSM does not know ${parent}`, options);
    this.name = 'ParentNotFoundError';
  }
}
