import { ListCommandsCommand, type SSMClient } from '@aws-sdk/client-ssm';
import { statusInfo } from '../../core/status';
import { runCommandStatuses } from './statuses';
import type { ListedPage, ParentLister } from '../../core/model';
import { ListedParents, readTokenPosition, secondsFilterValue, tokenPosition } from '../listed-parents';

/**
 * Run Command's poller listing: ListCommands filtered InvokedAfter `since` (inclusive, "command
 * executions occurring [then] and later"; the value is `since` cut to the second, so the
 * listing may start up to a second early), at its maximum page size (CommandMaxResults 1..50).
 * One listPage call is exactly one ListCommands call. The position is the JSON
 * `{"nextToken": "<SSM NextToken>"}`; SSM binds the token to the same filter, so a listing
 * resumes only with the same `since`.
 */
export const COMMAND_LISTING_PAGE_SIZE = 50;

async function listPage(ssm: SSMClient, since: string, position: string | undefined, now: Date): Promise<ListedPage> {
  const { Commands = [], NextToken } = await ssm.send(
    new ListCommandsCommand({
      MaxResults: COMMAND_LISTING_PAGE_SIZE,
      Filters: [{ key: 'InvokedAfter', value: secondsFilterValue(since) }],
      NextToken: readTokenPosition('run-command', position),
    }),
  );
  const sentAt = now.toISOString();
  const listed = new ListedParents();
  for (const command of Commands) {
    if (command.CommandId === undefined || command.CommandId === '') continue;
    listed.add(
      { kind: 'run-command', parentId: command.CommandId, producer: 'poll', sentAt, observations: [], fetch: { scope: 'parent' } },
      command.RequestedDateTime?.toISOString(),
      statusInfo(runCommandStatuses, command.Status ?? 'Pending').terminal,
    );
  }
  return listed.page(NextToken ? tokenPosition(NextToken) : undefined);
}

export const runCommandLister: ParentLister = {
  listingActions: ['ssm:ListCommands'],
  listPage,
};
