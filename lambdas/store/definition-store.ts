import { SCOPE_ATTRIBUTES } from '../core/scope';
import { createHash } from 'node:crypto';
import { UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { ListedDefinition, StoredValue } from '../core/model';
import { keyNames, nameOf, schemaOf, type TableId, type TableSchemas } from '../core/table-schema';
import { batchGetAll } from './batch-get';
import { archiveAttributes } from './record-store';
import { UpdatePlaceholders } from './update-placeholders';
import { isConditionFailure } from './condition-failure';

/**
 * The definitions the pollers list (associations, maintenance windows), kept as SSM listed
 * them, one item per key. A poller lists every definition on every poll, and most never
 * change: each page costs one eventually consistent BatchGetItem of the stored hashes (half a
 * read unit per definition), and only a definition whose record changed is written.
 */

/** Archive attribute: a digest of the SSM record the item holds, to tell a changed listing without comparing fields. */
export const DEFINITION_HASH = 'definitionHash';

/** The digest of a record's fields, whatever the order SSM listed them in. */
export function definitionHash(fields: Readonly<Record<string, StoredValue>>): string {
  return createHash('sha256').update(canonical(fields)).digest('base64url');
}

function canonical(value: StoredValue): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  const names = Object.keys(value).sort();
  return `{${names.map((name) => `${JSON.stringify(name)}:${canonical(value[name] as StoredValue)}`).join(',')}}`;
}

const keyString = (names: readonly string[], item: Readonly<Record<string, unknown>>): string => JSON.stringify(names.map((name) => item[name]));

export class DefinitionStore {
  constructor(
    private readonly db: Pick<DynamoDBDocumentClient, 'send'>,
    private readonly schemas: TableSchemas,
    private readonly tableNames: Readonly<Record<TableId, string>>,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Stores every definition whose record differs from the stored one; returns how many it wrote. */
  async keep(definitions: readonly ListedDefinition[]): Promise<number> {
    const byTable = new Map<TableId, Map<string, ListedDefinition>>();
    for (const definition of definitions) {
      const names = keyNames(schemaOf(this.schemas, definition.table));
      const table = byTable.get(definition.table) ?? new Map<string, ListedDefinition>();
      // BatchGetItem refuses a key named twice: the later listing of one key wins.
      table.set(keyString(names, definition.key), definition);
      byTable.set(definition.table, table);
    }
    let written = 0;
    for (const [table, listed] of byTable) written += await this.keepTable(table, [...listed.values()]);
    return written;
  }

  private async keepTable(table: TableId, definitions: readonly ListedDefinition[]): Promise<number> {
    const names = keyNames(schemaOf(this.schemas, table));
    const tableName = nameOf(this.tableNames, table);
    const projection = [...names, DEFINITION_HASH];
    const stored = await batchGetAll(
      this.db,
      tableName,
      definitions.map((definition) => definition.key),
      { projection: { expression: projection.map((_, i) => `#p${i}`).join(', '), names: Object.fromEntries(projection.map((name, i) => [`#p${i}`, name])) } },
    );
    const storedHashes = new Map(stored.map((item) => [keyString(names, item), item[DEFINITION_HASH]]));
    let written = 0;
    for (const definition of definitions) {
      const hash = definitionHash(definition.fields);
      if (storedHashes.get(keyString(names, definition.key)) === hash) continue;
      if (await this.write(tableName, names, definition, hash)) written++;
    }
    return written;
  }

  /** One conditional UpdateItem: only when the stored record differs, so a stale read never writes twice. */
  private async write(tableName: string, keys: readonly string[], definition: ListedDefinition, hash: string): Promise<boolean> {
    const placeholders = new UpdatePlaceholders({ '#hash': DEFINITION_HASH }, { ':hash': hash });
    const name = (attribute: string): string => placeholders.name(attribute);
    const value = (v: StoredValue): string => placeholders.value(v);
    const sets = Object.entries(definition.fields)
      .filter(([attribute]) => !keys.includes(attribute))
      .map(([attribute, v]) => `${name(attribute)} = ${value(v)}`);
    const now = value(this.now().toISOString());
    const firstSeen = name(archiveAttributes.firstSeenAt);
    sets.push('#hash = :hash', `${name(archiveAttributes.observedAt)} = ${now}`, `${firstSeen} = if_not_exists(${firstSeen}, ${now})`);
    if (definition.scope !== undefined) {
      sets.push(`${name(SCOPE_ATTRIBUTES.account)} = ${value(definition.scope.account)}`, `${name(SCOPE_ATTRIBUTES.region)} = ${value(definition.scope.region)}`);
    }
    const removes = definition.absentFields.filter((attribute) => !(attribute in definition.fields) && !keys.includes(attribute)).map(name);
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: tableName,
          Key: definition.key,
          UpdateExpression: `SET ${sets.join(', ')}${removes.length > 0 ? ` REMOVE ${removes.join(', ')}` : ''}`,
          ConditionExpression: 'attribute_not_exists(#hash) OR #hash <> :hash',
          ExpressionAttributeNames: placeholders.names,
          ExpressionAttributeValues: placeholders.values,
        }),
      );
      return true;
    } catch (error) {
      // Already this record: the eventually consistent read was behind.
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }
}
