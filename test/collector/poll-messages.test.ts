import fc from 'fast-check';
import { encodeWorkItem, MessageReader } from '../../lambdas/collector/messages';
import { historySources } from '../../lambdas/sources';
import { MalformedMessageError, type FetchRequest, type HistoryKind, type WorkItem } from '../../lambdas/core/model';
import { SANE_TIMES } from '../../lambdas/sources/event-fields';
import { runCommandSource } from '../../lambdas/sources/run-command';

/** The pollers' work items on the work queue: encodeWorkItem, and MessageReader's third shape. */
const reader = new MessageReader(historySources);
const read = (body: object | string): WorkItem => reader.read(typeof body === 'string' ? body : JSON.stringify(body));

const KINDS: readonly HistoryKind[] = ['run-command', 'automation', 'association', 'maintenance-window'];

const isoTime = fc
  .date({ min: new Date(SANE_TIMES.from), max: new Date(Date.parse(SANE_TIMES.until) - 1), noInvalidDate: true })
  .map((date) => date.toISOString());
const id = fc.string({ minLength: 1, maxLength: 40, size: 'max' });

/** A child id in its kind's form: a node, a task execution, or (Automation) any step name. */
const hex = (length: number) => fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: length, maxLength: length });
const childId: Record<HistoryKind, fc.Arbitrary<string>> = {
  'run-command': fc.oneof(hex(8).map((h) => `i-${h}`), hex(17).map((h) => `i-${h}`), hex(17).map((h) => `mi-${h}`)),
  automation: id,
  association: id,
  'maintenance-window': fc.uuid(),
  session: id,
};

const fetchRequest = (kind: HistoryKind): fc.Arbitrary<FetchRequest> =>
  fc.oneof(
    fc.constant<FetchRequest>({ scope: 'none' }),
    fc.array(childId[kind], { minLength: 1, maxLength: 5, size: 'max' }).map((childIds): FetchRequest => ({ scope: 'children', childIds })),
    fc
      .record(
        {
          since: isoTime,
          listedBy: fc.record({ ownerId: id, startedAt: isoTime }, { requiredKeys: ['ownerId'] }),
        },
        { requiredKeys: [] },
      )
      .map((parent): FetchRequest => ({ scope: 'parent', ...parent })),
  );

const pollItem: fc.Arbitrary<WorkItem> = fc.constantFrom(...KINDS).chain((kind) =>
  fc.record({
    kind: fc.constant(kind),
    parentId: fc.uuid(),
    producer: fc.constant('poll' as const),
    sentAt: isoTime,
    observations: fc.constant([]),
    fetch: fetchRequest(kind),
  }),
);

/** What each lister enqueues, one per kind. */
const listed: readonly WorkItem[] = [
  { kind: 'run-command', parentId: 'e8d3c0e4-71f7-4491-898f-c9b35bee5f3b', producer: 'poll', sentAt: '2026-11-20T12:00:01.234Z', observations: [], fetch: { scope: 'parent' } },
  { kind: 'automation', parentId: '4105a4fc-f944-11e6-9d32-0a1b2c3d495e', producer: 'poll', sentAt: '2026-11-20T12:00:01.234Z', observations: [], fetch: { scope: 'parent' } },
  {
    kind: 'association',
    parentId: '8dfe3659-4309-493a-8755-0123456789ab',
    producer: 'poll',
    sentAt: '2026-11-20T12:00:01.234Z',
    observations: [],
    fetch: { scope: 'parent', since: '2026-11-17T11:59:59.000Z' },
  },
  {
    kind: 'maintenance-window',
    parentId: '555555aa-bbbb-cccc-dddd-eeeeeeeeeeee',
    producer: 'poll',
    sentAt: '2026-11-20T12:00:01.234Z',
    observations: [],
    fetch: { scope: 'parent', listedBy: { ownerId: 'mw-0c50858d01EXAMPLE', startedAt: '2026-11-19T08:00:00.000Z' } },
  },
];

const valid = {
  ssmHistory: 'work-item',
  version: 1,
  kind: 'maintenance-window',
  parentId: '555555aa-bbbb-cccc-dddd-eeeeeeeeeeee',
  producer: 'poll',
  sentAt: '2026-11-20T12:00:01.234Z',
  fetch: { scope: 'parent', listedBy: { ownerId: 'mw-0c50858d01EXAMPLE', startedAt: '2026-11-19T08:00:00.000Z' } },
};

