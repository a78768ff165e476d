import { checkpointTables } from '../store/checkpoint-store';
import { failureDayTables } from '../store/failure-days';
import type { TableSchema } from '../core/table-schema';
import { associationTables } from './association/tables';
import { automationTables } from './automation/tables';
import { maintenanceWindowTables } from './maintenance-window/tables';
import { runCommandTables } from './run-command/tables';
import { sessionTables } from './session/tables';

/**
 * The archive's tables: each kind's own (declared in its folder), the store's checkpoints and
 * its failures per day.
 * Adding a kind adds one entry here. The CDK construct, local mode, the Lambdas' configuration
 * and the IAM grants all iterate this.
 */
export const tableSchemas = {
  ...runCommandTables,
  ...automationTables,
  ...associationTables,
  ...maintenanceWindowTables,
  ...sessionTables,
  ...checkpointTables,
  ...failureDayTables,
} as const satisfies Record<string, TableSchema>;

export type ArchiveTableId = keyof typeof tableSchemas;

/** Physical table names, resolved per environment (CDK tokens in AWS, plain names locally). */
export type TableNames = Record<ArchiveTableId, string>;

export const tableIds = Object.keys(tableSchemas) as ArchiveTableId[];

/** Table names for one environment: the logical names with a prefix. */
export function prefixedTableNames(prefix: string): TableNames {
  const names = {} as TableNames;
  for (const id of tableIds) names[id] = `${prefix}${tableSchemas[id].logicalName}`;
  return names;
}

/** A kind's table id as one of the archive's tables; throws on an id no table has. */
export function archiveTableId(id: string): ArchiveTableId {
  if (!Object.hasOwn(tableSchemas, id)) throw new Error(`the archive has no table ${id}`);
  return id as ArchiveTableId;
}
