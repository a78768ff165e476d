import type { PageTokens } from './page-token';
import { SsmError } from './errors';

/**
 * Pages and page tokens, the same for the SSM-compatible operations and the archive views.
 * Paging is keyset paging: a token holds the position of the last entry returned, so what
 * the archive gains between two pages is neither lost nor repeated.
 */

export interface Page<T> {
  readonly items: T[];
  /** True when another entry follows: only then does a page carry a token (as SSM does). */
  readonly more: boolean;
}

/**
 * DynamoDB's Limit for a listing that wants `wanted` entries: one more than that (to learn
 * whether more follow), or, behind a filter, a larger read: Limit counts the items DynamoDB
 * reads, not those the filter keeps, so a selective filter would cost many round trips.
 */
export function readSize(wanted: number, filtered: boolean): number {
  return filtered ? Math.max(FILTERED_READ_SIZE, wanted + 1) : wanted + 1;
}

const FILTERED_READ_SIZE = 100;

/** Up to `size` entries that `keep` accepts, reading one past them to learn whether more follow. */
export async function takePage<T>(entries: AsyncIterable<T> | Iterable<T>, size: number, keep: (entry: T) => boolean = () => true): Promise<Page<T>> {
  const items: T[] = [];
  for await (const entry of entries) {
    if (!keep(entry)) continue;
    if (items.length === size) return { items, more: true };
    items.push(entry);
  }
  return { items, more: false };
}

/**
 * Where a listing resumes: after the entry of this record (newest-first position: its time,
 * then its id: a CommandId, an AutomationExecutionId, an ExecutionId...) and, `within` that
 * record, after this child (an InstanceId, a ResourceId) or kind. `time` and `within` are
 * empty where a listing does not need them.
 */
export interface ListingPosition {
  readonly time: string;
  readonly id: string;
  readonly within: string;
}

/** Stored times are ISO 8601 with milliseconds, UTC. */
const STORED_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/** Page tokens (HMAC'd, bound to the operation and query) that carry a ListingPosition. */
export class ListingTokens {
  constructor(private readonly tokens: PageTokens) {}

  issue(operation: string, query: unknown, position: ListingPosition): string {
    return this.tokens.issue(operation, query, [position.time, position.id, position.within]);
  }

  /** Throws SsmError InvalidNextToken for a token this archive did not issue for this query. */
  read(operation: string, query: unknown, token: string): ListingPosition {
    const [time, id, within, ...extra] = this.tokens.read(operation, query, token);
    if (
      typeof time !== 'string' ||
      typeof id !== 'string' ||
      typeof within !== 'string' ||
      extra.length > 0 ||
      (time !== '' && !STORED_TIME.test(time)) ||
      id.length === 0
    ) {
      throw new SsmError('InvalidNextToken', 'The specified token is not valid.');
    }
    return { time, id, within };
  }
}
