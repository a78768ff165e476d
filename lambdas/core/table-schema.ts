/**
 * What an archive table is, declared once: each history kind declares its tables with these
 * (sources/<kind>/tables.ts), the store its checkpoints. The CDK construct, local mode, the
 * store and the IAM grants all read the same declarations, so what tests run against is what
 * the stack deploys.
 *
 * Keys use SSM's own field names: a command invocation is keyed by (CommandId, InstanceId)
 * exactly as SSM identifies it.
 */
export interface KeyAttribute {
  readonly name: string;
  readonly type: 'S' | 'N';
}

/**
 * A global secondary index. The archive's queries are all Queries on a key or one of these:
 * none scans. CloudFormation adds or removes at most one index per table per update, so
 * indexes are added one at a time, in separate releases.
 */
export interface IndexSchema {
  readonly name: string;
  readonly partitionKey: KeyAttribute;
  readonly sortKey?: KeyAttribute;
  /** Attributes copied into the index besides the keys; omitted: all of them; empty: keys only. */
  readonly include?: readonly string[];
}

/**
 * An archive attribute computed from an SSM field at write time, for an index key: the
 * first `length` characters of `from` (e.g. the year of an ISO time), or all of it. `from`
 * may be a path into the record (`OutputSource.OutputSourceId`, `Outputs.CommandId.0`): an
 * index key must be a top-level string.
 */
export interface DerivedAttribute {
  readonly name: string;
  readonly from: string;
  readonly length?: number;
}

/** A read the query function makes on a table itself (an index takes Query only). */
export type TableRead = 'Query' | 'GetItem' | 'BatchGetItem';

export interface TableSchema {
  /** Logical name, also the CDK construct id. Never change it: it keeps the table's identity. */
  readonly logicalName: string;
  /** Environment variable through which a Lambda learns the physical table name. */
  readonly envVar: string;
  readonly partitionKey: KeyAttribute;
  readonly sortKey?: KeyAttribute;
  readonly indexes?: readonly IndexSchema[];
  readonly derived?: readonly DerivedAttribute[];
  /**
   * The SSM field (an ISO time) a record's retention counts from, when retention is set; the
   * observation's time when the record lacks it. Absent: the table's items never expire.
   */
  readonly recordTime?: string;
  /**
   * What the query function reads on the table itself, and so all its role is granted there
   * (Query on each of the table's indexes besides). The IAM conformance check after the suite
   * holds these to the calls the reader and the views really make, both ways: a read missing
   * here is denied, a read here that no route makes fails as an unused grant. Empty: the
   * table is reached through its indexes only.
   */
  readonly queryReads: readonly TableRead[];
  readonly description: string;
}

/**
 * The archive attributes that place a record's failure in time, written by the same write
 * that gives its alert a state (set once, never changed): the year (the index's partition),
 * when it failed (the failure's end, else start, else request), and the record's key joined
 * with "/" (the order among failures of one millisecond).
 */
export const FAILURE_ATTRIBUTES = { year: 'failedYear', at: 'failedAt', id: 'failureId' } as const;

/**
 * Failures newest first, a year per partition key, on every table whose records alert:
 * the console's failures per day and the latest alerts, without a scan. Sparse (only failures
 * that alert have the keys) and keys only, so it costs one index write per failure.
 */
export const FAILURE_INDEX: IndexSchema = {
  name: 'byFailure',
  partitionKey: { name: FAILURE_ATTRIBUTES.year, type: 'S' },
  sortKey: { name: FAILURE_ATTRIBUTES.at, type: 'S' },
  include: [FAILURE_ATTRIBUTES.id],
};

/** A table's id: its key among the archive's tables (e.g. `commandInvocations`). */
export type TableId = string;

/** The archive's tables by id: what the store, local mode and the CDK construct are given. */
export type TableSchemas = Readonly<Record<TableId, TableSchema>>;

/**
 * The tables' DynamoDB TTL attribute (epoch seconds): set on every history record when a
 * retention is configured, never otherwise; DynamoDB deletes an item within days of it.
 */
export const EXPIRES_AT = 'expiresAt';

/** The key of one item in a table, by SSM field name. */
export type RecordKey = Readonly<Record<string, string>>;

/** The index attributes a record's fields yield (e.g. requestedYear from RequestedDateTime). */
export function derivedAttributes(schema: TableSchema, fields: Readonly<Record<string, unknown>>): Record<string, string> {
  const derived: Record<string, string> = {};
  for (const attribute of schema.derived ?? []) {
    const source = valueAt(fields, attribute.from);
    if (typeof source !== 'string' || source === '') continue;
    if (attribute.length === undefined) derived[attribute.name] = source;
    else if (source.length >= attribute.length) derived[attribute.name] = source.slice(0, attribute.length);
  }
  return derived;
}

/** The value at a dotted path (map keys, list indexes) in a record; undefined when absent. */
function valueAt(fields: Readonly<Record<string, unknown>>, path: string): unknown {
  let value: unknown = fields;
  for (const step of path.split('.')) {
    if (Array.isArray(value)) value = /^\d+$/.test(step) ? (value as unknown[])[Number(step)] : undefined;
    else if (value !== null && typeof value === 'object') value = Object.hasOwn(value, step) ? (value as Record<string, unknown>)[step] : undefined;
    else return undefined;
  }
  return value;
}

/** What an index projects: every attribute, its keys only (include: []), or its keys and `include`. */
export function projectionOf(index: IndexSchema): { readonly type: 'ALL' | 'KEYS_ONLY' } | { readonly type: 'INCLUDE'; readonly nonKeyAttributes: readonly string[] } {
  if (index.include === undefined) return { type: 'ALL' };
  return index.include.length === 0 ? { type: 'KEYS_ONLY' } : { type: 'INCLUDE', nonKeyAttributes: index.include };
}

/** The names of a table's key attributes: partition key, then sort key if any. */
export function keyNames(schema: TableSchema): string[] {
  return schema.sortKey ? [schema.partitionKey.name, schema.sortKey.name] : [schema.partitionKey.name];
}

/** One of a table's indexes, by name; throws when it has none of that name. */
export function indexOf(schema: TableSchema, indexName: string): IndexSchema {
  const index = (schema.indexes ?? []).find((candidate) => candidate.name === indexName);
  if (index === undefined) throw new Error(`${schema.logicalName} has no index ${indexName}`);
  return index;
}

/**
 * What an index holds of each item: its INCLUDE attributes and every key (the table's and the
 * index's); undefined for an index that projects everything.
 */
export function indexAttributes(schema: TableSchema, indexName: string): readonly string[] | undefined {
  const index = indexOf(schema, indexName);
  if (index.include === undefined) return undefined;
  const keys = [schema.partitionKey, schema.sortKey, index.partitionKey, index.sortKey].flatMap((key) => (key === undefined ? [] : [key.name]));
  return [...new Set([...index.include, ...keys])];
}

/** A schema by id among `schemas`; throws on an id no table has (a programming error). */
export function schemaOf(schemas: TableSchemas, table: TableId): TableSchema {
  // Own properties only: an id such as `toString` must not find Object's prototype.
  const schema = Object.hasOwn(schemas, table) ? schemas[table] : undefined;
  if (schema === undefined) throw new Error(`the archive has no table ${table}`);
  return schema;
}

/** A table's physical name by id among `names`; throws on an id no table has. */
export function nameOf(names: Readonly<Record<TableId, string>>, table: TableId): string {
  const name = Object.hasOwn(names, table) ? names[table] : undefined;
  if (name === undefined) throw new Error(`the archive has no table ${table}`);
  return name;
}
