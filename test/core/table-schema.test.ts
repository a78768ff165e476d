import { derivedAttributes, indexAttributes, keyNames, schemaOf } from '../../lambdas/core/table-schema';
import { archiveTableId, tableSchemas } from '../../lambdas/sources/tables';

describe('the schema’s derived index attributes', () => {
  it('takes the year from the time field an index sorts by', () => {
    expect(derivedAttributes(tableSchemas.commands, { RequestedDateTime: '2026-11-20T10:00:00.000Z' })).toEqual({ requestedYear: '2026' });
    expect(derivedAttributes(tableSchemas.automationExecutions, { ExecutionStartTime: '2025-01-01T00:00:00.000Z' })).toEqual({ startYear: '2025' });
    expect(derivedAttributes(tableSchemas.associationExecutions, { CreatedTime: '2024-02-29T23:59:59.999Z' })).toEqual({ createdYear: '2024' });
    expect(derivedAttributes(tableSchemas.maintenanceWindowExecutions, { StartTime: '2023-06-01T08:00:00.000Z' })).toEqual({ startYear: '2023' });
  });

  it('derives nothing from a field that is missing, not a string, or shorter than what it takes', () => {
    expect(derivedAttributes(tableSchemas.commands, {})).toEqual({});
    expect(derivedAttributes(tableSchemas.commands, { RequestedDateTime: 1_763_632_800_000 })).toEqual({});
    expect(derivedAttributes(tableSchemas.commands, { RequestedDateTime: null })).toEqual({});
    expect(derivedAttributes(tableSchemas.commands, { RequestedDateTime: '202' })).toEqual({});
    // Exactly as long as it takes is enough.
    expect(derivedAttributes(tableSchemas.commands, { RequestedDateTime: '2026' })).toEqual({ requestedYear: '2026' });
  });

  it('derives nothing for a table whose indexes need no derived key', () => {
    expect(derivedAttributes(tableSchemas.commandInvocations, { RequestedDateTime: '2026-11-20T10:00:00.000Z' })).toEqual({});
  });

  it('names a table’s key attributes, partition key first', () => {
    expect(keyNames(tableSchemas.commandInvocations)).toEqual(['CommandId', 'InstanceId']);
    expect(keyNames(tableSchemas.commands)).toEqual(['CommandId']);
  });

  it('lists an index’s INCLUDE attributes with every key, and nothing for an index that holds everything', () => {
    expect(indexAttributes(tableSchemas.commandInvocations, 'byInstance')).toEqual(expect.arrayContaining(['CommandId', 'InstanceId', 'RequestedDateTime', 'Status']));
    expect(indexAttributes(tableSchemas.sessions, 'byTarget')).toBeUndefined();
    expect(() => indexAttributes(tableSchemas.sessions, 'byNothing')).toThrow('Sessions has no index byNothing');
  });

  it('refuses a table id the archive does not have, rather than writing nowhere', () => {
    expect(schemaOf(tableSchemas, 'sessions')).toBe(tableSchemas.sessions);
    expect(() => schemaOf(tableSchemas, 'toString')).toThrow('the archive has no table toString');
    expect(archiveTableId('commands')).toBe('commands');
    expect(() => archiveTableId('constructor')).toThrow('the archive has no table constructor');
  });
});
