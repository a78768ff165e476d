import {
  GetCommand,
  QueryCommand,
  type DynamoDBDocumentClient,
  type QueryCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { batchGetAll } from '../store/batch-get';
import type { StoredItem } from '../store/record-store';
import { compareText, itemPasses, type AttributeTest, type ItemFilter, type ListingOrder, type NewestFirstOptions, type NewestFirstStart, type TimeRange } from '../core/archive-reads';
import { indexOf, keyNames, nameOf, schemaOf, type IndexSchema, type RecordKey, type TableId } from '../core/table-schema';
import { INVOCATION_INDEX_ATTRIBUTES } from '../sources/run-command/tables';
import { tableSchemas, type TableNames } from '../sources/tables';

/**
 * Every read the query API makes, and the only module that talks to DynamoDB for it: Query
 * on a table key or an index, GetItem and BatchGetItem. Never Scan: each listing walks an
 * index in the order it serves, so its cost follows the page asked for, not the archive.
 *
 * Listings are async generators: they read lazily, a DynamoDB page at a time, and stop
 * reading when the caller stops pulling. Its walks are generic (a record by key, a table
 * partition, an index partition or year-partitioned index newest first); the kinds name
 * theirs over these (sources/<kind>/reads.ts). Run Command's listings, whose merge of
 * commands and invocations is its own, are still here.
 */

/** Run Command listings order by RequestedDateTime, then CommandId (commands) or InstanceId (a command's invocations). */
const TIME = 'RequestedDateTime';
const COMMAND_ID = 'CommandId';
const INSTANCE_ID = 'InstanceId';
const COMMAND_ORDER: ListingOrder = { time: TIME, id: COMMAND_ID };
/** A command's invocations: newest first, then InstanceId. */
const INVOCATION_ORDER: ListingOrder = { time: TIME, id: INSTANCE_ID };
/** BatchGetItem reads at most 100 keys a request. */
const BATCH_GET_MAX = 100;

/**
 * Run Command launched in 2015, the other kinds later: no record is older, so every walk down
 * the years stops there.
 */
const FIRST_YEAR = 2015;

/** What the byInstance index holds of an invocation: its summary, its keys, its time. */
export const INSTANCE_INDEX_ATTRIBUTES: readonly string[] = INVOCATION_INDEX_ATTRIBUTES;



export interface CommandInvocationsOptions {
  /** Only the invocations listed after this one (its RequestedDateTime and InstanceId). */
  readonly after?: { readonly time: string; readonly instanceId: string };
  readonly filter?: ItemFilter;
  readonly attributes?: readonly string[];
  readonly pageSize: number;
}

export interface InvocationsNewestFirstOptions {
  readonly range?: TimeRange;
  /** Resume after this invocation: its RequestedDateTime, its CommandId, its InstanceId. */
  readonly start?: { readonly time: string; readonly id: string; readonly within: string };
  /** Tested on the commands (DocumentName, for example, is the same on a command and its invocations). */
  readonly commandFilter?: ItemFilter;
  readonly filter?: ItemFilter;
  readonly attributes?: readonly string[];
  readonly pageSize: number;
}

/** Which items of a table partition `keyPartition` reads, and how. */
export interface KeyPartitionOptions {
  /** Only the item whose sort key is this (a key condition). */
  readonly equals?: string;
  /** Only the items whose sort key follows this. */
  readonly after?: string;
  readonly filter?: ItemFilter;
  /** Attributes to read (the caller adds the keys it needs); all when omitted. */
  readonly attributes?: readonly string[];
  readonly pageSize: number;
}

/** How a filtered walk's reads grow from one request to the next, and up to what. */
const READ_GROWTH = 4;
const MAX_FILTERED_READ = 1000;

export class ArchiveReader {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableNames: TableNames,
    /** Where walks down the years start: the next year, in case of clock skew around New Year. */
    private readonly now: () => Date,
  ) {}

  async getCommand(commandId: string, attributes?: readonly string[]): Promise<StoredItem | undefined> {
    return this.get('commands', { [COMMAND_ID]: commandId }, attributes);
  }

  async getInvocation(commandId: string, instanceId: string, attributes?: readonly string[]): Promise<StoredItem | undefined> {
    return this.get('commandInvocations', { [COMMAND_ID]: commandId, [INSTANCE_ID]: instanceId }, attributes);
  }

  /** The commands with these ids that the archive holds, in the order asked for. */
  async getCommands(commandIds: readonly string[], attributes?: readonly string[]): Promise<StoredItem[]> {
    return this.getItems('commands', commandIds.map((id) => ({ [COMMAND_ID]: id })), attributes);
  }

  /** The invocations with these keys that the archive holds, in the order asked for. */
  async getInvocations(keys: readonly RecordKey[], attributes?: readonly string[]): Promise<StoredItem[]> {
    return this.getItems('commandInvocations', keys, attributes);
  }

  /**
   * Commands, newest RequestedDateTime first and CommandId ascending among equal times (SSM's
   * ListCommands order), from the byRequestedYear index: one partition per year, walked from
   * the upper bound down to the range's start or the year Run Command launched.
   */
  async *commandsNewestFirst(options: NewestFirstOptions): AsyncGenerator<StoredItem> {
    yield* this.byYearNewestFirst('commands', 'byRequestedYear', COMMAND_ORDER, options);
  }


















  /** One record by its key, from any table. */
  async getRecord(table: TableId, key: RecordKey, attributes?: readonly string[]): Promise<StoredItem | undefined> {
    return this.get(table, key, attributes);
  }

  /**
   * A year-partitioned index (its partition key the year of `order.time`) newest first: one
   * partition per year, walked from the upper bound down to the range's start or FIRST_YEAR.
   */
  async *byYearNewestFirst(table: TableId, indexName: string, order: ListingOrder, options: NewestFirstOptions): AsyncGenerator<StoredItem> {
    const range = effectiveRange(options.range, options.start);
    if (range === undefined) return;
    const index = indexNamed(table, indexName);
    const top = Math.min(this.now().getUTCFullYear() + 1, range.to !== undefined ? yearOf(range.to) : Number.POSITIVE_INFINITY);
    const bottom = Math.max(FIRST_YEAR, range.from !== undefined ? yearOf(range.from) : Number.NEGATIVE_INFINITY);
    const years: (() => AsyncGenerator<StoredItem>)[] = [];
    for (let year = top; year >= bottom; year--) {
      years.push(() => this.newestFirst(table, index.name, index.partitionKey.name, String(year).padStart(4, '0'), range, options, order));
    }
    yield* inOrderWithLookahead(years, YEAR_LOOKAHEAD);
  }

  /** The records with these keys that the archive holds, in the order asked for. */
  async getRecords(table: TableId, keys: readonly RecordKey[], attributes?: readonly string[]): Promise<StoredItem[]> {
    return this.getItems(table, keys, attributes);
  }

  /**
   * One partition of a table, in its sort key's order (a Query on the table's key): all of it,
   * or the item whose sort key `equals`, or those `after` a sort key value.
   */
  async *keyPartition(table: TableId, partition: string, options: KeyPartitionOptions): AsyncGenerator<StoredItem> {
    const schema = schemaOf(tableSchemas, table);
    const sortKey = schema.sortKey?.name;
    const x = new Expressions();
    let keyCondition = `${x.name(schema.partitionKey.name)} = ${x.value(partition)}`;
    if (sortKey !== undefined && options.equals !== undefined) {
      if (options.after !== undefined && options.equals <= options.after) return;
      keyCondition += ` AND ${x.name(sortKey)} = ${x.value(options.equals)}`;
    } else if (sortKey !== undefined && options.after !== undefined) {
      keyCondition += ` AND ${x.name(sortKey)} > ${x.value(options.after)}`;
    }
    yield* this.query(
      x.input({
        TableName: nameOf(this.tableNames, table),
        KeyConditionExpression: keyCondition,
        ScanIndexForward: true,
        Limit: options.pageSize,
        filter: options.filter,
        attributes: options.attributes,
      }),
    );
  }

  /**
   * One partition of an index, newest (greatest sort key) first, from `atOrBefore` (inclusive)
   * when given. Items of one sort key value come in no set order: callers that page order them.
   */
  async *indexPartitionNewestFirst(
    table: TableId,
    indexName: string,
    partition: string,
    options: { readonly atOrBefore?: string; readonly attributes?: readonly string[]; readonly pageSize: number },
  ): AsyncGenerator<StoredItem> {
    const index = indexNamed(table, indexName);
    const x = new Expressions();
    const sortKey = index.sortKey?.name;
    const before = options.atOrBefore === undefined || sortKey === undefined ? '' : ` AND ${x.name(sortKey)} <= ${x.value(options.atOrBefore)}`;
    yield* this.query(
      x.input({
        TableName: nameOf(this.tableNames, table),
        IndexName: index.name,
        KeyConditionExpression: `${x.name(index.partitionKey.name)} = ${x.value(partition)}${before}`,
        ScanIndexForward: false,
        Limit: options.pageSize,
        attributes: options.attributes,
      }),
    );
  }

  /** Whether a partition of the table (or of one of its indexes) holds any item: one read of one item. */
  async hasPartition(table: TableId, partition: string, indexName?: string): Promise<boolean> {
    const schema = schemaOf(tableSchemas, table);
    const partitionKey = indexName === undefined ? schema.partitionKey.name : indexNamed(table, indexName).partitionKey.name;
    const x = new Expressions();
    const { Items } = await this.db.send(
      new QueryCommand(
        x.input({
          TableName: nameOf(this.tableNames, table),
          ...(indexName !== undefined ? { IndexName: indexName } : {}),
          KeyConditionExpression: `${x.name(partitionKey)} = ${x.value(partition)}`,
          Limit: 1,
          attributes: [partitionKey],
        }),
      ),
    );
    return (Items ?? []).length > 0;
  }

  /** One partition of any index (a node's records, say) newest first. */
  async *partitionNewestFirst(table: TableId, indexName: string, partition: string, order: ListingOrder, options: NewestFirstOptions): AsyncGenerator<StoredItem> {
    const range = effectiveRange(options.range, options.start);
    if (range === undefined) return;
    const index = indexNamed(table, indexName);
    yield* this.newestFirst(table, index.name, index.partitionKey.name, partition, range, options, order);
  }

  /**
   * One node's invocations, newest first (then CommandId ascending), from the byInstance
   * index: its summary attributes only (COMMAND_INVOCATION_SUMMARY and the keys).
   */
  async *invocationsOfInstance(instanceId: string, options: NewestFirstOptions): AsyncGenerator<StoredItem> {
    const range = effectiveRange(options.range, options.start);
    if (range === undefined) return;
    const index = indexNamed('commandInvocations', 'byInstance');
    yield* this.newestFirst('commandInvocations', index.name, index.partitionKey.name, instanceId, range, options);
  }

  /**
   * One command's invocations in SSM's ListCommandInvocations order: newest RequestedDateTime
   * first, InstanceId ascending among equal times. Their keys come from the byCommand index
   * (keys only), their records from the table, a batch at a time; the filter is applied to
   * the records as DynamoDB would have.
   */
  async *invocationsOfCommand(commandId: string, options: CommandInvocationsOptions): AsyncGenerator<StoredItem> {
    const after = options.after;
    const keys = this.partitionNewestFirst('commandInvocations', 'byCommand', commandId, INVOCATION_ORDER, {
      ...(after !== undefined ? { start: { time: after.time, id: after.instanceId, inclusive: false } } : {}),
      attributes: [COMMAND_ID],
      pageSize: options.pageSize,
    });
    yield* this.recordsByKey('commandInvocations', keys, options);
  }

  /**
   * Invocations in SSM's ListCommandInvocations order: commands newest first, then each
   * command's invocations newest first. A position names the last invocation listed; the
   * walk of commands resumes at its command.
   */
  async *invocationsNewestFirst(options: InvocationsNewestFirstOptions): AsyncGenerator<StoredItem> {
    const start = options.start;
    // The command's own time places it among the commands; gone (expired), its invocation's
    // time is the nearest bound the archive still knows.
    const resumed = start === undefined ? undefined : await this.getCommand(start.id, [COMMAND_ID, TIME]);
    const resumeAt = resumed === undefined ? start?.time : String(resumed[TIME]);
    const commands = this.commandsNewestFirst({
      range: options.range,
      ...(start !== undefined && resumeAt !== undefined ? { start: { time: resumeAt, id: start.id, inclusive: true } } : {}),
      filter: options.commandFilter,
      attributes: [COMMAND_ID, TIME],
      pageSize: options.pageSize,
    });
    for await (const command of commands) {
      const commandId = String(command[COMMAND_ID]);
      yield* this.invocationsOfCommand(commandId, {
        ...(start !== undefined && start.id === commandId ? { after: { time: start.time, instanceId: start.within } } : {}),
        filter: options.filter,
        attributes: options.attributes,
        pageSize: options.pageSize,
      });
    }
  }

  /**
   * The records of the keys a walk yields, in its order: read by key a batch at a time (the
   * first batch as big as a page), those the filter keeps.
   */
  private async *recordsByKey(
    table: TableId,
    keys: AsyncIterable<StoredItem>,
    options: { readonly filter?: ItemFilter; readonly attributes?: readonly string[]; readonly pageSize: number },
  ): AsyncGenerator<StoredItem> {
    const names = keyNames(schemaOf(tableSchemas, table));
    const batchSize = Math.min(BATCH_GET_MAX, options.pageSize);
    let batch: RecordKey[] = [];
    const read = async (): Promise<StoredItem[]> => {
      const records = await this.getItems(table, batch, options.attributes && [...options.attributes, ...filterAttributes(options.filter)]);
      batch = [];
      return records.filter((record) => itemPasses(options.filter, record));
    };
    for await (const key of keys) {
      batch.push(Object.fromEntries(names.map((name) => [name, String(key[name])])));
      if (batch.length === batchSize) yield* await read();
    }
    if (batch.length > 0) yield* await read();
  }

  private async get(table: TableId, key: RecordKey, attributes?: readonly string[]): Promise<StoredItem | undefined> {
    const x = new Expressions();
    const projection = attributes && x.projection(attributes);
    const { Item } = await this.db.send(
      new GetCommand({ TableName: nameOf(this.tableNames, table), Key: key, ...(projection ? { ProjectionExpression: projection, ExpressionAttributeNames: x.attributeNames() } : {}) }),
    );
    return Item;
  }

  private async getItems(table: TableId, keys: readonly RecordKey[], attributes?: readonly string[]): Promise<StoredItem[]> {
    const names = keyNames(schemaOf(tableSchemas, table));
    const id = (key: Readonly<Record<string, unknown>>): string => names.map((name) => String(key[name])).join('\u0000');
    // BatchGetItem rejects a request that names one key twice.
    const unique = [...new Map(keys.map((key) => [id(key), key])).values()];
    const x = new Expressions();
    const projection = attributes && x.projection([...attributes, ...names]);
    const items = await batchGetAll(this.db, nameOf(this.tableNames, table), unique, projection ? { projection: { expression: projection, names: x.attributeNames() } } : {});
    const found = new Map(items.map((item) => [id(item), item]));
    return keys.map((key) => found.get(id(key))).filter((item): item is StoredItem => item !== undefined);
  }

  /**
   * One partition of a (RequestedDateTime, CommandId)-ordered index, newest first. DynamoDB
   * orders equal times its own way, so items of one time are held back until the time
   * changes and then given in CommandId order; `start` skips what earlier pages returned.
   */
  private async *newestFirst(
    table: TableId,
    indexName: string,
    partitionKey: string,
    partition: string,
    range: TimeRange,
    options: NewestFirstOptions,
    order: ListingOrder = COMMAND_ORDER,
  ): AsyncGenerator<StoredItem> {
    const TIME = order.time;
    const x = new Expressions();
    let keyCondition = `${x.name(partitionKey)} = ${x.value(partition)}`;
    if (range.from !== undefined && range.to !== undefined) keyCondition += ` AND ${x.name(TIME)} BETWEEN ${x.value(range.from)} AND ${x.value(range.to)}`;
    else if (range.from !== undefined) keyCondition += ` AND ${x.name(TIME)} >= ${x.value(range.from)}`;
    else if (range.to !== undefined) keyCondition += ` AND ${x.name(TIME)} <= ${x.value(range.to)}`;
    const items = this.query(
      x.input({
        TableName: nameOf(this.tableNames, table),
        IndexName: indexName,
        KeyConditionExpression: keyCondition,
        ScanIndexForward: false,
        Limit: options.pageSize,
        filter: options.filter,
        attributes: options.attributes && [...options.attributes, TIME, order.id],
      }),
    );
    let tie: StoredItem[] = [];
    for await (const item of items) {
      if (tie.length > 0 && tie[0]?.[TIME] !== item[TIME]) {
        yield* inTieOrder(tie, options.start, order);
        tie = [];
      }
      tie.push(item);
    }
    yield* inTieOrder(tie, options.start, order);
  }

  /**
   * Every item a Query yields, page after page. Behind a filter, each request reads more
   * than the last (DynamoDB's Limit counts items read, not kept): a filter that keeps most
   * items stops after a small read, one that keeps few costs few round trips.
   */
  private async *query(input: QueryCommandInput): AsyncGenerator<StoredItem> {
    let exclusiveStartKey: Record<string, unknown> | undefined;
    let limit = input.Limit;
    do {
      const page = await this.db.send(
        new QueryCommand({ ...input, Limit: limit, ...(exclusiveStartKey ? { ExclusiveStartKey: exclusiveStartKey } : {}) }),
      );
      yield* page.Items ?? [];
      exclusiveStartKey = page.LastEvaluatedKey;
      if (input.FilterExpression !== undefined && limit !== undefined) limit = Math.min(limit * READ_GROWTH, MAX_FILTERED_READ);
    } while (exclusiveStartKey !== undefined);
  }
}

