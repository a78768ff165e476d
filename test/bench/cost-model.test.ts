import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import {
  attributeValueBytes,
  chunkedRequests,
  costLines,
  DAYS_PER_MONTH,
  ddbReadUnits,
  ddbStoredBytes,
  ddbWriteUnits,
  extrapolateUsage,
  itemBytes,
  meter,
  readRequestUnits,
  referenceFleet,
  stackFactsOf,
  standingPollUsage,
  statedFigures,
  storedBytes,
  totalUsd,
  updateItemWriteUnits,
  usEast1Prices,
  writeRequestUnits,
  type Item,
  type MonthlyUsage,
  type StackFacts,
  type TableShape,
} from '../../bench/cost-model';
import { tableIds, tableSchemas, type ArchiveTableId as TableId } from '../../lambdas/sources/tables';

const text = (bytes: number, char = 'x'): AttributeValue => ({ S: char.repeat(bytes) });

/** Invocations keyed (CommandId, InstanceId), with a node-history index projecting a summary. */
const invocations: TableShape = {
  keys: ['CommandId', 'InstanceId'],
  indexes: [{ name: 'byInstance', keys: ['InstanceId', 'RequestedDateTime'], projection: 'INCLUDE', include: ['Status'] }],
};
/** Commands keyed by CommandId, listed by year through an index that projects everything. */
const commands: TableShape = {
  keys: ['CommandId'],
  indexes: [{ name: 'byYear', keys: ['year', 'RequestedDateTime'], projection: 'ALL', include: [] }],
};

const invocation = (fields: Record<string, AttributeValue>): Item => ({
  CommandId: { S: 'c1' },
  InstanceId: { S: 'i-1' },
  RequestedDateTime: { S: '2026-01-01T00:00:00Z' },
  Status: { S: 'InProgress' },
  ...fields,
});

describe('DynamoDB sizes', () => {
  it('counts strings in UTF-8 bytes and attribute names too', () => {
    expect(attributeValueBytes({ S: 'héllo' })).toBe(6);
    expect(itemBytes({ ab: { S: 'cd' }, n: { BOOL: true } })).toBe(2 + 2 + 1 + 1);
  });

  it('counts numbers by significant digits, and lists and maps with their overhead', () => {
    expect(attributeValueBytes({ N: '100' })).toBe(2);
    expect(attributeValueBytes({ N: '12345' })).toBe(4);
    expect(attributeValueBytes({ N: '-0.0012' })).toBe(2);
    expect(attributeValueBytes({ L: [{ S: 'ab' }, { NULL: true }] })).toBe(3 + (1 + 2) + (1 + 1));
    expect(attributeValueBytes({ M: { k: { S: 'v' } } })).toBe(3 + 1 + 1 + 1);
    expect(attributeValueBytes({ SS: ['a', 'bc'] })).toBe(3);
  });
});

describe('request units', () => {
  it('rounds writes up by the KB, at least one', () => {
    expect(writeRequestUnits(0)).toBe(1);
    expect(writeRequestUnits(1024)).toBe(1);
    expect(writeRequestUnits(1025)).toBe(2);
    expect(writeRequestUnits(1600)).toBe(2);
  });

  it('bills SQS and SNS payloads by the 64 KB chunk', () => {
    expect(chunkedRequests(100)).toBe(1);
    expect(chunkedRequests(65_536)).toBe(1);
    expect(chunkedRequests(65_537)).toBe(2);
  });

  it('rounds reads up by 4 KB, half when eventually consistent', () => {
    expect(readRequestUnits(4096, true)).toBe(1);
    expect(readRequestUnits(4097, true)).toBe(2);
    expect(readRequestUnits(4097, false)).toBe(1);
    expect(readRequestUnits(10, false)).toBe(0.5);
  });
});

describe('updateItemWriteUnits', () => {
  it('charges the table by the larger size and every index that holds the item', () => {
    const after = invocation({ Output: text(1500) });
    const units = updateItemWriteUnits(invocations, undefined, after, false);
    expect(units.table).toBe(2);
    // The summary entry is small (the output is not projected): one unit.
    expect(units.indexes.byInstance).toBe(1);

    const command: Item = { CommandId: { S: 'c1' }, year: { S: '2026' }, RequestedDateTime: { S: '2026-01-01' }, Parameters: text(2100) };
    // An index that projects everything costs what the table costs.
    expect(updateItemWriteUnits(commands, undefined, command, false)).toEqual({ table: 3, indexes: { byYear: 3 } });
  });

  it('charges an index nothing for an item it does not hold or whose entry did not change', () => {
    const sparse = invocation({});
    const { RequestedDateTime: _omitted, ...withoutSortKey } = sparse;
    expect(updateItemWriteUnits(invocations, undefined, withoutSortKey, false).indexes.byInstance).toBe(0);
    // Output is not projected into byInstance.
    const before = invocation({ Output: text(10) });
    const after = invocation({ Output: text(20) });
    expect(updateItemWriteUnits(invocations, before, after, false)).toEqual({ table: 1, indexes: { byInstance: 0 } });
    expect(updateItemWriteUnits(invocations, before, { ...after, Status: { S: 'Success' } }, false).indexes.byInstance).toBe(1);
  });

  it('charges a delete and a put when the index key changes', () => {
    const before = invocation({});
    const after = invocation({ RequestedDateTime: { S: '2026-01-02T00:00:00Z' } });
    expect(updateItemWriteUnits(invocations, before, after, false).indexes.byInstance).toBe(2);
  });

  it('uses the larger of the sizes before and after', () => {
    // 83 bytes of other attributes and names: 2,983 bytes before, 93 after.
    const before = invocation({ Output: text(2900) });
    const after = invocation({ Output: text(10) });
    expect(updateItemWriteUnits(invocations, before, after, false).table).toBe(3);
  });

  it('charges a failed condition by the existing item, and no index', () => {
    const existing = invocation({ Output: text(2500) });
    expect(updateItemWriteUnits(invocations, existing, existing, true)).toEqual({ table: 3, indexes: { byInstance: 0 } });
    expect(updateItemWriteUnits(invocations, undefined, undefined, true).table).toBe(1);
  });
});

