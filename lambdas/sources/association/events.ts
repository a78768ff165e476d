import { ssmIds } from '../../core/ssm-ids';
import { statusInfo } from '../../core/status';
import { associationStatuses } from './statuses';
import { MalformedMessageError, type SsmEvent, type WorkItem } from '../../core/model';
import { envelopeTime, optionalTime, idField, statusField } from '../event-fields';

/**
 * State Manager's EventBridge events (source aws.ssm; shapes: SSM user guide, "Amazon
 * EventBridge event examples for Systems Manager", State Manager events) read into work items.
 *
 * Neither detail-type carries an ExecutionId, the executions table's sort key: an event only
 * says "association X ran, or changed". So no event is stored by itself. An event with a
 * terminal status (the association's, or one node's) asks for the association's recent
 * executions: those created after its last-execution-date (or the event time, if earlier or
 * if there is none) less LOOKBACK_MS, with the targets of those that have finished. Pending and InProgress events ask for nothing:
 * the terminal event that follows them fetches the same executions once they are finished.
 */
export const ASSOCIATION_DETAIL_TYPE = 'EC2 State Manager Association State Change';
export const INSTANCE_ASSOCIATION_DETAIL_TYPE = 'EC2 State Manager Instance Association State Change';

/**
 * How far before last-execution-date the fetch starts. last-execution-date is when the
 * latest execution started or ended; an hour covers an execution that ran up to an hour, and
 * its neighbours are simply fetched again (idempotent writes).
 */
export const LOOKBACK_MS = 60 * 60 * 1000;






export function parseAssociationEvent(event: SsmEvent): WorkItem {
  const where = `${event['detail-type']} event ${event.id}`;
  if (event['detail-type'] !== ASSOCIATION_DETAIL_TYPE && event['detail-type'] !== INSTANCE_ASSOCIATION_DETAIL_TYPE) {
    throw new MalformedMessageError(`${where}: not a State Manager detail-type`);
  }
  const detail = event.detail;
  const sentAt = envelopeTime(event, where);
  const associationId = idField(detail, 'association-id', ssmIds.associationId, where);
  if (event['detail-type'] === INSTANCE_ASSOCIATION_DETAIL_TYPE) idField(detail, 'instance-id', ssmIds.instanceId, where);
  const status = statusField(detail, 'status', associationStatuses, 'a State Manager status', where);
  const lastExecution = optionalTime(detail, 'last-execution-date', where);
  optionalTime(detail, 'last-successful-execution-date', where);
  // The earlier of the two: AWS's own instance sample has a last-execution-date an hour after its event time.
  const from = lastExecution !== undefined && lastExecution < sentAt ? lastExecution : sentAt;
  const since = new Date(Date.parse(from) - LOOKBACK_MS).toISOString();
  return {
    kind: 'association',
    parentId: associationId,
    producer: 'event',
    sentAt,
    observations: [],
    fetch: statusInfo(associationStatuses, status).terminal ? { scope: 'parent', since } : { scope: 'none' },
  };
}
