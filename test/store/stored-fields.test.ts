import { isoTime, isSsmField, toStoredFields, toStoredValue, toSsmRecord } from '../../lambdas/store/stored-fields';

/** SSM's records into what DynamoDB stores, and back. */
describe('stored fields', () => {
  it('stores scalars as they are, Dates as ISO strings with milliseconds, and drops undefined', () => {
    expect(toStoredValue('text')).toBe('text');
    expect(toStoredValue('')).toBe('');
    expect(toStoredValue(0)).toBe(0);
    expect(toStoredValue(false)).toBe(false);
    expect(toStoredValue(null)).toBeNull();
    expect(toStoredValue(undefined)).toBeUndefined();
    expect(toStoredValue(new Date('2026-11-20T10:00:00Z'))).toBe('2026-11-20T10:00:00.000Z');
  });

  it('walks lists and maps, dropping undefined elements and fields and the SDK’s $metadata', () => {
    const record = {
      $metadata: { httpStatusCode: 200 },
      CommandId: 'c-1',
      Comment: undefined,
      Targets: [{ Key: 'tag:env', Values: ['prod', undefined, 'dev'] }, undefined],
      Plugins: [{ Name: 'p', Started: new Date('2026-11-20T10:00:01Z'), Empty: {} }],
      Nested: { Deeper: { At: new Date(0), Nothing: null } },
    };
    expect(toStoredFields(record)).toEqual({
      CommandId: 'c-1',
      Targets: [{ Key: 'tag:env', Values: ['prod', 'dev'] }],
      Plugins: [{ Name: 'p', Started: '2026-11-20T10:00:01.000Z', Empty: {} }],
      Nested: { Deeper: { At: '1970-01-01T00:00:00.000Z', Nothing: null } },
    });
  });

  it('refuses what DynamoDB cannot store', () => {
    expect(() => toStoredValue(() => undefined)).toThrow(TypeError);
    expect(() => toStoredValue(BigInt(1))).toThrow(/cannot store a value of type bigint/);
    expect(() => toStoredFields({ Callback: Symbol('s') })).toThrow(/symbol/);
  });

  it('tells SSM’s fields (upper-case initial) from the archive’s', () => {
    expect(isSsmField('Status')).toBe(true);
    expect(isSsmField('CommandId')).toBe(true);
    expect(isSsmField('statusRank')).toBe(false);
    expect(isSsmField('observedAt')).toBe(false);
    expect(isSsmField('')).toBe(false);
    expect(isSsmField('_private')).toBe(false);
  });

  it('gives the SSM record back: archive attributes dropped, the date paths revived, through lists', () => {
    const item = {
      CommandId: 'c-1',
      RequestedDateTime: '2026-11-20T10:00:00.000Z',
      CommandPlugins: [
        { Name: 'a', ResponseStartDateTime: '2026-11-20T10:00:01.000Z', Output: '2026-11-20T10:00:01.000Z' },
        { Name: 'b' },
        'not a plugin',
        null,
      ],
      Window: { Next: { At: '2026-11-21T00:00:00.000Z' } },
      NotADate: 42,
      statusRank: 9,
      observedAt: '2026-11-20T10:00:05.000Z',
    };
    const record = toSsmRecord<Record<string, unknown>>(item, [
      'RequestedDateTime',
      'CommandPlugins[].ResponseStartDateTime',
      'Window.Next.At',
      'NotADate',
      'Missing',
      'Missing.Deeper',
      'CommandId[].Nothing',
      'NotADate.Deeper',
    ]);
    expect(record).toEqual({
      CommandId: 'c-1',
      RequestedDateTime: new Date('2026-11-20T10:00:00.000Z'),
      CommandPlugins: [
        { Name: 'a', ResponseStartDateTime: new Date('2026-11-20T10:00:01.000Z'), Output: '2026-11-20T10:00:01.000Z' },
        { Name: 'b' },
        'not a plugin',
        null,
      ],
      Window: { Next: { At: new Date('2026-11-21T00:00:00.000Z') } },
      NotADate: 42,
    });
    // A copy: changing the record leaves the item as it was.
    const [first] = record.CommandPlugins as { Name: string }[];
    if (first) first.Name = 'changed';
    expect(item.CommandPlugins[0]).toMatchObject({ Name: 'a' });
  });

  it('walks past a null map on a date path rather than into it', () => {
    const item = { Window: null, Targets: [{ Next: null }], Status: 'Success' };
    expect(toSsmRecord<Record<string, unknown>>(item, ['Window.Next.At', 'Targets[].Next.At'])).toEqual(item);
  });

  it('keeps a field whose value is undefined as undefined, not as a parse error', () => {
    expect(toSsmRecord<Record<string, unknown>>({ Comment: undefined, Status: 'Success' }, [])).toEqual({ Comment: undefined, Status: 'Success' });
  });

  it('normalises any time to ISO 8601 with milliseconds, and refuses what is not a time', () => {
    expect(isoTime('2026-11-20T10:00:00Z')).toBe('2026-11-20T10:00:00.000Z');
    expect(isoTime('2026-11-20T12:00:00+02:00')).toBe('2026-11-20T10:00:00.000Z');
    expect(isoTime(new Date(Date.UTC(2026, 10, 20)))).toBe('2026-11-20T00:00:00.000Z');
    expect(() => isoTime('yesterday')).toThrow(/not a time: yesterday/);
  });
});
