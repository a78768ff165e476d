import type {
  CloudWatchOutputConfig,
  Command,
  CommandInvocation,
  GetCommandInvocationResult,
  NotificationConfig,
  Target,
} from '@aws-sdk/client-ssm';

/**
 * How one invocation (or one plugin) ends. The names are SSM's StatusDetails values;
 * records map them to Status as SSM does (DeliveryTimedOut/ExecutionTimedOut -> TimedOut,
 * Undeliverable/Terminated -> Failed).
 */
export type Outcome =
  | 'Success'
  | 'Failed'
  | 'Cancelled'
  | 'DeliveryTimedOut'
  | 'ExecutionTimedOut'
  | 'Undeliverable'
  | 'Terminated';

export const OUTCOMES: readonly Outcome[] = [
  'Success',
  'Failed',
  'Cancelled',
  'DeliveryTimedOut',
  'ExecutionTimedOut',
  'Undeliverable',
  'Terminated',
];

/** Outcomes reached without the agent ever starting the document. */
export const NEVER_STARTED: ReadonlySet<Outcome> = new Set(['DeliveryTimedOut', 'Undeliverable', 'Terminated']);

/** One step of the document as it runs on one node. */
export interface PluginSpec {
  /** CommandPlugin.Name: the step name, e.g. "runShellScript". */
  name: string;
  stdout?: string;
  stderr?: string;
  /** Defaults: 0 on Success, -1 if never started, else 1. */
  responseCode?: number;
  /** Defaults: the invocation's outcome for the last plugin, Success for earlier ones. */
  outcome?: Outcome;
  /** Run time of this plugin. Defaults to an even share of the invocation's durationMs. */
  durationMs?: number;
}

/** The scripted life of one invocation, times relative to the command's RequestedDateTime. */
export interface InvocationSpec {
  instanceId: string;
  /** Fully qualified host name; defaults to an EC2-style ip-... name. */
  instanceName?: string;
  /** Default Success. */
  outcome?: Outcome;
  /**
   * The invocation's RequestedDateTime, as an offset after the command's (SSM creates a
   * command's invocations a few ms apart, and lists them newest first). Default 0.
   */
  requestedAtMs?: number;
  /** When set, the invocation shows Delayed at this offset (before delivery). */
  delayedAtMs?: number;
  /** Offset of delivery (InProgress), or of the terminal status for never-started outcomes. Default 1000. */
  startAtMs?: number;
  /** InProgress time when plugins give no durations. Default 2000. */
  durationMs?: number;
  /** Defaults to the command's plugins. */
  plugins?: PluginSpec[];
}

/** What SendCommand would have been asked for, plus the script of how it plays out. */
export interface CommandSpec {
  /** Default: a seeded UUID. */
  commandId?: string;
  documentName: string;
  /** Default "$DEFAULT". */
  documentVersion?: string;
  comment?: string;
  parameters?: Record<string, string[]>;
  /** Tag or resource-group targeting; when given, Command.InstanceIds is empty as in SSM. */
  targets?: Target[];
  /** Default: the simulator clock's now. Must not be in the simulator's future. */
  requestedAt?: Date;
  /** Default 3600. */
  timeoutSeconds?: number;
  /** Default: RequestedDateTime + TimeoutSeconds + executionTimeout parameter (default 3600 s). */
  expiresAfter?: Date;
  /** Default "50". */
  maxConcurrency?: string;
  /** Default "0". Number or percentage, as SendCommand takes it. */
  maxErrors?: string;
  outputS3BucketName?: string;
  outputS3KeyPrefix?: string;
  serviceRoleArn?: string;
  notificationConfig?: NotificationConfig;
  cloudWatchOutputConfig?: CloudWatchOutputConfig;
  /** Plugins every invocation runs unless it lists its own. Default one "runShellScript". */
  plugins?: PluginSpec[];
  invocations: InvocationSpec[];
}

/**
 * Exact Run Command records, served as given rather than played out (no events, nothing
 * scheduled), e.g. AWS's documented sample responses. ListCommands, ListCommandInvocations
 * (with and without Details) and GetCommandInvocation serve them unchanged; the filters,
 * paging and forgetBefore see the command at its RequestedDateTime.
 */
export interface CommandInvocationSeed {
  /**
   * ListCommands' record. Default: built as sendCommand would have built it for this one
   * invocation (SendCommand's defaults, InstanceIds [InstanceId], Status from the invocation's).
   */
  command?: Command;
  /**
   * ListCommandInvocations' record with Details=true. Needs CommandId, InstanceId and
   * RequestedDateTime (or command.RequestedDateTime). Default CommandPlugins: one per
   * pluginOutputs entry, derived by listedPlugin (records.ts).
   */
  invocation: CommandInvocation;
  /** GetCommandInvocation's answer for each plugin, in document order; at least one. */
  pluginOutputs: GetCommandInvocationResult[];
}
