import { ARCHIVE_MARKS, archiveMarks, entry, itemText, type RecordView } from '../../core/execution-item';
import type { NodeView, ParentView } from '../../query/views/parent-views';
import { sessionStatuses } from './statuses';

/** Sessions as the archive views list them (the node is the session's target). */
export const sessionEntry: RecordView = {
  recordKind: 'session',
  attributes: ['SessionId', 'Target', 'Owner', 'Status', 'StartDate', 'EndDate', 'DocumentName', 'Reason', ...ARCHIVE_MARKS],
  toItem: (item) =>
    entry({
      kind: 'session',
      status: itemText(item, 'Status'),
      time: itemText(item, 'StartDate') ?? '',
      sessionId: itemText(item, 'SessionId'),
      instanceId: itemText(item, 'Target'),
      owner: itemText(item, 'Owner'),
      documentName: itemText(item, 'DocumentName'),
      reason: itemText(item, 'Reason'),
      endTime: itemText(item, 'EndDate'),
      ...archiveMarks(item),
    }),
};

const SESSION_ORDER = { time: 'StartDate', id: 'SessionId' } as const;

export const sessionView: ParentView<'session'> & NodeView<'session'> = {
  kind: 'session',
  ...SESSION_ORDER,
  statusAttributes: ['Status'],
  statuses: sessionStatuses,
  documentAttribute: 'DocumentName',
  nodeAttribute: 'Target',
  newestFirst: (reader, options) => reader.byYearNewestFirst('sessions', 'byStartYear', SESSION_ORDER, options),
  ofNode: (reader, node, options) => reader.partitionNewestFirst('sessions', 'byTarget', node, SESSION_ORDER, options),
};
