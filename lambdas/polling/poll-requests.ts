import { MalformedMessageError } from '../core/model';
import { isAccountId, isRegionName, sameScope, scopesOf, type SsmScope } from '../core/scope';
import type { WorkSink } from './work-sink';

/**
 * Accounts and Regions one poller invocation polls, at once (the poll queue's batch size), and
 * how many such invocations run at once (the event source's maximum concurrency): 50
 * account-Regions polled at a time, each within its own rate limits.
 */
export const POLL_BATCH_SIZE = 5;
export const POLL_MAX_CONCURRENCY = 10;

/** What marks a poll request on the poll queue: "poll this account and Region now". */
export const POLL_REQUEST_MARKER = 'poll';

/** One account and Region as a poll-queue message body. */
export function encodePollRequest(scope: SsmScope): string {
  return JSON.stringify({ ssmHistory: POLL_REQUEST_MARKER, account: scope.account, region: scope.region });
}

/** A poll-queue message body back into its scope; only the poller's own shape is read. */
export function readPollRequest(body: string): SsmScope {
  let message: unknown;
  try {
    message = JSON.parse(body);
  } catch (error) {
    throw new MalformedMessageError('poll request is not JSON', { cause: error });
  }
  if (typeof message !== 'object' || message === null || Array.isArray(message)) throw new MalformedMessageError('poll request is not a JSON object');
  const { ssmHistory, account, region, ...rest } = message as Record<string, unknown>;
  if (ssmHistory !== POLL_REQUEST_MARKER) throw new MalformedMessageError(`poll request ssmHistory is not "${POLL_REQUEST_MARKER}": ${JSON.stringify(ssmHistory)}`);
  if (Object.keys(rest).length > 0) throw new MalformedMessageError(`poll request has unknown field(s): ${Object.keys(rest).join(', ')}`);
  if (!isAccountId(account) || !isRegionName(region)) {
    throw new MalformedMessageError(`poll request account and region are not an account id of 12 digits and a Region name: ${JSON.stringify(account)}, ${JSON.stringify(region)}`);
  }
  return { account, region };
}

/**
 * Every account and Region one poll cycle covers: the home first, then each member account in
 * each member Region (the home account's other Regions included), each once.
 */
export function scopesToPoll(home: SsmScope, accounts: readonly string[], regions: readonly string[]): SsmScope[] {
  const scopes: SsmScope[] = [home];
  for (const scope of scopesOf([home.account, ...accounts], regions)) {
    if (!scopes.some((known) => sameScope(known, scope))) scopes.push(scope);
  }
  return scopes;
}

/**
 * Whether the archive polls this account and Region: a poll request for any other is refused,
 * since the poller would assume a read role there. `organization`: any account of it (the
 * member roles trust only the organization's archive), in the configured Regions.
 */
export function isPolledScope(scope: SsmScope, home: SsmScope, accounts: readonly string[] | 'organization', regions: readonly string[]): boolean {
  if (sameScope(scope, home)) return true;
  if (!regions.includes(scope.region)) return false;
  return accounts === 'organization' || scope.account === home.account || accounts.includes(scope.account);
}

/**
 * The scheduled half of an organization's poll: one poll request per account and Region on
 * the poll queue, which the same function consumes a few at a time, each account and Region
 * with its own checkpoints and rate limits. No single invocation walks every member, and a
 * member that fails or runs long holds up no other.
 */
export async function dispatchPolls(scopes: readonly SsmScope[], pollQueue: WorkSink): Promise<number> {
  await pollQueue.send(scopes.map(encodePollRequest));
  return scopes.length;
}
