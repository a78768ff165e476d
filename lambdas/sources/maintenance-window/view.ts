import { ARCHIVE_MARKS, archiveMarks, entry, itemText, type RecordView } from '../../core/execution-item';
import type { ParentView } from '../../query/views/parent-views';
import { maintenanceWindowStatuses } from './statuses';
import { windowExecutionsNewestFirst, EXECUTION_ORDER } from './reads';

/** Maintenance window executions as the archive views list them. */
export const windowExecutionEntry: RecordView = {
  recordKind: 'maintenance-window-execution',
  attributes: ['WindowId', 'WindowExecutionId', 'Status', 'StatusDetails', 'StartTime', 'EndTime', ...ARCHIVE_MARKS],
  toItem: (item) =>
    entry({
      kind: 'maintenance-window-execution',
      status: itemText(item, 'Status'),
      statusDetails: itemText(item, 'StatusDetails'),
      time: itemText(item, 'StartTime') ?? '',
      windowId: itemText(item, 'WindowId'),
      windowExecutionId: itemText(item, 'WindowExecutionId'),
      endTime: itemText(item, 'EndTime'),
      ...archiveMarks(item),
    }),
};

export const windowView: ParentView<'maintenance-window-execution'> = {
  kind: 'maintenance-window-execution',
  ...EXECUTION_ORDER,
  statusAttributes: ['Status'],
  statuses: maintenanceWindowStatuses,
  newestFirst: windowExecutionsNewestFirst,
};
