import { historySources } from '../../lambdas/sources';
import { checkpointTables } from '../../lambdas/store/checkpoint-store';
import { failureDayTables } from '../../lambdas/store/failure-days';
import { tableIds, tableSchemas } from '../../lambdas/sources/tables';

describe('the archive’s tables, declared by the kinds', () => {
  it('holds every table a kind writes or reads, and each table belongs to exactly one kind or to the store', () => {
    const owners = new Map<string, string[]>();
    for (const source of historySources) {
      // Its history (the collector writes it) and the definitions its poller lists (the poller writes them).
      for (const table of [...source.tables, ...(source.lister?.definitionTables ?? [])]) owners.set(table, [...(owners.get(table) ?? []), source.kind]);
      for (const table of source.tablesRead ?? []) expect(source.tables).toContain(table);
    }
    for (const table of [...Object.keys(checkpointTables), ...Object.keys(failureDayTables)]) owners.set(table, [...(owners.get(table) ?? []), 'store']);
    expect([...owners.keys()].sort()).toEqual([...tableIds].sort());
    for (const [table, kinds] of owners) expect({ table, kinds: kinds.length }).toEqual({ table, kinds: 1 });
  });

  it('gives every table its own logical name and environment variable, which deployed tables and Lambdas are found by', () => {
    const schemas = tableIds.map((id) => tableSchemas[id]);
    expect(new Set(schemas.map((schema) => schema.logicalName)).size).toBe(schemas.length);
    expect(new Set(schemas.map((schema) => schema.envVar)).size).toBe(schemas.length);
  });
});
