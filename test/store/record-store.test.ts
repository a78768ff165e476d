import { QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { archiveAttributes, firstItemOf, parseTimeline, RecordStore } from '../../lambdas/store/record-store';
import { EXPIRES_AT } from '../../lambdas/core/table-schema';
import { tableSchemas, type TableNames } from '../../lambdas/sources/tables';
import { databaseEngines, type TestDatabase } from '../support/databases';
import { COMMAND_ID, INSTANCE_ID, invocationObservation } from '../support/observations';

const key = { CommandId: COMMAND_ID, InstanceId: INSTANCE_ID };
const T1 = '2026-11-20T10:00:00.000Z';
const T2 = '2026-11-20T10:00:05.000Z';
const T3 = '2026-11-20T10:00:09.000Z';

describe.each(databaseEngines)('RecordStore contract on %s', (_engine, start) => {
  let database: TestDatabase;
  let tables: TableNames;
  let store: RecordStore;

  beforeAll(async () => {
    database = await start();
  });
  afterAll(async () => {
    await database.stop();
  });
  beforeEach(async () => {
    tables = await database.tables();
    store = new RecordStore(database.doc, tableSchemas, tables, () => new Date('2026-11-20T12:00:00.000Z'));
  });

  it('creates a record with SSM fields and archive attributes on the first observation', async () => {
    expect(await store.upsert(invocationObservation('InProgress', T1, { fields: { DocumentName: 'AWS-RunShellScript' } }))).toBe('created');
    const item = await store.get('commandInvocations', key);
    expect(item).toMatchObject({
      ...key,
      Status: 'InProgress',
      DocumentName: 'AWS-RunShellScript',
      [archiveAttributes.observedAt]: T1,
      [archiveAttributes.firstSeenAt]: '2026-11-20T12:00:00.000Z',
      [archiveAttributes.lastProducer]: 'event',
    });
    expect(item?.[archiveAttributes.producers]).toEqual(new Set(['event']));
  });

  it('gives every record a DynamoDB TTL from its own time when a retention is set, and none otherwise', async () => {
    const days = 90;
    const keeping = new RecordStore(database.doc, tableSchemas, tables, () => new Date('2026-11-20T12:00:00.000Z'), days);
    const requested = '2026-11-20T09:59:58.000Z';
    await keeping.upsert(invocationObservation('InProgress', T1, { fields: { RequestedDateTime: requested } }));
    expect((await store.get('commandInvocations', key))?.[EXPIRES_AT]).toBe(Date.parse(requested) / 1000 + days * 86_400);
    // An event that does not carry the record's time counts from when it was observed.
    await keeping.upsert(invocationObservation('InProgress', T1, { instanceId: 'i-0fedcba9876543210' }));
    expect((await store.get('commandInvocations', { CommandId: COMMAND_ID, InstanceId: 'i-0fedcba9876543210' }))?.[EXPIRES_AT]).toBe(Date.parse(T1) / 1000 + days * 86_400);
    // Without a retention, nothing expires.
    await store.upsert(invocationObservation('InProgress', T1, { instanceId: 'i-0aaaaaaaaaaaaaaaa', fields: { RequestedDateTime: requested } }));
    expect((await store.get('commandInvocations', { CommandId: COMMAND_ID, InstanceId: 'i-0aaaaaaaaaaaaaaaa' }))?.[EXPIRES_AT]).toBeUndefined();
  });

  it('writes only the archive attributes that apply: no settle mark, cut list or detail flag unless earned', async () => {
    const poll = { ...invocationObservation('InProgress', T1), producers: new Set(['poll', 'notification'] as const) };
    await store.upsert(poll);
    const item = await store.get('commandInvocations', key);
    expect(Object.keys(item ?? {}).filter((name) => !/^[A-Z]/.test(name)).sort()).toEqual(
      [archiveAttributes.confirmed, archiveAttributes.firstSeenAt, archiveAttributes.lastProducer, archiveAttributes.observedAt, archiveAttributes.producers, archiveAttributes.statusRank, archiveAttributes.statusTimeline].sort(),
    );
    expect(item?.[archiveAttributes.confirmed]).toBe(false);
    // The first of the producers in name order: an event before a notification before a poll.
    expect(item?.[archiveAttributes.lastProducer]).toBe('notification');

    await store.upsert({ ...invocationObservation('Success', T2, { complete: true }), producers: new Set(['poll']), settlesChildren: true });
    expect(await store.get('commandInvocations', key)).toMatchObject({
      [archiveAttributes.lastProducer]: 'poll',
      [archiveAttributes.childrenComplete]: true,
      [archiveAttributes.detailed]: true,
      [archiveAttributes.confirmed]: true,
      [archiveAttributes.confirmedRank]: 9,
      [archiveAttributes.confirmedAt]: T2,
    });
  });

  it('keeps the cut list while only events follow a cut record, and drops it once SSM\'s record fits whole', async () => {
    const huge = { CommandPlugins: [{ Name: 'p', Output: 'x'.repeat(500_000) }] };
    await store.upsert(invocationObservation('InProgress', T1, { fields: huge, complete: true }));
    expect((await store.get('commandInvocations', key))?.[archiveAttributes.cutFields]).toEqual(['CommandPlugins[0].Output']);
    // An event carries no outputs: the stored ones are still cut.
    await store.upsert(invocationObservation('Failed', T2));
    expect((await store.get('commandInvocations', key))?.[archiveAttributes.cutFields]).toEqual(['CommandPlugins[0].Output']);
    // SSM's full record, small now (its output expired): nothing is cut any more.
    await store.upsert(invocationObservation('Failed', T3, { fields: { CommandPlugins: [{ Name: 'p', Output: '' }] }, complete: true }));
    const item = await store.get('commandInvocations', key);
    expect(item).not.toHaveProperty(archiveAttributes.cutFields);
    expect(item?.CommandPlugins).toEqual([{ Name: 'p', Output: '' }]);
  });

  it('ignores absent fields that name a key or a field the same observation sets', async () => {
    const observation = invocationObservation('Success', T1, {
      fields: { DocumentName: 'AWS-RunShellScript' },
      complete: true,
      absentFields: ['CommandId', 'InstanceId', 'DocumentName', 'Comment'],
    });
    expect(await store.upsert(observation)).toBe('created');
    expect(await store.get('commandInvocations', key)).toMatchObject({ ...key, DocumentName: 'AWS-RunShellScript' });
  });

  it('creates exactly the item firstItemOf describes, so bulk loads match the upsert path', async () => {
    const observation = invocationObservation('Failed', T1, {
      fields: { RequestedDateTime: T1, CommandPlugins: [{ Name: 'run', Output: 'boom', ResponseCode: 1 }] },
      complete: true,
    });
    await store.upsert(observation);
    expect(await store.get('commandInvocations', key)).toEqual(firstItemOf(tableSchemas, observation, new Date('2026-11-20T12:00:00.000Z')));
  });

  it('changes nothing for a duplicate, and reports it stale', async () => {
    await store.upsert(invocationObservation('Success', T2));
    const before = await store.get('commandInvocations', key);
    expect(await store.upsert(invocationObservation('Success', T2, { producer: 'notification' }))).toBe('stale');
    expect(await store.get('commandInvocations', key)).toEqual(before);
  });

  it('never moves a terminal status back to a running one, however late the event', async () => {
    await store.upsert(invocationObservation('Failed', T1));
    expect(await store.upsert(invocationObservation('InProgress', T3))).toBe('stale');
    expect(await store.upsert(invocationObservation('Pending', T3))).toBe('stale');
    expect((await store.get('commandInvocations', key))?.Status).toBe('Failed');
  });

  it('moves forward in rank even when the newer status was observed earlier', async () => {
    await store.upsert(invocationObservation('InProgress', T3));
    expect(await store.upsert(invocationObservation('Success', T2))).toBe('written');
    expect((await store.get('commandInvocations', key))?.Status).toBe('Success');
  });

  it('lets a newer observation of the same status win and an older one lose', async () => {
    await store.upsert(invocationObservation('InProgress', T2));
    expect(await store.upsert(invocationObservation('InProgress', T3, { fields: { StatusDetails: 'InProgress' } }))).toBe('written');
    expect(await store.upsert(invocationObservation('InProgress', T1, { fields: { StatusDetails: 'stale' } }))).toBe('stale');
    expect((await store.get('commandInvocations', key))?.StatusDetails).toBe('InProgress');
    const details = { StatusDetails: 'Failed', CommandPlugins: [{ Name: 'run', Output: 'boom', ResponseCode: 1 }] };
    expect(await store.upsert(invocationObservation('Failed', T3, { fields: details, complete: true }))).toBe('written');
    expect(await store.upsert(invocationObservation('Failed', T1, { fields: { StatusDetails: 'stale' }, complete: true }))).toBe('stale');
    const item = await store.get('commandInvocations', key);
    expect(item).toMatchObject({ ...details, [archiveAttributes.detailed]: true, [archiveAttributes.observedAt]: T3 });
  });

  describe('SSM is the source of truth', () => {
    // GetCommandInvocation's and ListCommandInvocations' answers are SSM's record; an event or
    // an SNS notification is a message anyone allowed to publish could have sent.
    it('lets SSM\'s read replace a terminal status a message gave by another: a forged Success yields to the Failed SSM reports', async () => {
      expect(await store.upsert(invocationObservation('Success', '2026-11-20T10:59:00.000Z'))).toBe('created');
      expect((await store.get('commandInvocations', key))?.[archiveAttributes.confirmed]).toBe(false);
      // Read before the message's (clamped) time: SSM still wins.
      expect(await store.upsert(invocationObservation('Failed', T1, { complete: true }))).toBe('written');
      expect(await store.get('commandInvocations', key)).toMatchObject({ Status: 'Failed', [archiveAttributes.confirmed]: true });
    });

    it('never lets a message replace one terminal status by another, nor undo what SSM\'s read confirmed', async () => {
      await store.upsert(invocationObservation('Failed', T1));
      expect(await store.upsert(invocationObservation('Success', T3))).toBe('stale');
      expect(await store.upsert(invocationObservation('Failed', T3, { producer: 'notification' }))).toBe('stale');
      await store.upsert(invocationObservation('Failed', T2, { complete: true }));
      expect(await store.upsert(invocationObservation('Success', '2026-11-20T11:00:00.000Z'))).toBe('stale');
      expect(await store.get('commandInvocations', key)).toMatchObject({ Status: 'Failed', [archiveAttributes.confirmed]: true });
    });

    it('lets a message move a confirmed running record forward, unconfirmed until SSM\'s read agrees', async () => {
      await store.upsert(invocationObservation('InProgress', T1, { complete: true }));
      expect(await store.upsert(invocationObservation('Success', T2))).toBe('written');
      expect(await store.get('commandInvocations', key)).toMatchObject({ Status: 'Success', [archiveAttributes.confirmed]: false });
      expect(await store.upsert(invocationObservation('Success', T3, { complete: true }))).toBe('written');
      expect((await store.get('commandInvocations', key))?.[archiveAttributes.confirmed]).toBe(true);
    });

    it('says "rewound" when SSM\'s read replaces a further status only a message gave, so the collector reads again', async () => {
      await store.upsert(invocationObservation('Success', T2));
      expect(await store.upsert(invocationObservation('InProgress', T3, { complete: true }))).toBe('rewound');
      expect(await store.get('commandInvocations', key)).toMatchObject({ Status: 'InProgress', [archiveAttributes.confirmed]: true });
      // Between SSM's own reads a record only moves forward: a lagging read never undoes a newer
      // one, even once a message has moved the record past it.
      expect(await store.upsert(invocationObservation('Pending', '2026-11-20T10:01:00.000Z', { complete: true }))).toBe('stale');
      expect(await store.upsert(invocationObservation('Cancelling', '2026-11-20T10:00:30.000Z'))).toBe('written');
      expect(await store.upsert(invocationObservation('Pending', '2026-11-20T10:01:00.000Z', { complete: true }))).toBe('stale');
      expect(await store.upsert(invocationObservation('InProgress', T1, { complete: true }))).toBe('stale');
      expect((await store.get('commandInvocations', key))?.Status).toBe('Cancelling');
      expect(await store.upsert(invocationObservation('Success', '2026-11-20T10:01:00.000Z', { complete: true }))).toBe('written');
      expect(await store.upsert(invocationObservation('InProgress', '2026-11-20T10:02:00.000Z', { complete: true }))).toBe('stale');
      expect((await store.get('commandInvocations', key))?.Status).toBe('Success');
    });

    it('treats a record written before SSM\'s reads were tracked as unconfirmed: SSM\'s read replaces it', async () => {
      await store.upsert(invocationObservation('Success', T2));
      await database.doc.send(
        new UpdateCommand({
          TableName: tables.commandInvocations,
          Key: key,
          UpdateExpression: 'REMOVE #c, #r, #t',
          ExpressionAttributeNames: { '#c': archiveAttributes.confirmed, '#r': archiveAttributes.confirmedRank, '#t': archiveAttributes.confirmedAt },
        }),
      );
      expect(await store.upsert(invocationObservation('Failed', T1, { complete: true }))).toBe('written');
      expect((await store.get('commandInvocations', key))?.Status).toBe('Failed');
    });
  });

  it('keeps every accepted status in the timeline, earliest sighting first', async () => {
    await store.upsert(invocationObservation('Pending', T1));
    await store.upsert(invocationObservation('InProgress', T2));
    await store.upsert(invocationObservation('Success', T3));
    await store.upsert(invocationObservation('Success', '2026-11-20T10:01:00.000Z', { complete: true }));
    const item = await store.get('commandInvocations', key);
    expect(parseTimeline(item?.[archiveAttributes.statusTimeline] as Set<string>)).toEqual([
      { status: 'Pending', at: T1 },
      { status: 'InProgress', at: T2 },
      { status: 'Success', at: T3 },
    ]);
  });

  it('removes fields a complete record no longer has, and keeps empty strings', async () => {
    await store.upsert(invocationObservation('Success', T1, { fields: { StandardOutputUrl: 's3://x', TraceOutput: '' }, complete: true }));
    await store.upsert(
      invocationObservation('Success', T2, { fields: { TraceOutput: '' }, complete: true, absentFields: ['StandardOutputUrl'] }),
    );
    const item = await store.get('commandInvocations', key);
    expect(item).not.toHaveProperty('StandardOutputUrl');
    expect(item?.TraceOutput).toBe('');
  });

  it('stores a record larger than 400 KB with its longest fields cut and marked, never dropped', async () => {
    const huge = (fill: string) => fill.repeat(180_000);
    const plugins = [
      { Name: 'one', Output: huge('a') },
      { Name: 'two', Output: huge('b') },
      { Name: 'three', Output: huge('c') },
      { Name: 'four', Output: 'short output stays whole' },
    ];
    const observation = invocationObservation('Failed', T1, { fields: { CommandPlugins: plugins }, complete: true });
    expect(await store.upsert(observation)).toBe('created');
    const item = await store.get('commandInvocations', key);
    const stored = item?.CommandPlugins as { Name: string; Output: string }[];
    expect(stored.map((plugin) => plugin.Name)).toEqual(['one', 'two', 'three', 'four']);
    expect(stored[3]?.Output).toBe('short output stays whole');
    // Compared as summaries: a failing match on a 180,000-character string is unreadable.
    const summary = (output = '') => ({ head: output.slice(0, 3), length: output.length, tail: output.slice(output.lastIndexOf('\n')) });
    const cutOnes = stored.filter((plugin) => plugin.Output.includes('--- ssm-history: cut to'));
    expect(cutOnes.length).toBeGreaterThanOrEqual(1);
    for (const plugin of cutOnes) {
      expect(summary(plugin.Output).tail).toMatch(/^\n--- ssm-history: cut to \d+ of 180000 characters to fit DynamoDB's 400 KB item limit ---$/);
      expect(summary(plugin.Output).length).toBeLessThan(180_000);
    }
    expect(item?.[archiveAttributes.cutFields]).toEqual(
      expect.arrayContaining(cutOnes.map((plugin) => `CommandPlugins[${stored.indexOf(plugin)}].Output`)),
    );
    expect(JSON.stringify(item).length).toBeLessThan(400 * 1024);
  });

  /** The stored item's UTF-8 bytes, counted apart from the store's estimate: JSON, so a little over DynamoDB's count. */
  const itemBytes = (item: Record<string, unknown> | undefined): number => Buffer.byteLength(JSON.stringify(item), 'utf8');
  const outputsOf = (item: Record<string, unknown> | undefined): string[] => (item?.CommandPlugins as { Output: string }[]).map((plugin) => plugin.Output);
  const marker = /\n--- ssm-history: cut to (\d+) of (\d+) characters to fit DynamoDB's 400 KB item limit ---$/;

  it('measures a record in UTF-8 bytes: multi-byte output of 180,000 characters but 480 KB is cut to fit', async () => {
    // 60,000 characters in each of three plugins, of 3, 3 and 2 bytes: under half the budget
    // counted in characters, over the limit in bytes.
    const original = ['€', '漢', 'ü'].map((character) => character.repeat(60_000));
    const plugins = original.map((Output, index) => ({ Name: `p${index}`, Output }));
    expect(await store.upsert(invocationObservation('Failed', T1, { fields: { CommandPlugins: plugins }, complete: true }))).toBe('created');
    const item = await store.get('commandInvocations', key);
    expect(itemBytes(item)).toBeLessThan(400 * 1024);
    outputsOf(item).forEach((output, index) => {
      const source = original[index] as string;
      const cut = marker.exec(output);
      if (cut === null) {
        expect(output).toBe(source);
        return;
      }
      const kept = output.slice(0, cut.index);
      expect(source.startsWith(kept)).toBe(true);
      expect(kept).not.toContain('\uFFFD');
      expect([Number(cut[1]), Number(cut[2])]).toEqual([kept.length, source.length]);
    });
    expect(item?.[archiveAttributes.cutFields]).toEqual(expect.arrayContaining(['CommandPlugins[0].Output']));
  });

  it('cuts as many fields as it takes: eight outputs of 60 KB, each smaller than the excess', async () => {
    const original = Array.from({ length: 8 }, (_, index) => String.fromCharCode(97 + index).repeat(60_000 - index));
    const plugins = original.map((Output, index) => ({ Name: `p${index}`, Output }));
    expect(await store.upsert(invocationObservation('Failed', T1, { fields: { CommandPlugins: plugins }, complete: true }))).toBe('created');
    const item = await store.get('commandInvocations', key);
    expect(itemBytes(item)).toBeLessThan(400 * 1024);
    const outputs = outputsOf(item);
    expect(outputs).toHaveLength(8);
    const cut = outputs.filter((output) => marker.test(output));
    expect(cut.length).toBeGreaterThanOrEqual(2);
    expect((item?.[archiveAttributes.cutFields] as string[]).length).toBe(cut.length);
    outputs.forEach((output, index) => expect((original[index] as string).startsWith(output.replace(marker, ''))).toBe(true));
  });

  it('cuts harder and writes again when DynamoDB refuses the item as too large (attributes already stored count too)', async () => {
    // The first write stores 150 KB of one field; the second, an event's partial record, adds
    // 300 KB of another without removing the first: under the budget alone, over 400 KB with
    // what is stored. DynamoDB refuses it; the retry cuts the new field to half the budget.
    const stored = 's'.repeat(150_000);
    const added = 'n'.repeat(300_000);
    expect(await store.upsert(invocationObservation('InProgress', T1, { fields: { StoredOutput: stored }, complete: true }))).toBe('created');
    expect(await store.upsert(invocationObservation('Failed', T2, { fields: { AddedOutput: added } }))).toBe('written');
    const item = await store.get('commandInvocations', key);
    expect(item?.Status).toBe('Failed');
    expect(item?.StoredOutput).toBe(stored);
    const cut = marker.exec(item?.AddedOutput as string);
    expect(cut).not.toBeNull();
    expect(Number(cut?.[2])).toBe(300_000);
    // Cut to the half budget: at most about 190 KB kept.
    expect(Number(cut?.[1])).toBeLessThanOrEqual(Math.floor((400 * 1024 - 24 * 1024) / 2));
    expect(Number(cut?.[1])).toBeGreaterThan(100_000);
    expect(item?.[archiveAttributes.cutFields]).toEqual(['AddedOutput']);
    expect(itemBytes(item)).toBeLessThan(400 * 1024);
  });

  it('gives up on an item it cannot fit rather than store it partly', async () => {
    const many = Object.fromEntries(Array.from({ length: 500 }, (_, index) => [`Field${index}`, 'v'.repeat(1000)]));
    await expect(store.upsert(invocationObservation('Failed', T1, { fields: many, complete: true }))).rejects.toThrow(RangeError);
    expect(await store.get('commandInvocations', key)).toBeUndefined();
  });

  it('writes the index attributes the schema derives, so the indexes find the record', async () => {
    await store.upsert({
      ...invocationObservation('Success', T1),
      table: 'commands',
      key: { CommandId: COMMAND_ID },
      fields: { CommandId: COMMAND_ID, Status: 'Success', RequestedDateTime: '2026-11-20T09:59:00.000Z' },
    });
    await store.upsert(invocationObservation('Success', T1, { fields: { RequestedDateTime: '2026-11-20T09:59:00.000Z' } }));
    expect(await store.get('commands', { CommandId: COMMAND_ID })).toMatchObject({ requestedYear: '2026' });
    const byYear = await database.doc.send(
      new QueryCommand({
        TableName: tables.commands,
        IndexName: 'byRequestedYear',
        KeyConditionExpression: 'requestedYear = :year',
        ExpressionAttributeValues: { ':year': '2026' },
      }),
    );
    expect(byYear.Items?.map((item) => item.CommandId)).toEqual([COMMAND_ID]);
    const byInstance = await database.doc.send(
      new QueryCommand({
        TableName: tables.commandInvocations,
        IndexName: 'byInstance',
        KeyConditionExpression: 'InstanceId = :id',
        ExpressionAttributeValues: { ':id': INSTANCE_ID },
      }),
    );
    expect(byInstance.Items).toEqual([
      expect.objectContaining({ CommandId: COMMAND_ID, InstanceId: INSTANCE_ID, Status: 'Success', RequestedDateTime: '2026-11-20T09:59:00.000Z' }),
    ]);
  });

  it('pages through a partition without loss or repeats', async () => {
    const instanceIds = Array.from({ length: 37 }, (_, i) => `i-${String(i).padStart(17, '0')}`);
    for (const instanceId of instanceIds) await store.upsert(invocationObservation('Success', T1, { instanceId }));
    const seen: string[] = [];
    let page = await store.page('commandInvocations', COMMAND_ID, 10);
    seen.push(...page.items.map((item) => item.InstanceId as string));
    while (page.nextKey) {
      page = await store.page('commandInvocations', COMMAND_ID, 10, page.nextKey);
      seen.push(...page.items.map((item) => item.InstanceId as string));
    }
    expect(seen).toEqual([...instanceIds].sort());
  });
});

describe('parseTimeline', () => {
  it('keeps each status once, at its earliest sighting, in time order whatever order the set is in', () => {
    expect(
      parseTimeline([
        '2026-11-20T10:00:09.000Z Success',
        '2026-11-20T10:00:05.000Z InProgress',
        '2026-11-20T10:00:07.000Z Success',
        '2026-11-20T10:00:00.000Z Pending',
        '2026-11-20T10:00:08.000Z InProgress',
      ]),
    ).toEqual([
      { status: 'Pending', at: '2026-11-20T10:00:00.000Z' },
      { status: 'InProgress', at: '2026-11-20T10:00:05.000Z' },
      { status: 'Success', at: '2026-11-20T10:00:07.000Z' },
    ]);
  });

  it('reads a stored set as well as a list, and nothing as an empty timeline', () => {
    expect(parseTimeline(new Set(['2026-11-20T10:00:05.000Z Failed', '2026-11-20T10:00:00.000Z InProgress']))).toEqual([
      { status: 'InProgress', at: '2026-11-20T10:00:00.000Z' },
      { status: 'Failed', at: '2026-11-20T10:00:05.000Z' },
    ]);
    expect(parseTimeline(undefined)).toEqual([]);
  });
});
