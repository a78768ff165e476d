import { SCOPE_ATTRIBUTES } from '../core/scope';
import { GetCommand, QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Observation, StoredValue } from '../core/model';
import { statusInfo } from '../core/status';
import { DYNAMODB_ITEM_LIMIT_BYTES, fitFields } from './item-size';
import { UpdatePlaceholders } from './update-placeholders';
import { derivedAttributes, EXPIRES_AT, FAILURE_ATTRIBUTES, keyNames, nameOf, schemaOf, type RecordKey, type TableId, type TableSchema, type TableSchemas } from '../core/table-schema';
import { isConditionFailure } from './condition-failure';

/**
 * What one upsert did: 'created' the item did not exist before (the first observation of this
 * record, whoever produced it); 'written' an existing item moved forward, or SSM's read
 * replaced what a message had said; 'stale' the archive already held this or a later status,
 * and kept it; 'rewound' SSM's read replaced a further status that only messages had given:
 * either SSM's read lags behind its events, or the message lied, and a later read tells which.
 */
export type UpsertOutcome = 'created' | 'written' | 'stale' | 'rewound';

/** A stored item as DynamoDB returns it: SSM fields plus archive attributes. */
export type StoredItem = Record<string, unknown>;

export interface ItemPage {
  readonly items: StoredItem[];
  /** DynamoDB's LastEvaluatedKey: where the next page starts, absent on the last page. */
  readonly nextKey?: RecordKey;
}

/** Room left in an item for the archive's own attributes (timeline, producers, times). */
const ARCHIVE_ATTRIBUTES_RESERVE_BYTES = 24 * 1024;
const FIELDS_BUDGET_BYTES = DYNAMODB_ITEM_LIMIT_BYTES - ARCHIVE_ATTRIBUTES_RESERVE_BYTES;

/** Archive attributes. Lower-case initials keep them apart from SSM's field names. */
export const archiveAttributes = {
  statusRank: 'statusRank',
  observedAt: 'observedAt',
  /**
   * True when the record's status is what SSM's own read API returned; false while it is only
   * what an event or notification said (unconfirmed: shown as such, never alerting).
   */
  confirmed: 'confirmed',
  /** The rank and time of SSM's furthest read of the record: reads only move forward from it. */
  confirmedRank: 'confirmedRank',
  confirmedAt: 'confirmedAt',
  firstSeenAt: 'firstSeenAt',
  lastProducer: 'lastProducer',
  producers: 'producers',
  statusTimeline: 'statusTimeline',
  detailed: 'detailed',
  cutFields: 'cutFields',
  /** Set on a finished parent once all its children are stored (Observation.settlesChildren). */
  childrenComplete: 'childrenComplete',
  /** A failure alert's delivery: AlertState. Set once, as the record first turns failed. */
  alertState: 'alertState',
  /** Who claimed the alert's publish, and when (a claim older than the claim timeout is taken over). */
  alertClaim: 'alertClaim',
  alertClaimedAt: 'alertClaimedAt',
  alertSentAt: 'alertSentAt',
  /** SNS's MessageId of the published alert. */
  alertMessageId: 'alertMessageId',
} as const;

/**
 * A failure alert's life on its record: 'pending' from the write that first stored the
 * failure, 'publishing' while one collector holds the claim, 'sent' once published; or
 * 'skipped' when the failure was already too old to alert when first stored (a backfill).
 */
export type AlertState = 'pending' | 'publishing' | 'sent' | 'skipped';

export interface AlertingUpsert {
  readonly outcome: UpsertOutcome;
  /**
   * The record's alert state after an accepted write: 'pending' when this write marked it (or
   * an earlier one did and its publish has not happened), otherwise what it was. Unknown
   * (undefined) after a stale write, which changes nothing.
   */
  readonly alertState: AlertState | undefined;
  /** True when this write stored the failure first (it gave the alert its state): count it once. */
  readonly firstFailure: boolean;
}