function* inTieOrder(items: readonly StoredItem[], start: NewestFirstStart | undefined, by: ListingOrder): Generator<StoredItem> {
  const sorted = [...items].sort((a, b) => compareText(String(a[by.id]), String(b[by.id])));
  for (const item of sorted) {
    if (start !== undefined && item[by.time] === start.time) {
      const order = compareText(String(item[by.id]), start.id);
      if (order < 0 || (order === 0 && !start.inclusive)) continue;
    }
    yield item;
  }
}

/** The range narrowed to end at `start`; undefined when nothing can match. */
function effectiveRange(range: TimeRange | undefined, start: NewestFirstStart | undefined): TimeRange | undefined {
  const from = range?.from;
  let to = range?.to;
  if (start !== undefined && (to === undefined || start.time < to)) to = start.time;
  // BETWEEN with its bounds the wrong way round is a ValidationException; it matches nothing anyway.
  if (from !== undefined && to !== undefined && from > to) return undefined;
  return { ...(from !== undefined ? { from } : {}), ...(to !== undefined ? { to } : {}) };
}

/**
 * Once a year's partition runs out before the page is full, the next few years are read at
 * once rather than one after another: a listing that reaches back over empty years (a
 * selective filter, a young archive) then costs a few round trips, not one per year.
 */
