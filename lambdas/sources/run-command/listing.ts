import { ListCommandsCommand, type SSMClient } from '@aws-sdk/client-ssm';
import { runCommandStatuses, statusInfo } from '../../status';
import type { ListedPage, ParentLister, WorkItem } from '../history-source';

/**
 * Run Command's poller listing: ListCommands filtered InvokedAfter `since` (inclusive, "command
 * executions occurring [then] and later"; the value is `since` cut to the second, so the
 * listing may start up to a second early), at its maximum page size (CommandMaxResults 1..50).
 * One listPage call is exactly one ListCommands call. The position is the JSON
 * `{"nextToken": "<SSM NextToken>"}`; SSM binds the token to the same filter, so a listing
 * resumes only with the same `since`.
 */
export const COMMAND_LISTING_PAGE_SIZE = 50;

/** A CommandFilter time value: ISO 8601 cut to the second (never later than `iso`), UTC. */
function secondsFilterValue(iso: string): string {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) throw new RangeError(`not an ISO 8601 time: ${iso}`);
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function readPosition(position: string | undefined): string | undefined {
  if (position === undefined) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(position);
  } catch (error) {
    throw new RangeError('run-command listing position is not JSON', { cause: error });
  }
  const token = typeof parsed === 'object' && parsed !== null ? (parsed as { nextToken?: unknown }).nextToken : undefined;
  if (typeof token !== 'string' || token.length === 0) throw new RangeError('run-command listing position has no nextToken');
  return token;
}

const earlier = (a: string | undefined, b: string): string => (a === undefined || b < a ? b : a);

async function listPage(ssm: SSMClient, since: string, position: string | undefined, now: Date): Promise<ListedPage> {
  const { Commands = [], NextToken } = await ssm.send(
    new ListCommandsCommand({
      MaxResults: COMMAND_LISTING_PAGE_SIZE,
      Filters: [{ key: 'InvokedAfter', value: secondsFilterValue(since) }],
      NextToken: readPosition(position),
    }),
  );
  const sentAt = now.toISOString();
  const items: WorkItem[] = [];
  let oldestSeen: string | undefined;
  let earliestRunning: string | undefined;
  for (const command of Commands) {
    if (command.CommandId === undefined || command.CommandId === '') continue;
    items.push({ kind: 'run-command', parentId: command.CommandId, producer: 'poll', sentAt, observations: [], fetch: { scope: 'parent' } });
    const requested = command.RequestedDateTime?.toISOString();
    if (requested === undefined) continue;
    oldestSeen = earlier(oldestSeen, requested);
    if (!statusInfo(runCommandStatuses, command.Status ?? 'Pending').terminal) earliestRunning = earlier(earliestRunning, requested);
  }
  return {
    items,
    ...(NextToken ? { next: JSON.stringify({ nextToken: NextToken }) } : {}),
    ...(oldestSeen !== undefined ? { oldestSeen } : {}),
    ...(earliestRunning !== undefined ? { earliestRunning } : {}),
  };
}

export const runCommandLister: ParentLister = {
  listingActions: ['ssm:ListCommands'],
  listPage,
};
