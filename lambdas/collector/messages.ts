import { collectedSources } from '../sources';
import { isSaneTime, SANE_TIME_RULE } from '../sources/event-fields';
import { isSsmId, quoted, type IdForm } from '../core/ssm-ids';
import { isAccountId, isRegionName, type SsmScope } from '../core/scope';
import {
  MalformedMessageError,
  type FetchRequest,
  type HistoryKind,
  type HistorySource,
  type SsmEvent,
  type WorkItem,
} from '../core/model';

/** What marks a poller's work item on the work queue, and the version of its shape. */
export const WORK_ITEM_MARKER = 'work-item';
export const WORK_ITEM_VERSION = 1;
/**
 * The most children one work item may name. Events name one child at a time; a message naming
 * thousands is not one SSM or our pollers wrote, and would cost an SSM call per child.
 */
export const MAX_CHILDREN = 1_000;


/**
 * A poller's work item as a work-queue message body: `{"ssmHistory": "work-item", "version": 1,
 * "kind", "parentId", "producer": "poll", "sentAt", "fetch"}`. A poller has observed nothing
 * itself (it only lists), so the shape has no observations, and only producer "poll". Throws
 * MalformedMessageError on an item the collector would refuse, so a poller bug fails at the
 * poller rather than in the DLQ.
 */
export function encodeWorkItem(item: WorkItem, sources: readonly HistorySource[] = collectedSources): string {
  if (item.observations.length > 0) throw new MalformedMessageError('a work-item message carries no observations');
  const body = JSON.stringify({
    ssmHistory: WORK_ITEM_MARKER,
    version: WORK_ITEM_VERSION,
    kind: item.kind,
    parentId: item.parentId,
    producer: item.producer,
    sentAt: item.sentAt,
    fetch: copyFetch(item.fetch),
    ...(item.scope !== undefined ? { account: item.scope.account, region: item.scope.region } : {}),
  });
  readWorkItem(JSON.parse(body) as Record<string, unknown>, (kind) => sources.find((source) => source.kind === kind));
  return body;
}

/** Only the FetchRequest's own fields, so that nothing else rides along into the message. */
function copyFetch(fetch: FetchRequest): FetchRequest {
  switch (fetch.scope) {
    case 'none':
      return { scope: 'none' };
    case 'children':
      return { scope: 'children', childIds: [...fetch.childIds] };
    case 'parent':
      return {
        scope: 'parent',
        ...(fetch.since !== undefined ? { since: fetch.since } : {}),
        ...(fetch.listedBy !== undefined
          ? {
              listedBy: {
                ownerId: fetch.listedBy.ownerId,
                ...(fetch.listedBy.startedAt !== undefined ? { startedAt: fetch.listedBy.startedAt } : {}),
              },
            }
          : {}),
      };
  }
}

/**
 * How far a message's times may run ahead of the collector's clock (two AWS clocks, both
 * NTP-synchronised) before they count as from the future.
 */
export const CLOCK_SKEW_MS = 60_000;

/**
 * The item with no time later than its receipt (plus the skew): an event's own time is what
 * ranks one observation against another, so a message dated in the future (forged, or from a
 * wrong clock) would otherwise outrank everything SSM says after it. It is kept, at receipt.
 */
export function clampToReceipt(item: WorkItem, receivedAt: Date): WorkItem {
  const latest = new Date(receivedAt.getTime() + CLOCK_SKEW_MS).toISOString();
  const clamp = (time: string): string => (time > latest ? receivedAt.toISOString() : time);
  return {
    ...item,
    sentAt: clamp(item.sentAt),
    observations: item.observations.map((observation) => ({
      ...observation,
      observedAt: clamp(observation.observedAt),
      timeline: observation.timeline.map((entry) => ({ ...entry, at: clamp(entry.at) })),
    })),
    fetch: item.fetch.scope === 'parent' && item.fetch.since !== undefined ? { ...item.fetch, since: clamp(item.fetch.since) } : item.fetch,
  };
}

/**
 * One work-queue message body into one work item. The queue carries three shapes: an
 * EventBridge event (the rule's target is the queue, so the body is the event itself); an
 * SNS envelope (subscription without raw delivery: Type "Notification", the notification as
 * a JSON string in Message); and a poller's work item (encodeWorkItem: "ssmHistory":
 * "work-item", checked strictly, field by field, since nothing but our pollers writes it).
 */
/**
 * Who may tell the archive about SSM: the accounts and Regions whose events it collects, and
 * the SNS topics whose Run Command notifications it reads. EventBridge refuses `aws.*` sources
 * in PutEvents, but anyone allowed sqs:SendMessage on the work queue or sns:Publish on a topic
 * could write an event's or a notification's shape; these are checked against the envelope.
 */
