import type { SSMClient } from '@aws-sdk/client-ssm';
import type { TableId, RecordKey } from './table-schema';
import type { StatusInfo } from './status';
import type { IdForm } from './ssm-ids';
import type { RecordAlert } from './alert-content';
import type { SsmScope } from './scope';

/** The history kinds the archive keeps. */
export const historyKinds = ['run-command', 'automation', 'association', 'maintenance-window', 'session'] as const;
export type HistoryKind = (typeof historyKinds)[number];

export const isHistoryKind = (name: string): name is HistoryKind => (historyKinds as readonly string[]).includes(name);

/**
 * The kinds of record the history kinds keep, as the views, the alerts and the CLI name them:
 * a history kind's parent record and its children.
 */
export type RecordKind =
  | 'command'
  | 'command-invocation'
  | 'automation-execution'
  | 'automation-step'
  | 'association-execution'
  | 'association-target'
  | 'maintenance-window-execution'
  | 'maintenance-window-task'
  | 'maintenance-window-task-invocation'
  | 'session';

/** Who produced a work item: an EventBridge event, an SNS notification, or a poller. */
export type Producer = 'event' | 'notification' | 'poll';

/** A stored attribute value: what lib-dynamodb marshals (no Dates: they are ISO strings). */
export type StoredValue =
  | string
  | number
  | boolean
  | null
  | StoredValue[]
  | { [name: string]: StoredValue };

export type StoredFields = { [name: string]: StoredValue };

/** One status sighting kept in a record's timeline. */
export interface TimelineEntry {
  readonly status: string;
  /** ISO 8601 with milliseconds, so that string order is time order. */
  readonly at: string;
}

/**
 * What the archive learned about one record at one moment: from an event (status only) or
 * from SSM's read APIs (every field). The store applies it with one conditional write, in
 * which SSM's read wins.
 */
export interface Observation {
  readonly table: TableId;
  readonly key: RecordKey;
  readonly status: string;
  readonly statuses: Readonly<Record<string, StatusInfo>>;
  /** ISO 8601 with milliseconds: SSM's event time, or when the read API answered. */
  readonly observedAt: string;
  /** SSM's field names and values, Dates as ISO strings; keys included. */
  readonly fields: StoredFields;
  /** True when the fields are SSM's full record, not just what an event carried. */
  readonly complete: boolean;
  /** SSM fields a complete record no longer has: removed so the archive equals SSM's record. */
  readonly absentFields?: readonly string[];
  readonly producers: ReadonlySet<Producer>;
  readonly timeline: readonly TimelineEntry[];
  /**
   * A finished parent whose children this same collection stored in full: the collector
   * writes it after every other observation of the batch succeeded, marked so (archive
   * attribute childrenComplete), and a source may then skip that parent's children next time.
   */
  readonly settlesChildren?: boolean;
  /** The account and Region whose SSM holds the record: stored as its account and region attributes. */
  readonly scope?: SsmScope;
}

/** What a work item asks the collector to fetch from SSM for its parent. */
export type FetchRequest =
  | { readonly scope: 'none' }
  /** A few children (e.g. invocations that just failed): their details, now. */
  | { readonly scope: 'children'; readonly childIds: readonly string[] }
  /** The parent record and all its children (the parent finished, or a poller listed it). */
  | {
      readonly scope: 'parent';
      /**
       * Only children created after this instant (ISO 8601) are asked for; omitted: all.
       * State Manager's events name an association, not an execution: its recent executions.
       */
      readonly since?: string;
      /**
       * How to find the parent's own record when SSM lists it only under its owner: a
       * maintenance window execution is read by DescribeMaintenanceWindowExecutions, which
       * needs its WindowId (ownerId), filtered around its StartTime (startedAt, ISO 8601) so
       * that one small page holds it. Omitted by kinds that read a parent by its own id.
       */
      readonly listedBy?: { readonly ownerId: string; readonly startedAt?: string };
    };

/**
 * One unit of work on the work queue: "parent X of kind K changed". Events and pollers both
 * produce them; the collector is the only consumer, and the only writer of history records.
 */
export interface WorkItem {
  readonly kind: HistoryKind;
  readonly parentId: string;
  readonly producer: Producer;
  /** When the producer says the change happened (event time, notification eventTime), ISO 8601. */
  readonly sentAt: string;
  /** What the message itself says, stored without any SSM call. */
  readonly observations: readonly Observation[];
  readonly fetch: FetchRequest;
  /**
   * The account and Region the parent lives in: an event's own account and region, a
   * notification topic's, the scope a poller listed. Absent: the archive's home.
   */
  readonly scope?: SsmScope;
}

