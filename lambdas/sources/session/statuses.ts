import { failureStatus, runningStatus, successStatus, type StatusInfo } from '../../core/status';

/**
 * Session Manager's session statuses (SessionStatus in the API reference; the same values
 * DescribeSessions' Status filter takes). A session connects, may drop and reconnect
 * (Connected and Disconnected alternate, so they share a rank and the newer sighting wins),
 * then ends: Terminated when someone or its timeout ended it, Failed when it could not run.
 */
export const sessionStatuses: Readonly<Record<string, StatusInfo>> = {
  Connecting: runningStatus(1),
  Connected: runningStatus(3),
  Disconnected: runningStatus(3),
  Terminating: runningStatus(4),
  Terminated: successStatus,
  Failed: failureStatus,
};