export interface TrustedSenders {
  /**
   * The accounts whose events are read, or `organization`: any account, since the central
   * event bus's policy admits only the organization's accounts and the work queue's policy
   * only that bus's rules.
   */
  readonly accounts: readonly string[] | 'organization';
  readonly regions: readonly string[];
  readonly topicArns: readonly string[];
}

/** An SNS topic's ARN: arn:partition:sns:region:account:name. */
export const TOPIC_ARN = /^arn:aws[a-z-]*:sns:([a-z0-9-]+):(\d{12}):[\w-]{1,256}$/;

/** The account and Region a notification topic lives in: where its Run Command notifications come from. */
export function topicScope(topicArn: unknown): SsmScope | undefined {
  const match = typeof topicArn === 'string' ? TOPIC_ARN.exec(topicArn) : null;
  return match === null ? undefined : { region: match[1] as string, account: match[2] as string };
}

export class MessageReader {
  private readonly byDetailType = new Map<string, HistorySource>();
  private readonly notificationSources: HistorySource[];
  private readonly byKind: ReadonlyMap<string, HistorySource>;

  /** Without `senders`, any account, Region and topic is read: tests and tools that feed the collector themselves. */
  constructor(
    sources: readonly HistorySource[],
    private readonly senders?: TrustedSenders,
  ) {
    this.byKind = new Map(sources.map((source) => [source.kind, source]));
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
    if ('ssmHistory' in message) {
      const item = readWorkItem(message, (kind) => this.byKind.get(kind));
      if (item.scope !== undefined) this.checkScope(item.scope, `work item for ${item.kind} ${item.parentId}`);
      return item;
    }
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
    const { account, region } = message;
    if (this.senders !== undefined) this.checkScope({ account: String(account), region: String(region) }, `${detailType} event`);
    const event: SsmEvent = {
      id: typeof message.id === 'string' ? message.id : '(no id)',
      'detail-type': detailType,
      source: 'aws.ssm',
      time: message.time,
      detail: message.detail,
    };
    const item = source.parseEvent(event);
    // Every event names its account and Region (EventBridge keeps them when a member's rule
    // forwards it to the archive's bus); an event without them belongs to the home.
    return isAccountId(account) && isRegionName(region) ? { ...item, scope: { account, region } } : item;
  }

  /** Throws when the archive does not collect this account or Region. */
  private checkScope(scope: SsmScope, what: string): void {
    const senders = this.senders;
    if (senders === undefined) return;
    if (senders.accounts === 'organization' ? !isAccountId(scope.account) : !senders.accounts.includes(scope.account)) {
      const collected = senders.accounts === 'organization' ? 'the organization' : senders.accounts.join(', ');
      throw new MalformedMessageError(`${what} from account ${quoted(scope.account)}, not one this archive collects (${collected})`);
    }
    if (!senders.regions.includes(scope.region)) {
      throw new MalformedMessageError(`${what} from Region ${quoted(scope.region)}, not one this archive collects (${senders.regions.join(', ')})`);
    }
  }

