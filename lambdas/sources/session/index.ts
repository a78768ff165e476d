import { sessionAlert } from './alert';
import type { Session } from '@aws-sdk/client-ssm';
import { withLister, type HistorySource, type ListedSource, type Observation, type Producer, type SourceClients, type WorkItem } from '../../core/model';
import { mayNotBeVisibleYet, ParentNotFoundError } from '../eventual-consistency';
import { CLOUDTRAIL_API_CALL_DETAIL_TYPE, parseSessionEvent, SESSION_EVENT_DETAIL_PATTERN, SESSION_ID } from './events';
import { getSession } from './fetch';
import { sessionLister } from './listing';
import { sessionObservation } from './records';
import { sessionStatuses } from './statuses';
import { sessionTables } from './tables';

const RUNNING_CLAIMS: ReadonlySet<string> = new Set(['Connecting', 'Connected', 'Disconnected']);

/**
 * One session's collection: one DescribeSessions by SessionId, however many calls and polls
 * named it in a batch; a second in the other State when the first did not list it. Only
 * StartSession or ResumeSession claims: the session is probably still running, so Active is
 * asked first; otherwise (TerminateSession, a poll) History.
 */
async function collect(items: readonly WorkItem[], { ssm }: SourceClients, now: () => Date): Promise<Observation[]> {
  const first = items[0];
  if (!first) return [];
  const observations: Observation[] = items.flatMap((item) => item.observations);
  const producers = new Set<Producer>(items.filter((item) => item.fetch.scope === 'parent').map((item) => item.producer));
  if (producers.size === 0) return observations;
  const probablyRunning = items.every((item) => item.observations.length > 0 && item.observations.every((claim) => RUNNING_CLAIMS.has(claim.status)));
  let session: Session;
  try {
    session = await getSession(ssm, first.parentId, probablyRunning ? 'Active' : 'History');
  } catch (error) {
    if (!(error instanceof ParentNotFoundError) || mayNotBeVisibleYet(items, now())) throw error;
    // Older than SSM's 30 days: what the calls said is all there is to keep.
    return observations;
  }
  observations.push(sessionObservation(session, { observedAt: now(), producers }));
  return observations;
}

/** Session Manager as the collector needs it: everything but the pollers' lister, which its bundle leaves out. */
export const sessionCollection: HistorySource = {
  kind: 'session',
  statuses: sessionStatuses,
  alerts: [sessionAlert],
  // An archive of who opened a shell is for audit: a session that failed or ended is not an
  // incident by default (the alert configuration can name session:Failed or session:Terminated).
  alertsByDefault: false,
  parentId: SESSION_ID,
  eventDetailTypes: [CLOUDTRAIL_API_CALL_DETAIL_TYPE],
  eventDetailPattern: SESSION_EVENT_DETAIL_PATTERN,
  tables: Object.keys(sessionTables),
  collectorActions: ['ssm:DescribeSessions'],
  parseEvent: parseSessionEvent,
  collect,
};

/** Session Manager, listed by the pollers too. Pure, so that a bundle that never reads it drops the lister. */
export const sessionSource: ListedSource = /* @__PURE__ */ withLister(sessionCollection, sessionLister);
