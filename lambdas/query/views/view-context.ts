import type { StoredItem } from '../../store/record-store';
import type { ArchiveReader } from '../archive-reader';
import type { ListingTokens } from '../../ssm-protocol/paging';
import type { ExecutionItem } from './execution-items';
import type { TimeWindow } from './parameters';

/** What the archive views read with. */
export interface ViewContext {
  readonly reader: ArchiveReader;
  readonly tokens: ListingTokens;
}

/** The views' envelope: newest first; nextToken only when more follows. */
export interface ViewPage {
  readonly items: readonly ExecutionItem[];
  readonly nextToken?: string;
}

/**
 * The last word on an entry, whatever DynamoDB's filter already did: its own time in the
 * window and its status, when asked for, equal to Status or StatusDetails.
 */
export function entryMatches(item: StoredItem, window: TimeWindow, status: string | undefined): boolean {
  const time = Date.parse(typeof item['RequestedDateTime'] === 'string' ? item['RequestedDateTime'] : '');
  if (window.since !== undefined && !(time >= window.since)) return false;
  if (window.until !== undefined && !(time < window.until)) return false;
  return status === undefined || item['Status'] === status || item['StatusDetails'] === status;
}
