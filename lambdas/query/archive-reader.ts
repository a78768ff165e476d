import {
  GetCommand,
  QueryCommand,
  type DynamoDBDocumentClient,
  type QueryCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { batchGetAll } from '../store/batch-get';
import type { StoredItem } from '../store/record-store';
import { compareText, type AttributeTest, type ItemFilter, type ListingOrder, type NewestFirstOptions, type NewestFirstStart, type TimeRange } from '../core/archive-reads';
import { indexOf, keyNames, nameOf, schemaOf, type IndexSchema, type RecordKey, type TableId } from '../core/table-schema';
import { TARGET_INDEX_ATTRIBUTES } from '../sources/association/tables';
import { INVOCATION_INDEX_ATTRIBUTES } from '../sources/run-command/tables';
import { tableSchemas, type TableNames } from '../sources/tables';

/**
 * Every read the query API makes, and the only module that talks to DynamoDB for it: Query
 * on a table key or an index, GetItem and BatchGetItem. Never Scan: each listing walks an
 * index in the order it serves, so its cost follows the page asked for, not the archive.
 *
 * Listings are async generators: they read lazily, a DynamoDB page at a time, and stop
 * reading when the caller stops pulling.
 */

/** Run Command launched in 2015: no command is older, so a walk down the years stops there. */
const RUN_COMMAND_FIRST_YEAR = 2015;
/** Automation launched in 2016 (Run Command's year is kept as the floor: no earlier execution exists). */
const AUTOMATION_FIRST_YEAR = RUN_COMMAND_FIRST_YEAR;

/** Run Command listings order by RequestedDateTime, then CommandId; a command's invocations by InstanceId. */
const TIME = 'RequestedDateTime';
const COMMAND_ID = 'CommandId';
const INSTANCE_ID = 'InstanceId';
/** DescribeAutomationExecutions orders by ExecutionStartTime (newest first), then AutomationExecutionId. */
const EXECUTION_ORDER: ListingOrder = { time: 'ExecutionStartTime', id: 'AutomationExecutionId' };
const COMMAND_ORDER: ListingOrder = { time: TIME, id: COMMAND_ID };
const EXECUTION_ID = 'AutomationExecutionId';
/** State Manager launched in 2016 (Run Command's year is kept as the floor, as for Automation). */
const ASSOCIATION_FIRST_YEAR = RUN_COMMAND_FIRST_YEAR;
const ASSOCIATION_ID = 'AssociationId';
const ASSOCIATION_EXECUTION_ID = 'ExecutionId';
const RESOURCE_ID = 'ResourceId';
/** Maintenance Windows launched in 2016 (Run Command's year is kept as the floor). */
const MAINTENANCE_WINDOW_FIRST_YEAR = RUN_COMMAND_FIRST_YEAR;
const WINDOW_EXECUTION_ID = 'WindowExecutionId';
const TASK_EXECUTION_ID = 'TaskExecutionId';
/** DescribeMaintenanceWindowExecutions orders by StartTime (newest first), then WindowExecutionId. */
const WINDOW_EXECUTION_ORDER: ListingOrder = { time: 'StartTime', id: WINDOW_EXECUTION_ID };

/** Before Systems Manager: a year-partitioned walk stops there. */
const FIRST_YEAR = RUN_COMMAND_FIRST_YEAR;
/** DescribeAssociationExecutions orders by CreatedTime (newest first), then ExecutionId. */
const ASSOCIATION_EXECUTION_ORDER: ListingOrder = { time: 'CreatedTime', id: ASSOCIATION_EXECUTION_ID };
/** A node's association targets (byResource): newest LastExecutionDate first, then ExecutionId. */
const ASSOCIATION_TARGET_ORDER: ListingOrder = { time: 'LastExecutionDate', id: ASSOCIATION_EXECUTION_ID };

/** What the byInstance index holds of an invocation: its summary, its keys, its time. */
export const INSTANCE_INDEX_ATTRIBUTES: readonly string[] = INVOCATION_INDEX_ATTRIBUTES;

/** What the byResource index holds of an association target: its summary, its keys, its time. */
export const RESOURCE_INDEX_ATTRIBUTES: readonly string[] = TARGET_INDEX_ATTRIBUTES;

export interface AssociationTargetsOptions {
  /** Only the targets ordered after this ResourceId. */
  readonly afterResourceId?: string;
  /** Only this target (a key condition). */
  readonly resourceId?: string;
  readonly filter?: ItemFilter;
  readonly attributes?: readonly string[];
  readonly pageSize: number;
}

export interface CommandInvocationsOptions {
  /** Only the invocations on nodes ordered after this InstanceId. */
  readonly afterInstanceId?: string;
  readonly filter?: ItemFilter;
  readonly attributes?: readonly string[];
  readonly pageSize: number;
}

export interface InvocationsNewestFirstOptions {
  readonly range?: TimeRange;
  /** Resume inside this command, after this instance. */
  readonly start?: { readonly time: string; readonly id: string; readonly within: string };
  /** Tested on the commands (DocumentName, for example, is the same on a command and its invocations). */
  readonly commandFilter?: ItemFilter;
  readonly filter?: ItemFilter;
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
    const range = effectiveRange(options.range, options.start);
    if (range === undefined) return;
    const index = indexNamed('commands', 'byRequestedYear');
    const top = Math.min(this.now().getUTCFullYear() + 1, range.to !== undefined ? yearOf(range.to) : Number.POSITIVE_INFINITY);
    const bottom = Math.max(RUN_COMMAND_FIRST_YEAR, range.from !== undefined ? yearOf(range.from) : Number.NEGATIVE_INFINITY);
    const years: (() => AsyncGenerator<StoredItem>)[] = [];
    for (let year = top; year >= bottom; year--) {
      years.push(() => this.newestFirst('commands', index.name, index.partitionKey.name, String(year).padStart(4, '0'), range, options));
    }
    yield* inOrderWithLookahead(years, YEAR_LOOKAHEAD);
  }

  /**
   * Automation executions, newest ExecutionStartTime first and AutomationExecutionId ascending
   * among equal times (SSM's DescribeAutomationExecutions order), from the byStartYear index,
   * walked down the years as commandsNewestFirst walks byRequestedYear. `start.id`
   * holds the AutomationExecutionId.
   */
  async *automationExecutionsNewestFirst(options: NewestFirstOptions): AsyncGenerator<StoredItem> {
    const range = effectiveRange(options.range, options.start);
    if (range === undefined) return;
    const index = indexNamed('automationExecutions', 'byStartYear');
    const top = Math.min(this.now().getUTCFullYear() + 1, range.to !== undefined ? yearOf(range.to) : Number.POSITIVE_INFINITY);
    const bottom = Math.max(AUTOMATION_FIRST_YEAR, range.from !== undefined ? yearOf(range.from) : Number.NEGATIVE_INFINITY);
    const years: (() => AsyncGenerator<StoredItem>)[] = [];
    for (let year = top; year >= bottom; year--) {
      years.push(() =>
        this.newestFirst('automationExecutions', index.name, index.partitionKey.name, String(year).padStart(4, '0'), range, options, EXECUTION_ORDER),
      );
    }
    yield* inOrderWithLookahead(years, YEAR_LOOKAHEAD);
  }

  async getAutomationExecution(executionId: string, attributes?: readonly string[]): Promise<StoredItem | undefined> {
    return this.get('automationExecutions', { [EXECUTION_ID]: executionId }, attributes);
  }

  async getAutomationExecutions(executionIds: readonly string[], attributes?: readonly string[]): Promise<StoredItem[]> {
    return this.getItems('automationExecutions', executionIds.map((id) => ({ [EXECUTION_ID]: id })), attributes);
  }

  /** Every step of one execution (a Query on the table's key), in StepExecutionId order. */
  async *automationSteps(executionId: string, options: { readonly attributes?: readonly string[]; readonly pageSize: number }): AsyncGenerator<StoredItem> {
    const x = new Expressions();
    yield* this.query(
      x.input({
        TableName: this.tableNames.automationSteps,
        KeyConditionExpression: `${x.name(EXECUTION_ID)} = ${x.value(executionId)}`,
        Limit: options.pageSize,
        attributes: options.attributes,
      }),
    );
  }

  /**
   * Association executions, newest CreatedTime first and ExecutionId ascending among equal
   * times (DescribeAssociationExecutions' order), from the byCreatedYear index, walked down
   * the years as commandsNewestFirst walks byRequestedYear. `start.id` holds the
   * ExecutionId.
   */
  async *associationExecutionsNewestFirst(options: NewestFirstOptions): AsyncGenerator<StoredItem> {
    yield* this.yearWalk('associationExecutions', 'byCreatedYear', ASSOCIATION_FIRST_YEAR, ASSOCIATION_EXECUTION_ORDER, options);
  }

  /**
   * One association's executions, newest CreatedTime first (byAssociation), from
   * `createdAtOrBefore` (inclusive, for ties) when given. Executions of the same CreatedTime
   * come in no set order: callers sort them by ExecutionId.
   */
  async *executionsOfAssociation(
    associationId: string,
    options: { readonly attributes?: readonly string[]; readonly pageSize: number; readonly createdAtOrBefore?: string },
  ): AsyncGenerator<StoredItem> {
    const x = new Expressions();
    const before = options.createdAtOrBefore === undefined ? '' : ` AND ${x.name('CreatedTime')} <= ${x.value(options.createdAtOrBefore)}`;
    yield* this.query(
      x.input({
        TableName: this.tableNames.associationExecutions,
        IndexName: 'byAssociation',
        KeyConditionExpression: `${x.name(ASSOCIATION_ID)} = ${x.value(associationId)}${before}`,
        ScanIndexForward: false,
        Limit: options.pageSize,
        attributes: options.attributes && [...options.attributes, ASSOCIATION_ID, ASSOCIATION_EXECUTION_ID],
      }),
    );
  }

  /** Whether the archive holds any execution of this association: one key read of one item. */
  async hasAssociation(associationId: string): Promise<boolean> {
    const x = new Expressions();
    const { Items } = await this.db.send(
      new QueryCommand(
        x.input({
          TableName: this.tableNames.associationExecutions,
          KeyConditionExpression: `${x.name(ASSOCIATION_ID)} = ${x.value(associationId)}`,
          Limit: 1,
          attributes: [ASSOCIATION_ID],
        }),
      ),
    );
    return (Items ?? []).length > 0;
  }

  async getAssociationExecution(associationId: string, executionId: string, attributes?: readonly string[]): Promise<StoredItem | undefined> {
    return this.get('associationExecutions', { [ASSOCIATION_ID]: associationId, [ASSOCIATION_EXECUTION_ID]: executionId }, attributes);
  }

  /** One execution's targets in ResourceId order (the table's own sort key). */
  async *associationTargets(executionId: string, options: AssociationTargetsOptions): AsyncGenerator<StoredItem> {
    const x = new Expressions();
    let keyCondition = `${x.name(ASSOCIATION_EXECUTION_ID)} = ${x.value(executionId)}`;
    if (options.resourceId !== undefined) {
      if (options.afterResourceId !== undefined && options.resourceId <= options.afterResourceId) return;
      keyCondition += ` AND ${x.name(RESOURCE_ID)} = ${x.value(options.resourceId)}`;
    } else if (options.afterResourceId !== undefined) {
      keyCondition += ` AND ${x.name(RESOURCE_ID)} > ${x.value(options.afterResourceId)}`;
    }
    yield* this.query(
      x.input({
        TableName: this.tableNames.associationExecutionTargets,
        KeyConditionExpression: keyCondition,
        ScanIndexForward: true,
        Limit: options.pageSize,
        filter: options.filter,
        attributes: options.attributes && [...options.attributes, ASSOCIATION_EXECUTION_ID, RESOURCE_ID],
      }),
    );
  }

  /**
   * One node's association targets, newest LastExecutionDate first (then ExecutionId
   * ascending), from the byResource index: its summary attributes only
   * (ASSOCIATION_TARGET_SUMMARY and the keys). `start.id` holds the ExecutionId.
   */
  async *associationTargetsOfResource(resourceId: string, options: NewestFirstOptions): AsyncGenerator<StoredItem> {
    const range = effectiveRange(options.range, options.start);
    if (range === undefined) return;
    const index = indexNamed('associationExecutionTargets', 'byResource');
    yield* this.newestFirst('associationExecutionTargets', index.name, index.partitionKey.name, resourceId, range, options, ASSOCIATION_TARGET_ORDER);
  }

  /**
   * Maintenance window executions of every window, newest StartTime first and
   * WindowExecutionId ascending among equal times, from the byStartYear index, walked down the
   * years. `start.id` holds the WindowExecutionId.
   */
  async *windowExecutionsNewestFirst(options: NewestFirstOptions): AsyncGenerator<StoredItem> {
    yield* this.yearWalk('maintenanceWindowExecutions', 'byStartYear', MAINTENANCE_WINDOW_FIRST_YEAR, WINDOW_EXECUTION_ORDER, options);
  }

  /**
   * One window's executions, newest StartTime first and WindowExecutionId ascending among
   * equal times (DescribeMaintenanceWindowExecutions' order), from the byWindow index.
   */
  async *executionsOfWindow(windowId: string, options: NewestFirstOptions): AsyncGenerator<StoredItem> {
    const range = effectiveRange(options.range, options.start);
    if (range === undefined) return;
    const index = indexNamed('maintenanceWindowExecutions', 'byWindow');
    yield* this.newestFirst('maintenanceWindowExecutions', index.name, index.partitionKey.name, windowId, range, options, WINDOW_EXECUTION_ORDER);
  }

  /** Whether the archive holds any execution of this window: one index read of one item. */
  async hasWindow(windowId: string): Promise<boolean> {
    const index = indexNamed('maintenanceWindowExecutions', 'byWindow');
    const x = new Expressions();
    const { Items } = await this.db.send(
      new QueryCommand(
        x.input({
          TableName: this.tableNames.maintenanceWindowExecutions,
          IndexName: index.name,
          KeyConditionExpression: `${x.name(index.partitionKey.name)} = ${x.value(windowId)}`,
          Limit: 1,
          attributes: [WINDOW_EXECUTION_ID],
        }),
      ),
    );
    return (Items ?? []).length > 0;
  }

  async getWindowExecution(windowExecutionId: string, attributes?: readonly string[]): Promise<StoredItem | undefined> {
    return this.get('maintenanceWindowExecutions', { [WINDOW_EXECUTION_ID]: windowExecutionId }, attributes);
  }

  async getWindowTask(windowExecutionId: string, taskExecutionId: string, attributes?: readonly string[]): Promise<StoredItem | undefined> {
    return this.get('maintenanceWindowTasks', { [WINDOW_EXECUTION_ID]: windowExecutionId, [TASK_EXECUTION_ID]: taskExecutionId }, attributes);
  }

  /** Every task execution of one window execution (a Query on the table's key), in TaskExecutionId order. */
  async *windowTasks(windowExecutionId: string, options: { readonly attributes?: readonly string[]; readonly pageSize: number }): AsyncGenerator<StoredItem> {
    const x = new Expressions();
    yield* this.query(
      x.input({
        TableName: this.tableNames.maintenanceWindowTasks,
        KeyConditionExpression: `${x.name(WINDOW_EXECUTION_ID)} = ${x.value(windowExecutionId)}`,
        Limit: options.pageSize,
        attributes: options.attributes,
      }),
    );
  }

  /** Every invocation of one task execution (a Query on the table's key), in InvocationId order. */
  async *taskInvocations(taskExecutionId: string, options: { readonly attributes?: readonly string[]; readonly pageSize: number }): AsyncGenerator<StoredItem> {
    const x = new Expressions();
    yield* this.query(
      x.input({
        TableName: this.tableNames.maintenanceWindowTaskInvocations,
        KeyConditionExpression: `${x.name(TASK_EXECUTION_ID)} = ${x.value(taskExecutionId)}`,
        Limit: options.pageSize,
        attributes: options.attributes,
      }),
    );
  }

  /** One record by its key, from any table. */
  async getRecord(table: TableId, key: RecordKey, attributes?: readonly string[]): Promise<StoredItem | undefined> {
    return this.get(table, key, attributes);
  }

  /**
   * Any year-partitioned index (its partition key the year of `order.time`) newest first: what a
   * kind's view walks when it lists across the archive without a method of its own here.
   */
  async *byYearNewestFirst(table: TableId, indexName: string, order: ListingOrder, options: NewestFirstOptions): AsyncGenerator<StoredItem> {
    yield* this.yearWalk(table, indexName, FIRST_YEAR, order, options);
  }

  /** One partition of any index (a node's records, say) newest first. */
  async *partitionNewestFirst(table: TableId, indexName: string, partition: string, order: ListingOrder, options: NewestFirstOptions): AsyncGenerator<StoredItem> {
    const range = effectiveRange(options.range, options.start);
    if (range === undefined) return;
    const index = indexNamed(table, indexName);
    yield* this.newestFirst(table, index.name, index.partitionKey.name, partition, range, options, order);
  }

  /**
   * A year-partitioned index (partition key: the year of `order.time`), newest first: one
   * partition per year, walked from the upper bound down to the range's start or `firstYear`.
   */
  private async *yearWalk(table: TableId, indexName: string, firstYear: number, order: ListingOrder, options: NewestFirstOptions): AsyncGenerator<StoredItem> {
    const range = effectiveRange(options.range, options.start);
    if (range === undefined) return;
    const index = indexNamed(table, indexName);
    const top = Math.min(this.now().getUTCFullYear() + 1, range.to !== undefined ? yearOf(range.to) : Number.POSITIVE_INFINITY);
    const bottom = Math.max(firstYear, range.from !== undefined ? yearOf(range.from) : Number.NEGATIVE_INFINITY);
    const years: (() => AsyncGenerator<StoredItem>)[] = [];
    for (let year = top; year >= bottom; year--) {
      years.push(() => this.newestFirst(table, index.name, index.partitionKey.name, String(year).padStart(4, '0'), range, options, order));
    }
    yield* inOrderWithLookahead(years, YEAR_LOOKAHEAD);
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

  /** One command's invocations in InstanceId order (the table's own sort key). */
  async *invocationsOfCommand(commandId: string, options: CommandInvocationsOptions): AsyncGenerator<StoredItem> {
    const x = new Expressions();
    let keyCondition = `${x.name(COMMAND_ID)} = ${x.value(commandId)}`;
    if (options.afterInstanceId !== undefined) keyCondition += ` AND ${x.name(INSTANCE_ID)} > ${x.value(options.afterInstanceId)}`;
    yield* this.query(
      x.input({
        TableName: this.tableNames.commandInvocations,
        KeyConditionExpression: keyCondition,
        ScanIndexForward: true,
        Limit: options.pageSize,
        filter: options.filter,
        attributes: options.attributes && [...options.attributes, COMMAND_ID, INSTANCE_ID],
      }),
    );
  }

  /**
   * Invocations in SSM's ListCommandInvocations order: commands newest first, then each
   * command's invocations by InstanceId.
   */
  async *invocationsNewestFirst(options: InvocationsNewestFirstOptions): AsyncGenerator<StoredItem> {
    const start = options.start;
    const commands = this.commandsNewestFirst({
      range: options.range,
      ...(start !== undefined ? { start: { time: start.time, id: start.id, inclusive: true } } : {}),
      filter: options.commandFilter,
      attributes: [COMMAND_ID, TIME],
      pageSize: options.pageSize,
    });
    for await (const command of commands) {
      const commandId = String(command[COMMAND_ID]);
      yield* this.invocationsOfCommand(commandId, {
        ...(start !== undefined && start.id === commandId ? { afterInstanceId: start.within } : {}),
        filter: options.filter,
        attributes: options.attributes,
        pageSize: options.pageSize,
      });
    }
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
