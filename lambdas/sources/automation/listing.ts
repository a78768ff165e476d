import { DescribeAutomationExecutionsCommand, type SSMClient } from '@aws-sdk/client-ssm';
import { automationStatuses, statusInfo } from '../../status';
import type { ListedPage, ParentLister, WorkItem } from '../history-source';

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

/** An AutomationExecutionFilter time value: ISO 8601 cut to the second (never later than `iso`), UTC. */
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
    throw new RangeError('automation listing position is not JSON', { cause: error });
  }
  const token = typeof parsed === 'object' && parsed !== null ? (parsed as { nextToken?: unknown }).nextToken : undefined;
  if (typeof token !== 'string' || token.length === 0) throw new RangeError('automation listing position has no nextToken');
  return token;
}

const earlier = (a: string | undefined, b: string): string => (a === undefined || b < a ? b : a);

async function listPage(ssm: SSMClient, since: string, position: string | undefined, now: Date): Promise<ListedPage> {
  const { AutomationExecutionMetadataList = [], NextToken } = await ssm.send(
    new DescribeAutomationExecutionsCommand({
      MaxResults: AUTOMATION_LISTING_PAGE_SIZE,
      Filters: [{ Key: 'StartTimeAfter', Values: [secondsFilterValue(since)] }],
      NextToken: readPosition(position),
    }),
  );
  const sentAt = now.toISOString();
  const items: WorkItem[] = [];
  let oldestSeen: string | undefined;
  let earliestRunning: string | undefined;
  for (const execution of AutomationExecutionMetadataList) {
    const id = execution.AutomationExecutionId;
    if (id === undefined || id === '') continue;
    items.push({ kind: 'automation', parentId: id, producer: 'poll', sentAt, observations: [], fetch: { scope: 'parent' } });
    const started = execution.ExecutionStartTime?.toISOString();
    if (started === undefined) continue;
    oldestSeen = earlier(oldestSeen, started);
    if (!statusInfo(automationStatuses, execution.AutomationExecutionStatus ?? 'Pending').terminal) {
      earliestRunning = earlier(earliestRunning, started);
    }
  }
  return {
    items,
    ...(NextToken ? { next: JSON.stringify({ nextToken: NextToken }) } : {}),
    ...(oldestSeen !== undefined ? { oldestSeen } : {}),
    ...(earliestRunning !== undefined ? { earliestRunning } : {}),
  };
}

export const automationLister: ParentLister = {
  listingActions: ['ssm:DescribeAutomationExecutions'],
  listPage,
};
