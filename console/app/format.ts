import type { RecordKind } from './api';

/** How the console names things: kinds in words, times in UTC (the archive's days are UTC days). */

export const KIND_LABELS: Readonly<Record<RecordKind, string>> = {
  command: 'Command',
  'command-invocation': 'Command invocation',
  'automation-execution': 'Automation execution',
  'automation-step': 'Automation step',
  'association-execution': 'Association execution',
  'association-target': 'Association target',
  'maintenance-window-execution': 'Maintenance window execution',
  'maintenance-window-task': 'Maintenance window task',
  'maintenance-window-task-invocation': 'Maintenance window task invocation',
  session: 'Session',
};

/** The history kinds of GET /status, and any record kind. */
const OTHER_LABELS: Readonly<Record<string, string>> = {
  'run-command': 'Run Command',
  automation: 'Automation',
  association: 'State Manager',
  'maintenance-window': 'Maintenance Windows',
};

export const kindLabel = (kind: string): string => (KIND_LABELS as Readonly<Record<string, string>>)[kind] ?? OTHER_LABELS[kind] ?? kind;

export const RECORD_KINDS = Object.keys(KIND_LABELS) as RecordKind[];

/** "2026-01-05 14:03:09 UTC"; '' for a missing or unreadable time. */
export function formatTime(iso: string | undefined): string {
  if (iso === undefined || iso === '') return '';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return `${date.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

/** An SSM protocol time (epoch seconds) as ISO. */
export function isoOfEpochSeconds(seconds: number | undefined): string | undefined {
  return seconds === undefined ? undefined : new Date(seconds * 1000).toISOString();
}

/** "4 min 5 s"; undefined unless both ends are known and in order. */
export function formatDuration(fromIso: string | undefined, toIso: string | undefined): string | undefined {
  if (!fromIso || !toIso) return undefined;
  const ms = new Date(toIso).getTime() - new Date(fromIso).getTime();
  if (!Number.isFinite(ms) || ms < 0) return undefined;
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ${seconds % 60} s`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

export type StatusTone = 'success' | 'failure' | 'running' | 'other';

/** The statuses' tone for their badge (the word is always shown too: colour is never the only cue). */
export function statusTone(status: string | undefined): StatusTone {
  const normal = (status ?? '').replace(/_/g, '').toLowerCase();
  if (['success', 'completedwithsuccess', 'connected', 'terminated'].includes(normal)) return 'success';
  if (['failed', 'timedout', 'cancelled', 'deliverytimedout', 'executiontimedout', 'undeliverable', 'invalidplatform', 'accessdenied', 'incomplete', 'completedwithfailure', 'rejected', 'limitexceeded'].includes(normal)) {
    return 'failure';
  }
  if (['inprogress', 'pending', 'delayed', 'cancelling', 'waiting', 'connecting', 'runbookinprogress', 'terminating', 'scheduled'].includes(normal)) return 'running';
  return 'other';
}

/** "i-0abc (web-01)" */
export const nodeLabel = (instanceId: string, instanceName?: string): string => (instanceName ? `${instanceId} (${instanceName})` : instanceId);

/** Page titles say where one is first, then whose console it is. */
export const pageTitle = (title: string): string => `${title} · ssm-history console`;
