/**
 * How statuses are ordered; each kind's table of them lives in its own folder
 * (sources/<kind>/statuses.ts). A record's status only moves forward in rank: a late
 * "InProgress" never overwrites a terminal status, and among equal ranks the newer
 * observation wins. All terminal statuses share one rank because SSM never moves from one
 * terminal status to another.
 */
export type StatusOutcome = 'running' | 'success' | 'failure';

export interface StatusInfo {
  readonly rank: number;
  readonly terminal: boolean;
  readonly outcome: StatusOutcome;
}

/** The building blocks of a kind's status table: running ones rank below every terminal one. */
export const runningStatus = (rank: number): StatusInfo => ({ rank, terminal: false, outcome: 'running' });
const TERMINAL_RANK = 9;
export const successStatus: StatusInfo = { rank: TERMINAL_RANK, terminal: true, outcome: 'success' };
export const failureStatus: StatusInfo = { rank: TERMINAL_RANK, terminal: true, outcome: 'failure' };

/**
 * A status SSM may add after this table was written ranks with the running ones: a later
 * observation with a known status still replaces it, so nothing gets stuck.
 */
const UNKNOWN_STATUS: StatusInfo = runningStatus(3);

export function statusInfo(table: Readonly<Record<string, StatusInfo>>, status: string): StatusInfo {
  return table[status] ?? UNKNOWN_STATUS;
}
