import type { JsonObject } from '../../ssm-protocol/input';
import type { ArchiveReader } from '../archive-reader';
import type { ListingTokens } from '../../ssm-protocol/paging';

/** What every SSM-compatible operation answers from: the archive, page tokens, and the clock. */
export interface EndpointContext {
  readonly reader: ArchiveReader;
  readonly tokens: ListingTokens;
  /** For the elapsed time of a plugin still running. */
  readonly now: () => Date;
}

/** One SSM operation answered from the archive: SSM's request body in, SSM's response body out. */
export type SsmOperation = (input: JsonObject, ctx: EndpointContext) => Promise<object>;

/** The SSM operations a kind answers, by name (X-Amz-Target `AmazonSSM.<name>`). */
export type SsmOperations = Readonly<Record<string, SsmOperation>>;