/** A message the collector cannot use. It goes to the DLQ after its retries, with this reason logged. */
export class MalformedMessageError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'MalformedMessageError';
  }
}

/** What a source may read of the archive: one stored item by key (the collector's own store). */
export interface ArchiveLookup {
  get(table: TableId, key: RecordKey): Promise<Readonly<Record<string, unknown>> | undefined>;
}

/**
 * A collection that failed part way, with what it had gathered: the collector stores those
 * observations, then fails the messages so they are retried. For a parent whose pass is long
 * (a poller's backfill of an association's month of executions), each retry then starts past
 * what is stored and settled instead of from nothing.
 */
export class PartialCollectionError extends Error {
  constructor(
    readonly observations: readonly Observation[],
    options: { cause: unknown },
  ) {
    super(`collected ${observations.length} records before failing: ${options.cause instanceof Error ? options.cause.message : String(options.cause)}`, options);
    this.name = 'PartialCollectionError';
  }
}

/** Any SSM-compatible client: the real SSMClient against AWS, local mode or the simulator. */
export interface SourceClients {
  readonly ssm: SSMClient;
  /**
   * The archive, so that a source can skip SSM reads whose answer it already holds (State
   * Manager's events name no execution, so each one would otherwise re-read finished ones).
   * The collector always passes it; unit tests of one call may leave it out.
   */
  readonly archive?: ArchiveLookup;
}

/**
 * Which finished command invocations the collector reads GetCommandInvocation for, every
 * plugin: `failures` (Failed, TimedOut, Cancelled: the ones people investigate) or `all`.
 * Any other plugin's answer is read only when its listed output was cut; otherwise the
 * archive rebuilds it from the listed plugin, and marks it so.
 */
export type InvocationDetail = 'failures' | 'all';
export const INVOCATION_DETAILS: readonly InvocationDetail[] = ['failures', 'all'];

/** How the deployment asked the collector to collect. */
export interface CollectSettings {
  readonly invocationDetail: InvocationDetail;
}

export const DEFAULT_COLLECT_SETTINGS: CollectSettings = { invocationDetail: 'failures' };

/**
 * An SSM action granted on a resource ARN pattern rather than "*". The pattern's
 * `${Partition}`, `${Region}` and `${Account}` are the stack's own (IAM policy variables are
 * not allowed in a Resource this way, so the CDK substitutes them), e.g.
 * `arn:${Partition}:ssm:${Region}:${Account}:automation-execution/*`.
 */
export interface ScopedAction {
  readonly action: string;
  readonly resource: string;
}

/** SSM's status-change events as EventBridge delivers them. */
export interface SsmEvent {
  readonly id: string;
  readonly 'detail-type': string;
  readonly source: string;
  readonly time: string;
  readonly detail: Readonly<Record<string, unknown>>;
}

/**
 * A definition a poller's listing returned whole (an association from ListAssociations, a
 * maintenance window from DescribeMaintenanceWindows): SSM's record as listed, so that the
 * archive knows the parent exists, and what it is called, with or without any execution.
 */
export interface ListedDefinition {
  readonly table: TableId;
  readonly key: RecordKey;
  /** SSM's field names and values, Dates as ISO strings; keys included. */
  readonly fields: StoredFields;
  /** SSM fields of the record that this listing did not return: removed from the stored item. */
  readonly absentFields: readonly string[];
  /** Where SSM lists it; absent: the archive's home. */
  readonly scope?: SsmScope;
}

/**
 * One page of a kind's parents that SSM lists as started or changed since a time: what a
 * poller enqueues, and what it learns about the watermark from it.
 */
export interface ListedPage {
  /** One work item per listed parent: producer 'poll', fetch the parent (the collector reads it whole). */
  readonly items: readonly WorkItem[];
  /** Where the listing goes on (opaque, JSON-safe; may hold a nested listing's place); undefined after the last page. */
  readonly next?: string;
  /** The oldest parent time (ISO 8601) SSM returned on this page: "the oldest record SSM still returns". */
  readonly oldestSeen?: string;
  /** The earliest start (ISO 8601) of a listed parent that has not finished: the watermark must not pass it. */
  readonly earliestRunning?: string;
  /** Definitions the listing read on this page, for the poller to keep (ParentLister.definitionTables). */
  readonly definitions?: readonly ListedDefinition[];
}

/**
 * How a poller lists one kind's parents: the kind's listing API filtered on a time
 * (ListCommands InvokedAfter; DescribeAutomationExecutions StartTimeAfter; ListAssociations
 * then DescribeAssociationExecutions CreatedTime GREATER_THAN; DescribeMaintenanceWindows then
 * DescribeMaintenanceWindowExecutions ExecutedAfter), one page per call.
 */