const YEAR_LOOKAHEAD = 4;

/**
 * The sources' items in source order. The first source starts alone; when a source runs dry,
 * the next `lookahead` start together. Sources started but not reached when the caller stops
 * are closed, and their errors are not left unhandled.
 */
async function* inOrderWithLookahead<T>(sources: readonly (() => AsyncGenerator<T>)[], lookahead: number): AsyncGenerator<T> {
  const started: { generator: AsyncGenerator<T>; first: Promise<IteratorResult<T>> }[] = [];
  const start = (index: number): void => {
    const generator = (sources[index] as () => AsyncGenerator<T>)();
    const first = generator.next();
    first.catch(() => undefined); // awaited below when reached; never an unhandled rejection
    started[index] = { generator, first };
  };
  try {
    for (let index = 0; index < sources.length; index++) {
      if (started[index] === undefined) {
        const end = Math.min(sources.length, index === 0 ? 1 : index + lookahead);
        for (let next = index; next < end; next++) start(next);
      }
      const { generator, first } = started[index] as (typeof started)[number];
      for (let result = await first; !result.done; result = await generator.next()) yield result.value;
    }
  } finally {
    await Promise.allSettled(started.map(({ generator }) => generator.return(undefined)));
  }
}

/** The attributes a filter tests, which a projection must read for it to be applied. */
function filterAttributes(filter: ItemFilter | undefined): string[] {
  return (filter ?? []).flatMap((clause) => clause.anyOf.map((test) => test.attribute));
}

