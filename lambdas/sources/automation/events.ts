import { statusInfo } from '../../core/status';
import { automationStatuses } from './statuses';
import { definedFields, envelopeTime, isSaneTime, optionalString, requiredString, type Fields, idField, statusField } from '../event-fields';
import {
  MalformedMessageError,
  type FetchRequest,
  type Observation,
  type SsmEvent,
  type WorkItem,
} from '../../core/model';
import { quoted, ssmIds } from '../../core/ssm-ids';

/**
 * Automation's EventBridge events (source aws.ssm; shapes: SSM user guide, "Amazon EventBridge
 * event examples for Systems Manager", Automation events) read into work items.
 *
 * An execution event names its execution and status, so it is stored as is; a finished
 * execution asks for one pass over its record and all its steps. A step event carries no
 * StepExecutionId, the steps table's key, so it cannot be stored by itself: a step that
 * failed asks for its own details at once (by StepName, one call; alerts want them), other
 * step events only wait for the execution's own pass.
 */
export const AUTOMATION_EXECUTION_DETAIL_TYPE = 'EC2 Automation Execution Status-change Notification';
export const AUTOMATION_STEP_DETAIL_TYPE = 'EC2 Automation Step Status-change Notification';


const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const EVENT_TIME = /^([A-Z][a-z]{2}) (\d{1,2}), (\d{4}) (\d{1,2}):(\d{2}):(\d{2}) (AM|PM)$/;

/**
 * Automation events write times as "Nov 29, 2024 7:43:25 PM" (Java's default medium format),
 * in UTC. Parsed explicitly: Date.parse would read them in the host's time zone.
 */
export function parseAutomationEventTime(value: string): string | undefined {
  const match = EVENT_TIME.exec(value);
  if (!match) return undefined;
  const [, monthName, day, year, hour, minute, second, half] = match;
  const month = MONTHS.indexOf(monthName ?? '');
  const hour12 = Number(hour);
  if (month < 0 || hour12 < 1 || hour12 > 12) return undefined;
  const hour24 = (hour12 % 12) + (half === 'PM' ? 12 : 0);
  const date = new Date(Date.UTC(Number(year), month, Number(day), hour24, Number(minute), Number(second)));
  if (date.getUTCDate() !== Number(day) || Number(minute) > 59 || Number(second) > 59) return undefined;
  return date.toISOString();
}

/** The other way, for the simulator and tests: an instant in the events' own format, UTC. */
export function formatAutomationEventTime(date: Date): string {
  const hour = date.getUTCHours();
  const two = (n: number): string => String(n).padStart(2, '0');
  return (
    `${MONTHS[date.getUTCMonth()] ?? ''} ${date.getUTCDate()}, ${date.getUTCFullYear()} ` +
    `${hour % 12 === 0 ? 12 : hour % 12}:${two(date.getUTCMinutes())}:${two(date.getUTCSeconds())} ${hour < 12 ? 'AM' : 'PM'}`
  );
}



function eventTime(fields: Fields, name: string, where: string): string | undefined {
  const value = optionalString(fields, name, where);
  if (value === undefined || value === '') return undefined;
  const iso = parseAutomationEventTime(value);
  if (iso === undefined || !isSaneTime(iso)) throw new MalformedMessageError(`${where}: "${name}" is not a time: ${quoted(value)}`);
  return iso;
}

/** DefinitionVersion is a JSON number (1.0); SSM's DocumentVersion is its string ("1"). */
function documentVersion(fields: Fields, where: string): string | undefined {
  const value = fields.DefinitionVersion;
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value === 'string') return value;
  throw new MalformedMessageError(`${where}: "DefinitionVersion" must be a number`);
}



export function parseAutomationEvent(event: SsmEvent): WorkItem {
  const where = `${event['detail-type']} event ${event.id}`;
  const detail = event.detail;
  const observedAt = envelopeTime(event, where);
  const id = idField(detail, 'ExecutionId', ssmIds.automationExecutionId, where);
  const status = statusField(detail, 'Status', automationStatuses, 'an Automation status', where);
  const info = statusInfo(automationStatuses, status);
  const startTime = eventTime(detail, 'StartTime', where);
  const endTime = eventTime(detail, 'EndTime', where);
  switch (event['detail-type']) {
    case AUTOMATION_EXECUTION_DETAIL_TYPE: {
      const key = { AutomationExecutionId: id };
      const observation: Observation = {
        table: 'automationExecutions',
        key,
        status,
        statuses: automationStatuses,
        observedAt,
        fields: {
          ...definedFields({
            DocumentName: optionalString(detail, 'Definition', where),
            DocumentVersion: documentVersion(detail, where),
            ExecutionStartTime: startTime,
            ExecutionEndTime: endTime,
            ExecutedBy: optionalString(detail, 'ExecutedBy', where),
          }),
          ...key,
          AutomationExecutionStatus: status,
        },
        complete: false,
        producers: new Set(['event']),
        timeline: [{ status, at: observedAt }],
      };
      return {
        kind: 'automation',
        parentId: id,
        producer: 'event',
        sentAt: observedAt,
        observations: [observation],
        fetch: info.terminal ? { scope: 'parent' } : { scope: 'none' },
      };
    }
    case AUTOMATION_STEP_DETAIL_TYPE: {
      const stepName = requiredString(detail, 'StepName', where);
      optionalString(detail, 'Action', where);
      documentVersion(detail, where);
      const fetch: FetchRequest =
        info.terminal && info.outcome === 'failure' ? { scope: 'children', childIds: [stepName] } : { scope: 'none' };
      return { kind: 'automation', parentId: id, producer: 'event', sentAt: observedAt, observations: [], fetch };
    }
    default:
      throw new MalformedMessageError(`${where}: not an Automation detail-type`);
  }
}