export interface ParentLister {
  /** SSM listing actions IAM grants only on "*" (the poller's policy takes exactly these). */
  readonly listingActions: readonly string[];
  /** SSM listing actions granted on resource ARNs only. */
  readonly scopedListingActions?: readonly ScopedAction[];
  /**
   * The tables the poller keeps this listing's definitions in (ListedPage.definitions): the
   * poller, which holds them already, writes them, so its role is granted exactly these.
   */
  readonly definitionTables?: readonly TableId[];
  /**
   * One page of parents started or changed since `since` (ISO 8601), from `position` (a
   * previous page's `next`; undefined: the first page). `now` stamps the work items' sentAt.
   */
  listPage(ssm: SSMClient, since: string, position: string | undefined, now: Date): Promise<ListedPage>;
}

/** How long a gathered kind's events wait before they are collected (HistorySource.gathering). */
export interface EventGathering {
  /** The delivery delay, in seconds (SQS allows 0 to 900). */
  readonly delaySeconds: number;
}

/**
 * One history kind, end to end: which events it consumes, how it reads them, and how it
 * turns a batch of work items about one parent into the fewest SSM calls that keep the
 * archive exact. The collector (and later the pollers) are generic over this shape.
 */
export interface HistorySource {
  readonly kind: HistoryKind;
  /** The form of its parent's id (a work item's parentId), as SSM documents it. */
  readonly parentId: IdForm;
  /** The form of its children's ids (a work item's childIds), where SSM documents one. */
  readonly childId?: IdForm;
  /** EventBridge detail-types (source aws.ssm) this kind consumes; the CDK rule uses this list. */
  readonly eventDetailTypes: readonly string[];
  /**
   * A narrower match on the events' detail, for a kind whose detail-type other events share
   * (CloudTrail's "AWS API Call via CloudTrail" carries every SSM API call): an EventBridge
   * pattern's `detail`, given its own rule so that no other kind's events are narrowed.
   */
  readonly eventDetailPattern?: Readonly<Record<string, readonly (string | Readonly<Record<string, boolean>>)[]>>;
  /** Its status table: every status its records take, with rank and outcome. */
  readonly statuses: Readonly<Record<string, StatusInfo>>;
  /** False: its failures alert only when the alert configuration names its statuses (default true). */
  readonly alertsByDefault?: boolean;
  /** Which of its records alert, and what their alerts say. */
  readonly alerts?: readonly RecordAlert[];
  /** The tables this kind writes: the ones it declares (its tables.ts). */
  readonly tables: readonly TableId[];
  /**
   * The tables this kind's collection reads items of by key (GetItem), e.g. to tell whether an
   * execution is already settled; the collector's role is granted exactly these reads.
   */
  readonly tablesRead?: readonly TableId[];
  /** The SSM read actions its collector calls that IAM grants only on Resource "*"; the CDK grants exactly these. */
  readonly collectorActions: readonly string[];
  /** The SSM read actions its collector calls that take resource ARNs: granted on those ARNs only. */
  readonly scopedCollectorActions?: readonly ScopedAction[];
  /**
   * For a kind whose events name only the parent (State Manager's name the association, not
   * the execution), so that every event asks for the same pass: its events are delivered this
   * long after they happened (an SQS delivery delay), and one pass of the parent then covers
   * every event that happened before it started (PassLedger), however many batches they span.
   * Absent: each batch's items make their own pass.
   */
  readonly gathering?: EventGathering;
  /** Throws MalformedMessageError when the event is not one this kind can use. */
  parseEvent(event: SsmEvent): WorkItem;
  /** SNS notifications (Run Command only); undefined when the kind has none. */
  parseNotification?(message: Readonly<Record<string, unknown>>): WorkItem;
  /**
   * Everything to store for one parent, given all work items about it in one batch:
   * event-carried observations plus whatever it fetched. Throws when SSM could not answer,
   * so the items' messages are retried.
   */
  collect(items: readonly WorkItem[], clients: SourceClients, now: () => Date, settings?: CollectSettings): Promise<Observation[]>;
  /**
   * How the pollers list this kind's parents. Every kind has one (its `…Source`); the
   * collector's list of kinds leaves them out (`…Collection`), so that its bundle does too.
   */
  readonly lister?: ParentLister;
}

/** A kind the pollers list: one with its lister. */
export type ListedSource = HistorySource & { readonly lister: ParentLister };

/** A kind with the pollers' lister added to what the collector needs of it. */
export function withLister(collection: HistorySource, lister: ParentLister): ListedSource {
  return { ...collection, lister };
}
