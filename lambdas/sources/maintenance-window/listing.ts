import {
  DescribeMaintenanceWindowExecutionsCommand,
  DescribeMaintenanceWindowsCommand,
  type MaintenanceWindowExecution,
  type MaintenanceWindowIdentity,
  type SSMClient,
} from '@aws-sdk/client-ssm';
import { statusInfo } from '../../core/status';
import { maintenanceWindowStatuses } from './statuses';
import type { ListedPage, ParentLister } from '../../core/model';
import { listedMaintenanceWindow } from './definitions';
import { MAINTENANCE_WINDOW_DEFINITION_TABLES } from './tables';
import { ListedParents, secondsFilterValue } from '../listed-parents';
import { listNestedPage } from '../nested-listing';

/**
 * Maintenance Windows' poller listing. SSM lists window executions only per window, so the
 * listing is nested: DescribeMaintenanceWindows (MaxResults 100, the maximum of 10..100) gives
 * the windows, then DescribeMaintenanceWindowExecutions for each (WindowId, ExecutedAfter
 * `since` cut to the second, inclusive on StartTime, so up to a second early; MaxResults 100,
 * the maximum of 10..100) gives its executions started since then, newest first, page after
 * page. Each window execution is one work item, with the window (listedBy.ownerId) and its
 * StartTime (listedBy.startedAt) that the collector needs to read its record.
 *
 * One page makes at most CALLS_PER_PAGE (5) SSM calls (listNestedPage).
 *
 * Each DescribeMaintenanceWindows page also gives the windows' definitions whole (ListedPage
 * definitions): the poller keeps them, so that a window is known, and named, before or
 * without any execution, at no extra SSM call.
 *
 * The position is listNestedPage's, with the fields `windows` and `windowsToken`: at most 100
 * ids of 20 characters (about 2.5 KB).
 */
export const WINDOW_LISTING_PAGE_SIZE = 100;
export const WINDOW_EXECUTION_LISTING_PAGE_SIZE = 100;
export const CALLS_PER_PAGE = 5;

const isGone = (error: unknown): boolean => error instanceof Error && error.name === 'DoesNotExistException';

async function listPage(ssm: SSMClient, since: string, position: string | undefined, now: Date): Promise<ListedPage> {
  const sinceMs = Date.parse(since);
  if (Number.isNaN(sinceMs)) throw new RangeError(`not an ISO 8601 time: ${since}`);
  const filters = [{ Key: 'ExecutedAfter', Values: [secondsFilterValue(sinceMs)] }];
  const page = await listNestedPage<MaintenanceWindowIdentity, MaintenanceWindowExecution>(
    {
      name: 'maintenance window',
      fields: { owners: 'windows', ownersToken: 'windowsToken' },
      callsPerPage: CALLS_PER_PAGE,
      listOwners: async (nextToken) => {
        const { WindowIdentities = [], NextToken } = await ssm.send(new DescribeMaintenanceWindowsCommand({ MaxResults: WINDOW_LISTING_PAGE_SIZE, NextToken: nextToken }));
        return { owners: WindowIdentities, nextToken: NextToken };
      },
      ownerId: (window) => window.WindowId,
      definition: listedMaintenanceWindow,
      listExecutions: async (windowId, nextToken) => {
        const { WindowExecutions = [], NextToken } = await ssm.send(
          new DescribeMaintenanceWindowExecutionsCommand({ WindowId: windowId, Filters: filters, MaxResults: WINDOW_EXECUTION_LISTING_PAGE_SIZE, NextToken: nextToken }),
        );
        return { executions: WindowExecutions, nextToken: NextToken };
      },
      isGone,
    },
    position,
  );

  // One work item per window execution, with what the collector needs to read its record.
  const listed = new ListedParents();
  const sentAt = now.toISOString();
  for (const { ownerId, execution } of page.executions) {
    const id = execution.WindowExecutionId;
    if (id === undefined || id === '') continue;
    const started = execution.StartTime?.toISOString();
    listed.add(
      {
        kind: 'maintenance-window',
        parentId: id,
        producer: 'poll',
        sentAt,
        observations: [],
        fetch: { scope: 'parent', listedBy: { ownerId: execution.WindowId ?? ownerId, ...(started !== undefined ? { startedAt: started } : {}) } },
      },
      started,
      statusInfo(maintenanceWindowStatuses, execution.Status ?? 'PENDING').terminal,
    );
  }
  return { ...listed.page(page.next), ...(page.definitions.length > 0 ? { definitions: [...page.definitions] } : {}) };
}

export const maintenanceWindowLister: ParentLister = {
  listingActions: ['ssm:DescribeMaintenanceWindows'],
  definitionTables: MAINTENANCE_WINDOW_DEFINITION_TABLES,
  scopedListingActions: [
    { action: 'ssm:DescribeMaintenanceWindowExecutions', resource: 'arn:${Partition}:ssm:${Region}:${Account}:maintenancewindow/*' },
  ],
  listPage,
};