/** What the write that first stores a failure sets: its alert's first state, and when it failed. */
interface FirstAlert {
  readonly state: 'pending' | 'skipped';
  readonly failedAt: Date;
}

/** The failure's alert state and its place in the failure index, each set only if absent. */
function failurePlacement(schema: TableSchema, key: RecordKey, alert: FirstAlert): Record<string, string> {
  const at = alert.failedAt.toISOString();
  return {
    [archiveAttributes.alertState]: alert.state,
    [FAILURE_ATTRIBUTES.year]: at.slice(0, 4),
    [FAILURE_ATTRIBUTES.at]: at,
    [FAILURE_ATTRIBUTES.id]: keyNames(schema).map((name) => key[name] ?? '').join('/'),
  };
}

const ALERT_STATES: ReadonlySet<unknown> = new Set<AlertState>(['pending', 'publishing', 'sent', 'skipped']);
const isAlertState = (value: unknown): value is AlertState => ALERT_STATES.has(value);

/** A timeline entry as stored in the statusTimeline string set: "<ISO time> <Status>". */
export const timelineEntry = (at: string, status: string): string => `${at} ${status}`;

export function parseTimeline(entries: readonly string[] | ReadonlySet<string> | undefined): { status: string; at: string }[] {
  const earliest = new Map<string, string>();
  for (const entry of entries ?? []) {
    const space = entry.indexOf(' ');
    const at = entry.slice(0, space);
    const status = entry.slice(space + 1);
    const known = earliest.get(status);
    if (known === undefined || at < known) earliest.set(status, at);
  }
  return [...earliest].map(([status, at]) => ({ status, at })).sort((a, b) => a.at.localeCompare(b.at));
}

function isItemTooLarge(error: unknown): boolean {
  return error instanceof Error && error.name === 'ValidationException' && /item size|size has exceeded/i.test(error.message);
}

/** What one observation does to its item, whichever way it is written. */
interface ItemChange {
  readonly set: Record<string, StoredValue>;
  /** Set only when the item has no value yet. */
  readonly setIfAbsent: Record<string, StoredValue>;
  /** Added to string sets. */
  readonly add: Record<string, Set<string>>;
  readonly remove: readonly string[];
}

/**
 * The archive's item layout in one place: SSM's fields (cut to fit), the index attributes the
 * schema derives, and the archive's own attributes.
 */
function changeOf(schema: TableSchema, observation: Observation, budgetBytes: number, now: Date, retentionDays?: number): ItemChange {
  const a = archiveAttributes;
  const keys = new Set(keyNames(schema));
  const fitted = fitFields(observation.fields, budgetBytes, keys);
  const set: Record<string, StoredValue> = {};
  for (const [name, value] of Object.entries({ ...fitted.fields, ...derivedAttributes(schema, observation.fields) })) {
    if (!keys.has(name)) set[name] = value;
  }
  const remove = (observation.absentFields ?? []).filter((name) => !(name in set) && !keys.has(name));
  const rank = statusInfo(observation.statuses, observation.status).rank;
  set[a.statusRank] = rank;
  set[a.observedAt] = observation.observedAt;
  set[a.lastProducer] = [...observation.producers].sort()[0] ?? 'event';
  set[a.confirmed] = observation.complete;
  if (observation.complete) {
    set[a.detailed] = true;
    set[a.confirmedRank] = rank;
    set[a.confirmedAt] = observation.observedAt;
  }
  if (retentionDays !== undefined) {
    const expiresAt = expiryOf(schema, observation, retentionDays);
    if (expiresAt !== undefined) set[EXPIRES_AT] = expiresAt;
  }
  if (observation.settlesChildren === true) set[a.childrenComplete] = true;
  if (observation.scope !== undefined) {
    set[SCOPE_ATTRIBUTES.account] = observation.scope.account;
    set[SCOPE_ATTRIBUTES.region] = observation.scope.region;
  }
  if (fitted.cut.length > 0) set[a.cutFields] = [...fitted.cut];
  else if (observation.complete) remove.push(a.cutFields);
  return {
    set,
    setIfAbsent: { [a.firstSeenAt]: now.toISOString() },
    add: {
      [a.producers]: new Set(observation.producers),
      [a.statusTimeline]: new Set(observation.timeline.map((entry) => timelineEntry(entry.at, entry.status))),
    },
    remove,
  };
}

