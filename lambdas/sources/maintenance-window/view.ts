import { ARCHIVE_MARKS, archiveMarks, entry, itemText, type RecordView } from '../../core/execution-item';

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
