import { isAccountId, isRegionName, scopeName, type SsmScope } from '../../core/scope';
import { SsmError } from '../../ssm-protocol/errors';
import type { PageTokens } from '../../ssm-protocol/page-token';
import { ListingTokens, type ListingPosition } from '../../ssm-protocol/paging';
import type { ArchiveReader } from '../archive-reader';
import { isHome, type ArchiveScopes } from '../read-scope';
import type { EndpointContext } from './endpoint-context';

/**
 * The SSM-compatible endpoint answers for one account and Region at a time, as SSM itself
 * does: a client picks them with a path prefix in its endpoint URL
 * (`--endpoint-url https://<api>/accounts/111111111111/regions/eu-west-1`; the AWS CLI and
 * the SDKs keep the endpoint's path and send their requests there). Without one, the
 * archive's home, so that clients of a single-account archive are unaffected.
 */

/** The account and Region of an endpoint path prefix, as sent: checked by endpointContextFor. */
export interface EndpointPathScope {
  readonly account: string;
  readonly region: string;
}

/**
 * Page tokens bound to one account and Region besides the operation and query: a NextToken
 * issued for one scope is InvalidNextToken in another, as a token of another query is.
 */
class ScopeBoundTokens extends ListingTokens {
  constructor(
    tokens: PageTokens,
    private readonly scope: SsmScope,
  ) {
    super(tokens);
  }

  override issue(operation: string, query: unknown, position: ListingPosition): string {
    return super.issue(operation, this.bound(query), position);
  }

  override read(operation: string, query: unknown, token: string): ListingPosition {
    return super.read(operation, this.bound(query), token);
  }

  private bound(query: unknown): unknown {
    return { scope: scopeName(this.scope), query };
  }
}

export interface EndpointScopes {
  readonly reader: ArchiveReader;
  readonly pageTokens: PageTokens;
  /** The home's tokens: unbound to a scope, as issued before the archive collected others. */
  readonly tokens: ListingTokens;
  readonly now: () => Date;
  readonly scopes?: ArchiveScopes;
}

/**
 * What the SSM operations read for a request: the archive kept to the path's account and
 * Region (the home's without a prefix). An archive that collects its home only, or was
 * assembled without knowing it, answers a request without a prefix from everything it
 * holds, as before it knew scopes. A malformed prefix is SSM's ValidationException, which the
 * CLI and SDKs print as such.
 */
export function endpointContextFor(path: EndpointPathScope | undefined, endpoint: EndpointScopes): EndpointContext {
  const { reader, tokens, now, scopes } = endpoint;
  // An archive of its home only holds the home's records: nothing to filter.
  if (path === undefined) return { reader: scopes?.collectsOthers === true ? reader.within(scopes.home) : reader, tokens, now };
  if (!isAccountId(path.account)) {
    throw new SsmError('ValidationException', `The endpoint path names account "${path.account}": an account is 12 digits, as in /accounts/111111111111/regions/eu-west-1`);
  }
  if (!isRegionName(path.region)) {
    throw new SsmError('ValidationException', `The endpoint path names Region "${path.region}": a Region is a name such as eu-west-1, as in /accounts/111111111111/regions/eu-west-1`);
  }
  const scope: SsmScope = { account: path.account, region: path.region };
  return { reader: reader.within(scope), tokens: isHome(scope, scopes) ? tokens : new ScopeBoundTokens(endpoint.pageTokens, scope), now };
}
