import { DescribeMaintenanceWindowExecutionsCommand, DescribeMaintenanceWindowsCommand, type SSMClient } from '@aws-sdk/client-ssm';
import { statusInfo } from '../../core/status';
import { maintenanceWindowStatuses } from './statuses';
import type { ListedDefinition, ListedPage, ParentLister, WorkItem } from '../../core/model';
import { listedMaintenanceWindow } from './definitions';
import { MAINTENANCE_WINDOW_DEFINITION_TABLES } from './tables';
import { earlier, secondsFilterValue } from '../listed-parents';

/**
 * Maintenance Windows' poller listing. SSM lists window executions only per window, so the
 * listing is nested: DescribeMaintenanceWindows (MaxResults 100, the maximum of 10..100) gives
 * the windows, then DescribeMaintenanceWindowExecutions for each (WindowId, ExecutedAfter
 * `since` cut to the second, inclusive on StartTime, so up to a second early; MaxResults 100,
 * the maximum of 10..100) gives its executions started since then, newest first, page after
 * page. Each window execution is one work item, with the window (listedBy.ownerId) and its
 * StartTime (listedBy.startedAt) that the collector needs to read its record.
 *
 * One listPage call makes at most CALLS_PER_PAGE (5) SSM calls: it goes on from its position
 * (one DescribeMaintenanceWindows page when the windows it holds are done, then one
 * DescribeMaintenanceWindowExecutions page after another) until the budget is spent or the
 * listing ends. A page may hold no item (windows that have not run since `since`).
 *
 * Each DescribeMaintenanceWindows page also gives the windows' definitions whole (ListedPage
 * definitions): the poller keeps them, so that a window is known, and named, before or
 * without any execution, at no extra SSM call.
 *
 * The position is JSON: `{"windows": [ids of the current DescribeMaintenanceWindows page not
 * yet done, the first one being listed], "executionsToken"?: DescribeMaintenanceWindowExecutions
 * NextToken inside the first of them, "windowsToken"?: DescribeMaintenanceWindows NextToken of
 * the page after}`: at most 100 ids of 20 characters (about 2.5 KB). Holding the ids rather
 * than re-listing the same windows page keeps the place exact when windows are created or
 * deleted between calls. SSM binds the executions token to the same filter: resume with the
 * same `since`.
 */
export const WINDOW_LISTING_PAGE_SIZE = 100;
export const WINDOW_EXECUTION_LISTING_PAGE_SIZE = 100;
export const CALLS_PER_PAGE = 5;

interface Place {
  /** Ids of the current windows page not yet fully listed; the first is the one being listed. */
  windows: string[];
  executionsToken?: string;
  windowsToken?: string;
}

function readPosition(position: string): Place {
  let parsed: unknown;
  try {
    parsed = JSON.parse(position);
  } catch (error) {
    throw new RangeError('maintenance window listing position is not JSON', { cause: error });
  }
  if (typeof parsed !== 'object' || parsed === null) throw new RangeError('maintenance window listing position is not a JSON object');
  const { windows, executionsToken, windowsToken } = parsed as Record<string, unknown>;
  if (!Array.isArray(windows) || !windows.every((id): id is string => typeof id === 'string' && id.length > 0)) {
    throw new RangeError('maintenance window listing position has no windows list');
  }
  if (executionsToken !== undefined && typeof executionsToken !== 'string') throw new RangeError('maintenance window listing position: bad executionsToken');
  if (windowsToken !== undefined && typeof windowsToken !== 'string') throw new RangeError('maintenance window listing position: bad windowsToken');
  return {
    windows: [...windows],
    ...(executionsToken !== undefined ? { executionsToken } : {}),
    ...(windowsToken !== undefined ? { windowsToken } : {}),
  };
}

function writePosition(place: Place): string {
  return JSON.stringify({
    windows: place.windows,
    ...(place.executionsToken !== undefined ? { executionsToken: place.executionsToken } : {}),
    ...(place.windowsToken !== undefined ? { windowsToken: place.windowsToken } : {}),
  });
}

const isGone = (error: unknown): boolean => error instanceof Error && error.name === 'DoesNotExistException';

