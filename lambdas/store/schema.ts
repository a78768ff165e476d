/**
 * The archive's tables, defined once. The CDK construct (lib/history-tables.ts) and local
 * mode both create their tables from these definitions, so what tests run against is what
 * the stack deploys.
 *
 * Keys use SSM's own field names: a command invocation is keyed by (CommandId, InstanceId)
 * exactly as SSM identifies it.
 */
export interface KeyAttribute {
  readonly name: string;
  readonly type: 'S' | 'N';
}

export interface TableSchema {
  /** Logical name, also the CDK construct id. Never change it: it keeps the table's identity. */
  readonly logicalName: string;
  /** Environment variable through which a Lambda learns the physical table name. */
  readonly envVar: string;
  readonly partitionKey: KeyAttribute;
  readonly sortKey?: KeyAttribute;
  readonly description: string;
}

export const tableSchemas = {
  commands: {
    logicalName: 'Commands',
    envVar: 'COMMANDS_TABLE',
    partitionKey: { name: 'CommandId', type: 'S' },
    description: 'Run Command commands (ListCommands records), one item per CommandId.',
  },
  commandInvocations: {
    logicalName: 'CommandInvocations',
    envVar: 'COMMAND_INVOCATIONS_TABLE',
    partitionKey: { name: 'CommandId', type: 'S' },
    sortKey: { name: 'InstanceId', type: 'S' },
    description: 'Run Command invocations (ListCommandInvocations records with plugins and outputs).',
  },
} as const satisfies Record<string, TableSchema>;

export type TableId = keyof typeof tableSchemas;

/** Physical table names, resolved per environment (CDK tokens in AWS, plain names locally). */
export type TableNames = Record<TableId, string>;

export const tableIds = Object.keys(tableSchemas) as TableId[];

/** The key of one item in a table, by SSM field name. */
export type RecordKey = Readonly<Record<string, string>>;

/** The names of a table's key attributes: partition key, then sort key if any. */
export function keyNames(table: TableId): string[] {
  const schema: TableSchema = tableSchemas[table];
  return schema.sortKey ? [schema.partitionKey.name, schema.sortKey.name] : [schema.partitionKey.name];
}
