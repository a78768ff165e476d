import {
  AssociationDoesNotExist,
  DescribeAssociationExecutionsCommand,
  DescribeAssociationExecutionTargetsCommand,
  SSMClient,
  type AssociationExecution,
  type DescribeAssociationExecutionsCommandInput,
} from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import associationSample from '../fixtures/aws/association-state-change.json';
import instanceSample from '../fixtures/aws/instance-association-state-change.json';
import { Collector, type QueueMessage } from '../../lambdas/collector/collector';
import { encodeWorkItem } from '../../lambdas/collector/messages';
import { historySources } from '../../lambdas/sources';
import { associationExecutionFromItem } from '../../lambdas/sources/association/records';
import { RecordStore } from '../../lambdas/store/record-store';
import { startDynalite, type TestDatabase } from '../support/databases';
import { queueMessage } from '../support/messages';
import { spyLog } from '../support/silent-log';
import { tableSchemas } from '../../lambdas/sources/tables';

const ASSOCIATION_ID = associationSample.detail['association-id'];
const silent = spyLog();

function execution(n: number, status: string): AssociationExecution {
  return {
    AssociationId: ASSOCIATION_ID,
    AssociationVersion: '1',
    ExecutionId: `0000000${n}-1111-4222-8333-444455556666`,
    Status: status,
    DetailedStatus: status,
    CreatedTime: new Date(Date.parse('2017-05-16T23:00:01Z') - n * 60_000),
    ResourceCountByStatus: `{${status}=1}`,
  };
}

