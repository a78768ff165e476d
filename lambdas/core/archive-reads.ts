/**
 * The vocabulary of the archive's reads: orders, filters, time ranges and where a listing
 * resumes. The kinds' views and SSM-compatible operations speak it; the query engine's reader
 * carries it out on DynamoDB (Query on a key or an index, never Scan).
 */

/** The attributes a newest-first listing orders by: a time, then an id among equal times. */
export interface ListingOrder {
  readonly time: string;
  readonly id: string;
}

/** A test on one attribute: equal to one of the values, or within an inclusive string range. */
export type AttributeTest =
  | { readonly attribute: string; readonly oneOf: readonly string[] }
  | { readonly attribute: string; readonly from?: string; readonly to?: string };

/** Holds when any of its tests holds; negated, when none does. */
export interface FilterClause {
  readonly anyOf: readonly AttributeTest[];
  readonly negate?: boolean;
}

/** Clauses that must all hold: becomes a DynamoDB FilterExpression. */
export type ItemFilter = readonly FilterClause[];

/** Whether an item passes a filter: what DynamoDB's FilterExpression of it keeps, for items read by key. */
export function itemPasses(filter: ItemFilter | undefined, item: Readonly<Record<string, unknown>>): boolean {
  return (filter ?? []).every((clause) => clause.anyOf.some((test) => testHolds(test, item[test.attribute])) !== (clause.negate === true));
}

function testHolds(test: AttributeTest, value: unknown): boolean {
  if ('oneOf' in test) return typeof value === 'string' && test.oneOf.includes(value);
  if (test.from === undefined && test.to === undefined) return value !== undefined;
  // DynamoDB compares a string range only with strings; another type never matches.
  if (typeof value !== 'string') return false;
  return (test.from === undefined || value >= test.from) && (test.to === undefined || value <= test.to);
}

/** Inclusive bounds on a listing's time, as stored: ISO 8601 with milliseconds. */
export interface TimeRange {
  readonly from?: string;
  readonly to?: string;
}

/** From (inclusive) and before (exclusive) epoch ms as inclusive stored-string bounds. */
export function storedTimeRange(from: number | undefined, before: number | undefined): TimeRange | 'empty' {
  if (from !== undefined && before !== undefined && from >= before) return 'empty';
  return {
    ...(from !== undefined ? { from: new Date(from).toISOString() } : {}),
    // Stored times have millisecond precision: before T means at most T minus 1 ms.
    ...(before !== undefined ? { to: new Date(before - 1).toISOString() } : {}),
  };
}

/** Where a newest-first listing resumes: after this entry, or at it when inclusive. */
export interface NewestFirstStart {
  readonly time: string;
  /** The entry's own id (CommandId, AutomationExecutionId, ExecutionId, WindowExecutionId). */
  readonly id: string;
  readonly inclusive: boolean;
}

export interface NewestFirstOptions {
  readonly range?: TimeRange;
  readonly start?: NewestFirstStart;
  readonly filter?: ItemFilter;
  /** Attributes to read; all when omitted. The ordering keys are always added. */
  readonly attributes?: readonly string[];
  /** DynamoDB's Limit per request: items evaluated, before the filter. */
  readonly pageSize: number;
}

/** Code-unit order, as SSM (and the simulator) order ids: deterministic, unlike localeCompare. */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Every item of a walk (an index partition of keys, a short list). */
export async function allOf<T>(items: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const item of items) all.push(item);
  return all;
}
