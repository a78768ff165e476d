import { GetCommand, QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Observation, StoredValue } from '../sources/history-source';
import { statusInfo } from '../status';
import { DYNAMODB_ITEM_LIMIT_BYTES, fitFields } from './item-size';
import { derivedAttributes, keyNames, tableSchemas, type RecordKey, type TableId, type TableNames } from './schema';

export type UpsertOutcome = 'written' | 'stale';

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
  firstSeenAt: 'firstSeenAt',
  lastProducer: 'lastProducer',
  producers: 'producers',
  statusTimeline: 'statusTimeline',
  detailed: 'detailed',
  cutFields: 'cutFields',
} as const;

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

/**
 * The only way history records are written: one conditional UpdateItem per observation.
 * The condition lives in the write, so duplicates, reordering and concurrent collectors are
 * safe without a read: a record only moves to a higher-ranked status, and within a rank only
 * to a newer observation. A rejected write costs one write unit and changes nothing.
 */
export class RecordStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableNames: TableNames,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async upsert(observation: Observation): Promise<UpsertOutcome> {
    try {
      return await this.write(observation, FIELDS_BUDGET_BYTES);
    } catch (error) {
      // Our size estimate was too low for this item (large existing attributes): cut harder once.
      if (!isItemTooLarge(error)) throw error;
      return this.write(observation, Math.floor(FIELDS_BUDGET_BYTES / 2));
    }
  }

  private async write(observation: Observation, budgetBytes: number): Promise<UpsertOutcome> {
    const keys = new Set(keyNames(observation.table));
    const fitted = fitFields(observation.fields, budgetBytes, keys);
    const cut = fitted.cut;
    const fields = { ...fitted.fields, ...derivedAttributes(observation.table, observation.fields) };

    const names: Record<string, string> = { '#pk': tableSchemas[observation.table].partitionKey.name };
    const values: Record<string, StoredValue | Set<string>> = {};
    const sets: string[] = [];
    let n = 0;
    for (const [name, value] of Object.entries(fields)) {
      if (keys.has(name)) continue;
      names[`#f${n}`] = name;
      values[`:f${n}`] = value;
      sets.push(`#f${n} = :f${n}`);
      n++;
    }
    const removes: string[] = [];
    for (const name of observation.absentFields ?? []) {
      if (name in fields || keys.has(name)) continue;
      names[`#f${n}`] = name;
      removes.push(`#f${n}`);
      n++;
    }

    const a = archiveAttributes;
    values[':rank'] = statusInfo(observation.statuses, observation.status).rank;
    values[':observedAt'] = observation.observedAt;
    values[':now'] = this.now().toISOString();
    values[':lastProducer'] = [...observation.producers].sort()[0] ?? 'event';
    values[':producers'] = new Set(observation.producers);
    values[':timeline'] = new Set(observation.timeline.map((entry) => timelineEntry(entry.at, entry.status)));
    sets.push(
      `${a.statusRank} = :rank`,
      `${a.observedAt} = :observedAt`,
      `${a.firstSeenAt} = if_not_exists(${a.firstSeenAt}, :now)`,
      `${a.lastProducer} = :lastProducer`,
    );
    if (observation.complete) {
      values[':detailed'] = true;
      sets.push(`${a.detailed} = :detailed`);
    }
    if (cut.length > 0) {
      values[':cut'] = [...cut];
      sets.push(`${a.cutFields} = :cut`);
    } else if (observation.complete) {
      removes.push(a.cutFields);
    }

    const update =
      `SET ${sets.join(', ')}` +
      (removes.length > 0 ? ` REMOVE ${removes.join(', ')}` : '') +
      ` ADD ${a.producers} :producers, ${a.statusTimeline} :timeline`;

    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableNames[observation.table],
          Key: observation.key,
          UpdateExpression: update,
          ConditionExpression:
            `attribute_not_exists(#pk) OR ${a.statusRank} < :rank` +
            ` OR (${a.statusRank} = :rank AND ${a.observedAt} < :observedAt)`,
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
        }),
      );
      return 'written';
    } catch (error) {
      // Matched by name: the document client rethrows the low-level client's exception.
      if (error instanceof Error && error.name === 'ConditionalCheckFailedException') return 'stale';
      throw error;
    }
  }

  async get(table: TableId, key: RecordKey): Promise<StoredItem | undefined> {
    const { Item } = await this.db.send(new GetCommand({ TableName: this.tableNames[table], Key: key, ConsistentRead: true }));
    return Item;
  }

  /** One page of the records under one partition key (a command's invocations), in key order. */
  async page(table: TableId, partitionValue: string, limit: number, startKey?: RecordKey): Promise<ItemPage> {
    const { Items, LastEvaluatedKey } = await this.db.send(
      new QueryCommand({
        TableName: this.tableNames[table],
        KeyConditionExpression: '#pk = :pk',
        ExpressionAttributeNames: { '#pk': tableSchemas[table].partitionKey.name },
        ExpressionAttributeValues: { ':pk': partitionValue },
        Limit: limit,
        ExclusiveStartKey: startKey,
        ConsistentRead: true,
      }),
    );
    return { items: Items ?? [], ...(LastEvaluatedKey ? { nextKey: LastEvaluatedKey as RecordKey } : {}) };
  }
}