function yearOf(iso: string): number {
  return new Date(iso).getUTCFullYear();
}

function indexNamed(table: TableId, name: string): IndexSchema {
  return indexOf(schemaOf(tableSchemas, table), name);
}

interface QueryParts extends Omit<QueryCommandInput, 'FilterExpression' | 'ProjectionExpression' | 'ExpressionAttributeNames' | 'ExpressionAttributeValues'> {
  readonly filter?: ItemFilter;
  readonly attributes?: readonly string[];
}

/** Placeholders for every name and value, so SSM's field names never clash with reserved words. */
class Expressions {
  private readonly names = new Map<string, string>();
  private readonly values: Record<string, unknown> = {};
  private valueCount = 0;

  name(attribute: string): string {
    let placeholder = this.names.get(attribute);
    if (placeholder === undefined) {
      placeholder = `#n${this.names.size}`;
      this.names.set(attribute, placeholder);
    }
    return placeholder;
  }

  value(value: string): string {
    const placeholder = `:v${this.valueCount++}`;
    this.values[placeholder] = value;
    return placeholder;
  }

  projection(attributes: readonly string[]): string {
    return [...new Set(attributes)].map((attribute) => this.name(attribute)).join(', ');
  }

  filter(filter: ItemFilter | undefined): string | undefined {
    if (filter === undefined || filter.length === 0) return undefined;
    return filter
      .map((clause) => {
        const any = clause.anyOf.map((test) => this.test(test)).join(' OR ');
        return clause.negate ? `(NOT (${any}))` : `(${any})`;
      })
      .join(' AND ');
  }

