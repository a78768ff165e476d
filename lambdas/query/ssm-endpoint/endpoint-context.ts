import type { ArchiveReader } from '../archive-reader';
import type { ListingTokens } from '../paging';

/** What every SSM-compatible operation answers from: the archive, page tokens, and the clock. */
export interface EndpointContext {
  readonly reader: ArchiveReader;
  readonly tokens: ListingTokens;
  /** For the elapsed time of a plugin still running. */
  readonly now: () => Date;
}
