import { derivedAttributes, keyNames } from '../../lambdas/store/schema';

describe('the schema’s derived index attributes', () => {
  it('takes the year from the time field an index sorts by', () => {
    expect(derivedAttributes('commands', { RequestedDateTime: '2026-11-20T10:00:00.000Z' })).toEqual({ requestedYear: '2026' });
    expect(derivedAttributes('automationExecutions', { ExecutionStartTime: '2025-01-01T00:00:00.000Z' })).toEqual({ startYear: '2025' });
    expect(derivedAttributes('associationExecutions', { CreatedTime: '2024-02-29T23:59:59.999Z' })).toEqual({ createdYear: '2024' });
    expect(derivedAttributes('maintenanceWindowExecutions', { StartTime: '2023-06-01T08:00:00.000Z' })).toEqual({ startYear: '2023' });
  });

  it('derives nothing from a field that is missing, not a string, or shorter than what it takes', () => {
    expect(derivedAttributes('commands', {})).toEqual({});
    expect(derivedAttributes('commands', { RequestedDateTime: 1_763_632_800_000 })).toEqual({});
    expect(derivedAttributes('commands', { RequestedDateTime: null })).toEqual({});
    expect(derivedAttributes('commands', { RequestedDateTime: '202' })).toEqual({});
    // Exactly as long as it takes is enough.
    expect(derivedAttributes('commands', { RequestedDateTime: '2026' })).toEqual({ requestedYear: '2026' });
  });

  it('derives nothing for a table whose indexes need no derived key', () => {
    expect(derivedAttributes('commandInvocations', { RequestedDateTime: '2026-11-20T10:00:00.000Z' })).toEqual({});
  });

  it('names a table’s key attributes, partition key first', () => {
    expect(keyNames('commandInvocations')).toEqual(['CommandId', 'InstanceId']);
    expect(keyNames('commands')).toEqual(['CommandId']);
  });
});
