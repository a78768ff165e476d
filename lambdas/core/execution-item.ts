import type { RecordKind } from './model';
import { SCOPE_ATTRIBUTES } from './scope';

/**
 * What the archive views list: one entry per record, whatever its kind, with the same
 * camelCase fields. Each kind maps its stored items here (sources/<kind>/view.ts), from the
 * attributes its indexes hold, so a listing needs no second read.
 */
export interface ExecutionItem {
  readonly kind: RecordKind;
  /** The account and Region whose SSM holds the record (the archive's home for records stored without them). */
  readonly account?: string;
  readonly region?: string;
  readonly status?: string;
  readonly statusDetails?: string;
  /** When the execution was requested or started: the views' newest-first order. */
  readonly time: string;
  readonly requestedDateTime?: string;
  readonly commandId?: string;
  readonly instanceId?: string;
  readonly instanceName?: string;
  readonly documentName?: string;
  readonly automationExecutionId?: string;
  readonly stepExecutionId?: string;
  readonly stepName?: string;
  /** A child automation's parent execution. */
  readonly parentAutomationExecutionId?: string;
  /** State Manager: the association, its version, and its execution (ExecutionId). */
  readonly associationId?: string;
  readonly associationVersion?: string;
  readonly executionId?: string;
  readonly detailedStatus?: string;
  /** An association target's ResourceType (its node is instanceId). */
  readonly resourceType?: string;
  /** An association execution's targets by status, as SSM writes it: "{Failed=1, Success=59}". */
  readonly resourceCountByStatus?: string;
  readonly lastExecutionDate?: string;
  /** Maintenance Windows: the window and its execution. */
  readonly windowId?: string;
  readonly windowExecutionId?: string;
  /** A window execution's task and a task's invocation (one per target). */
  readonly taskExecutionId?: string;
  readonly invocationId?: string;
  /** The task's TaskArn (a document name for RUN_COMMAND and AUTOMATION tasks) and TaskType. */
  readonly taskArn?: string;
  readonly taskType?: string;
  readonly windowTargetId?: string;
  readonly ownerInformation?: string;
  readonly endTime?: string;
  /** Session Manager: the session, who opened it and why (its node is instanceId). */
  readonly sessionId?: string;
  readonly owner?: string;
  readonly reason?: string;
  /** When the archive first heard of it, and when it last observed it. */
  readonly firstSeenAt?: string;
  readonly observedAt?: string;
  /**
   * True while its status is only what an event or notification said: SSM's read has not
   * confirmed it (yet, or ever: a record SSM does not know). Absent once SSM's read has.
   */
  readonly unconfirmed?: boolean;
  readonly targetCount?: number;
  readonly completedCount?: number;
  readonly errorCount?: number;
  /** A failed record's error, as its failure alert excerpts it (first lines, capped); absent for records that do not alert. */
  readonly error?: string;
  /** True when `error` was cut. */
  readonly errorTruncated?: boolean;
}

/** How one record kind's stored items become entries. */
export interface RecordView {
  readonly recordKind: RecordKind;
  /** The stored attributes an entry is built from (all in the kind's indexes). */
  readonly attributes: readonly string[];
  readonly toItem: (stored: Readonly<Record<string, unknown>>) => ExecutionItem;
}

type Stored = Readonly<Record<string, unknown>>;

export const itemText = (item: Stored, name: string): string | undefined => (typeof item[name] === 'string' ? (item[name] as string) : undefined);
export const itemCount = (item: Stored, name: string): number | undefined => (typeof item[name] === 'number' ? (item[name] as number) : undefined);

/** Where a record lives: the archive attributes an entry's `account` and `region` are read from. */
export const SCOPE_MARKS = [SCOPE_ATTRIBUTES.account, SCOPE_ATTRIBUTES.region] as const;

/**
 * The archive's own attributes every entry shows: where it lives, its times, and whether
 * SSM's read confirmed its status.
 */
export const ARCHIVE_MARKS = [...SCOPE_MARKS, 'firstSeenAt', 'observedAt', 'confirmed'] as const;

export function archiveMarks(item: Stored): { account?: string; region?: string; firstSeenAt?: string; observedAt?: string; unconfirmed?: true } {
  return {
    account: itemText(item, SCOPE_ATTRIBUTES.account),
    region: itemText(item, SCOPE_ATTRIBUTES.region),
    firstSeenAt: itemText(item, 'firstSeenAt'),
    observedAt: itemText(item, 'observedAt'),
    ...(item.confirmed === false ? { unconfirmed: true } : {}),
  };
}

/** Drops absent fields, so an entry never shows `null` for something the archive does not know. */
export function entry(fields: Record<string, string | number | boolean | undefined> & { kind: RecordKind; time: string }): ExecutionItem {
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined)) as unknown as ExecutionItem;
}

/** One execution or child a lineage link names: `id` is what GET /executions/{id} takes. */
export interface LineageLink {
  readonly kind: RecordKind;
  readonly id: string;
  /** The linked record's own ids, by SSM field name (a step's StepExecutionId, a target's ResourceId, ...). */
  readonly ids: Readonly<Record<string, string>>;
}

/** GET /executions/{id}: one execution of any kind, its children and its lineage. */
export interface ExecutionDetail {
  readonly kind: RecordKind;
  readonly id: string;
  readonly record: ExecutionItem;
  readonly children: readonly ExecutionItem[];
  /** True when it has more children than `limit`. */
  readonly moreChildren: boolean;
  readonly startedBy: readonly LineageLink[];
  readonly started: readonly LineageLink[];
}
