import { MalformedMessageError, type HistorySource, type SsmEvent, type WorkItem } from '../sources/history-source';

/**
 * One work-queue message body into one work item. The queue carries two shapes: an
 * EventBridge event (the rule's target is the queue, so the body is the event itself) and
 * an SNS envelope (subscription without raw delivery: Type "Notification", the notification
 * as a JSON string in Message). Pollers will enqueue work items in a third shape later.
 */
export class MessageReader {
  private readonly byDetailType = new Map<string, HistorySource>();
  private readonly notificationSources: HistorySource[];

  constructor(sources: readonly HistorySource[]) {
    for (const source of sources) {
      for (const detailType of source.eventDetailTypes) this.byDetailType.set(detailType, source);
    }
    this.notificationSources = sources.filter((source) => source.parseNotification !== undefined);
  }

  read(body: string): WorkItem {
    let message: unknown;
    try {
      message = JSON.parse(body);
    } catch (error) {
      throw new MalformedMessageError('message body is not JSON', { cause: error });
    }
    if (!isObject(message)) throw new MalformedMessageError('message body is not a JSON object');
    if ('detail-type' in message) return this.readEvent(message);
    if (message.Type === 'Notification') return this.readNotification(message);
    throw new MalformedMessageError('message is neither an EventBridge event nor an SNS notification');
  }

  private readEvent(message: Record<string, unknown>): WorkItem {
    const detailType = message['detail-type'];
    if (message.source !== 'aws.ssm') throw new MalformedMessageError(`event source is not aws.ssm: ${String(message.source)}`);
    if (typeof detailType !== 'string') throw new MalformedMessageError('event detail-type is not a string');
    const source = this.byDetailType.get(detailType);
    if (!source) throw new MalformedMessageError(`no history kind collects "${detailType}" events`);
    if (!isObject(message.detail)) throw new MalformedMessageError(`${detailType} event has no detail object`);
    if (typeof message.time !== 'string') throw new MalformedMessageError(`${detailType} event has no time`);
    const event: SsmEvent = {
      id: typeof message.id === 'string' ? message.id : '(no id)',
      'detail-type': detailType,
      source: 'aws.ssm',
      time: message.time,
      detail: message.detail,
    };
    return source.parseEvent(event);
  }

  private readNotification(envelope: Record<string, unknown>): WorkItem {
    if (typeof envelope.Message !== 'string') throw new MalformedMessageError('SNS notification has no Message string');
    let notification: unknown;
    try {
      notification = JSON.parse(envelope.Message);
    } catch (error) {
      throw new MalformedMessageError('SNS notification Message is not JSON', { cause: error });
    }
    if (!isObject(notification)) throw new MalformedMessageError('SNS notification Message is not a JSON object');
    const failures: string[] = [];
    for (const source of this.notificationSources) {
      try {
        return (source.parseNotification as NonNullable<HistorySource['parseNotification']>)(notification);
      } catch (error) {
        if (!(error instanceof MalformedMessageError)) throw error;
        failures.push(error.message);
      }
    }
    throw new MalformedMessageError(`no history kind reads this SNS notification: ${failures.join('; ') || 'none takes notifications'}`);
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