  input(parts: QueryParts): QueryCommandInput {
    const { filter, attributes, ...rest } = parts;
    const filterExpression = this.filter(filter);
    const projection = attributes && this.projection(attributes);
    return {
      ...rest,
      ...(filterExpression !== undefined ? { FilterExpression: filterExpression } : {}),
      ...(projection !== undefined ? { ProjectionExpression: projection } : {}),
      ...this.namesAndValues(),
    };
  }

  attributeNames(): Record<string, string> {
    return Object.fromEntries([...this.names].map(([name, placeholder]) => [placeholder, name]));
  }

  /** DynamoDB rejects empty maps, so each is present only when used. */
  private namesAndValues(): Pick<QueryCommandInput, 'ExpressionAttributeNames' | 'ExpressionAttributeValues'> {
    return {
      ...(this.names.size > 0 ? { ExpressionAttributeNames: this.attributeNames() } : {}),
      ...(this.valueCount > 0 ? { ExpressionAttributeValues: this.values } : {}),
    };
  }

  private test(test: AttributeTest): string {
    const name = this.name(test.attribute);
    if ('oneOf' in test) return `${name} IN (${test.oneOf.map((value) => this.value(value)).join(', ')})`;
    if (test.from !== undefined && test.to !== undefined) return `${name} BETWEEN ${this.value(test.from)} AND ${this.value(test.to)}`;
    if (test.from !== undefined) return `${name} >= ${this.value(test.from)}`;
    if (test.to !== undefined) return `${name} <= ${this.value(test.to)}`;
    return `attribute_exists(${name})`;
  }
}
