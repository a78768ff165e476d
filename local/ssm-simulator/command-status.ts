import type { CommandStatus } from '@aws-sdk/client-ssm';
import type { CommandRun } from './runs';
import { OUTCOMES, type Outcome } from './spec';

/** How SSM names and aggregates Run Command statuses. */

/** Every outcome is a terminal StatusDetails value. */
const TERMINAL_DETAILS: readonly string[] = OUTCOMES;
const TERMINAL_SET: ReadonlySet<string> = new Set(TERMINAL_DETAILS);

/** A terminal Status: valid for invocations and plugins alike. */
export type TerminalStatus = 'Success' | 'Failed' | 'Cancelled' | 'TimedOut';

/** SSM's Status for a terminal StatusDetails value. */
export function statusForOutcome(outcome: Outcome): TerminalStatus {
  switch (outcome) {
    case 'DeliveryTimedOut':
    case 'ExecutionTimedOut':
      return 'TimedOut';
    case 'Undeliverable':
    case 'Terminated':
      return 'Failed';
    default:
      return outcome;
  }
}

export function isTerminalDetails(details: string): boolean {
  return TERMINAL_SET.has(details);
}

export function countOf(command: CommandRun, details: string): number {
  return command.detailCounts.get(details) ?? 0;
}

export function completedCount(command: CommandRun): number {
  return TERMINAL_DETAILS.reduce((sum, details) => sum + countOf(command, details), 0);
}

/**
 * The command's Status and StatusDetails from its invocations' counts, following the
 * rules in the SSM API reference for Command.StatusDetails: failures and execution
 * timeouts count against MaxErrors, delivery timeouts only decide TimedOut, undeliverable
 * invocations do not count towards Success or Incomplete.
 */
export function deriveCommandStatus(command: CommandRun): [CommandStatus, string] {
  const total = command.invocations.length;
  if (total === 0) return ['Failed', 'NoInstancesInTag'];
  const completed = completedCount(command);
  if (completed < total) {
    return countOf(command, 'Pending') === total ? ['Pending', 'Pending'] : ['InProgress', 'InProgress'];
  }
  if (countOf(command, 'Cancelled') > 0) return ['Cancelled', 'Cancelled'];
  const success = countOf(command, 'Success');
  const undeliverable = countOf(command, 'Undeliverable');
  if (success > 0 && success + undeliverable === total) return ['Success', 'Success'];
  const maxErrors = allowedErrors(command.request.maxErrors, total);
  const failed = countOf(command, 'Failed');
  const executionTimedOut = countOf(command, 'ExecutionTimedOut');
  if (failed + executionTimedOut > maxErrors) {
    return executionTimedOut > failed ? ['TimedOut', 'ExecutionTimedOut'] : ['Failed', 'Failed'];
  }
  if (countOf(command, 'DeliveryTimedOut') > maxErrors) return ['TimedOut', 'DeliveryTimedOut'];
  return ['Failed', 'Incomplete'];
}

/** MaxErrors as SendCommand takes it: "10" or "10%" (of the targets, rounded down). */
export function allowedErrors(maxErrors: string, total: number): number {
  const percent = /^(\d+)%$/.exec(maxErrors);
  if (percent?.[1] !== undefined) return Math.floor((total * Number(percent[1])) / 100);
  const n = Number(maxErrors);
  return Number.isInteger(n) && n >= 0 ? n : 0;
}
