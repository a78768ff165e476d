import { COMMAND_DETAIL_TYPE, INVOCATION_DETAIL_TYPE, type SimulatorEvent } from '../../local/ssm-simulator/events';

/**
 * The simulator plays window tasks, associations and Automation steps through Run Command,
 * as SSM does: their commands emit Run Command's own events. A test about one kind's
 * collection takes that kind's events; the commands are tested as lineage.
 */
const RUN_COMMAND_DETAIL_TYPES: ReadonlySet<string> = new Set([COMMAND_DETAIL_TYPE, INVOCATION_DETAIL_TYPE]);

export function detailTypeOf(event: SimulatorEvent): string | undefined {
  const parsed = JSON.parse(event.body) as { 'detail-type'?: unknown };
  return typeof parsed['detail-type'] === 'string' ? parsed['detail-type'] : undefined;
}

/** The events that are not Run Command's (notifications are Run Command's too). */
export function withoutRunCommand(events: readonly SimulatorEvent[]): SimulatorEvent[] {
  return events.filter((event) => event.channel === 'eventbridge' && !RUN_COMMAND_DETAIL_TYPES.has(detailTypeOf(event) ?? ''));
}