describe('Collector, State Manager (SSM mocked per call, DynamoDB real: dynalite)', () => {
  let database: TestDatabase;
  let store: RecordStore;
  const ssmMock = mockClient(SSMClient);
  let now = new Date('2017-05-16T23:02:00.000Z');
  let collector: Collector;

  beforeAll(async () => {
    database = await startDynalite();
  });
  afterAll(async () => {
    await database.stop();
  });
  beforeEach(async () => {
    ssmMock.reset();
    now = new Date('2017-05-16T23:02:00.000Z');
    store = new RecordStore(database.doc, tableSchemas, await database.tables(), () => now);
    collector = new Collector({
      sources: historySources,
      clients: { ssm: new SSMClient({ region: 'us-east-1' }) },
      store,
      logger: silent,
      parentConcurrency: 2,
      now: () => now,
    });
  });

  it('asks for the executions created since an hour before last-execution-date, every page, and the targets of finished ones only', async () => {
    ssmMock
      .on(DescribeAssociationExecutionsCommand)
      .resolvesOnce({ AssociationExecutions: [execution(0, 'InProgress')], NextToken: 'page-2' })
      .resolves({ AssociationExecutions: [execution(1, 'Failed')] });
    ssmMock.on(DescribeAssociationExecutionTargetsCommand).resolves({
      AssociationExecutionTargets: [
        { AssociationId: ASSOCIATION_ID, ExecutionId: execution(1, 'Failed').ExecutionId, ResourceId: 'i-12345678', ResourceType: 'ManagedInstance', Status: 'Failed' },
      ],
    });
    // Both samples name the same association here: one listing serves the whole batch.
    const instance = { ...instanceSample, time: '2017-05-16T23:01:30Z', detail: { ...instanceSample.detail, 'association-id': ASSOCIATION_ID, 'last-execution-date': '2017-05-16T23:00:01Z' } };
    const { failedMessageIds } = await collector.collect([queueMessage(associationSample), queueMessage(instance)]);
    expect(failedMessageIds).toEqual([]);

    const listings = ssmMock.commandCalls(DescribeAssociationExecutionsCommand).map((call) => call.args[0].input);
    // Two pages (the SDK's paginator reuses one input object, so both calls show its last state).
    expect(listings).toHaveLength(2);
    for (const listing of listings) {
      expect(listing).toMatchObject({ AssociationId: ASSOCIATION_ID, Filters: [{ Key: 'CreatedTime', Value: '2017-05-16T22:00:01Z', Type: 'GREATER_THAN' }], MaxResults: 50 });
    }
    const targetCalls = ssmMock.commandCalls(DescribeAssociationExecutionTargetsCommand).map((call) => call.args[0].input);
    expect(targetCalls).toEqual([{ AssociationId: ASSOCIATION_ID, ExecutionId: execution(1, 'Failed').ExecutionId, MaxResults: 50 }]);

    const stored = await store.get('associationExecutions', { AssociationId: ASSOCIATION_ID, ExecutionId: execution(0, 'InProgress').ExecutionId as string });
    expect(associationExecutionFromItem(stored ?? {})).toEqual(execution(0, 'InProgress'));
    expect(stored).toMatchObject({ createdYear: '2017' });
    expect(await store.get('associationExecutionTargets', { ExecutionId: execution(1, 'Failed').ExecutionId as string, ResourceId: 'i-12345678' })).toMatchObject({
      Status: 'Failed',
    });
  });

  it('reads and writes a finished execution and its targets once: later events about it cost one listing call and no write', async () => {
    const finished = execution(1, 'Success');
    ssmMock.on(DescribeAssociationExecutionsCommand).resolves({ AssociationExecutions: [finished] });
    ssmMock.on(DescribeAssociationExecutionTargetsCommand).resolves({
      AssociationExecutionTargets: [
        { AssociationId: ASSOCIATION_ID, ExecutionId: finished.ExecutionId, ResourceId: 'i-12345678', ResourceType: 'ManagedInstance', Status: 'Success' },
      ],
    });
    const first = await collector.collect([queueMessage(associationSample)]);
    expect(first).toMatchObject({ failedMessageIds: [], written: 2 });
    expect(await store.get('associationExecutions', { AssociationId: ASSOCIATION_ID, ExecutionId: finished.ExecutionId as string })).toMatchObject({
      childrenComplete: true,
    });

    const again = await collector.collect([queueMessage({ ...instanceSample, detail: { ...instanceSample.detail, 'association-id': ASSOCIATION_ID } })]);
    expect(again).toMatchObject({ failedMessageIds: [], written: 0, stale: 0 });
    expect(ssmMock.commandCalls(DescribeAssociationExecutionsCommand)).toHaveLength(2);
    expect(ssmMock.commandCalls(DescribeAssociationExecutionTargetsCommand)).toHaveLength(1);
  });

  it('writes the finished execution only after all its targets, so a failed target write leaves it to be read again', async () => {
    const finished = execution(1, 'Failed');
    ssmMock.on(DescribeAssociationExecutionsCommand).resolves({ AssociationExecutions: [finished] });
    ssmMock.on(DescribeAssociationExecutionTargetsCommand).resolves({
      AssociationExecutionTargets: ['i-1', 'i-2', 'i-3'].map((ResourceId) => ({
        AssociationId: ASSOCIATION_ID, ExecutionId: finished.ExecutionId, ResourceId, ResourceType: 'ManagedInstance', Status: 'Failed',
      })),
    });
    const order: string[] = [];
    let failTarget = true;
    const flaky = new Collector({
      sources: historySources,
      clients: { ssm: new SSMClient({ region: 'us-east-1' }) },
      store: {
        get: (table, key) => store.get(table, key),
        upsert: async (observation) => {
          order.push(observation.table);
          if (observation.table === 'associationExecutionTargets' && observation.key.ResourceId === 'i-2' && failTarget) {
            failTarget = false;
            throw new Error('ProvisionedThroughputExceededException');
          }
          return store.upsert(observation);
        },
      },
      logger: silent,
      parentConcurrency: 1,
      now: () => now,
    });
    const message = queueMessage(associationSample);
    expect((await flaky.collect([message])).failedMessageIds).toEqual([message.id]);
    // The execution was not written: nothing says its targets are complete.
    expect(order).not.toContain('associationExecutions');
    expect(await store.get('associationExecutions', { AssociationId: ASSOCIATION_ID, ExecutionId: finished.ExecutionId as string })).toBeUndefined();

    order.length = 0;
    expect((await flaky.collect([message])).failedMessageIds).toEqual([]);
    expect(order[order.length - 1]).toBe('associationExecutions');
    expect(ssmMock.commandCalls(DescribeAssociationExecutionTargetsCommand)).toHaveLength(2);
    for (const resourceId of ['i-1', 'i-2', 'i-3']) {
      expect(await store.get('associationExecutionTargets', { ExecutionId: finished.ExecutionId as string, ResourceId: resourceId })).toMatchObject({ Status: 'Failed' });
    }
  });

  it('keeps what a long pass gathered when a later call fails: the retry reads only the rest', async () => {
    const finished = [1, 2, 3].map((n) => execution(n, 'Success'));
    ssmMock.on(DescribeAssociationExecutionsCommand).resolves({ AssociationExecutions: finished });
    const targetsOf = (n: number) => ({
      AssociationExecutionTargets: [
        { AssociationId: ASSOCIATION_ID, ExecutionId: finished[n - 1]?.ExecutionId, ResourceId: `i-${n}`, ResourceType: 'ManagedInstance', Status: 'Success' },
      ],
    });
    ssmMock.on(DescribeAssociationExecutionTargetsCommand, { ExecutionId: finished[0]?.ExecutionId }).resolves(targetsOf(1));
    ssmMock.on(DescribeAssociationExecutionTargetsCommand, { ExecutionId: finished[1]?.ExecutionId }).rejects(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }));
    ssmMock.on(DescribeAssociationExecutionTargetsCommand, { ExecutionId: finished[2]?.ExecutionId }).resolves(targetsOf(3));
    const message = queueMessage(associationSample);

    const first = await collector.collect([message]);
    expect(first.failedMessageIds).toEqual([message.id]);
    expect(first.failureReasons.get(message.id)).toMatch(/PartialCollectionError: collected 2 records before failing: Rate exceeded/);
    // The first execution is whole and settled; the second is not stored; nothing after the failure was read.
    const stored = (n: number) => store.get('associationExecutions', { AssociationId: ASSOCIATION_ID, ExecutionId: finished[n - 1]?.ExecutionId as string });
    expect(await stored(1)).toMatchObject({ Status: 'Success', childrenComplete: true });
    expect(await stored(2)).toBeUndefined();
    expect(ssmMock.commandCalls(DescribeAssociationExecutionTargetsCommand)).toHaveLength(2);

    ssmMock.on(DescribeAssociationExecutionTargetsCommand, { ExecutionId: finished[1]?.ExecutionId }).resolves(targetsOf(2));
    const retry = await collector.collect([message]);
    expect(retry.failedMessageIds).toEqual([]);
    // Only the two executions the first pass did not finish are read again.
    expect(ssmMock.commandCalls(DescribeAssociationExecutionTargetsCommand).slice(2).map((call) => call.args[0].input.ExecutionId)).toEqual([
      finished[1]?.ExecutionId,
      finished[2]?.ExecutionId,
    ]);
    for (const n of [1, 2, 3]) expect(await stored(n)).toMatchObject({ childrenComplete: true });
  });

  describe('one listing for all the work items of a batch', () => {
    /** Executions an hour apart, the newest at 23:00:01; SSM honours the CreatedTime filter. */
    const hourly = [0, 1, 2, 3, 4, 5].map((n) => ({ ...execution(n, 'InProgress'), CreatedTime: new Date(Date.parse('2017-05-16T23:00:01Z') - n * 3_600_000) }));
    const pollItem = (since: string | undefined): QueueMessage =>
      queueMessage(
        encodeWorkItem({
          kind: 'association',
          parentId: ASSOCIATION_ID,
          producer: 'poll',
          sentAt: '2017-05-16T23:01:30.000Z',
          observations: [],
          fetch: { scope: 'parent', ...(since !== undefined ? { since } : {}) },
        }),
      );
    const storedExecutions = async (): Promise<string[]> => {
      const ids: string[] = [];
      for (const record of hourly) {
        if (await store.get('associationExecutions', { AssociationId: ASSOCIATION_ID, ExecutionId: record.ExecutionId as string })) ids.push(record.ExecutionId as string);
      }
      return ids;
    };
    const listingFilters = () => ssmMock.commandCalls(DescribeAssociationExecutionsCommand).map((call) => call.args[0].input.Filters);

    beforeEach(() => {
      ssmMock.on(DescribeAssociationExecutionsCommand).callsFake((input: DescribeAssociationExecutionsCommandInput) => {
        const after = input.Filters?.find((filter) => filter.Key === 'CreatedTime' && filter.Type === 'GREATER_THAN')?.Value;
        return { AssociationExecutions: hourly.filter((record) => after === undefined || (record.CreatedTime?.getTime() ?? 0) > Date.parse(after)) };
      });
    });

    it.each([
      ['first', 0],
      ['in the middle', 1],
      ['last', 2],
    ])('lists from the earliest `since` of the batch, whichever item asks for it (%s)', async (_where, position) => {
      // The event asks from 22:00:01 (an hour before its last execution); the polls from 20:30 and 18:30.
      const items = [queueMessage(associationSample), pollItem('2017-05-16T20:30:00.000Z')];
      items.splice(position, 0, pollItem('2017-05-16T18:30:00.000Z'));
      expect((await collector.collect(items)).failedMessageIds).toEqual([]);
      expect(listingFilters()).toEqual([[{ Key: 'CreatedTime', Value: '2017-05-16T18:30:00Z', Type: 'GREATER_THAN' }]]);
      // 23:00:01 back to 19:00:01: five executions, none before 18:30.
      expect(await storedExecutions()).toEqual(hourly.slice(0, 5).map((record) => record.ExecutionId));
    });

    it.each([
      ['first', 0],
      ['in the middle', 1],
      ['last', 2],
    ])('lists every execution when one item of the batch asks for no bound (%s)', async (_where, position) => {
      const items = [queueMessage(associationSample), pollItem('2017-05-16T20:30:00.000Z')];
      items.splice(position, 0, pollItem(undefined));
      expect((await collector.collect(items)).failedMessageIds).toEqual([]);
      expect(listingFilters()).toEqual([undefined]);
      expect(await storedExecutions()).toEqual(hourly.map((record) => record.ExecutionId));
    });

    it('takes no bound from items that ask for nothing (Pending events)', async () => {
      const pending = { ...associationSample, time: '2017-05-16T10:00:00Z', detail: { ...associationSample.detail, status: 'Pending', 'last-execution-date': '2017-05-16T09:00:00Z' } };
      expect((await collector.collect([queueMessage(pending), queueMessage(associationSample), queueMessage(pending)])).failedMessageIds).toEqual([]);
      expect(listingFilters()).toEqual([[{ Key: 'CreatedTime', Value: '2017-05-16T22:00:01Z', Type: 'GREATER_THAN' }]]);
      expect(await storedExecutions()).toEqual([hourly[0]?.ExecutionId]);
    });
  });

  it('makes no SSM call for Pending and InProgress events', async () => {
    const pending = { ...associationSample, detail: { ...associationSample.detail, status: 'Pending' } };
    const running = { ...instanceSample, detail: { ...instanceSample.detail, status: 'InProgress' } };
    expect((await collector.collect([queueMessage(pending), queueMessage(running)])).failedMessageIds).toEqual([]);
    expect(ssmMock.calls()).toHaveLength(0);
  });

  it('retries while SSM may not show the association yet, and keeps nothing once it is gone for good', async () => {
    ssmMock.on(DescribeAssociationExecutionsCommand).rejects(new AssociationDoesNotExist({ message: 'gone', $metadata: {} }));
    const message = queueMessage(associationSample);
    expect((await collector.collect([message])).failedMessageIds).toEqual([message.id]);
    now = new Date('2017-05-17T23:02:00.000Z');
    expect((await collector.collect([message])).failedMessageIds).toEqual([]);
  });
});