/** When a record's retention ends (epoch seconds): its own time plus the days; none for tables that keep their items. */
function expiryOf(schema: TableSchema, observation: Observation, retentionDays: number): number | undefined {
  const field = schema.recordTime;
  if (field === undefined) return undefined;
  const own = observation.fields[field];
  const from = typeof own === 'string' && Number.isFinite(Date.parse(own)) ? Date.parse(own) : Date.parse(observation.observedAt);
  return Math.floor(from / 1000) + retentionDays * 86_400;
}

/**
 * When an observation may replace what the item holds. SSM's read (a complete observation) is
 * the truth: it replaces any status a message gave, at any rank. SSM's reads are compared only
 * with each other (confirmedRank, confirmedAt): forward in rank, and within a rank to the newer
 * read, so a lagging read never undoes a newer one. A message (event or notification) only
 * moves a record forward in rank, or within a running rank to a newer sighting; it never
 * replaces one terminal status by another, so a forged or replayed "Success" cannot overwrite
 * a failure.
 */
function conditionFor(observation: Observation): { expression: string; values: Record<string, StoredValue> } {
  const { statusRank, observedAt, confirmedRank, confirmedAt } = archiveAttributes;
  if (observation.complete) {
    return {
      expression:
        `attribute_not_exists(#pk) OR attribute_not_exists(${confirmedRank}) OR ${confirmedRank} < :rank` +
        ` OR (${confirmedRank} = :rank AND ${confirmedAt} < :observedAt)`,
      values: { ':observedAt': observation.observedAt },
    };
  }
  const forward = `attribute_not_exists(#pk) OR ${statusRank} < :rank`;
  if (statusInfo(observation.statuses, observation.status).terminal) return { expression: forward, values: {} };
  return { expression: `${forward} OR (${statusRank} = :rank AND ${observedAt} < :observedAt)`, values: { ':observedAt': observation.observedAt } };
}

/** What an accepted write did, from the attributes it replaced (UPDATED_OLD). */
function outcomeOf(observation: Observation, rank: number, before: Record<string, unknown> | undefined): UpsertOutcome {
  const beforeRank = before?.[archiveAttributes.statusRank];
  if (typeof beforeRank !== 'number') return 'created';
  // Reads only move forward among themselves: a further status before a read was a message's.
  if (observation.complete && beforeRank > rank) return 'rewound';
  return 'written';
}

/**
 * The item an upsert of this observation creates in an empty table. For bulk loading in
 * benchmarks and tools (BatchWriteItem); the history path always goes through `upsert`.
 */
export function firstItemOf(schemas: TableSchemas, observation: Observation, now: Date, retentionDays?: number): StoredItem {
  const change = changeOf(schemaOf(schemas, observation.table), observation, FIELDS_BUDGET_BYTES, now, retentionDays);
  return { ...observation.key, ...change.set, ...change.setIfAbsent, ...change.add };
}

/**
 * The only way history records are written: one conditional UpdateItem per observation.
 * The condition lives in the write (`conditionFor`), so duplicates, reordering and concurrent
 * collectors are safe without a read: SSM's read wins over any message, and otherwise a
 * record only moves forward. A rejected write costs one write unit and changes nothing.
 */
