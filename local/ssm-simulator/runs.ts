import type {
  CloudWatchOutputConfig,
  Command,
  CommandInvocation,
  CommandInvocationStatus,
  CommandStatus,
  GetCommandInvocationResult,
  NotificationConfig,
  Target,
} from '@aws-sdk/client-ssm';
import type { Outcome } from './spec';

/** The simulator's Run Command data: what a command is while it plays out. */

/** One plugin's scripted run. Times are epoch ms; undefined when the plugin never starts. */
export interface PluginRun {
  readonly name: string;
  readonly stdout: string;
  readonly stderr: string;
  readonly responseCode: number;
  readonly outcome: Outcome;
  readonly startAt: number | undefined;
  readonly endAt: number | undefined;
  /** A seeded plugin's GetCommandInvocation answer, served as given (seedCommandInvocation). */
  readonly verbatim?: GetCommandInvocationResult;
}

/** A point on an invocation's scripted path. `details` is SSM's StatusDetails. */
export interface Step {
  readonly at: number;
  readonly status: CommandInvocationStatus;
  readonly details: string;
}

export interface InvocationRun {
  readonly command: CommandRun;
  readonly instanceId: string;
  /** The invocation's own RequestedDateTime: SSM creates a command's invocations a few ms apart. */
  readonly requestedAt: number;
  readonly instanceName: string;
  /** steps[0] is Pending at RequestedDateTime; the last one is terminal. */
  readonly steps: readonly Step[];
  /** Index of the step in effect at the state's sync time. */
  current: number;
  readonly plugins: readonly PluginRun[];
  /** A seeded invocation's ListCommandInvocations record (Details=true), served as given. */
  readonly verbatim?: CommandInvocation;
}

/** The SendCommand request fields a command record echoes back, defaults applied. */
export interface CommandRequest {
  readonly documentName: string;
  readonly documentVersion: string;
  readonly comment: string;
  readonly parameters: Record<string, string[]>;
  readonly instanceIds: string[];
  readonly targets: Target[];
  readonly timeoutSeconds: number;
  readonly maxConcurrency: string;
  readonly maxErrors: string;
  readonly outputS3Region: string;
  readonly outputS3BucketName: string;
  readonly outputS3KeyPrefix: string;
  readonly serviceRole: string;
  readonly notificationConfig: NotificationConfig | undefined;
  readonly cloudWatchOutputConfig: CloudWatchOutputConfig;
}

export interface CommandRun {
  readonly id: string;
  readonly request: CommandRequest;
  readonly requestedAt: number;
  readonly expiresAt: number;
  /** Sorted by InstanceId, the order ListCommandInvocations returns them in. */
  readonly invocations: readonly InvocationRun[];
  readonly byInstance: ReadonlyMap<string, InvocationRun>;
  /** How many invocations currently show each StatusDetails value. */
  readonly detailCounts: Map<string, number>;
  status: CommandStatus;
  statusDetails: string;
  forgotten: boolean;
  /** A seeded command's ListCommands record, served as given; absent: built from the run as usual. */
  readonly verbatim?: Command;
}

/** A status change, reported to whoever turns them into events. */
export type Transition =
  | { readonly kind: 'command'; readonly at: number; readonly command: CommandRun }
  | { readonly kind: 'invocation'; readonly at: number; readonly command: CommandRun; readonly invocation: InvocationRun };

/**
 * ListCommandInvocations' order: newest RequestedDateTime first, InstanceId breaking ties
 * (each command's invocations together, the commands in ListCommands order).
 */
export function compareInvocations(a: { readonly requestedAt: number; readonly instanceId: string }, b: { readonly requestedAt: number; readonly instanceId: string }): number {
  if (a.requestedAt !== b.requestedAt) return b.requestedAt - a.requestedAt;
  return compareText(a.instanceId, b.instanceId);
}

/** Each command's invocations in listing order, sorted once: a command's invocations never change once it is built. */
const listingOrders = new WeakMap<CommandRun, readonly InvocationRun[]>();

/** A command's invocations in ListCommandInvocations' order. */
export function invocationsInListingOrder(command: CommandRun): readonly InvocationRun[] {
  let ordered = listingOrders.get(command);
  if (ordered === undefined || ordered.length !== command.invocations.length) {
    ordered = [...command.invocations].sort(compareInvocations);
    listingOrders.set(command, ordered);
  }
  return ordered;
}

/** Newest first, CommandId breaking ties, so paging keys are total. */
export function compareCommands(a: { readonly requestedAt: number; readonly id: string }, b: { readonly requestedAt: number; readonly id: string }): number {
  if (a.requestedAt !== b.requestedAt) return b.requestedAt - a.requestedAt;
  return compareText(a.id, b.id);
}

/** Code-unit order: deterministic, unlike localeCompare. */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function invocationStep(invocation: InvocationRun): Step {
  const step = invocation.steps[invocation.current];
  if (step === undefined) throw new Error('invocation has no current step');
  return step;
}
