import { DescribeAutomationExecutionsCommand, type SSMClient } from '@aws-sdk/client-ssm';
import { statusInfo } from '../../core/status';
import { automationStatuses } from './statuses';
import type { ListedPage, ParentLister } from '../../core/model';
import { ListedParents, readTokenPosition, secondsFilterValue, tokenPosition } from '../listed-parents';

/**
 * Automation's poller listing: DescribeAutomationExecutions filtered StartTimeAfter `since`
 * (the value cut to the second, so the listing may start up to a second early), at its
 * maximum page size (MaxResults 1..50). One listPage call is exactly one
 * DescribeAutomationExecutions call. Child executions (aws:executeAutomation, multi-account
 * or rate-control runs) are listed too, each its own work item: each is its own parent record
 * in the archive. The position is the JSON `{"nextToken": "<SSM NextToken>"}`, bound by SSM to
 * the same filter (the same `since`).
 */
export const AUTOMATION_LISTING_PAGE_SIZE = 50;

async function listPage(ssm: SSMClient, since: string, position: string | undefined, now: Date): Promise<ListedPage> {
  const { AutomationExecutionMetadataList = [], NextToken } = await ssm.send(
    new DescribeAutomationExecutionsCommand({
      MaxResults: AUTOMATION_LISTING_PAGE_SIZE,
      Filters: [{ Key: 'StartTimeAfter', Values: [secondsFilterValue(since)] }],
      NextToken: readTokenPosition('automation', position),
    }),
  );
  const sentAt = now.toISOString();
  const listed = new ListedParents();
  for (const execution of AutomationExecutionMetadataList) {
    const id = execution.AutomationExecutionId;
    if (id === undefined || id === '') continue;
    listed.add(
      { kind: 'automation', parentId: id, producer: 'poll', sentAt, observations: [], fetch: { scope: 'parent' } },
      execution.ExecutionStartTime?.toISOString(),
      statusInfo(automationStatuses, execution.AutomationExecutionStatus ?? 'Pending').terminal,
    );
  }
  return listed.page(NextToken ? tokenPosition(NextToken) : undefined);
}

export const automationLister: ParentLister = {
  listingActions: ['ssm:DescribeAutomationExecutions'],
  listPage,
};