export class RecordStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    /** The archive's tables: the store writes any kind's records the same way, by its table's declaration. */
    private readonly schemas: TableSchemas,
    private readonly tableNames: Readonly<Record<TableId, string>>,
    private readonly now: () => Date = () => new Date(),
    /** Days a record is kept after its own time (DynamoDB TTL); undefined: kept forever. */
    private readonly retentionDays?: number,
  ) {}

  async upsert(observation: Observation): Promise<UpsertOutcome> {
    return (await this.writeFitting(observation, undefined)).outcome;
  }

  /**
   * `upsert` of an observation whose status alerts: the same write also gives the record's
   * alert its first state, `initial` ('pending', or 'skipped' for a failure too old to alert),
   * unless it already has one (if_not_exists), and says which state the record is in, from the
   * same call (UPDATED_OLD). Terminal statuses never change, so a failure's alert is decided
   * once however often it is observed.
   */
  async upsertAlerting(observation: Observation, initial: 'pending' | 'skipped' = 'pending', failedAt: Date = this.now()): Promise<AlertingUpsert> {
    return this.writeFitting(observation, { state: initial, failedAt });
  }

  private async writeFitting(observation: Observation, alert: FirstAlert | undefined): Promise<AlertingUpsert> {
    try {
      return await this.write(observation, FIELDS_BUDGET_BYTES, alert);
    } catch (error) {
      // Our size estimate was too low for this item (large existing attributes): cut harder once.
      if (!isItemTooLarge(error)) throw error;
      return this.write(observation, Math.floor(FIELDS_BUDGET_BYTES / 2), alert);
    }
  }

  private async write(observation: Observation, budgetBytes: number, alert: FirstAlert | undefined): Promise<AlertingUpsert> {
    const schema = schemaOf(this.schemas, observation.table);
    const change = changeOf(schema, observation, budgetBytes, this.now(), this.retentionDays);
    const alertInitial = alert?.state;
    if (alert !== undefined) Object.assign(change.setIfAbsent, failurePlacement(schema, observation.key, alert));
    const placeholders = new UpdatePlaceholders({ '#pk': schema.partitionKey.name });
    const { names, values } = placeholders;
    const name = (attribute: string): string => placeholders.name(attribute);
    const value = (v: StoredValue | Set<string>): string => placeholders.value(v);
    const sets = Object.entries(change.set).map(([attribute, v]) => `${name(attribute)} = ${value(v)}`);
    for (const [attribute, v] of Object.entries(change.setIfAbsent)) {
      const placeholder = name(attribute);
      sets.push(`${placeholder} = if_not_exists(${placeholder}, ${value(v)})`);
    }
    const removes = change.remove.map(name);
    const adds = Object.entries(change.add).map(([attribute, v]) => `${name(attribute)} ${value(v)}`);
    const rank = change.set[archiveAttributes.statusRank] as number;
    const condition = conditionFor(observation);
    Object.assign(values, condition.values, { ':rank': rank });
    const update =
      `SET ${sets.join(', ')}` + (removes.length > 0 ? ` REMOVE ${removes.join(', ')}` : '') + ` ADD ${adds.join(', ')}`;
    try {
      const { Attributes } = await this.db.send(
        new UpdateCommand({
          TableName: nameOf(this.tableNames, observation.table),
          Key: observation.key,
          UpdateExpression: update,
          ConditionExpression: condition.expression,
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
          // The old values of the attributes this update sets: none when the item is new. No
          // extra call and no extra capacity; statusRank is on every item an upsert wrote.
          ReturnValues: 'UPDATED_OLD',
        }),
      );
      const outcome = outcomeOf(observation, rank, Attributes);
      const before: unknown = Attributes?.[archiveAttributes.alertState];
      return {
        outcome,
        alertState: alertInitial === undefined ? undefined : isAlertState(before) ? before : alertInitial,
        firstFailure: alertInitial !== undefined && !isAlertState(before),
      };
    } catch (error) {
      // Matched by name: the document client rethrows the low-level client's exception.
      if (isConditionFailure(error)) return { outcome: 'stale', alertState: undefined, firstFailure: false };
      throw error;
    }
  }

  /**
   * Takes the alert's publish for `claim`: from 'pending', or from a 'publishing' claim made
   * before `staleBefore` (its holder died between claim and sent). False when another
   * collector holds a live claim or the alert is sent: exactly one publisher at a time.
   */
  async claimAlert(table: TableId, key: RecordKey, claim: string, now: Date, staleBefore: Date): Promise<boolean> {
    const a = archiveAttributes;
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: nameOf(this.tableNames, table),
          Key: key,
          UpdateExpression: `SET #state = :publishing, #claim = :claim, #claimedAt = :now`,
          ConditionExpression: `#state = :pending OR (#state = :publishing AND #claimedAt < :staleBefore)`,
          ExpressionAttributeNames: { '#state': a.alertState, '#claim': a.alertClaim, '#claimedAt': a.alertClaimedAt },
          ExpressionAttributeValues: {
            ':pending': 'pending',
            ':publishing': 'publishing',
            ':claim': claim,
            ':now': now.toISOString(),
            ':staleBefore': staleBefore.toISOString(),
          },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  /** The claimed alert is published: 'sent', with SNS's message id. */
  async markAlertSent(table: TableId, key: RecordKey, claim: string, sentAt: Date, messageId: string | undefined): Promise<void> {
    await this.settleClaim(table, key, claim, 'sent', { [archiveAttributes.alertSentAt]: sentAt.toISOString(), ...(messageId ? { [archiveAttributes.alertMessageId]: messageId } : {}) });
  }

  /** The claimed publish failed: back to 'pending', for the retry. */
  async releaseAlert(table: TableId, key: RecordKey, claim: string): Promise<void> {
    await this.settleClaim(table, key, claim, 'pending', {});
  }

  /** Ends a claim, only if it is still ours (a claim taken over as stale is not). */
  private async settleClaim(table: TableId, key: RecordKey, claim: string, state: AlertState, extra: Record<string, string>): Promise<void> {
    const a = archiveAttributes;
    const names: Record<string, string> = { '#state': a.alertState, '#claim': a.alertClaim, '#claimedAt': a.alertClaimedAt };
    const values: Record<string, string> = { ':state': state, ':claim': claim };
    const sets = ['#state = :state'];
    for (const [index, [attribute, value]] of Object.entries(extra).entries()) {
      names[`#x${index}`] = attribute;
      values[`:x${index}`] = value;
      sets.push(`#x${index} = :x${index}`);
    }
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: nameOf(this.tableNames, table),
          Key: key,
          UpdateExpression: `SET ${sets.join(', ')} REMOVE #claim, #claimedAt`,
          ConditionExpression: '#claim = :claim',
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
        }),
      );
    } catch (error) {
      // Taken over after our claim went stale: the new holder settles it.
      if (isConditionFailure(error)) return;
      throw error;
    }
  }

  /**
   * One item by key. Strongly consistent unless `consistentRead` is false (half the read
   * cost), for callers to whom a stale answer only costs work done again.
   */
  async get(table: TableId, key: RecordKey, consistentRead = true): Promise<StoredItem | undefined> {
    const { Item } = await this.db.send(new GetCommand({ TableName: nameOf(this.tableNames, table), Key: key, ConsistentRead: consistentRead }));
    return Item;
  }

  /** One page of the records under one partition key (a command's invocations), in key order. */
  async page(table: TableId, partitionValue: string, limit: number, startKey?: RecordKey): Promise<ItemPage> {
    const { Items, LastEvaluatedKey } = await this.db.send(
      new QueryCommand({
        TableName: nameOf(this.tableNames, table),
        KeyConditionExpression: '#pk = :pk',
        ExpressionAttributeNames: { '#pk': schemaOf(this.schemas, table).partitionKey.name },
        ExpressionAttributeValues: { ':pk': partitionValue },
        Limit: limit,
        ExclusiveStartKey: startKey,
        ConsistentRead: true,
      }),
    );
    return { items: Items ?? [], ...(LastEvaluatedKey ? { nextKey: LastEvaluatedKey as RecordKey } : {}) };
  }
}
