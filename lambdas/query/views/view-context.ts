import type { ArchiveReader } from '../archive-reader';
import type { ListingTokens } from '../../ssm-protocol/paging';
import type { ExecutionItem } from './execution-items';

/** What the archive views read with. */
export interface ViewContext {
  readonly reader: ArchiveReader;
  readonly tokens: ListingTokens;
  /** The archive's clock: what a relative time (since=7d) counts back from. */
  readonly now: () => Date;
}

/** The views' envelope: newest first; nextToken only when more follows. */
export interface ViewPage {
  readonly items: readonly ExecutionItem[];
  readonly nextToken?: string;
}