async function listPage(ssm: SSMClient, since: string, position: string | undefined, now: Date): Promise<ListedPage> {
  const sinceMs = Date.parse(since);
  if (Number.isNaN(sinceMs)) throw new RangeError(`not an ISO 8601 time: ${since}`);
  const filters = [{ Key: 'ExecutedAfter', Values: [secondsFilterValue(sinceMs)] }];
  // Undefined before the first DescribeMaintenanceWindows call of the whole listing.
  let place: Place | undefined = position === undefined ? undefined : readPosition(position);
  const sentAt = now.toISOString();
  const items: WorkItem[] = [];
  const definitions: ListedDefinition[] = [];
  let oldestSeen: string | undefined;
  let earliestRunning: string | undefined;

  for (let calls = 0; calls < CALLS_PER_PAGE; calls++) {
    if (place === undefined || place.windows.length === 0) {
      if (place !== undefined && place.windowsToken === undefined) break;
      const { WindowIdentities = [], NextToken } = await ssm.send(
        new DescribeMaintenanceWindowsCommand({ MaxResults: WINDOW_LISTING_PAGE_SIZE, NextToken: place?.windowsToken }),
      );
      for (const window of WindowIdentities) {
        const definition = listedMaintenanceWindow(window);
        if (definition !== undefined) definitions.push(definition);
      }
      place = {
        windows: WindowIdentities.map((window) => window.WindowId).filter((id): id is string => id !== undefined && id !== ''),
        ...(NextToken ? { windowsToken: NextToken } : {}),
      };
      continue;
    }
    const windowId = place.windows[0] as string;
    let executionsToken: string | undefined;
    try {
      const { WindowExecutions = [], NextToken } = await ssm.send(
        new DescribeMaintenanceWindowExecutionsCommand({
          WindowId: windowId,
          Filters: filters,
          MaxResults: WINDOW_EXECUTION_LISTING_PAGE_SIZE,
          NextToken: place.executionsToken,
        }),
      );
      executionsToken = NextToken || undefined;
      for (const execution of WindowExecutions) {
        const id = execution.WindowExecutionId;
        if (id === undefined || id === '') continue;
        const started = execution.StartTime?.toISOString();
        items.push({
          kind: 'maintenance-window',
          parentId: id,
          producer: 'poll',
          sentAt,
          observations: [],
          fetch: { scope: 'parent', listedBy: { ownerId: execution.WindowId ?? windowId, ...(started !== undefined ? { startedAt: started } : {}) } },
        });
        if (started === undefined) continue;
        oldestSeen = earlier(oldestSeen, started);
        if (!statusInfo(maintenanceWindowStatuses, execution.Status ?? 'PENDING').terminal) earliestRunning = earlier(earliestRunning, started);
      }
    } catch (error) {
      // Deleted since DescribeMaintenanceWindows named it: nothing of it is left to list.
      if (!isGone(error)) throw error;
    }
    place = {
      // The same window again from its next page, or the next window from its first.
      windows: executionsToken !== undefined ? place.windows : place.windows.slice(1),
      ...(executionsToken !== undefined ? { executionsToken } : {}),
      ...(place.windowsToken !== undefined ? { windowsToken: place.windowsToken } : {}),
    };
  }

  const done = place !== undefined && place.windows.length === 0 && place.windowsToken === undefined;
  return {
    items,
    ...(!done && place !== undefined ? { next: writePosition(place) } : {}),
    ...(oldestSeen !== undefined ? { oldestSeen } : {}),
    ...(earliestRunning !== undefined ? { earliestRunning } : {}),
    ...(definitions.length > 0 ? { definitions } : {}),
  };
}

export const maintenanceWindowLister: ParentLister = {
  listingActions: ['ssm:DescribeMaintenanceWindows'],
  definitionTables: MAINTENANCE_WINDOW_DEFINITION_TABLES,
  scopedListingActions: [
    { action: 'ssm:DescribeMaintenanceWindowExecutions', resource: 'arn:${Partition}:ssm:${Region}:${Account}:maintenancewindow/*' },
  ],
  listPage,
};