describe('storedBytes', () => {
  it('adds 100 bytes per item and per index entry, and stores only what the index projects', () => {
    const item = invocation({ Output: text(1000) });
    const stored = storedBytes(invocations, item);
    expect(stored.table).toBe(itemBytes(item) + 100);
    const entry = invocation({});
    expect(stored.indexes.byInstance).toBe(itemBytes(entry) + 100);
  });
});

describe('usage arithmetic', () => {
  it('reads the line through two sizes at a third, a meter missing at one size counting 0', () => {
    const small = { size: 100, usage: { writes: 110, perCommand: 5 } };
    const large = { size: 200, usage: { writes: 210, perCommand: 5, alerts: 10 } };
    expect(extrapolateUsage(small, large, 1000)).toEqual({ writes: 1010, perCommand: 5, alerts: 90 });
    expect(() => extrapolateUsage(small, small, 1000)).toThrow(RangeError);
  });

  it('adds what standing definitions add to the base idle poll', () => {
    expect(standingPollUsage({ calls: 4 }, [{ calls: 5 }, { calls: 6 }, { calls: 4 }])).toEqual({ calls: 7 });
  });
});

/** Facts of a stack with one table per schema entry, small and fixed, for the price arithmetic. */
function facts(): StackFacts {
  const fn = (logicalId: string) => ({ logicalId, memoryMb: 1024, architecture: 'arm64', environment: {} });
  const tables = {} as Record<TableId, StackFacts['tables'][TableId]>;
  for (const id of tableIds) tables[id] = { logicalId: id, keys: ['k'], indexes: [], pitr: true };
  return {
    collector: fn('C'),
    poller: fn('P'),
    query: fn('Q'),
    functions: 3,
    batchSize: 10,
    batchingWindowSeconds: 5,
    pollIntervalMinutes: 5,
    eventDetailTypes: [],
    collectorQueues: 2,
    gathering: { detailTypes: [], delaySeconds: 60 },
    tables,
    alarms: 2,
    alarmMetrics: 3,
    dashboards: 1,
    kmsKeys: 1,
    logGroups: 1,
    logRetentionDays: 30,
    retained: [],
  };
}

function month(usage: Record<string, number>): MonthlyUsage {
  return { usage, perRun: { command: {}, automation: {}, association: {}, window: {} }, commandsPerDay: 22, pollsPerDay: 288, metricHours: {} };
}

describe('costLines', () => {
  const line = (lines: ReturnType<typeof costLines>, part: string) => lines.find((l) => l.part === part)?.usd ?? NaN;

  it('prices write units of tables and indexes alike, and the total is the sum of the parts', () => {
    const lines = costLines(referenceFleet, facts(), month({ [ddbWriteUnits('commands')]: 600_000, [ddbWriteUnits('commands', 'byRequestedYear')]: 400_000 }));
    expect(line(lines, 'DynamoDB writes')).toBeCloseTo(0.625, 6);
    expect(totalUsd(lines)).toBeCloseTo(lines.reduce((total, l) => total + l.usd, 0), 9);
  });

  it('stores a month of growth for every month of history, and backs up table data, not indexes', () => {
    const lines = costLines(
      { ...referenceFleet, historyMonths: 10 },
      facts(),
      month({ [ddbStoredBytes('commandInvocations')]: 1e9, [ddbStoredBytes('commandInvocations', 'byInstance')]: 1e9 }),
    );
    expect(line(lines, 'DynamoDB storage')).toBeCloseTo(20 * usEast1Prices.dynamoDbStorageGbMonth.usd, 6);
    expect(line(lines, 'DynamoDB PITR')).toBeCloseTo(10 * usEast1Prices.dynamoDbPitrGbMonth.usd, 6);
  });

  it('prices reads, alarms by the metrics they read, and the fixed parts from the template', () => {
    const lines = costLines(referenceFleet, facts(), month({ [ddbReadUnits('commands')]: 8e6, [meter.apiRequests]: 2e6 }));
    expect(line(lines, 'DynamoDB reads')).toBeCloseTo(1, 6);
    expect(line(lines, 'CloudWatch alarms')).toBeCloseTo(0.3, 6);
    expect(line(lines, 'CloudWatch dashboard')).toBe(3);
    expect(line(lines, 'API Gateway HTTP API')).toBeCloseTo(2, 6);
    expect(line(lines, 'EventBridge')).toBe(0);
  });

  it('bills Lambda by the synthesized memory', () => {
    const at = (memoryMb: number) => {
      const stack = facts();
      const lines = costLines(referenceFleet, { ...stack, collector: { ...stack.collector, memoryMb } }, month({ [meter.collectorMs]: 1e9 }));
      return line(lines, 'Lambda compute');
    };
    // 1e6 s of the collector and its stated cold starts: that many GB-s more at 2 GB than at 1 GB.
    const seconds = 1e6 + (statedFigures.coldStartsPerFunctionPerDay * DAYS_PER_MONTH * statedFigures.initMs) / 1000;
    expect(at(2048) - at(1024)).toBeCloseTo(seconds * usEast1Prices.lambdaArmGbSecond.usd, 6);
  });
});

