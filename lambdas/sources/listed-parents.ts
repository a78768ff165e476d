import type { ListedDefinition, ListedPage, WorkItem } from '../core/model';
import type { TableId } from '../core/table-schema';
import { toStoredFields } from '../store/stored-fields';

/**
 * What the kinds' listers share: SSM's time filter values, the position of a listing that
 * pages with one NextToken, and the page a lister hands the poller (its work items, the
 * oldest parent seen, the earliest one still running).
 */

/**
 * An SSM filter's time value (ListCommands InvokedAfter, DescribeAutomationExecutions
 * StartTimeAfter, DescribeAssociationExecutions CreatedTime, DescribeMaintenanceWindowExecutions
 * Executed*): ISO 8601 cut to the second (never later than the time given), UTC.
 */
export function secondsFilterValue(time: string | number): string {
  const ms = typeof time === 'number' ? time : Date.parse(time);
  if (Number.isNaN(ms)) throw new RangeError(`not an ISO 8601 time: ${String(time)}`);
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** The earlier of two ISO 8601 times, either absent; compared as times, so their formats may differ (with or without ms). */
export function earlier(a: string | undefined, b: string): string;
export function earlier(a: string | undefined, b: string | undefined): string | undefined;
export function earlier(a: string | undefined, b: string | undefined): string | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return Date.parse(b) < Date.parse(a) ? b : a;
}

/** A one-level listing's position: the JSON `{"nextToken": "<SSM NextToken>"}`. */
export const tokenPosition = (nextToken: string): string => JSON.stringify({ nextToken });

/** The SSM NextToken in a one-level listing's position; undefined for the first page. */
export function readTokenPosition(what: string, position: string | undefined): string | undefined {
  if (position === undefined) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(position);
  } catch (error) {
    throw new RangeError(`${what} listing position is not JSON`, { cause: error });
  }
  const token = typeof parsed === 'object' && parsed !== null ? (parsed as { nextToken?: unknown }).nextToken : undefined;
  if (typeof token !== 'string' || token.length === 0) throw new RangeError(`${what} listing position has no nextToken`);
  return token;
}

/** A listed page in the making: each parent's work item, and the times the poller's watermark needs. */
export class ListedParents {
  private readonly items: WorkItem[] = [];
  private oldestSeen: string | undefined;
  private earliestRunning: string | undefined;

  /** A listed parent: its work item, when it started (ISO 8601, if SSM says), whether it has finished. */
  add(item: WorkItem, startedAt: string | undefined, finished: boolean): void {
    this.addItem(item);
    if (startedAt !== undefined) this.seen(startedAt, finished);
  }

  /** A work item alone (one for several listed records: an association's executions). */
  addItem(item: WorkItem): void {
    this.items.push(item);
  }

  /** A listed record's time (ISO 8601) and whether it has finished, for the watermark. */
  seen(startedAt: string, finished: boolean): void {
    this.oldestSeen = earlier(this.oldestSeen, startedAt);
    if (!finished) this.earliestRunning = earlier(this.earliestRunning, startedAt);
  }

  page(next: string | undefined): ListedPage {
    return {
      items: this.items,
      ...(next !== undefined ? { next } : {}),
      ...(this.oldestSeen !== undefined ? { oldestSeen: this.oldestSeen } : {}),
      ...(this.earliestRunning !== undefined ? { earliestRunning: this.earliestRunning } : {}),
    };
  }
}

/**
 * The definition to keep of one listed record (an association, a window): SSM's record field
 * for field, keyed by its id; the fields SSM did not return are named so that they are
 * removed. Undefined for a record without its id.
 */
export function listedDefinition(table: TableId, keyName: string, record: object, fieldNames: readonly string[]): ListedDefinition | undefined {
  const id = (record as Readonly<Record<string, unknown>>)[keyName];
  if (typeof id !== 'string' || id === '') return undefined;
  const fields = toStoredFields(record);
  return { table, key: { [keyName]: id }, fields, absentFields: fieldNames.filter((name) => !(name in fields)) };
}
