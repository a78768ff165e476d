import {
  GetCommand,
  QueryCommand,
  type DynamoDBDocumentClient,
  type QueryCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { forEachBounded } from '../concurrency';
import { batchGetAll } from '../store/batch-get';
import type { StoredItem } from '../store/record-store';
import { compareText, itemPasses, type AttributeTest, type ItemFilter, type ListingOrder, type NewestFirstOptions, type NewestFirstStart, type TimeRange } from '../core/archive-reads';
import { SCOPE_ATTRIBUTES, type SsmScope } from '../core/scope';
import { indexAttributes, indexOf, keyNames, nameOf, schemaOf, type IndexSchema, type RecordKey, type TableId, type TableRead } from '../core/table-schema';
import { ANY_SCOPE, selectionHolds, selectsSome, storedScope, type ArchiveScopes, type ScopeSelection } from './read-scope';
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
 *
 * A reader reads one selection of accounts and Regions (`within`): a record elsewhere is
 * neither listed nor found by key. Where the table or index holds a record's scope
 * attributes, DynamoDB's filter keeps the selection; where an index holds only keys and a
 * summary, the records' scopes are read by key, a page at a time, with the read the table
 * grants the query function (BatchGetItem, else GetItem, else a Query of the key). Every item
 * a reader yields says where it lives (its `account` and `region`, the home's when stored
 * without them) when the reader knows the archive's home.
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

/** A walk of an index whose entries the caller reads by key with the same reader. */
export interface IndexWalkOptions extends NewestFirstOptions {
  /**
   * The caller reads each entry's record by key with this reader, which keeps only records in
   * its selection: the walk itself need not learn where the entries live.
   */
  readonly recordsReadByKey?: boolean;
}

/** How a walk keeps to the reader's selection: not at all, in DynamoDB's filter, or by reading each entry's scope by key. */
type ScopeStep = 'none' | 'expression' | 'by-key';

/** Where a Query reads: a table, or one of its indexes. */
interface QueryPlace {
  readonly table: TableId;
  readonly index?: string;
}

/** Records' scopes are read by GetItem or by a Query of their key this many at once. */
const SCOPE_READS = 8;

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
    /** The archive's home and whether it collects other accounts and Regions; unknown: records are shown as stored. */
    private readonly scopes?: ArchiveScopes,
    /** The accounts and Regions this reader reads. */
    private readonly selection: ScopeSelection = ANY_SCOPE,
  ) {}

  /** The same archive, read only in `selection`: records elsewhere are neither listed nor found. */
  within(selection: ScopeSelection): ArchiveReader {
    return new ArchiveReader(this.db, this.tableNames, this.now, this.scopes, selection);
  }

  /** The archive's home, when the reader knows it. */
  get home(): SsmScope | undefined {
    return this.scopes?.home;
  }

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
  async *byYearNewestFirst(table: TableId, indexName: string, order: ListingOrder, options: IndexWalkOptions): AsyncGenerator<StoredItem> {
    const range = effectiveRange(options.range, options.start);
    if (range === undefined) return;
    const index = indexNamed(table, indexName);
    const nextYear = this.now().getUTCFullYear() + 1;
    const top = Math.min(nextYear, range.to !== undefined ? yearOf(range.to) : Number.POSITIVE_INFINITY);
    const bottom = Math.max(FIRST_YEAR, range.from !== undefined ? yearOf(range.from) : Number.NEGATIVE_INFINITY);
    const years: (() => AsyncGenerator<StoredItem>)[] = [];
    for (let year = top; year >= bottom; year--) {
      years.push(() => this.newestFirst(table, index.name, index.partitionKey.name, String(year).padStart(4, '0'), range, options, order));
    }
    // The next year is there for clock skew only and all but always empty: read with this year, not before it.
    yield* inOrderWithLookahead(years, YEAR_LOOKAHEAD, top === nextYear ? 2 : 1);
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
    const place = { table };
    const step = this.stepFor(place, options.attributes, false);
    yield* this.query(
      place,
      x.input({
        TableName: nameOf(this.tableNames, table),
        KeyConditionExpression: keyCondition,
        ScanIndexForward: true,
        Limit: options.pageSize,
        filter: options.filter,
        scope: this.conditionFor(step),
        attributes: this.projectionFor(place, options.attributes),
      }),
      step,
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
    const place = { table, index: index.name };
    const step = this.stepFor(place, options.attributes, false);
    yield* this.query(
      place,
      x.input({
        TableName: nameOf(this.tableNames, table),
        IndexName: index.name,
        KeyConditionExpression: `${x.name(index.partitionKey.name)} = ${x.value(partition)}${before}`,
        ScanIndexForward: false,
        Limit: options.pageSize,
        scope: this.conditionFor(step),
        attributes: this.projectionFor(place, options.attributes),
      }),
      step,
    );
  }

  /**
   * Whether a partition of the table (or of one of its indexes) holds any item in the reader's
   * selection: one read of one item. A partition is one association's or one window's
   * executions, which all live in its account and Region: its first item tells where.
   */
  async hasPartition(table: TableId, partition: string, indexName?: string): Promise<boolean> {
    const schema = schemaOf(tableSchemas, table);
    const partitionKey = indexName === undefined ? schema.partitionKey.name : indexNamed(table, indexName).partitionKey.name;
    const place = { table, ...(indexName !== undefined ? { index: indexName } : {}) };
    const restricting = this.restricting();
    const x = new Expressions();
    const { Items } = await this.db.send(
      new QueryCommand(
        x.input({
          TableName: nameOf(this.tableNames, table),
          ...(indexName !== undefined ? { IndexName: indexName } : {}),
          KeyConditionExpression: `${x.name(partitionKey)} = ${x.value(partition)}`,
          Limit: 1,
          attributes: restricting ? this.projectionFor(place, [partitionKey, ...keyNames(schema)]) : [partitionKey],
        }),
      ),
    );
    const first = Items?.[0];
    if (first === undefined || !restricting) return first !== undefined;
    const scope = holdsScope(place) ? storedScope(first, this.scopes?.home) : (await this.scopesByKey(table, [first])).get(keyText(schema, first));
    return scope !== undefined && selectionHolds(this.selection, scope);
  }

  /** One partition of any index (a node's records, say) newest first. */
  async *partitionNewestFirst(table: TableId, indexName: string, partition: string, order: ListingOrder, options: IndexWalkOptions): AsyncGenerator<StoredItem> {
    const range = effectiveRange(options.range, options.start);
    if (range === undefined) return;
    const index = indexNamed(table, indexName);
    yield* this.newestFirst(table, index.name, index.partitionKey.name, partition, range, options, order);
  }

  /**
   * One node's invocations, newest first (then CommandId ascending), from the byInstance
   * index: its summary attributes only (COMMAND_INVOCATION_SUMMARY and the keys).
   */
  async *invocationsOfInstance(instanceId: string, options: IndexWalkOptions): AsyncGenerator<StoredItem> {
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
      recordsReadByKey: true,
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
    const wanted = this.projectionFor({ table }, attributes);
    const projection = wanted && x.projection(wanted);
    const { Item } = await this.db.send(
      new GetCommand({ TableName: nameOf(this.tableNames, table), Key: key, ...(projection ? { ProjectionExpression: projection, ExpressionAttributeNames: x.attributeNames() } : {}) }),
    );
    return Item === undefined ? undefined : this.kept(Item);
  }

  private async getItems(table: TableId, keys: readonly RecordKey[], attributes?: readonly string[]): Promise<StoredItem[]> {
    const found = await this.readByKey(table, keys, this.projectionFor({ table }, attributes));
    const schema = schemaOf(tableSchemas, table);
    return keys.flatMap((key) => {
      const item = found.get(keyText(schema, key));
      const kept = item === undefined ? undefined : this.kept(item);
      return kept === undefined ? [] : [kept];
    });
  }

  /** The items of these keys that exist, by keyText, read as stored (no selection): BatchGetItem. */
  private async readByKey(table: TableId, keys: readonly Readonly<Record<string, unknown>>[], attributes: readonly string[] | undefined): Promise<Map<string, StoredItem>> {
    const schema = schemaOf(tableSchemas, table);
    const names = keyNames(schema);
    // BatchGetItem rejects a request that names one key twice.
    const unique = [...new Map(keys.map((key) => [keyText(schema, key), Object.fromEntries(names.map((name) => [name, key[name]]))])).values()];
    const x = new Expressions();
    const projection = attributes && x.projection([...attributes, ...names]);
    const items = await batchGetAll(this.db, nameOf(this.tableNames, table), unique, projection ? { projection: { expression: projection, names: x.attributeNames() } } : {});
    return new Map(items.map((item) => [keyText(schema, item), item]));
  }

  /**
   * Where the records of these index entries live, by keyText, read by key with the read the
   * table grants the query function; an entry whose record is gone has none.
   */
  private async scopesByKey(table: TableId, entries: readonly StoredItem[]): Promise<Map<string, Partial<SsmScope>>> {
    const schema = schemaOf(tableSchemas, table);
    const names = keyNames(schema);
    const attributes = [SCOPE_ATTRIBUTES.account, SCOPE_ATTRIBUTES.region];
    const reads: readonly TableRead[] = schema.queryReads;
    const scopes = new Map<string, Partial<SsmScope>>();
    const keep = (item: StoredItem | undefined): void => {
      if (item !== undefined) scopes.set(keyText(schema, item), storedScope(item, this.scopes?.home));
    };
    const keys = [...new Map(entries.map((entry) => [keyText(schema, entry), entry])).values()];
    if (keys.length === 0) return scopes;
    if (reads.includes('BatchGetItem')) {
      for (const item of (await this.readByKey(table, keys, attributes)).values()) keep(item);
      return scopes;
    }
    await forEachBounded(keys, SCOPE_READS, async (entry) => {
      const x = new Expressions();
      const projection = x.projection([...attributes, ...names]);
      const key = Object.fromEntries(names.map((name) => [name, entry[name]]));
      if (reads.includes('GetItem')) {
        const { Item } = await this.db.send(new GetCommand({ TableName: nameOf(this.tableNames, table), Key: key, ProjectionExpression: projection, ExpressionAttributeNames: x.attributeNames() }));
        keep(Item);
        return;
      }
      // The table grants Query only: a Query of the record's whole key reads it alone.
      const condition = names.map((name) => `${x.name(name)} = ${x.value(String(entry[name]))}`).join(' AND ');
      const { Items } = await this.db.send(
        new QueryCommand({
          TableName: nameOf(this.tableNames, table),
          KeyConditionExpression: condition,
          ProjectionExpression: projection,
          ...x.namesAndValues(),
        }),
      );
      keep(Items?.[0]);
    });
    return scopes;
  }

  /** Whether the reader's selection may leave records out: it names an account or a Region. */
  private restricting(): boolean {
    return selectsSome(this.selection);
  }

  /**
   * How a walk of this table or index keeps to the selection. DynamoDB filters where the
   * place holds the scope attributes; elsewhere (an index of keys and a summary) the entries'
   * scopes are read by key, also to show where they live when the caller asks for it (but
   * not in an archive of its home only, whose records are all the home's).
   */
  private stepFor(place: QueryPlace, attributes: readonly string[] | undefined, recordsReadByKey: boolean): ScopeStep {
    const restricting = this.restricting();
    if (holdsScope(place)) return restricting ? 'expression' : 'none';
    if (recordsReadByKey) return 'none';
    if (restricting) return 'by-key';
    return this.scopes?.collectsOthers === true && namesScope(attributes) ? 'by-key' : 'none';
  }

  private conditionFor(step: ScopeStep): ScopeCondition | undefined {
    return step === 'expression' ? { selection: this.selection, home: this.scopes?.home } : undefined;
  }

  /**
   * The attributes to read at a place: the caller's, with the scope attributes when the reader
   * knows scopes, less what an index does not hold (DynamoDB reads an index's own attributes only).
   */
  private projectionFor(place: QueryPlace, attributes: readonly string[] | undefined): readonly string[] | undefined {
    if (attributes === undefined) return undefined;
    const wanted = this.scopes !== undefined || selectsSome(this.selection) ? [...attributes, SCOPE_ATTRIBUTES.account, SCOPE_ATTRIBUTES.region] : attributes;
    const held = place.index === undefined ? undefined : indexAttributes(schemaOf(tableSchemas, place.table), place.index);
    return held === undefined ? wanted : wanted.filter((attribute) => held.includes(attribute));
  }

  /** An item read by key, if it is in the selection: with where it lives. */
  private kept(item: StoredItem): StoredItem | undefined {
    const scope = storedScope(item, this.scopes?.home);
    if (this.restricting() && !selectionHolds(this.selection, scope)) return undefined;
    return this.scopes === undefined ? item : { ...item, ...scope };
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
    options: IndexWalkOptions,
    order: ListingOrder = COMMAND_ORDER,
  ): AsyncGenerator<StoredItem> {
    const TIME = order.time;
    const x = new Expressions();
    const place = { table, index: indexName };
    const attributes = options.attributes && [...options.attributes, TIME, order.id];
    const step = this.stepFor(place, attributes, options.recordsReadByKey === true);
    let keyCondition = `${x.name(partitionKey)} = ${x.value(partition)}`;
    if (range.from !== undefined && range.to !== undefined) keyCondition += ` AND ${x.name(TIME)} BETWEEN ${x.value(range.from)} AND ${x.value(range.to)}`;
    else if (range.from !== undefined) keyCondition += ` AND ${x.name(TIME)} >= ${x.value(range.from)}`;
    else if (range.to !== undefined) keyCondition += ` AND ${x.name(TIME)} <= ${x.value(range.to)}`;
    const items = this.query(
      place,
      x.input({
        TableName: nameOf(this.tableNames, table),
        IndexName: indexName,
        KeyConditionExpression: keyCondition,
        ScanIndexForward: false,
        Limit: options.pageSize,
        filter: options.filter,
        scope: this.conditionFor(step),
        attributes: this.projectionFor(place, attributes),
      }),
      step,
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
   * Every item a Query yields, page after page, in the reader's selection. Behind a filter,
   * each request reads more than the last (DynamoDB's Limit counts items read, not kept): a
   * filter that keeps most items stops after a small read, one that keeps few costs few round
   * trips. A walk that reads its entries' scopes by key does not grow its reads: each entry
   * read costs a read by key, whether the caller takes it or not.
   */
  private async *query(place: QueryPlace, input: QueryCommandInput, step: ScopeStep): AsyncGenerator<StoredItem> {
    const schema = schemaOf(tableSchemas, place.table);
    // Entries of an index without the scope attributes, not read by key: where they live is unknown, unless everything is the home's.
    const shown = step === 'by-key' || holdsScope(place) || this.scopes?.collectsOthers !== true;
    let exclusiveStartKey: Record<string, unknown> | undefined;
    let limit = input.Limit;
    do {
      const page = await this.db.send(
        new QueryCommand({ ...input, Limit: limit, ...(exclusiveStartKey ? { ExclusiveStartKey: exclusiveStartKey } : {}) }),
      );
      const items = page.Items ?? [];
      if (step === 'by-key') {
        // A chunk at a time, so that a caller that stops early does not pay for the page's rest.
        const chunk = schema.queryReads.some((read) => read === 'BatchGetItem') ? BATCH_GET_MAX : SCOPE_READS * 2;
        for (let start = 0; start < items.length; start += chunk) {
          const entries = items.slice(start, start + chunk);
          const scopes = await this.scopesByKey(place.table, entries);
          for (const item of entries) {
            const scope = scopes.get(keyText(schema, item));
            if (scope !== undefined && selectionHolds(this.selection, scope)) yield { ...item, ...scope };
          }
        }
      } else {
        for (const item of items) yield shown && this.scopes !== undefined ? { ...item, ...storedScope(item, this.scopes.home) } : item;
      }
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
 * The sources' items in source order. The first `opening` sources start together; when a source
 * runs dry, the next `lookahead` start together. Sources started but not reached when the
 * caller stops are closed, and their errors are not left unhandled.
 */
async function* inOrderWithLookahead<T>(sources: readonly (() => AsyncGenerator<T>)[], lookahead: number, opening = 1): AsyncGenerator<T> {
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
        const end = Math.min(sources.length, index + (index === 0 ? opening : lookahead));
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

/** A record's key as one string: its key attributes' values, in key order. */
function keyText(schema: ReturnType<typeof schemaOf>, item: Readonly<Record<string, unknown>>): string {
  return keyNames(schema)
    .map((name) => String(item[name]))
    .join('\u0000');
}

/** Whether a table, or an index of it, holds the records' scope attributes (a table always does; an index, when it projects them). */
function holdsScope(place: QueryPlace): boolean {
  if (place.index === undefined) return true;
  const held = indexAttributes(schemaOf(tableSchemas, place.table), place.index);
  return held === undefined || (held.includes(SCOPE_ATTRIBUTES.account) && held.includes(SCOPE_ATTRIBUTES.region));
}

/** Whether a read asks for where its records live. */
const namesScope = (attributes: readonly string[] | undefined): boolean =>
  attributes !== undefined && (attributes.includes(SCOPE_ATTRIBUTES.account) || attributes.includes(SCOPE_ATTRIBUTES.region));

function yearOf(iso: string): number {
  return new Date(iso).getUTCFullYear();
}

function indexNamed(table: TableId, name: string): IndexSchema {
  return indexOf(schemaOf(tableSchemas, table), name);
}

/** The selection a FilterExpression keeps, and the home whose records may lack the scope attributes. */
interface ScopeCondition {
  readonly selection: ScopeSelection;
  readonly home: SsmScope | undefined;
}

interface QueryParts extends Omit<QueryCommandInput, 'FilterExpression' | 'ProjectionExpression' | 'ExpressionAttributeNames' | 'ExpressionAttributeValues'> {
  readonly filter?: ItemFilter;
  readonly scope?: ScopeCondition;
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

  /**
   * The records of the selection: each part it names equal, or, for the home's part, absent
   * too (records stored before the archive collected others carry no scope attributes).
   */
  scope(condition: ScopeCondition | undefined): string | undefined {
    if (condition === undefined) return undefined;
    const parts = (['account', 'region'] as const).flatMap((part) => {
      const wanted = condition.selection[part];
      if (wanted === undefined) return [];
      const name = this.name(SCOPE_ATTRIBUTES[part]);
      const equal = `${name} = ${this.value(wanted)}`;
      return [condition.home?.[part] === wanted ? `(${equal} OR attribute_not_exists(${name}))` : `(${equal})`];
    });
    return parts.length === 0 ? undefined : parts.join(' AND ');
  }

  input(parts: QueryParts): QueryCommandInput {
    const { filter, scope, attributes, ...rest } = parts;
    const filterExpression = [this.filter(filter), this.scope(scope)].filter((part) => part !== undefined).join(' AND ') || undefined;
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
  namesAndValues(): Pick<QueryCommandInput, 'ExpressionAttributeNames' | 'ExpressionAttributeValues'> {
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