describe('stackFactsOf', () => {
  /** The least of a synthesized template the cost model reads. */
  function template() {
    const tableRef = (id: string) => ({ Ref: `Table${id}` });
    const fn = (memory: number, variables: Record<string, unknown> = {}) => ({
      Type: 'AWS::Lambda::Function',
      Properties: { MemorySize: memory, Architectures: ['arm64'], Environment: { Variables: { POWERTOOLS_LOG_LEVEL: 'INFO', ...variables } } },
    });
    const resources: Record<string, { Type: string; Properties?: Record<string, unknown>; DeletionPolicy?: string }> = {
      Collector: fn(512, Object.fromEntries(tableIds.map((id) => [tableSchemas[id].envVar, tableRef(id)]))),
      Poller: fn(256),
      Query: fn(128),
      Mapping: { Type: 'AWS::Lambda::EventSourceMapping', Properties: { FunctionName: { Ref: 'Collector' }, BatchSize: 10, MaximumBatchingWindowInSeconds: 5 } },
      Schedule: { Type: 'AWS::Events::Rule', Properties: { ScheduleExpression: 'rate(15 minutes)', Targets: [{ Arn: { 'Fn::GetAtt': ['Poller', 'Arn'] } }] } },
      Events: { Type: 'AWS::Events::Rule', Properties: { EventPattern: { source: ['aws.ssm'], 'detail-type': ['A', 'B'] } } },
      Integration: { Type: 'AWS::ApiGatewayV2::Integration', Properties: { IntegrationUri: { 'Fn::GetAtt': ['Query', 'Arn'] } } },
      Single: { Type: 'AWS::CloudWatch::Alarm', Properties: { MetricName: 'Errors' } },
      Math: {
        Type: 'AWS::CloudWatch::Alarm',
        Properties: { Metrics: [{ Expression: 'a / b' }, { MetricStat: { Metric: {} } }, { MetricStat: { Metric: {} } }] },
      },
      Logs: { Type: 'AWS::Logs::LogGroup', Properties: { RetentionInDays: 14 }, DeletionPolicy: 'Retain' },
    };
    for (const id of tableIds) {
      resources[`Table${id}`] = {
        Type: 'AWS::DynamoDB::GlobalTable',
        DeletionPolicy: 'Retain',
        Properties: {
          KeySchema: [
            { AttributeName: 'sk', KeyType: 'RANGE' },
            { AttributeName: 'pk', KeyType: 'HASH' },
          ],
          GlobalSecondaryIndexes: [
            { IndexName: 'byX', KeySchema: [{ AttributeName: 'x', KeyType: 'HASH' }], Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: ['a'] } },
          ],
          Replicas: [{ PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: id !== 'pollCheckpoints' } }],
        },
      };
    }
    return { Resources: resources };
  }

  it('finds the functions by their role and the tables by the collector environment', () => {
    const found = stackFactsOf(template());
    expect([found.collector.memoryMb, found.poller.memoryMb, found.query.memoryMb]).toEqual([512, 256, 128]);
    expect(found.pollIntervalMinutes).toBe(15);
    expect(found.eventDetailTypes).toEqual(['A', 'B']);
    expect(found.tables.commands.keys).toEqual(['pk', 'sk']);
    expect(found.tables.commands.indexes).toEqual([{ name: 'byX', keys: ['x'], projection: 'INCLUDE', include: ['a'] }]);
    expect(found.tables.commands.pitr).toBe(true);
    expect(found.tables.pollCheckpoints.pitr).toBe(false);
  });

  it('counts each metric a metric math alarm reads', () => {
    const found = stackFactsOf(template());
    expect(found.alarms).toBe(2);
    expect(found.alarmMetrics).toBe(3);
    expect(found.logRetentionDays).toBe(14);
    expect(found.retained).toHaveLength(tableIds.length + 1);
  });
});
