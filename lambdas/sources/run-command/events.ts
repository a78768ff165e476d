import { statusInfo } from '../../core/status';
import { runCommandStatuses } from './statuses';
import { isoTime } from '../../store/stored-fields';
import { definedFields, isSaneTime, optionalString, requiredString, SANE_TIME_RULE, type Fields, idField, statusField } from '../event-fields';
import {
  MalformedMessageError,
  type FetchRequest,
  type Observation,
  type Producer,
  type SsmEvent,
  type StoredFields,
  type WorkItem,
} from '../../core/model';
import { isSsmId, quoted, ssmIds } from '../../core/ssm-ids';

/**
 * Run Command's two ways of telling us something changed, read into work items:
 * - EventBridge, source aws.ssm, detail-types below (shapes: SSM user guide,
 *   "Amazon EventBridge event examples for Systems Manager");
 * - SNS notifications from SendCommand's NotificationConfig, types Command and Invocation
 *   (shapes: SSM user guide, "Example Amazon SNS notifications").
 * An invocation event already carries its status, so it is stored as is. A failed
 * invocation asks for its own details at once (alerts want them); a finished command asks
 * for one pass over all its invocations.
 */
export const COMMAND_DETAIL_TYPE = 'EC2 Command Status-change Notification';
export const INVOCATION_DETAIL_TYPE = 'EC2 Command Invocation Status-change Notification';




function time(value: string | undefined, name: string, where: string): string | undefined {
  if (value === undefined || value === '') return undefined;
  let iso: string;
  try {
    iso = isoTime(value);
  } catch {
    throw new MalformedMessageError(`${where}: "${name}" is not a time: ${quoted(value)}`);
  }
  if (!isSaneTime(iso)) throw new MalformedMessageError(`${where}: "${name}" is not a time (${SANE_TIME_RULE}): ${quoted(value)}`);
  return iso;
}

const status = (fields: Fields, name: string, where: string): string => statusField(fields, name, runCommandStatuses, 'a Run Command status', where);

function stringLists(value: unknown, where: string): Record<string, string[]> | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new MalformedMessageError(`${where}: "parameters" must be an object of string lists`);
  }
  const lists: Record<string, string[]> = {};
  for (const [name, list] of Object.entries(value as Fields)) {
    if (!Array.isArray(list) || !list.every((element) => typeof element === 'string')) {
      throw new MalformedMessageError(`${where}: parameter "${name}" must be a list of strings`);
    }
    lists[name] = list;
  }
  return lists;
}


function eventObservation(
  table: Observation['table'],
  key: Observation['key'],
  status: string,
  observedAt: string,
  producer: Producer,
  fields: StoredFields,
): Observation {
  return {
    table,
    key,
    status,
    statuses: runCommandStatuses,
    observedAt,
    fields: { ...fields, ...key, Status: status },
    complete: false,
    producers: new Set([producer]),
    timeline: [{ status, at: observedAt }],
  };
}

function commandWorkItem(
  id: string,
  status: string,
  observedAt: string,
  producer: Producer,
  fields: StoredFields,
): WorkItem {
  const finished = statusInfo(runCommandStatuses, status).terminal;
  return {
    kind: 'run-command',
    parentId: id,
    producer,
    sentAt: observedAt,
    observations: [eventObservation('commands', { CommandId: id }, status, observedAt, producer, fields)],
    fetch: finished ? { scope: 'parent' } : { scope: 'none' },
  };
}

function invocationWorkItem(
  id: string,
  instanceId: string,
  status: string,
  observedAt: string,
  producer: Producer,
  fields: StoredFields,
): WorkItem {
  const info = statusInfo(runCommandStatuses, status);
  const fetch: FetchRequest =
    info.terminal && info.outcome === 'failure' ? { scope: 'children', childIds: [instanceId] } : { scope: 'none' };
  return {
    kind: 'run-command',
    parentId: id,
    producer,
    sentAt: observedAt,
    observations: [
      eventObservation('commandInvocations', { CommandId: id, InstanceId: instanceId }, status, observedAt, producer, fields),
    ],
    fetch,
  };
}

export function parseRunCommandEvent(event: SsmEvent): WorkItem {
  const where = `${event['detail-type']} event ${event.id}`;
  const detail = event.detail;
  const observedAt = time(event.time, 'time', where);
  if (!observedAt) throw new MalformedMessageError(`${where}: "time" is missing`);
  const id = idField(detail, 'command-id', ssmIds.commandId, where);
  const stated = status(detail, 'status', where);
  const common = {
    DocumentName: optionalString(detail, 'document-name', where),
    RequestedDateTime: time(optionalString(detail, 'requested-date-time', where), 'requested-date-time', where),
  };
  switch (event['detail-type']) {
    case COMMAND_DETAIL_TYPE:
      return commandWorkItem(id, stated, observedAt, 'event', definedFields({
        ...common,
        ExpiresAfter: time(optionalString(detail, 'expire-after', where), 'expire-after', where),
        Parameters: stringLists(detail.parameters, where),
      }));
    case INVOCATION_DETAIL_TYPE:
      return invocationWorkItem(id, idField(detail, 'instance-id', ssmIds.instanceId, where), stated, observedAt, 'event', definedFields(common));
    default:
      throw new MalformedMessageError(`${where}: not a Run Command detail-type`);
  }
}

/** The JSON inside an SNS notification from Run Command (NotificationType Command or Invocation). */
export function parseRunCommandNotification(message: Fields): WorkItem {
  const where = `Run Command notification for ${String(message.commandId ?? '(no commandId)')}`;
  const id = idField(message, 'commandId', ssmIds.commandId, where);
  const stated = status(message, 'status', where);
  const observedAt = time(requiredString(message, 'eventTime', where), 'eventTime', where) as string;
  const common = {
    DocumentName: optionalString(message, 'documentName', where),
    RequestedDateTime: time(optionalString(message, 'requestedDateTime', where), 'requestedDateTime', where),
  };
  if (typeof message.instanceId === 'string') {
    return invocationWorkItem(id, idField(message, 'instanceId', ssmIds.instanceId, where), stated, observedAt, 'notification', definedFields(common));
  }
  const instanceIds = message.instanceIds;
  if (instanceIds !== undefined && !(Array.isArray(instanceIds) && instanceIds.every((i) => typeof i === 'string'))) {
    throw new MalformedMessageError(`${where}: "instanceIds" must be a list of strings`);
  }
  const notNode = (instanceIds as string[] | undefined)?.find((instanceId) => !isSsmId(ssmIds.instanceId, instanceId));
  if (notNode !== undefined) throw new MalformedMessageError(`${where}: "instanceIds" holds ${quoted(notNode)}, not ${ssmIds.instanceId.what}`);
  if (instanceIds === undefined && message.expiresAfter === undefined) {
    throw new MalformedMessageError(`${where}: neither an Invocation (instanceId) nor a Command (instanceIds) notification`);
  }
  return commandWorkItem(id, stated, observedAt, 'notification', definedFields({
    ...common,
    ExpiresAfter: time(optionalString(message, 'expiresAfter', where), 'expiresAfter', where),
    InstanceIds: instanceIds as string[] | undefined,
    OutputS3BucketName: optionalString(message, 'outputS3BucketName', where),
    OutputS3KeyPrefix: optionalString(message, 'outputS3KeyPrefix', where),
  }));
}
