import { alertText as text, alertTime as iso, isFailure, type RecordAlert } from '../../core/alert-content';
import { associationExecutionFromItem, associationExecutionTargetFromItem } from './records';
import { associationStatuses } from './statuses';

/**
 * State Manager alerts per association execution, with its ResourceCountByStatus and its
 * failed targets (the node, when one failed). Targets do not alert: one failed run over 500
 * nodes is one alert. Console: /state-manager/<AssociationId>/executionhistory (no
 * per-execution page with a known address).
 */
export const associationExecutionAlert: RecordAlert = {
  table: 'associationExecutions',
  recordKind: 'association-execution',
  content(item, { alerting, related }) {
    const execution = associationExecutionFromItem(item);
    const status = text(execution.Status);
    // The record names no document: ignored documents cannot apply.
    if (!alerting(status, undefined)) return undefined;
    const associationId = execution.AssociationId ?? '';
    const counts = text(execution.ResourceCountByStatus);
    const failedTargets = related('associationExecutionTargets')
      .filter((target) => target.ExecutionId === execution.ExecutionId)
      .map(associationExecutionTargetFromItem)
      .filter((target) => isFailure(associationStatuses, target.Status))
      .sort((a, b) => (a.ResourceId ?? '').localeCompare(b.ResourceId ?? ''));
    // One line per failed node: which, and how SSM put it.
    const targetLines = failedTargets.map((target) => {
      const detail = text(target.DetailedStatus);
      return `${target.ResourceId ?? ''}: ${target.Status ?? ''}${detail !== undefined && detail !== target.Status ? ` (${detail})` : ''}`;
    });
    return {
      kind: 'association-execution',
      status,
      statusDetails: text(execution.DetailedStatus),
      subject: `SSM State Manager ${status}: association ${associationId}${counts === undefined ? '' : ` ${counts}`}`,
      fields: {
        associationId,
        associationVersion: text(execution.AssociationVersion),
        executionId: text(execution.ExecutionId),
        resourceCountByStatus: counts,
        node: failedTargets.length === 1 ? text(failedTargets[0]?.ResourceId) : undefined,
      },
      times: { requested: iso(execution.CreatedTime), ended: iso(execution.LastExecutionDate) },
      errorText: targetLines.length > 0 ? targetLines.join('\n') : undefined,
      consolePath: ['state-manager', associationId, 'executionhistory'],
    };
  },
};