describe('poller work items on the work queue', () => {
  it.each(listed.map((item) => [item.kind, item] as const))('reads back a %s lister item as it was', (_kind, item) => {
    const body = encodeWorkItem(item);
    expect(JSON.parse(body)).toEqual({
      ssmHistory: 'work-item',
      version: 1,
      kind: item.kind,
      parentId: item.parentId,
      producer: 'poll',
      sentAt: item.sentAt,
      fetch: item.fetch,
    });
    expect(read(body)).toEqual(item);
  });

  it('round-trips every poll item of every kind and fetch shape', () => {
    fc.assert(
      fc.property(pollItem, (item) => {
        const back = read(encodeWorkItem(item));
        // fast-check's records have no prototype: compare values and key sets, not prototypes.
        expect(back).toEqual(item);
        expect(Object.keys(back.fetch).sort()).toEqual(Object.keys(item.fetch).sort());
      }),
      { numRuns: 500 },
    );
  });

  it('the encoded body has no observations and nothing beyond the FetchRequest fields', () => {
    const sloppy = { ...listed[0], fetch: { scope: 'parent', extra: 'not part of the request' } } as unknown as WorkItem;
    expect(JSON.parse(encodeWorkItem(sloppy))).not.toHaveProperty('fetch.extra');
    expect(JSON.parse(encodeWorkItem(sloppy))).not.toHaveProperty('observations');
  });

  it('encodeWorkItem refuses what the collector would refuse', () => {
    const item = listed[0] as WorkItem;
    expect(() => encodeWorkItem({ ...item, producer: 'event' })).toThrow(/producer is not "poll"/);
    expect(() => encodeWorkItem({ ...item, parentId: '' })).toThrow(/parentId/);
    expect(() => encodeWorkItem({ ...item, sentAt: 'yesterday' })).toThrow(/sentAt/);
    expect(() => encodeWorkItem({ ...item, kind: 'patch' as HistoryKind })).toThrow(/kind/);
    expect(() => encodeWorkItem({ ...item, fetch: { scope: 'children', childIds: [] } })).toThrow(/childIds/);
    const observed = { ...item, observations: [{} as WorkItem['observations'][number]] };
    expect(() => encodeWorkItem(observed)).toThrow(new MalformedMessageError('a work-item message carries no observations'));
  });

  it('is told apart from events and notifications by its marker', () => {
    expect(read(valid).producer).toBe('poll');
    // An event-shaped body is still read as an event.
    expect(() => read({ 'detail-type': 'EC2 Command Status-change Notification', source: 'aws.ec2' })).toThrow(/event source is not aws.ssm/);
  });

  const malformed: readonly (readonly [string, object, RegExp])[] = [
    ['another marker', { ...valid, ssmHistory: 'event' }, /ssmHistory is not "work-item"/],
    ['no version', { ...valid, version: undefined }, /version is not 1/],
    ['a newer version', { ...valid, version: 2 }, /version is not 1/],
    ['a version as a string', { ...valid, version: '1' }, /version is not 1/],
    ['an unknown field', { ...valid, observations: [] }, /^work item has unknown field\(s\): observations$/],
    ['two unknown fields', { ...valid, observations: [], extra: 1 }, /^work item has unknown field\(s\): observations, extra$/],
    ['no kind', { ...valid, kind: undefined }, /kind is not a kind this collector reads/],
    ['an unknown kind', { ...valid, kind: 'patch-baseline' }, /kind is not a kind this collector reads: "patch-baseline"/],
    ['a kind that is not a string', { ...valid, kind: 3 }, /kind is not a kind this collector reads/],
    ['no parentId', { ...valid, parentId: undefined }, /parentId is not a non-empty string/],
    ['an empty parentId', { ...valid, parentId: '' }, /parentId is not a non-empty string/],
    ['a numeric parentId', { ...valid, parentId: 42 }, /parentId is not a non-empty string/],
    ['a parentId that is a path', { ...valid, kind: 'run-command', parentId: '../../etc/passwd' }, /parentId is not a command id \(a UUID\): "\.\.\/\.\.\/etc\/passwd"/],
    ['a parentId of 18 emoji', { ...valid, kind: 'run-command', parentId: '😀'.repeat(18) }, /parentId is not a command id/],
    ['an event producer', { ...valid, producer: 'event' }, /producer is not "poll"/],
    ['no producer', { ...valid, producer: undefined }, /producer is not "poll"/],
    ['no sentAt', { ...valid, sentAt: undefined }, /sentAt is not an ISO 8601 time from 2010 to 2100/],
    ['a sentAt without a zone', { ...valid, sentAt: '2026-11-20T12:00:01' }, /sentAt is not an ISO 8601 time from 2010 to 2100/],
    ['a date-only sentAt', { ...valid, sentAt: '2026-11-20' }, /sentAt is not an ISO 8601 time from 2010 to 2100/],
    ['an impossible sentAt', { ...valid, sentAt: '2026-13-45T12:00:00Z' }, /sentAt is not an ISO 8601 time from 2010 to 2100/],
    ['a numeric sentAt', { ...valid, sentAt: 1_763_640_001_234 }, /sentAt is not an ISO 8601 time from 2010 to 2100/],
    ['a sentAt before Systems Manager', { ...valid, sentAt: '2009-12-31T23:59:59.999Z' }, /sentAt is not an ISO 8601 time from 2010 to 2100/],
    ['a sentAt in 2100', { ...valid, sentAt: '2100-01-01T00:00:00.000Z' }, /sentAt is not an ISO 8601 time from 2010 to 2100/],
    ['a sentAt in year 275760', { ...valid, sentAt: '+275760-09-13T00:00:00.000Z' }, /sentAt is not an ISO 8601 time from 2010 to 2100/],
    ['no fetch', { ...valid, fetch: undefined }, /fetch is not a JSON object/],
    ['a fetch list', { ...valid, fetch: [] }, /fetch is not a JSON object/],
    ['an unknown scope', { ...valid, fetch: { scope: 'everything' } }, /fetch scope is not none, children or parent: "everything"/],
    ['no scope', { ...valid, fetch: {} }, /fetch scope is not none, children or parent/],
    ['a none fetch with fields', { ...valid, fetch: { scope: 'none', since: '2026-11-20T12:00:00Z' } }, /^work item fetch \(scope none\) has unknown field\(s\): since$/],
    ['children without ids', { ...valid, fetch: { scope: 'children' } }, /childIds is not a non-empty list/],
    ['children with no ids', { ...valid, fetch: { scope: 'children', childIds: [] } }, /childIds is not a non-empty list/],
    ['children with an empty id', { ...valid, fetch: { scope: 'children', childIds: ['i-1', ''] } }, /childIds is not a non-empty list/],
    ['children with a numeric id', { ...valid, fetch: { scope: 'children', childIds: [1] } }, /childIds is not a non-empty list/],
    ['a child that is not a node', { ...valid, kind: 'run-command', fetch: { scope: 'children', childIds: ['i-0123456789abcdef0', '../../etc/passwd'] } }, /childIds holds "\.\.\/\.\.\/etc\/passwd", not a managed node id/],
    [
      '5,000 children',
      { ...valid, kind: 'run-command', fetch: { scope: 'children', childIds: Array.from({ length: 5_000 }, (_, i) => `i-${i.toString(16).padStart(17, '0')}`) } },
      /names 5000 children, more than 1000: each costs an SSM call/,
    ],
    ['children ids as a string', { ...valid, fetch: { scope: 'children', childIds: 'i-1' } }, /childIds is not a non-empty list/],
    ['children with listedBy', { ...valid, fetch: { scope: 'children', childIds: ['i-1'], listedBy: { ownerId: 'mw-1' } } }, /^work item fetch \(scope children\) has unknown field\(s\): listedBy$/],
    ['parent with an unknown field', { ...valid, fetch: { scope: 'parent', childIds: ['i-1'] } }, /^work item fetch \(scope parent\) has unknown field\(s\): childIds$/],
    ['parent with a bad since', { ...valid, fetch: { scope: 'parent', since: 'last week' } }, /fetch since is not an ISO 8601 time from 2010 to 2100/],
    ['parent with a null since', { ...valid, fetch: { scope: 'parent', since: null } }, /fetch since is not an ISO 8601 time from 2010 to 2100/],
    ['parent with listedBy not an object', { ...valid, fetch: { scope: 'parent', listedBy: 'mw-1' } }, /listedBy is not a JSON object/],
    ['parent with listedBy without owner', { ...valid, fetch: { scope: 'parent', listedBy: { startedAt: '2026-11-19T08:00:00Z' } } }, /listedBy.ownerId is not a non-empty string/],
    ['parent with an empty owner', { ...valid, fetch: { scope: 'parent', listedBy: { ownerId: '' } } }, /listedBy.ownerId is not a non-empty string/],
    ['parent with a bad startedAt', { ...valid, fetch: { scope: 'parent', listedBy: { ownerId: 'mw-1', startedAt: 5 } } }, /listedBy.startedAt is not an ISO 8601 time from 2010 to 2100/],
    ['parent with listedBy extras', { ...valid, fetch: { scope: 'parent', listedBy: { ownerId: 'mw-1', windowName: 'x' } } }, /^work item fetch listedBy has unknown field\(s\): windowName$/],
  ];

  it.each(malformed)('refuses %s', (_name, message, reason) => {
    const attempt = (): WorkItem => read(message);
    expect(attempt).toThrow(MalformedMessageError);
    expect(attempt).toThrow(reason);
  });

  it('refuses a kind the reader has no source for', () => {
    const runCommandOnly = new MessageReader([runCommandSource]);
    expect(runCommandOnly.read(encodeWorkItem(listed[0] as WorkItem)).kind).toBe('run-command');
    expect(() => runCommandOnly.read(encodeWorkItem(listed[1] as WorkItem))).toThrow(/kind is not a kind this collector reads: "automation"/);
  });
});