  private readNotification(envelope: Record<string, unknown>): WorkItem {
    if (this.senders !== undefined && (typeof envelope.TopicArn !== 'string' || !this.senders.topicArns.includes(envelope.TopicArn))) {
      throw new MalformedMessageError(`SNS notification from topic ${quoted(String(envelope.TopicArn))}, not the archive's notifications topic`);
    }
    if (typeof envelope.Message !== 'string') throw new MalformedMessageError('SNS notification has no Message string');
    let notification: unknown;
    try {
      notification = JSON.parse(envelope.Message);
    } catch (error) {
      throw new MalformedMessageError('SNS notification Message is not JSON', { cause: error });
    }
    if (!isObject(notification)) throw new MalformedMessageError('SNS notification Message is not a JSON object');
    const failures: string[] = [];
    const scope = topicScope(envelope.TopicArn);
    for (const source of this.notificationSources) {
      try {
        const item = (source.parseNotification as NonNullable<HistorySource['parseNotification']>)(notification);
        return scope === undefined ? item : { ...item, scope };
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

function isIsoDateTime(value: unknown): value is string {
  return typeof value === 'string' && isSaneTime(value);
}

function isNonEmptyString(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0;
}

/** Throws when `value` has a key outside `allowed`: a strict shape refuses what it does not know. */
function onlyKeys(value: Record<string, unknown>, allowed: readonly string[], what: string): void {
  const unknown = Object.keys(value).filter((key) => !allowed.includes(key));
  if (unknown.length > 0) throw new MalformedMessageError(`${what} has unknown field(s): ${unknown.join(', ')}`);
}

const WORK_ITEM_FIELDS = ['ssmHistory', 'version', 'kind', 'parentId', 'producer', 'sentAt', 'fetch', 'account', 'region'] as const;

/** The id forms a kind's work items carry: its HistorySource's `parentId` and `childId`. */
type IdForms = Pick<HistorySource, 'parentId' | 'childId'>;

function readWorkItem(message: Record<string, unknown>, formsOf: (kind: string) => IdForms | undefined): WorkItem {
  if (message.ssmHistory !== WORK_ITEM_MARKER) throw new MalformedMessageError(`ssmHistory is not "${WORK_ITEM_MARKER}": ${JSON.stringify(message.ssmHistory)}`);
  if (message.version !== WORK_ITEM_VERSION) throw new MalformedMessageError(`work item version is not ${WORK_ITEM_VERSION}: ${JSON.stringify(message.version)}`);
  onlyKeys(message, WORK_ITEM_FIELDS, 'work item');
  const { kind, parentId, producer, sentAt, fetch, account, region } = message;
  const forms = typeof kind === 'string' ? formsOf(kind) : undefined;
  if (typeof kind !== 'string' || forms === undefined) throw new MalformedMessageError(`work item kind is not a kind this collector reads: ${JSON.stringify(kind)}`);
  if (!isNonEmptyString(parentId)) throw new MalformedMessageError('work item parentId is not a non-empty string');
  if (!isSsmId(forms.parentId, parentId)) throw new MalformedMessageError(`work item parentId is not ${forms.parentId.what}: ${quoted(parentId)}`);
  if (producer !== 'poll') throw new MalformedMessageError(`work item producer is not "poll": ${JSON.stringify(producer)}`);
  if (!isIsoDateTime(sentAt)) throw new MalformedMessageError(`work item sentAt is not ${SANE_TIME_RULE}: ${JSON.stringify(sentAt)}`);
  if ((account !== undefined || region !== undefined) && !(isAccountId(account) && isRegionName(region))) {
    throw new MalformedMessageError(`work item account and region are not an account id of 12 digits and a Region name: ${JSON.stringify(account)}, ${JSON.stringify(region)}`);
  }
  const scope = isAccountId(account) && isRegionName(region) ? { scope: { account, region } } : {};
  return { kind: kind as HistoryKind, parentId, producer, sentAt, observations: [], fetch: readFetch(fetch, forms.childId), ...scope };
}

function readFetch(fetch: unknown, childId: IdForm | undefined): FetchRequest {
  if (!isObject(fetch)) throw new MalformedMessageError('work item fetch is not a JSON object');
  switch (fetch.scope) {
    case 'none':
      onlyKeys(fetch, ['scope'], 'work item fetch (scope none)');
      return { scope: 'none' };
    case 'children': {
      onlyKeys(fetch, ['scope', 'childIds'], 'work item fetch (scope children)');
      const { childIds } = fetch;
      if (!Array.isArray(childIds) || childIds.length === 0 || !childIds.every(isNonEmptyString)) {
        throw new MalformedMessageError('work item fetch childIds is not a non-empty list of non-empty strings');
      }
      const notChild = childId === undefined ? undefined : childIds.find((id) => !isSsmId(childId, id));
      if (childId !== undefined && notChild !== undefined) {
        throw new MalformedMessageError(`work item fetch childIds holds ${quoted(notChild)}, not ${childId.what}`);
      }
      if (childIds.length > MAX_CHILDREN) {
        throw new MalformedMessageError(`work item fetch names ${childIds.length} children, more than ${MAX_CHILDREN}: each costs an SSM call, and no poller asks for more`);
      }
      return { scope: 'children', childIds: [...childIds] };
    }
    case 'parent': {
      onlyKeys(fetch, ['scope', 'since', 'listedBy'], 'work item fetch (scope parent)');
      const { since, listedBy } = fetch;
      if (since !== undefined && !isIsoDateTime(since)) throw new MalformedMessageError(`work item fetch since is not ${SANE_TIME_RULE}: ${JSON.stringify(since)}`);
      return {
        scope: 'parent',
        ...(since !== undefined ? { since } : {}),
        ...(listedBy !== undefined ? { listedBy: readListedBy(listedBy) } : {}),
      };
    }
    default:
      throw new MalformedMessageError(`work item fetch scope is not none, children or parent: ${JSON.stringify(fetch.scope)}`);
  }
}

function readListedBy(listedBy: unknown): { ownerId: string; startedAt?: string } {
  if (!isObject(listedBy)) throw new MalformedMessageError('work item fetch listedBy is not a JSON object');
  onlyKeys(listedBy, ['ownerId', 'startedAt'], 'work item fetch listedBy');
  const { ownerId, startedAt } = listedBy;
  if (!isNonEmptyString(ownerId)) throw new MalformedMessageError('work item fetch listedBy.ownerId is not a non-empty string');
  if (startedAt !== undefined && !isIsoDateTime(startedAt)) {
    throw new MalformedMessageError(`work item fetch listedBy.startedAt is not ${SANE_TIME_RULE}: ${JSON.stringify(startedAt)}`);
  }
  return { ownerId, ...(startedAt !== undefined ? { startedAt } : {}) };
}
