import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { DynamoDBClient, GetItemCommand, ScanCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { SSMClient } from '@aws-sdk/client-ssm';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { Metrics } from '@aws-lambda-powertools/metrics';
import type { HttpRequest } from '@smithy/protocol-http';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as cxapi from 'aws-cdk-lib/cx-api';
import dynalite from 'dynalite';
import { FailureAlerts } from '../lambdas/alerts/failure-alerts';
import { SnsAlertPublisher } from '../lambdas/alerts/sns-alert-publisher';
import { publishCollectionMetrics } from '../lambdas/collector/collection-metrics';
import { batchLogAttributes, Collector, type QueueMessage } from '../lambdas/collector/collector';
import { encodeWorkItem } from '../lambdas/collector/messages';
import { collectorConfigFrom, pollerConfigFrom } from '../lambdas/config';
import { fleetCommand, SsmSimulator, VirtualClock } from '../local/ssm-simulator';
import type { Log, LogAttributes } from '../lambdas/log';
import { METRICS_NAMESPACE } from '../lambdas/operational-metrics';
import { CheckpointStore } from '../lambdas/store/checkpoint-store';
import { publishPollMetrics } from '../lambdas/polling/poll-metrics';
import { pollOnce, type KindPollResult } from '../lambdas/polling/poller';
import { SQS_BATCH_SIZE } from '../lambdas/polling/work-sink';
import { PassLedger } from '../lambdas/store/pass-ledger';
import type { ApiRequest } from '../lambdas/query/http';
import { createQueryApi } from '../lambdas/query/router';
import { historySources } from '../lambdas/sources';
import { SsmCallMeter } from '../lambdas/ssm-call-meter';
import { createTables } from '../lambdas/store/create-tables';
import { prefixedTableNames, type ArchiveTableId as TableId } from '../lambdas/sources/tables';
import { RecordStore } from '../lambdas/store/record-store';
import { tableIds, tableSchemas, type TableNames } from '../lambdas/sources/tables';
import { SsmHistoryStack } from '../lib/ssm-history-stack';

/**
 * The cost model of `npm run bench`: what the deployed stack costs per month in us-east-1 for
 * a reference fleet, from the stack as synthesized (functions' memory, alarms, dashboards,
 * tables and their indexes, the queue's batch size, the poll schedule, log retention) and from
 * what the deployed code does in a simulated day (DynamoDB request units by table and index,
 * stored bytes, SQS requests, SNS publishes, log bytes, EMF metrics), priced at public on-demand
 * prices. Free tiers are left out: an account's free tier is usually spent elsewhere.
 *
 * The arithmetic (item sizes, request units, extrapolation, prices) is pure and tested; the
 * measurement runs the real collector, poller, failure alerts and query API on a virtual clock
 * against dynalite and the SSM simulator, as `replay.ts` does, with the polls on schedule.
 */

// ---------------------------------------------------------------------------------------------
// Prices: us-east-1, public on-demand. "knowledge" marks a figure taken from the
// named AWS pricing page as remembered, not re-read for this model: check it there.
// ---------------------------------------------------------------------------------------------

export interface Price {
  readonly usd: number;
  readonly unit: string;
  readonly source: string;
}

export const usEast1Prices = {
  dynamoDbWriteRequestUnit: {
    usd: 0.625 / 1e6,
    unit: 'write request unit (on-demand)',
    source: 'aws.amazon.com/dynamodb/pricing/on-demand ($0.625 per million since the Nov 2024 cut; also third-party summaries)',
  },
  dynamoDbReadRequestUnit: {
    usd: 0.125 / 1e6,
    unit: 'read request unit (on-demand)',
    source: 'aws.amazon.com/dynamodb/pricing/on-demand ($0.125 per million since the Nov 2024 cut)',
  },
  dynamoDbStorageGbMonth: { usd: 0.25, unit: 'GB-month, Standard table class', source: 'aws.amazon.com/dynamodb/pricing/on-demand (knowledge)' },
  dynamoDbPitrGbMonth: { usd: 0.2, unit: 'GB-month of continuous backup (PITR)', source: 'aws.amazon.com/dynamodb/pricing/on-demand (knowledge)' },
  lambdaArmGbSecond: { usd: 0.0000133334, unit: 'GB-second on arm64 (first 7.5 billion)', source: 'aws.amazon.com/lambda/pricing (knowledge)' },
  lambdaRequest: { usd: 0.2 / 1e6, unit: 'request', source: 'aws.amazon.com/lambda/pricing (knowledge)' },
  sqsRequest: { usd: 0.4 / 1e6, unit: 'request to a standard queue (each 64 KB chunk of a payload is one)', source: 'aws.amazon.com/sqs/pricing (knowledge)' },
  snsPublish: { usd: 0.5 / 1e6, unit: 'publish to a standard topic (each 64 KB chunk is one)', source: 'aws.amazon.com/sns/pricing (knowledge)' },
  snsEmail: { usd: 2 / 1e5, unit: 'email notification', source: 'aws.amazon.com/sns/pricing (knowledge)' },
  kmsKeyMonth: {
    usd: 1,
    unit: 'customer managed key-month (rotation adds $1 for each of the first two rotations)',
    source: 'aws.amazon.com/kms/pricing (knowledge)',
  },
  kmsRequest: { usd: 0.03 / 1e4, unit: 'request', source: 'aws.amazon.com/kms/pricing (knowledge)' },
  cloudWatchAlarmMetric: {
    usd: 0.1,
    unit: 'standard-resolution alarm metric-month (a metric math alarm counts each metric it reads)',
    source: 'aws.amazon.com/cloudwatch/pricing (knowledge)',
  },
  cloudWatchDashboard: { usd: 3, unit: 'dashboard-month', source: 'aws.amazon.com/cloudwatch/pricing (knowledge)' },
  cloudWatchCustomMetric: {
    usd: 0.3,
    unit: 'metric-month (first 10,000), prorated by the hours it is published',
    source: 'aws.amazon.com/cloudwatch/pricing (knowledge)',
  },
  cloudWatchLogsIngestedGb: { usd: 0.5, unit: 'GB ingested (Standard log class)', source: 'aws.amazon.com/cloudwatch/pricing (knowledge)' },
  cloudWatchLogsStoredGbMonth: { usd: 0.03, unit: 'GB-month stored', source: 'aws.amazon.com/cloudwatch/pricing (knowledge)' },
  xrayTrace: { usd: 5 / 1e6, unit: 'trace recorded', source: 'aws.amazon.com/xray/pricing (knowledge)' },
  httpApiRequest: {
    usd: 1 / 1e6,
    unit: 'HTTP API request (first 300 million)',
    source: 'aws.amazon.com/api-gateway/pricing; AWS Compute blog, "HTTP APIs now generally available"',
  },
  eventBridgeAwsServiceEvent: {
    usd: 0,
    unit: 'state change event from an AWS service to the default bus, and a scheduled rule invocation',
    source: 'aws.amazon.com/eventbridge/pricing: events published by AWS services are free (knowledge)',
  },
  ssmReadCall: {
    usd: 0,
    unit: 'List/Describe/Get call of Run Command, Automation, State Manager, Maintenance Windows',
    source: 'aws.amazon.com/systems-manager/pricing: no charge for these APIs (knowledge)',
  },
} as const satisfies Record<string, Price>;

export type Prices = { readonly [name in keyof typeof usEast1Prices]: Price };

// ---------------------------------------------------------------------------------------------
// DynamoDB request units and sizes.
// ---------------------------------------------------------------------------------------------

export type Item = Readonly<Record<string, AttributeValue>>;

const utf8 = (text: string): number => Buffer.byteLength(text, 'utf8');
const sum = (values: readonly number[]): number => values.reduce((a, b) => a + b, 0);

/** A number's size: 1 byte per two significant digits, plus 1 (leading and trailing zeros do not count). */
function numberBytes(text: string): number {
  const digits = text.replace(/^[-+]/, '').replace(/[eE].*$/, '').replace('.', '').replace(/^0+/, '').replace(/0+$/, '');
  return Math.ceil(Math.max(1, digits.length) / 2) + 1;
}

/**
 * The size DynamoDB bills and limits for one attribute value: strings and binaries by their
 * bytes, numbers by their significant digits, booleans and null 1 byte, sets by their
 * elements, lists and maps 3 bytes plus 1 byte per element (and a map element's name)
 * (DynamoDB developer guide, "Item sizes and formats").
 */
export function attributeValueBytes(value: AttributeValue): number {
  if (value.S !== undefined) return utf8(value.S);
  if (value.N !== undefined) return numberBytes(value.N);
  if (value.B !== undefined) return value.B.length;
  if (value.BOOL !== undefined || value.NULL !== undefined) return 1;
  if (value.SS !== undefined) return sum(value.SS.map(utf8));
  if (value.NS !== undefined) return sum(value.NS.map(numberBytes));
  if (value.BS !== undefined) return sum(value.BS.map((element) => element.length));
  if (value.L !== undefined) return 3 + sum(value.L.map((element) => 1 + attributeValueBytes(element)));
  if (value.M !== undefined) return 3 + sum(Object.entries(value.M).map(([name, element]) => 1 + utf8(name) + attributeValueBytes(element)));
  return 0;
}

/** An item's size: each attribute's name and value. */
export const itemBytes = (item: Item): number => sum(Object.entries(item).map(([name, value]) => utf8(name) + attributeValueBytes(value)));

/** A standard write: 1 unit per KB, rounded up, at least 1 (a rejected conditional write included). */
export const writeRequestUnits = (bytes: number): number => Math.max(1, Math.ceil(bytes / 1024));

/** A read: 1 unit per 4 KB, rounded up, at least 1; half of that when eventually consistent. */
export const readRequestUnits = (bytes: number, consistent: boolean): number => Math.max(1, Math.ceil(bytes / 4096)) * (consistent ? 1 : 0.5);

/** DynamoDB adds this much to every stored item, and to every index entry, for storage billing. */
export const STORAGE_OVERHEAD_BYTES = 100;

export interface IndexShape {
  readonly name: string;
  /** Partition key, then sort key. */
  readonly keys: readonly string[];
  readonly projection: 'ALL' | 'KEYS_ONLY' | 'INCLUDE';
  readonly include: readonly string[];
}

export interface TableShape {
  readonly keys: readonly string[];
  readonly indexes: readonly IndexShape[];
}

/**
 * What the index holds of an item: nothing when the item lacks one of the index's key
 * attributes (the index is sparse), else the table's and the index's keys and the projected
 * attributes.
 */
export function indexEntry(table: TableShape, index: IndexShape, item: Item | undefined): Item | undefined {
  if (item === undefined || index.keys.some((key) => item[key] === undefined)) return undefined;
  if (index.projection === 'ALL') return item;
  const kept = new Set([...table.keys, ...index.keys, ...(index.projection === 'INCLUDE' ? index.include : [])]);
  return Object.fromEntries(Object.entries(item).filter(([name]) => kept.has(name)));
}

/** An attribute value in one spelling whatever the order of its sets' elements and its map's names. */
function canonical(value: AttributeValue): string {
  if (value.SS !== undefined) return JSON.stringify({ SS: [...value.SS].sort() });
  if (value.NS !== undefined) return JSON.stringify({ NS: [...value.NS].sort() });
  if (value.L !== undefined) return `{"L":[${value.L.map(canonical).join(',')}]}`;
  if (value.M !== undefined) return `{"M":${canonicalItem(value.M)}}`;
  return JSON.stringify(value);
}

const canonicalItem = (item: Item): string =>
  `{${Object.keys(item)
    .sort()
    .map((name) => `${JSON.stringify(name)}:${canonical(item[name] as AttributeValue)}`)
    .join(',')}}`;

export interface WriteUnits {
  readonly table: number;
  /** By index name; an index the write did not touch has 0. */
  readonly indexes: Readonly<Record<string, number>>;
}

/**
 * The write request units of one UpdateItem, from the item before and after it (DynamoDB
 * developer guide, "Read/write capacity mode" and "Global secondary indexes: provisioned
 * throughput considerations"):
 * - the table: the larger of the item's sizes before and after, by the KB; a write whose
 *   condition failed still costs the existing item's size (1 unit without one), and touches no index;
 * - each index: nothing when the item is in it neither before nor after, or its entry did not
 *   change; a put or a delete when it enters or leaves it; a delete and a put when the index
 *   key changed; otherwise one update of the entry.
 */
export function updateItemWriteUnits(table: TableShape, before: Item | undefined, after: Item | undefined, conditionFailed: boolean): WriteUnits {
  const indexes: Record<string, number> = {};
  if (conditionFailed) {
    for (const index of table.indexes) indexes[index.name] = 0;
    return { table: before === undefined ? 1 : writeRequestUnits(itemBytes(before)), indexes };
  }
  const size = Math.max(before === undefined ? 0 : itemBytes(before), after === undefined ? 0 : itemBytes(after));
  for (const index of table.indexes) {
    const old = indexEntry(table, index, before);
    const fresh = indexEntry(table, index, after);
    if (old === undefined && fresh === undefined) indexes[index.name] = 0;
    else if (old === undefined) indexes[index.name] = writeRequestUnits(itemBytes(fresh as Item));
    else if (fresh === undefined) indexes[index.name] = writeRequestUnits(itemBytes(old));
    else if (index.keys.some((key) => canonical(old[key] as AttributeValue) !== canonical(fresh[key] as AttributeValue))) {
      indexes[index.name] = writeRequestUnits(itemBytes(old)) + writeRequestUnits(itemBytes(fresh));
    } else if (canonicalItem(old) === canonicalItem(fresh)) indexes[index.name] = 0;
    else indexes[index.name] = writeRequestUnits(Math.max(itemBytes(old), itemBytes(fresh)));
  }
  return { table: writeRequestUnits(size), indexes };
}

/** The bytes an item costs in storage: in the table, and in each index that holds it. */
export function storedBytes(table: TableShape, item: Item): WriteUnits {
  const indexes: Record<string, number> = {};
  for (const index of table.indexes) {
    const entry = indexEntry(table, index, item);
    indexes[index.name] = entry === undefined ? 0 : itemBytes(entry) + STORAGE_OVERHEAD_BYTES;
  }
  return { table: itemBytes(item) + STORAGE_OVERHEAD_BYTES, indexes };
}

// ---------------------------------------------------------------------------------------------
// Usage: named counters that add, scale and extrapolate alike.
// ---------------------------------------------------------------------------------------------

/** What something uses, by meter name (see `meter` and the `ddb*` names). */
export type Usage = Readonly<Record<string, number>>;

export const meter = {
  collectorInvocations: 'lambda.collector.invocations',
  collectorMs: 'lambda.collector.ms',
  pollerInvocations: 'lambda.poller.invocations',
  pollerMs: 'lambda.poller.ms',
  queryInvocations: 'lambda.query.invocations',
  queryMs: 'lambda.query.ms',
  /** EventBridge's SendMessage of each event to the work queue. */
  sqsEventSends: 'sqs.eventSends',
  /** The pollers' SendMessageBatch requests. */
  sqsPollSends: 'sqs.pollSends',
  /** The event source's ReceiveMessage calls that returned a batch. */
  sqsReceives: 'sqs.receives',
  /** The event source's DeleteMessageBatch calls. */
  sqsDeletes: 'sqs.deletes',
  /** SNS Publish requests (64 KB chunks) of failure alerts. */
  snsPublishes: 'sns.publishes',
  /** Failure alerts: one message each to every email subscriber. */
  alerts: 'sns.alerts',
  ssmCalls: 'ssm.calls',
  dynamoDbCalls: 'ddb.calls',
  logBytes: 'logs.bytes',
  emfLines: 'logs.emfLines',
  apiRequests: 'api.requests',
} as const;

const ddbName = (table: string, index: string | undefined): string => (index === undefined ? table : `${table}/${index}`);
export const ddbWriteUnits = (table: string, index?: string): string => `ddb.wru.${ddbName(table, index)}`;
export const ddbReadUnits = (table: string, index?: string): string => `ddb.rru.${ddbName(table, index)}`;
export const ddbStoredBytes = (table: string, index?: string): string => `ddb.bytes.${ddbName(table, index)}`;

export function addUsage(...usages: readonly Usage[]): Usage {
  const total: Record<string, number> = {};
  for (const usage of usages) for (const [name, value] of Object.entries(usage)) total[name] = (total[name] ?? 0) + value;
  return total;
}

export const scaleUsage = (usage: Usage, factor: number): Usage => Object.fromEntries(Object.entries(usage).map(([name, value]) => [name, value * factor]));

export const subtractUsage = (from: Usage, usage: Usage): Usage => addUsage(from, scaleUsage(usage, -1));

/** Sum of the meters whose names start with `prefix`. */
export const usageOf = (usage: Usage, prefix: string): number => sum(Object.entries(usage).filter(([name]) => name.startsWith(prefix)).map(([, value]) => value));

/**
 * A straight line through what two sizes of the same activity used (e.g. a command to 50 and to
 * 150 nodes), read at `size`: the per-node part grows with the nodes, the per-command part stays.
 */
export function extrapolateUsage(small: { readonly size: number; readonly usage: Usage }, large: { readonly size: number; readonly usage: Usage }, size: number): Usage {
  if (large.size === small.size) throw new RangeError('extrapolateUsage needs two different sizes');
  const perUnit = scaleUsage(subtractUsage(large.usage, small.usage), 1 / (large.size - small.size));
  return addUsage(small.usage, scaleUsage(perUnit, size - small.size));
}

/**
 * A poll of the reference fleet when nothing runs: the command run's idle poll, plus what each
 * other run's standing definitions (an association, a window) add to it.
 */
export const standingPollUsage = (base: Usage, others: readonly Usage[]): Usage => addUsage(base, ...others.map((other) => subtractUsage(other, base)));

// ---------------------------------------------------------------------------------------------
// The stack as synthesized.
// ---------------------------------------------------------------------------------------------

export interface FunctionFacts {
  readonly logicalId: string;
  readonly memoryMb: number;
  readonly architecture: string;
  /** Environment variables with literal values (tokens such as table names left out). */
  readonly environment: Readonly<Record<string, string>>;
}

export interface StackFacts {
  readonly collector: FunctionFacts;
  readonly poller: FunctionFacts;
  readonly query: FunctionFacts;
  /** Every AWS::Lambda::Function (the three above and any custom resource handler). */
  readonly functions: number;
  /** The work queue's event source mapping. */
  readonly batchSize: number;
  readonly batchingWindowSeconds: number;
  readonly pollIntervalMinutes: number;
  /** The detail-types the SSM event rules route to the collector's queues. */
  readonly eventDetailTypes: readonly string[];
  /** The collector's event source mappings: each keeps its own long polls open on an idle queue. */
  readonly collectorQueues: number;
  /** The detail-types routed to a queue with a delivery delay (the gathering queue), and that delay in seconds. */
  readonly gathering: { readonly detailTypes: readonly string[]; readonly delaySeconds: number };
  readonly tables: Readonly<Record<TableId, TableShape & { readonly logicalId: string; readonly pitr: boolean }>>;
  readonly alarms: number;
  /** Metrics the alarms read: a metric math alarm counts each metric in its expression. */
  readonly alarmMetrics: number;
  readonly dashboards: number;
  readonly kmsKeys: number;
  readonly logGroups: number;
  readonly logRetentionDays: number;
  /** Resources CloudFormation keeps when the stack is deleted. */
  readonly retained: readonly { readonly type: string; readonly logicalId: string }[];
}

interface CfnResource {
  readonly Type: string;
  readonly Properties?: Readonly<Record<string, unknown>>;
  readonly DeletionPolicy?: string;
}

const isRecord = (value: unknown): value is Readonly<Record<string, unknown>> => typeof value === 'object' && value !== null && !Array.isArray(value);
const arrayOf = (value: unknown): readonly unknown[] => (Array.isArray(value) ? value : []);
const recordOf = (value: unknown): Readonly<Record<string, unknown>> => (isRecord(value) ? value : {});

/** The logical ID a `Ref` or `Fn::GetAtt` names. */
function referencedId(value: unknown): string | undefined {
  if (!isRecord(value)) return undefined;
  if (typeof value.Ref === 'string') return value.Ref;
  const getAtt = value['Fn::GetAtt'];
  if (Array.isArray(getAtt) && typeof getAtt[0] === 'string') return getAtt[0];
  return undefined;
}

function numberProperty(resource: CfnResource, name: string, what: string): number {
  const value = resource.Properties?.[name];
  if (typeof value !== 'number') throw new Error(`${what}: ${name} is not a number in the template`);
  return value;
}

const keyNamesOf = (keySchema: unknown): string[] =>
  [...arrayOf(keySchema)]
    .map(recordOf)
    .sort((a, b) => (a.KeyType === 'HASH' ? -1 : b.KeyType === 'HASH' ? 1 : 0))
    .map((key) => String(key.AttributeName));

/**
 * Reads what the cost depends on from a synthesized template: the functions by their role
 * (the one the work queue's event source invokes, the one the schedule invokes, the one the
 * API integrates), the tables by the environment variables the collector learns their names
 * from, and counts of alarms, dashboards, keys and log groups.
 */
export function stackFactsOf(template: { readonly Resources: Readonly<Record<string, CfnResource>> }): StackFacts {
  const resources = Object.entries(template.Resources);
  const ofType = (type: string) => resources.filter(([, resource]) => resource.Type === type);
  const only = (type: string, filter: (resource: CfnResource) => boolean = () => true): [string, CfnResource] => {
    const found = ofType(type).filter(([, resource]) => filter(resource));
    if (found.length !== 1) throw new Error(`expected one ${type}, found ${found.length}`);
    return found[0] as [string, CfnResource];
  };
  const functionFacts = (logicalId: string | undefined, role: string): FunctionFacts => {
    const resource = logicalId === undefined ? undefined : template.Resources[logicalId];
    if (logicalId === undefined || resource?.Type !== 'AWS::Lambda::Function') throw new Error(`no ${role} function in the template`);
    const variables = recordOf(recordOf(resource.Properties?.Environment).Variables);
    const architectures = arrayOf(resource.Properties?.Architectures);
    return {
      logicalId,
      memoryMb: numberProperty(resource, 'MemorySize', role),
      architecture: typeof architectures[0] === 'string' ? architectures[0] : 'x86_64',
      environment: Object.fromEntries(Object.entries(variables).filter((entry): entry is [string, string] => typeof entry[1] === 'string')),
    };
  };

  // The queue a rule's target delivers to, and its delivery delay.
  const delayOf = (queueArn: unknown): number => {
    const queue = template.Resources[referencedId(queueArn) ?? ''];
    return typeof queue?.Properties?.DelaySeconds === 'number' ? queue.Properties.DelaySeconds : 0;
  };
  // The work queue's mapping: the one whose queue delivers at once (the gathering queue's waits).
  const [, mapping] = only('AWS::Lambda::EventSourceMapping', (resource) => delayOf(resource.Properties?.EventSourceArn) === 0 && !(JSON.stringify(resource.Properties?.EventSourceArn) ?? '').includes('PollQueue'));
  const collector = functionFacts(referencedId(mapping.Properties?.FunctionName), 'collector');
  const collectorQueues = ofType('AWS::Lambda::EventSourceMapping').filter(([, resource]) => referencedId(resource.Properties?.FunctionName) === collector.logicalId).length;
  const [, schedule] = only('AWS::Events::Rule', (rule) => typeof rule.Properties?.ScheduleExpression === 'string');
  const poller = functionFacts(referencedId(recordOf(arrayOf(schedule.Properties?.Targets)[0]).Arn), 'poller');
  const [, integration] = only('AWS::ApiGatewayV2::Integration');
  const query = functionFacts(referencedId(integration.Properties?.IntegrationUri), 'query');
  const rate = /^rate\((\d+) minutes?\)$/.exec(String(schedule.Properties?.ScheduleExpression));
  if (!rate) throw new Error(`the poll schedule is not rate(N minutes): ${String(schedule.Properties?.ScheduleExpression)}`);
  // The SSM events' rule, and one per kind matched on its detail (Session Manager's CloudTrail calls).
  const eventRules = ofType('AWS::Events::Rule').filter(([, rule]) => rule.Properties?.EventPattern !== undefined);
  if (eventRules.length === 0) throw new Error('expected an AWS::Events::Rule with an event pattern, found none');
  const eventDetailTypes = eventRules
    .flatMap(([, rule]) => arrayOf(recordOf(rule.Properties?.EventPattern)['detail-type']))
    .filter((type): type is string => typeof type === 'string');
  const delayedRules = eventRules.filter(([, rule]) => delayOf(recordOf(arrayOf(rule.Properties?.Targets)[0]).Arn) > 0);
  const gathering = {
    detailTypes: delayedRules.flatMap(([, rule]) => arrayOf(recordOf(rule.Properties?.EventPattern)['detail-type'])).filter((type): type is string => typeof type === 'string'),
    delaySeconds: Math.max(0, ...delayedRules.map(([, rule]) => delayOf(recordOf(arrayOf(rule.Properties?.Targets)[0]).Arn))),
  };

  const collectorResource = template.Resources[collector.logicalId] as CfnResource;
  const collectorVariables = recordOf(recordOf(collectorResource.Properties?.Environment).Variables);
  const tables = {} as Record<TableId, TableShape & { logicalId: string; pitr: boolean }>;
  for (const id of tableIds) {
    const logicalId = referencedId(collectorVariables[tableSchemas[id].envVar]);
    const resource = logicalId === undefined ? undefined : template.Resources[logicalId];
    if (logicalId === undefined || resource === undefined) throw new Error(`no table for ${id} in the template`);
    const properties = recordOf(resource.Properties);
    const replica = recordOf(arrayOf(properties.Replicas)[0]);
    tables[id] = {
      logicalId,
      keys: keyNamesOf(properties.KeySchema),
      indexes: arrayOf(properties.GlobalSecondaryIndexes).map((raw) => {
        const index = recordOf(raw);
        const projection = recordOf(index.Projection);
        const type = projection.ProjectionType;
        return {
          name: String(index.IndexName),
          keys: keyNamesOf(index.KeySchema),
          projection: type === 'INCLUDE' || type === 'KEYS_ONLY' ? type : 'ALL',
          include: arrayOf(projection.NonKeyAttributes).filter((name): name is string => typeof name === 'string'),
        };
      }),
      pitr:
        recordOf(replica.PointInTimeRecoverySpecification).PointInTimeRecoveryEnabled === true ||
        recordOf(properties.PointInTimeRecoverySpecification).PointInTimeRecoveryEnabled === true,
    };
  }

  const alarms = ofType('AWS::CloudWatch::Alarm');
  const logGroups = ofType('AWS::Logs::LogGroup');
  const retentions = logGroups.map(([, group]) => group.Properties?.RetentionInDays).filter((days): days is number => typeof days === 'number');
  return {
    collector,
    poller,
    query,
    functions: ofType('AWS::Lambda::Function').length,
    batchSize: numberProperty(mapping, 'BatchSize', 'work queue event source'),
    batchingWindowSeconds: typeof mapping.Properties?.MaximumBatchingWindowInSeconds === 'number' ? mapping.Properties.MaximumBatchingWindowInSeconds : 0,
    pollIntervalMinutes: Number(rate[1]),
    eventDetailTypes,
    collectorQueues,
    gathering,
    tables,
    alarms: alarms.length,
    alarmMetrics: sum(
      alarms.map(([, alarm]) => {
        const metrics = arrayOf(alarm.Properties?.Metrics);
        return metrics.length === 0 ? 1 : metrics.filter((metric) => recordOf(metric).MetricStat !== undefined).length;
      }),
    ),
    dashboards: ofType('AWS::CloudWatch::Dashboard').length,
    kmsKeys: ofType('AWS::KMS::Key').length,
    logGroups: logGroups.length,
    logRetentionDays: retentions.length === 0 ? 0 : Math.max(...retentions),
    retained: resources.filter(([, resource]) => resource.DeletionPolicy === 'Retain').map(([logicalId, resource]) => ({ type: resource.Type, logicalId })),
  };
}

/** The stack as `cdk synth` makes it with cdk.json's context, without bundling the functions (their code does not change the template's figures). */
export function synthesizeStack(): StackFacts {
  const cdkJson = JSON.parse(readFileSync(path.join(__dirname, '..', 'cdk.json'), 'utf8')) as { context?: Record<string, unknown> };
  const app = new App({ context: { ...cdkJson.context, [cxapi.BUNDLING_STACKS]: [] } });
  const stack = new SsmHistoryStack(app, 'SsmHistory');
  return stackFactsOf(Template.fromStack(stack).toJSON() as { Resources: Record<string, CfnResource> });
}

// ---------------------------------------------------------------------------------------------
// Measurement: the deployed code on a virtual clock.
// ---------------------------------------------------------------------------------------------

/** Stated, not measured: how long one call takes from Lambda in the same Region (the bench's calls go over loopback). */
export const callLatencyMs = {
  ssm: 60,
  dynamoDb: 8,
  sqs: 15,
  sns: 25,
  /** The handler's own work per invocation: parsing, building records, the SDK's signing. */
  handler: 20,
} as const;

/** A Lambda invocation's billed duration, modelled as its calls one after another (an upper bound: the collector overlaps them). */
export const modelledDurationMs = (calls: { ssm: number; dynamoDb: number; sqs: number; sns: number }): number =>
  callLatencyMs.handler + calls.ssm * callLatencyMs.ssm + calls.dynamoDb * callLatencyMs.dynamoDb + calls.sqs * callLatencyMs.sqs + calls.sns * callLatencyMs.sns;

/** SQS and SNS bill each 64 KB chunk of a request's payload as one request. */
export const chunkedRequests = (payloadBytes: number): number => Math.max(1, Math.ceil(payloadBytes / 65_536));

const credentials = { accessKeyId: 'bench', secretAccessKey: 'bench' };
const ACCOUNT_ID = '123456789012';
const REGION = 'us-east-1';
const HOUR_MS = 3_600_000;
/** Two polls in a row that list nothing: the activity is archived and SSM has stopped changing it. */
const QUIET_POLLS = 2;
const MAX_VIRTUAL_MS = 8 * HOUR_MS;

/** The log lines a function writes (lambdas/log.ts's format), counted in bytes rather than printed. */
class MeasuredLog implements Log {
  bytes = 0;
  private readonly levels: ReadonlySet<string>;

  constructor(
    private readonly service: string,
    level: string,
    private readonly now: () => Date,
  ) {
    const order = ['DEBUG', 'INFO', 'WARN', 'ERROR'];
    this.levels = new Set(order.slice(Math.max(0, order.indexOf(level.toUpperCase()))));
  }

  private write(level: string, message: string, attributes?: LogAttributes): void {
    if (!this.levels.has(level)) return;
    this.bytes += utf8(JSON.stringify({ level, message, timestamp: this.now().toISOString(), service: this.service, ...attributes })) + 1;
  }

  debug = (message: string, attributes?: LogAttributes): void => this.write('DEBUG', message, attributes);
  info = (message: string, attributes?: LogAttributes): void => this.write('INFO', message, attributes);
  warn = (message: string, attributes?: LogAttributes): void => this.write('WARN', message, attributes);
  error = (message: string, attributes?: LogAttributes): void => this.write('ERROR', message, attributes);
}

/**
 * Powertools' metrics as the functions publish them, but each EMF line is measured instead of
 * printed: its bytes (CloudWatch Logs ingests it) and its metric and dimension combinations
 * (each one a custom metric), by the hour of the virtual clock it was published in.
 */
class MeasuredMetrics extends Metrics {
  bytes = 0;
  lines = 0;
  /** Metric and dimensions ("RecordsStored{kind=run-command,service=ssm-history}") to the virtual hours it was published in. */
  readonly hours = new Map<string, Set<number>>();
  /** Combinations published since the last `takePublished()`. */
  private published = new Set<string>();
  now: () => Date = () => new Date();

  override publishStoredMetrics(): this {
    if (this.hasStoredMetrics()) {
      const line = JSON.stringify(this.serializeMetrics());
      this.bytes += utf8(line) + 1;
      this.lines++;
      const emf = recordOf(JSON.parse(line));
      const hour = Math.floor(this.now().getTime() / HOUR_MS);
      for (const directive of arrayOf(recordOf(emf._aws).CloudWatchMetrics)) {
        const dimensionSets = arrayOf(recordOf(directive).Dimensions).map((set) => arrayOf(set).map(String));
        for (const metric of arrayOf(recordOf(directive).Metrics)) {
          for (const dimensions of dimensionSets) {
            const combo = `${String(recordOf(metric).Name)}{${[...dimensions].sort().map((name) => `${name}=${String(emf[name])}`).join(',')}}`;
            const hours = this.hours.get(combo) ?? new Set<number>();
            hours.add(hour);
            this.hours.set(combo, hours);
            this.published.add(combo);
          }
        }
      }
    }
    this.clearMetrics();
    this.clearDimensions();
    this.clearMetadata();
    return this;
  }

  takePublished(): string[] {
    const combos = [...this.published];
    this.published = new Set();
    return combos;
  }
}

/** One message on the simulated work queue. */
interface QueuedMessage {
  readonly id: string;
  readonly body: string;
  receives: number;
  /** When it may be received (virtual ms): its queue's delivery delay after it was sent. */
  readonly visibleAt: number;
  /** The gathering queue's, or the work queue's: each is drained in batches of its own. */
  readonly gathered: boolean;
}

/**
 * The deployed pipeline on the simulator's virtual clock: SSM's EventBridge events (those the
 * synthesized rule routes) and the scheduled poller feed one work queue, which the collector
 * drains in the event source's batches after its batching window; failure alerts go to a
 * counting SNS publisher. Every DynamoDB request is metered by table and index.
 */
class SimulatedDeployment {
  private readonly used: Record<string, number> = {};
  private readonly queue: QueuedMessage[] = [];
  private readonly shadow = new Map<string, Item | undefined>();
  private readonly locks = new Map<string, Promise<void>>();
  private readonly tableOf: ReadonlyMap<string, TableId>;
  private readonly ssmMeter: SsmCallMeter;
  private readonly collector: Collector;
  private readonly checkpoints: CheckpointStore;
  private readonly log: MeasuredLog;
  private readonly metrics: MeasuredMetrics;
  private readonly doc: DynamoDBDocumentClient;
  private readonly routed: ReadonlySet<string>;
  private readonly gathered: ReadonlySet<string>;
  private sequence = 0;
  private ddbCalls = 0;
  private snsCalls = 0;
  private sqsCalls = 0;
  private rateClockMs = 0;
  failedMessages = 0;

  private constructor(
    private readonly facts: StackFacts,
    readonly simulator: SsmSimulator,
    private readonly database: ReturnType<typeof dynalite>,
    private readonly ddb: DynamoDBClient,
    private readonly raw: DynamoDBClient,
    private readonly ssm: SSMClient,
    readonly tables: TableNames,
  ) {
    this.tableOf = new Map(tableIds.map((id) => [tables[id], id]));
    this.routed = new Set(facts.eventDetailTypes);
    this.gathered = new Set(facts.gathering.detailTypes);
    this.ssmMeter = new SsmCallMeter(ssm);
    this.meterDynamoDb();
    const now = () => simulator.now();
    const service = facts.collector.environment.POWERTOOLS_SERVICE_NAME ?? 'ssm-history';
    this.log = new MeasuredLog(service, facts.collector.environment.POWERTOOLS_LOG_LEVEL ?? 'INFO', now);
    this.metrics = new MeasuredMetrics({ namespace: METRICS_NAMESPACE, serviceName: service });
    this.metrics.now = now;
    this.doc = DynamoDBDocumentClient.from(ddb);
    const store = new RecordStore(this.doc, tableSchemas, tables, now);
    this.checkpoints = new CheckpointStore(this.doc, tables.pollCheckpoints);
    // The collector's configuration as the stack sets it; what CloudFormation resolves at deploy (names, ARNs, account) filled in here.
    const config = collectorConfigFrom({
      ...facts.collector.environment,
      ...Object.fromEntries(tableIds.map((id) => [tableSchemas[id].envVar, tables[id]])),
      ALERT_TOPIC_ARN: `arn:aws:sns:${REGION}:${ACCOUNT_ID}:bench-alerts`,
      ALERT_ACCOUNT_ID: ACCOUNT_ID,
      ALERT_PARTITION: 'aws',
      AWS_REGION: REGION,
      HOME_ACCOUNT: ACCOUNT_ID,
      SOURCE_ACCOUNTS: ACCOUNT_ID,
      SOURCE_REGIONS: REGION,
    });
    const alerts = config.alerts;
    this.collector = new Collector({
      sources: historySources,
      clients: { ssm },
      store,
      checkpoints: this.checkpoints,
      passes: new PassLedger(this.doc, tables.pollCheckpoints),
      logger: this.log,
      parentConcurrency: config.parentConcurrency,
      senders: config.senders,
      now,
      ...(alerts !== undefined
        ? {
            alerts: new FailureAlerts({
              publisher: new SnsAlertPublisher(alerts.topicArn, () => async (input) => {
                this.snsCalls++;
                this.add(meter.alerts, 1);
                this.add(meter.snsPublishes, chunkedRequests(utf8(input.Message ?? '') + utf8(input.Subject ?? '')));
                return { MessageId: `bench-${this.snsCalls}` };
              }),
              claims: store,
              config: alerts.config,
              context: alerts.context,
              maxAgeMs: alerts.maxAgeMs,
              logger: this.log,
              now,
            }),
          }
        : {}),
    });
    simulator.onEvent((event) => {
      if (event.channel !== 'eventbridge') return;
      const envelope = recordOf(JSON.parse(event.body));
      if (envelope.source !== 'aws.ssm' || !this.routed.has(String(envelope['detail-type']))) return;
      this.add(meter.sqsEventSends, chunkedRequests(utf8(event.body)));
      const gathered = this.gathered.has(String(envelope['detail-type']));
      const delayMs = gathered ? facts.gathering.delaySeconds * 1000 : 0;
      this.queue.push({ id: `m${++this.sequence}`, body: event.body, receives: 0, visibleAt: simulator.now().getTime() + delayMs, gathered });
    });
  }

  static async start(facts: StackFacts, seed: number): Promise<SimulatedDeployment> {
    const database = dynalite({ createTableMs: 0 });
    await new Promise<void>((resolve) => database.listen(0, '127.0.0.1', resolve));
    const endpoint = `http://127.0.0.1:${(database.address() as AddressInfo).port}`;
    const simulator = new SsmSimulator({ seed, clock: new VirtualClock(), region: REGION, accountId: ACCOUNT_ID });
    const { endpoint: ssmEndpoint } = await simulator.listen();
    const ddb = new DynamoDBClient({ endpoint, region: REGION, credentials });
    const raw = new DynamoDBClient({ endpoint, region: REGION, credentials });
    const ssm = new SSMClient({ endpoint: ssmEndpoint, region: REGION, credentials, retryMode: 'adaptive', maxAttempts: 6 });
    const tables = prefixedTableNames(`cost-${seed}-`);
    await createTables(raw, tableSchemas, tables);
    return new SimulatedDeployment(facts, simulator, database, ddb, raw, ssm, tables);
  }

  async close(): Promise<void> {
    this.ssm.destroy();
    this.ddb.destroy();
    this.raw.destroy();
    await this.simulator.close();
    await new Promise((resolve) => this.database.close(resolve));
  }

  private add(name: string, value: number): void {
    this.used[name] = (this.used[name] ?? 0) + value;
  }

  /** Everything used since the last reset, the log bytes and EMF lines written included. */
  usage(): Usage {
    return { ...this.used, [meter.logBytes]: this.log.bytes + this.metrics.bytes, [meter.emfLines]: this.metrics.lines };
  }

  resetUsage(): void {
    for (const name of Object.keys(this.used)) delete this.used[name];
    this.log.bytes = 0;
    this.metrics.bytes = 0;
    this.metrics.lines = 0;
    this.metrics.hours.clear();
  }

  /**
   * Meters every DynamoDB request on the wire (after the document client's marshalling, before
   * the SDK's retries): an UpdateItem's units from the item before it (as the last write left
   * it: every write goes through here) and after it (read back); a read's units as DynamoDB
   * reports them (ReturnConsumedCapacity).
   */
  private meterDynamoDb(): void {
    this.ddb.middlewareStack.add(
      (next) => async (args) => {
        if (!isHttpRequest(args.request)) return next(args);
        const request = args.request;
        const text = bodyText(request.body);
        if (text === undefined) return next(args);
        const operation = String(request.headers['x-amz-target'] ?? '').replace(/^DynamoDB_\d+\./, '');
        const body = recordOf(JSON.parse(text));
        this.ddbCalls++;
        this.add(meter.dynamoDbCalls, 1);
        if (operation === 'UpdateItem') {
          const tableName = String(body.TableName);
          const key = recordOf(body.Key) as Item;
          const itemKey = `${tableName}\u0000${canonicalItem(key)}`;
          return this.serialized(itemKey, async () => {
            const before = this.shadow.get(itemKey);
            try {
              const result = await next(args);
              const { Item: after } = await this.raw.send(new GetItemCommand({ TableName: tableName, Key: key, ConsistentRead: true }));
              this.shadow.set(itemKey, after);
              this.recordWrite(tableName, before, after, false);
              return result;
            } catch (error) {
              if (error instanceof Error && error.name === 'ConditionalCheckFailedException') this.recordWrite(tableName, before, before, true);
              throw error;
            }
          });
        }
        if (operation === 'GetItem' || operation === 'Query' || operation === 'BatchGetItem') {
          request.body = JSON.stringify({ ...body, ReturnConsumedCapacity: 'INDEXES' });
          request.headers['content-length'] = String(utf8(request.body as string));
          const result = await next(args);
          const output = recordOf(result.output);
          const consumed = Array.isArray(output.ConsumedCapacity) ? output.ConsumedCapacity : [output.ConsumedCapacity];
          for (const raw of consumed) {
            const capacity = recordOf(raw);
            const table = this.tableOf.get(String(capacity.TableName));
            if (table === undefined) continue;
            const tableUnits = recordOf(capacity.Table).CapacityUnits;
            this.add(ddbReadUnits(table), typeof tableUnits === 'number' ? tableUnits : Number(capacity.CapacityUnits ?? 0));
            for (const [index, units] of Object.entries(recordOf(capacity.GlobalSecondaryIndexes))) {
              this.add(ddbReadUnits(table, index), Number(recordOf(units).CapacityUnits ?? 0));
            }
          }
          return result;
        }
        return next(args);
      },
      { step: 'build', name: 'costModelDynamoDbMeter', override: true },
    );
  }

  /** Writes to one item one at a time, so that the item before each write is the one the last left. */
  private async serialized<T>(key: string, work: () => Promise<T>): Promise<T> {
    const previous = this.locks.get(key) ?? Promise.resolve();
    let release: () => void = () => undefined;
    const current = new Promise<void>((resolve) => (release = resolve));
    this.locks.set(key, current);
    await previous;
    try {
      return await work();
    } finally {
      release();
      if (this.locks.get(key) === current) this.locks.delete(key);
    }
  }

  private recordWrite(tableName: string, before: Item | undefined, after: Item | undefined, conditionFailed: boolean): void {
    const table = this.tableOf.get(tableName);
    if (table === undefined) throw new Error(`write to an unknown table ${tableName}`);
    const units = updateItemWriteUnits(this.facts.tables[table], before, after, conditionFailed);
    this.add(ddbWriteUnits(table), units.table);
    for (const [index, indexUnits] of Object.entries(units.indexes)) this.add(ddbWriteUnits(table, index), indexUnits);
  }

  private calls(): { ssm: number; dynamoDb: number; sqs: number; sns: number } {
    return { ssm: this.used[meter.ssmCalls] ?? 0, dynamoDb: this.ddbCalls, sqs: this.sqsCalls, sns: this.snsCalls };
  }

  private durationSince(before: { ssm: number; dynamoDb: number; sqs: number; sns: number }): number {
    const after = this.calls();
    return modelledDurationMs({ ssm: after.ssm - before.ssm, dynamoDb: after.dynamoDb - before.dynamoDb, sqs: after.sqs - before.sqs, sns: after.sns - before.sns });
  }

  private takeSsmCalls(): { calls: number; throttles: number } {
    const counts = this.ssmMeter.take();
    this.add(meter.ssmCalls, counts.calls);
    return counts;
  }

  /** One scheduled poller invocation, as lambdas/handlers/poller.ts runs it. Returns its results and what it published. */
  async poll(): Promise<{ results: KindPollResult[]; usage: Usage; metrics: string[] }> {
    const usedBefore = this.usage();
    const before = this.calls();
    const config = pollerConfigFrom({
      ...this.facts.poller.environment,
      ...Object.fromEntries(tableIds.map((id) => [tableSchemas[id].envVar, this.tables[id]])),
      WORK_QUEUE_URL: 'bench',
      HOME_ACCOUNT: ACCOUNT_ID,
      AWS_REGION: REGION,
    });
    this.metrics.takePublished();
    const results = await pollOnce(
      {
        sources: historySources,
        ssm: this.ssm,
        checkpoints: this.checkpoints,
        sink: {
          send: async (bodies) => {
            for (let start = 0; start < bodies.length; start += SQS_BATCH_SIZE) {
              const batch = bodies.slice(start, start + SQS_BATCH_SIZE);
              this.sqsCalls++;
              this.add(meter.sqsPollSends, chunkedRequests(sum(batch.map(utf8))));
              for (const body of batch) this.queue.push({ id: `m${++this.sequence}`, body, receives: 0, visibleAt: this.simulator.now().getTime(), gathered: false });
            }
          },
        },
        encode: encodeWorkItem,
        now: () => this.simulator.now(),
        log: this.log,
        backfillMs: config.backfillDays * 24 * HOUR_MS,
        overlapMs: config.overlapMinutes * 60_000,
        callsPerSecond: config.callsPerSecond,
        // The poller's own rate limit on a clock of its own: waiting for a token costs no virtual time here.
        rateClock: {
          now: () => this.rateClockMs,
          sleep: async (ms) => {
            this.rateClockMs += ms;
          },
        },
      },
      () => false,
    );
    this.log.info('Polled', { results });
    publishPollMetrics(this.metrics, results, this.takeSsmCalls());
    this.add(meter.pollerInvocations, 1);
    this.add(meter.pollerMs, this.durationSince(before));
    return { results, usage: subtractUsage(this.usage(), usedBefore), metrics: this.metrics.takePublished() };
  }

  /** The event source's batches of what is on the queue, one collector invocation each (lambdas/handlers/collector-function.ts). */
  async drain(): Promise<void> {
    for (;;) {
      // What is receivable now, one queue's batch at a time.
      const now = this.simulator.now().getTime();
      const first = this.queue.find((message) => message.visibleAt <= now);
      if (first === undefined) break;
      const batch = this.queue.filter((message) => message.visibleAt <= now && message.gathered === first.gathered).slice(0, this.facts.batchSize);
      for (const message of batch) this.queue.splice(this.queue.indexOf(message), 1);
      for (const message of batch) message.receives++;
      const before = this.calls();
      const messages: QueueMessage[] = batch.map(({ id, body }) => ({ id, body }));
      const result = await this.collector.collect(messages);
      this.log.info('Collected batch', batchLogAttributes(messages.length, result));
      publishCollectionMetrics(this.metrics, result, this.takeSsmCalls());
      this.add(meter.collectorInvocations, 1);
      this.add(meter.sqsReceives, 1);
      if (result.failedMessageIds.length < batch.length) this.add(meter.sqsDeletes, 1);
      this.add(meter.collectorMs, this.durationSince(before));
      const failed = new Set(result.failedMessageIds);
      for (const message of batch) {
        if (!failed.has(message.id)) continue;
        // The queue's redrive: three receives, then the dead-letter queue.
        if (message.receives < 3) this.queue.push(message);
        else this.failedMessages++;
      }
    }
  }

  /** What the archive stores now, by table and index, in billed bytes. */
  async storedBytes(): Promise<{ usage: Usage; items: number }> {
    const bytes: Record<string, number> = {};
    let items = 0;
    for (const id of tableIds) {
      let start: Record<string, AttributeValue> | undefined;
      do {
        const page = await this.raw.send(new ScanCommand({ TableName: this.tables[id], ExclusiveStartKey: start }));
        for (const item of page.Items ?? []) {
          items++;
          const stored = storedBytes(this.facts.tables[id], item);
          bytes[ddbStoredBytes(id)] = (bytes[ddbStoredBytes(id)] ?? 0) + stored.table;
          for (const [index, indexBytes] of Object.entries(stored.indexes)) {
            bytes[ddbStoredBytes(id, index)] = (bytes[ddbStoredBytes(id, index)] ?? 0) + indexBytes;
          }
        }
        start = page.LastEvaluatedKey;
      } while (start !== undefined);
    }
    return { usage: bytes, items };
  }

  /**
   * The query API's handler answering `requests` in-process (lambdas/handlers/query.ts), with
   * its DynamoDB reads metered: what one request uses on average.
   */
  async answer(requests: readonly ApiRequest[]): Promise<Usage> {
    const api = createQueryApi({ db: this.doc, tableNames: this.tables, pageTokenKey: 'bench', log: this.log });
    const usedBefore = this.usage();
    for (const request of requests) {
      const before = this.calls();
      const response = await api(request);
      if (response.statusCode !== 200) throw new Error(`${request.method} ${request.path} answered ${response.statusCode}: ${response.body}`);
      this.log.info('Answered', { method: request.method, path: request.path, operation: request.headers['x-amz-target'], status: response.statusCode });
      this.add(meter.queryInvocations, 1);
      this.add(meter.apiRequests, 1);
      this.add(meter.queryMs, this.durationSince(before));
    }
    return scaleUsage(subtractUsage(this.usage(), usedBefore), 1 / requests.length);
  }

  metricHours(): Map<string, Set<number>> {
    return this.metrics.hours;
  }
}

const isHttpRequest = (request: unknown): request is HttpRequest => isRecord(request) && isRecord(request.headers) && 'body' in request;

/** A JSON request's body, which the SDK serializes to bytes. */
function bodyText(body: unknown): string | undefined {
  if (typeof body === 'string') return body;
  if (body instanceof Uint8Array) return Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8');
  return undefined;
}

/** One activity measured at one size (nodes, targets): what it used once archived, idle polls taken out. */
export interface ActivityMeasurement {
  readonly size: number;
  readonly usage: Usage;
  /** One poll once the activity is over: its standing definitions (an association, a window) listed, nothing new found. */
  readonly idlePoll: Usage;
  /** Metric combinations every poll publishes: they are published every hour of the month. */
  readonly standingMetrics: readonly string[];
  /** Other metric combinations, and how many clock hours the activity published each in. */
  readonly metricHours: Readonly<Record<string, number>>;
  readonly polls: number;
  readonly virtualMinutes: number;
  /** Items the archive holds afterwards. */
  readonly records: number;
  readonly failedMessages: number;
}

/**
 * Plays one activity into a fresh deployment and runs the pipeline on the virtual clock, in
 * steps of the event source's batching window, the poller on its schedule, until the activity
 * is archived and two polls in a row list nothing. `afterwards` may read the archive before it closes.
 */
async function measureActivity(
  facts: StackFacts,
  seed: number,
  size: number,
  play: (simulator: SsmSimulator, size: number) => void,
  afterwards?: (deployment: SimulatedDeployment) => Promise<Usage>,
): Promise<{ measurement: ActivityMeasurement; afterwards?: Usage }> {
  const deployment = await SimulatedDeployment.start(facts, seed);
  try {
    const simulator = deployment.simulator;
    const pollMs = facts.pollIntervalMinutes * 60_000;
    const stepMs = Math.max(1, facts.batchingWindowSeconds) * 1000;
    // A deployed archive has polled before: its first poll (the backfill of an SSM that holds nothing yet) sets the watermarks.
    await deployment.poll();
    await deployment.drain();
    const baseline = await deployment.storedBytes();
    deployment.resetUsage();
    const start = simulator.now().getTime();
    play(simulator, size);
    let nextPoll = start + pollMs;
    let polls = 0;
    let listed = false;
    let quiet = 0;
    let lastPoll: Awaited<ReturnType<SimulatedDeployment['poll']>> | undefined;
    while (!(listed && quiet >= QUIET_POLLS)) {
      if (simulator.now().getTime() - start > MAX_VIRTUAL_MS) throw new Error(`the activity was not archived within ${MAX_VIRTUAL_MS / HOUR_MS} virtual hours`);
      simulator.advanceBy(stepMs);
      if (simulator.now().getTime() >= nextPoll) {
        lastPoll = await deployment.poll();
        polls++;
        nextPoll += pollMs;
        if (sum(lastPoll.results.map((result) => result.parentsListed)) > 0) {
          listed = true;
          quiet = 0;
        } else if (listed) quiet++;
      }
      await deployment.drain();
    }
    if (lastPoll === undefined) throw new Error('no poll ran');
    const virtualMinutes = (simulator.now().getTime() - start) / 60_000;
    const stored = await deployment.storedBytes();
    const standing = new Set(lastPoll.metrics);
    const metricHours: Record<string, number> = {};
    for (const [combo, hours] of deployment.metricHours()) if (!standing.has(combo)) metricHours[combo] = hours.size;
    const measurement: ActivityMeasurement = {
      size,
      usage: subtractUsage(addUsage(deployment.usage(), subtractUsage(stored.usage, baseline.usage)), scaleUsage(lastPoll.usage, polls)),
      idlePoll: lastPoll.usage,
      standingMetrics: [...standing],
      metricHours,
      polls,
      virtualMinutes,
      records: stored.items - baseline.items,
      failedMessages: deployment.failedMessages,
    };
    return afterwards === undefined ? { measurement } : { measurement, afterwards: await afterwards(deployment) };
  } finally {
    await deployment.close();
  }
}

// ---------------------------------------------------------------------------------------------
// The reference fleet, and its month.
// ---------------------------------------------------------------------------------------------

export interface ReferenceFleet {
  readonly nodes: number;
  /** Commands a day, each sent to every node. */
  readonly commandsPerDay: number;
  readonly automationsPerDay: number;
  readonly automationSteps: number;
  /** State Manager association runs a day, each on every node. */
  readonly associationRunsPerDay: number;
  /** Maintenance window executions a day, each one Run Command task on every node. */
  readonly windowExecutionsPerDay: number;
  /** Query API requests a month: a team's CLI, console and scripts. */
  readonly apiRequestsPerMonth: number;
  /** Email addresses subscribed to the alerts topic. */
  readonly alertEmails: number;
  /** The storage lines price the archive after this many months of history. */
  readonly historyMonths: number;
}

export const referenceFleet: ReferenceFleet = {
  nodes: 1000,
  commandsPerDay: 20,
  automationsPerDay: 1,
  automationSteps: 10,
  associationRunsPerDay: 1,
  windowExecutionsPerDay: 1,
  apiRequestsPerMonth: 10_000,
  alertEmails: 1,
  historyMonths: 12,
};

/** Stated, not measured. */
export const statedFigures = {
  /** Lambda's INIT phase is billed (since Aug 2025, knowledge); arm64 Node.js init measured at 328-341 ms by published benchmarks. */
  initMs: 350,
  /** Cold starts per function per day: one an hour. */
  coldStartsPerFunctionPerDay: 24,
  /** Lambda's platform lines per invocation in JSON log format (platform.start and platform.report with X-Ray fields). */
  platformLogBytesPerInvocation: 600,
  /** One HTTP API access log line (the stage's JSON format with an IAM caller). */
  accessLogBytesPerRequest: 450,
  /**
   * ReceiveMessage calls of the event source's pollers while the queue is empty: Lambda keeps
   * about five long polls of up to 20 s open (knowledge: Lambda developer guide, SQS event source scaling).
   */
  idleReceivesPerMinute: 15,
} as const;

export const DAYS_PER_MONTH = 365.25 / 12;
export const HOURS_PER_MONTH = 24 * DAYS_PER_MONTH;

/** The measurements the month is built from: each activity at two sizes (Automation at its one), and the query API's requests. */
export interface FleetMeasurements {
  readonly command: readonly [ActivityMeasurement, ActivityMeasurement];
  readonly automation: ActivityMeasurement;
  readonly association: readonly [ActivityMeasurement, ActivityMeasurement];
  readonly window: readonly [ActivityMeasurement, ActivityMeasurement];
  /** What one query API request uses on average. */
  readonly apiRequest: Usage;
}

export interface MonthlyUsage {
  /** Per month; the `ddb.bytes.*` meters are the storage one month of history adds. */
  readonly usage: Usage;
  /** One run of each activity at the fleet's size. */
  readonly perRun: Readonly<Record<'command' | 'automation' | 'association' | 'window', Usage>>;
  /** Commands a day the Run Command kind archives: the fleet's own, and those associations and windows run. */
  readonly commandsPerDay: number;
  readonly pollsPerDay: number;
  /** Custom metric combinations and the hours a month each is published. */
  readonly metricHours: Readonly<Record<string, number>>;
}

/**
 * The reference fleet's month: each activity read at the fleet's size, times its runs a day,
 * plus a standing poll every interval, times the days of a month; plus the query API's load.
 * SSM runs an association's run and a window's Run Command task as commands (one a node, as
 * their targets' OutputSource and task invocations' ExecutionId name them); the simulator
 * plays those, so each run's measurement includes the commands it ran and their archiving.
 */
export function monthlyUsage(fleet: ReferenceFleet, facts: StackFacts, measured: FleetMeasurements): MonthlyUsage {
  const at = (pair: readonly [ActivityMeasurement, ActivityMeasurement]): Usage =>
    extrapolateUsage({ size: pair[0].size, usage: pair[0].usage }, { size: pair[1].size, usage: pair[1].usage }, fleet.nodes);
  const commandsPerDay = fleet.commandsPerDay;
  const pollsPerDay = (24 * 60) / facts.pollIntervalMinutes;
  const standing = standingPollUsage(measured.command[1].idlePoll, [measured.automation.idlePoll, measured.association[1].idlePoll, measured.window[1].idlePoll]);
  const perRun = { command: at(measured.command), automation: measured.automation.usage, association: at(measured.association), window: at(measured.window) };
  const day = addUsage(
    scaleUsage(perRun.command, commandsPerDay),
    scaleUsage(perRun.automation, fleet.automationsPerDay),
    scaleUsage(perRun.association, fleet.associationRunsPerDay),
    scaleUsage(perRun.window, fleet.windowExecutionsPerDay),
    scaleUsage(standing, pollsPerDay),
  );
  const usage = addUsage(scaleUsage(day, DAYS_PER_MONTH), scaleUsage(measured.apiRequest, fleet.apiRequestsPerMonth));

  const hoursPerDay: Record<string, number> = {};
  const runs: [ActivityMeasurement, number][] = [
    [measured.command[1], commandsPerDay],
    [measured.automation, fleet.automationsPerDay],
    [measured.association[1], fleet.associationRunsPerDay],
    [measured.window[1], fleet.windowExecutionsPerDay],
  ];
  for (const [run, perDay] of runs) {
    for (const combo of run.standingMetrics) hoursPerDay[combo] = 24;
    for (const [combo, hours] of Object.entries(run.metricHours)) hoursPerDay[combo] = (hoursPerDay[combo] ?? 0) + hours * perDay;
  }
  const metricHours = Object.fromEntries(Object.entries(hoursPerDay).map(([combo, hours]) => [combo, Math.min(24, hours) * DAYS_PER_MONTH]));
  return { usage, perRun, commandsPerDay, pollsPerDay, metricHours };
}

export interface CostLine {
  readonly part: string;
  readonly usd: number;
  /** How the figure is made: quantities and prices. */
  readonly detail: string;
}

const millions = (value: number): string => `${(value / 1e6).toFixed(value >= 1e7 ? 1 : 2)} M`;
const thousands = (value: number): string =>
  value >= 1e6 ? millions(value) : value >= 1e4 ? `${Math.round(value / 1000)} k` : Math.round(value).toLocaleString('en-US');
const gb = (bytes: number): string => `${(bytes / 1e9).toFixed(bytes >= 1e10 ? 1 : 2)} GB`;
export const dollars = (usd: number): string => `$${usd.toFixed(2)}`;
const perMillion = (price: Price): string => `$${(price.usd * 1e6).toFixed(3).replace(/0+$/, '').replace(/\.$/, '')}/M`;

/** The month's bill, one line per part; `totalUsd` adds them. */
export function costLines(fleet: ReferenceFleet, facts: StackFacts, month: MonthlyUsage, prices: Prices = usEast1Prices): CostLine[] {
  const u = month.usage;
  const value = (name: string): number => u[name] ?? 0;
  const tableWrites = sum(tableIds.map((id) => value(ddbWriteUnits(id))));
  const indexWrites = usageOf(u, 'ddb.wru.') - tableWrites;
  const reads = usageOf(u, 'ddb.rru.');
  const storedPerMonth = usageOf(u, 'ddb.bytes.');
  const stored = storedPerMonth * fleet.historyMonths;
  // Continuous backups are billed on table data; global secondary indexes are not backed up (knowledge: the pricing page's "table data and local secondary indexes").
  const pitrPerMonth = sum(tableIds.filter((id) => facts.tables[id].pitr).map((id) => value(ddbStoredBytes(id))));
  const pitr = pitrPerMonth * fleet.historyMonths;

  const coldStarts = statedFigures.coldStartsPerFunctionPerDay * DAYS_PER_MONTH;
  const functions = [
    { facts: facts.collector, invocations: value(meter.collectorInvocations), ms: value(meter.collectorMs) },
    { facts: facts.poller, invocations: value(meter.pollerInvocations), ms: value(meter.pollerMs) },
    { facts: facts.query, invocations: value(meter.queryInvocations), ms: value(meter.queryMs) },
  ];
  const gbSeconds = sum(functions.map((fn) => ((fn.ms + coldStarts * statedFigures.initMs) / 1000) * (fn.facts.memoryMb / 1024)));
  const invocations = sum(functions.map((fn) => fn.invocations));
  const memories = [...new Set(functions.map((fn) => `${fn.facts.memoryMb} MB ${fn.facts.architecture}`))].join(', ');

  // Per queue the collector consumes: each event source mapping polls its own.
  const idleReceives = statedFigures.idleReceivesPerMinute * 60 * 24 * DAYS_PER_MONTH * facts.collectorQueues;
  const sqs = value(meter.sqsEventSends) + value(meter.sqsPollSends) + value(meter.sqsReceives) + value(meter.sqsDeletes) + idleReceives;
  const alerts = value(meter.alerts);
  const emails = alerts * fleet.alertEmails;
  // SNS asks KMS for a data key per publish to an encrypted topic and decrypts per delivery: an upper bound (it may reuse keys).
  const kmsRequests = alerts + emails;

  const logBytes =
    value(meter.logBytes) + invocations * statedFigures.platformLogBytesPerInvocation + value(meter.apiRequests) * statedFigures.accessLogBytesPerRequest;
  const retainedMonths = Math.max(1, facts.logRetentionDays / DAYS_PER_MONTH);
  const metricCombos = Object.keys(month.metricHours).length;
  const metricHours = sum(Object.values(month.metricHours));
  const apiRequests = value(meter.apiRequests);
  const traces = invocations;

  return [
    {
      part: 'DynamoDB writes',
      usd: (tableWrites + indexWrites) * prices.dynamoDbWriteRequestUnit.usd,
      detail: `${millions(tableWrites + indexWrites)} WRU: tables ${millions(tableWrites)}, indexes ${millions(indexWrites)}; ${perMillion(prices.dynamoDbWriteRequestUnit)}`,
    },
    {
      part: 'DynamoDB reads',
      usd: reads * prices.dynamoDbReadRequestUnit.usd,
      detail: `${thousands(reads)} RRU (collector, poller, ${thousands(apiRequests)} API requests); ${perMillion(prices.dynamoDbReadRequestUnit)}`,
    },
    {
      part: 'DynamoDB storage',
      usd: (stored / 1e9) * prices.dynamoDbStorageGbMonth.usd,
      detail: `${gb(stored)} after ${fleet.historyMonths} months (+${gb(storedPerMonth)} a month, indexes included); $${prices.dynamoDbStorageGbMonth.usd}/GB-month`,
    },
    {
      part: 'DynamoDB PITR',
      usd: (pitr / 1e9) * prices.dynamoDbPitrGbMonth.usd,
      detail: `${gb(pitr)} of table data after ${fleet.historyMonths} months, every table has point-in-time recovery; $${prices.dynamoDbPitrGbMonth.usd}/GB-month`,
    },
    {
      part: 'Lambda compute',
      usd: gbSeconds * prices.lambdaArmGbSecond.usd,
      detail: `${thousands(gbSeconds)} GB-s (${facts.functions} functions, ${memories}; calls x stated latency, ${statedFigures.coldStartsPerFunctionPerDay} cold starts/day each)`,
    },
    {
      part: 'Lambda requests',
      usd: invocations * prices.lambdaRequest.usd,
      detail: `${thousands(invocations)} (collector ${thousands(functions[0]?.invocations ?? 0)}, poller ${thousands(functions[1]?.invocations ?? 0)}, query ${thousands(functions[2]?.invocations ?? 0)}); ${perMillion(prices.lambdaRequest)}`,
    },
    {
      part: 'SQS requests',
      usd: sqs * prices.sqsRequest.usd,
      detail:
        `${thousands(sqs)}: events ${thousands(value(meter.sqsEventSends))}, poll sends ${thousands(value(meter.sqsPollSends))}, ` +
        `receives ${thousands(value(meter.sqsReceives))}, deletes ${thousands(value(meter.sqsDeletes))}, empty long polls ${thousands(idleReceives)}; ${perMillion(prices.sqsRequest)}`,
    },
    {
      part: 'SNS alerts',
      usd: value(meter.snsPublishes) * prices.snsPublish.usd + emails * prices.snsEmail.usd,
      detail: `${thousands(alerts)} failure alerts, ${thousands(emails)} emails to ${fleet.alertEmails} address; ${perMillion(prices.snsPublish)} publishes, $${(prices.snsEmail.usd * 1e5).toFixed(2)}/100k emails`,
    },
    {
      part: 'KMS',
      usd: facts.kmsKeys * prices.kmsKeyMonth.usd + kmsRequests * prices.kmsRequest.usd,
      detail: `${facts.kmsKeys} customer managed key (the topics'), ${thousands(kmsRequests)} requests at most; $${prices.kmsKeyMonth.usd}/key-month, $${(prices.kmsRequest.usd * 1e4).toFixed(2)}/10k`,
    },
    {
      part: 'EventBridge',
      usd: 0,
      detail: `${thousands(value(meter.sqsEventSends))} SSM events to the default bus and ${thousands(month.pollsPerDay * DAYS_PER_MONTH)} schedule runs: AWS service events are free`,
    },
    {
      part: 'CloudWatch alarms',
      usd: facts.alarmMetrics * prices.cloudWatchAlarmMetric.usd,
      detail: `${facts.alarms} alarms reading ${facts.alarmMetrics} metrics (template); $${prices.cloudWatchAlarmMetric.usd.toFixed(2)}/alarm metric`,
    },
    {
      part: 'CloudWatch dashboard',
      usd: facts.dashboards * prices.cloudWatchDashboard.usd,
      detail: `${facts.dashboards} dashboard (template); $${prices.cloudWatchDashboard.usd.toFixed(2)} each`,
    },
    {
      part: 'CloudWatch custom metrics',
      usd: (metricHours / HOURS_PER_MONTH) * prices.cloudWatchCustomMetric.usd,
      detail: `${metricCombos} EMF metric/dimension combinations, ${(metricHours / HOURS_PER_MONTH).toFixed(1)} metric-months by the hours published; $${prices.cloudWatchCustomMetric.usd.toFixed(2)}/metric-month`,
    },
    {
      part: 'CloudWatch Logs',
      usd: (logBytes / 1e9) * prices.cloudWatchLogsIngestedGb.usd + ((logBytes * retainedMonths) / 1e9) * prices.cloudWatchLogsStoredGbMonth.usd,
      detail: `${gb(logBytes)} ingested (app, EMF, platform and access lines), kept ${facts.logRetentionDays} days; $${prices.cloudWatchLogsIngestedGb.usd.toFixed(2)}/GB, $${prices.cloudWatchLogsStoredGbMonth.usd.toFixed(2)}/GB-month`,
    },
    {
      part: 'X-Ray traces',
      usd: traces * prices.xrayTrace.usd,
      detail: `${thousands(traces)} at most (tracing ACTIVE, every invocation sampled); ${perMillion(prices.xrayTrace)}`,
    },
    {
      part: 'API Gateway HTTP API',
      usd: apiRequests * prices.httpApiRequest.usd,
      detail: `${thousands(apiRequests)} requests (stated load); ${perMillion(prices.httpApiRequest)}`,
    },
    {
      part: 'SSM read APIs',
      usd: 0,
      detail: `${thousands(value(meter.ssmCalls))} List/Describe/Get calls: no charge`,
    },
  ];
}

export const totalUsd = (lines: readonly CostLine[]): number => sum(lines.map((line) => line.usd));

/** What one more month of history adds to the monthly bill: its storage, and the backups of its table data. */
export function growthUsdPerMonth(facts: StackFacts, month: MonthlyUsage, prices: Prices = usEast1Prices): number {
  const tableBytes = sum(tableIds.filter((id) => facts.tables[id].pitr).map((id) => month.usage[ddbStoredBytes(id)] ?? 0));
  return (usageOf(month.usage, 'ddb.bytes.') / 1e9) * prices.dynamoDbStorageGbMonth.usd + (tableBytes / 1e9) * prices.dynamoDbPitrGbMonth.usd;
}

// ---------------------------------------------------------------------------------------------
// The bench's entry: measure, then print.
// ---------------------------------------------------------------------------------------------

/**
 * The two sizes each per-node activity is measured at; the month reads the line through them
 * at the fleet's size. Above 50: a command to at most 50 nodes names them (SendCommand's
 * InstanceIds), a larger one targets a tag, and its record differs.
 */
export const MEASURED_SIZES = [100, 200] as const;

/** How long the fleet's command takes to reach every node (the simulator's fleetCommand default). */
const FLEET_SPREAD_MS = 180_000;

export interface CostModelFigures {
  readonly fleet: ReferenceFleet;
  readonly facts: StackFacts;
  readonly measured: FleetMeasurements;
  readonly month: MonthlyUsage;
  readonly lines: readonly CostLine[];
  readonly totalUsd: number;
  readonly seconds: number;
}

export async function benchCostModel(fleet: ReferenceFleet = referenceFleet): Promise<CostModelFigures> {
  const started = process.hrtime.bigint();
  const facts = synthesizeStack();
  const seed = 17;
  // The fleet's pace: fewer nodes reached in proportionally less time, so that the event
  // source's batches are as full as the whole fleet's events make them.
  const commandRun = (simulator: SsmSimulator, nodes: number) =>
    void simulator.sendCommand(fleetCommand({ nodes, seed, spreadMs: Math.round((FLEET_SPREAD_MS * nodes) / fleet.nodes) }));
  const [smallCommand, largeCommand] = MEASURED_SIZES;
  const command = [
    (await measureActivity(facts, seed, smallCommand, commandRun)).measurement,
    await measureActivity(facts, seed, largeCommand, commandRun, async (deployment) => {
      const truth = deployment.simulator.truth();
      const commandId = truth.commands[0]?.CommandId ?? '';
      const instanceId = truth.invocations[0]?.InstanceId ?? '';
      return deployment.answer(referenceQueries(commandId, instanceId));
    }),
  ] as const;
  const automation = await measureActivity(facts, seed, fleet.automationSteps, (simulator, steps) =>
    void simulator.startAutomation({ steps, documentName: 'Bench-Runbook' }),
  );
  // The association and window runs succeed. A failed target would cost more than its share:
  // each failure event of a window task has the collector list and rewrite all of the task's
  // invocations, so failures x targets writes (50,000 for 5% of 1,000 nodes).
  const associationRun = (simulator: SsmSimulator, targets: number) => void simulator.createAssociation({ targets, executions: 1 });
  const windowRun = (simulator: SsmSimulator, targets: number) => void simulator.createMaintenanceWindow({ executions: 1, tasks: [{ targets }] });
  const association = await Promise.all(MEASURED_SIZES.map(async (size) => (await measureActivity(facts, seed, size, associationRun)).measurement));
  const window = await Promise.all(MEASURED_SIZES.map(async (size) => (await measureActivity(facts, seed, size, windowRun)).measurement));
  const measured: FleetMeasurements = {
    command: [command[0], command[1].measurement],
    automation: automation.measurement,
    association: [association[0] as ActivityMeasurement, association[1] as ActivityMeasurement],
    window: [window[0] as ActivityMeasurement, window[1] as ActivityMeasurement],
    apiRequest: command[1].afterwards ?? {},
  };
  const month = monthlyUsage(fleet, facts, measured);
  const lines = costLines(fleet, facts, month);
  return { fleet, facts, measured, month, lines, totalUsd: totalUsd(lines), seconds: Number(process.hrtime.bigint() - started) / 1e9 };
}

/** The query load's mix: SSM-protocol listings with details, the timeline, a node's history, the status. */
function referenceQueries(commandId: string, instanceId: string): ApiRequest[] {
  const ssm = (operation: string, body: object): ApiRequest => ({
    method: 'POST',
    path: '/',
    query: {},
    headers: { 'x-amz-target': `AmazonSSM.${operation}`, 'content-type': 'application/x-amz-json-1.1' },
    body: JSON.stringify(body),
  });
  const view = (path: string, query: Record<string, string>): ApiRequest => ({ method: 'GET', path, query, headers: {}, body: '' });
  return [
    ssm('ListCommands', { MaxResults: 50 }),
    ssm('ListCommandInvocations', { CommandId: commandId, Details: true, MaxResults: 50 }),
    ssm('ListCommandInvocations', { InstanceId: instanceId, Details: true, MaxResults: 50 }),
    view('/executions', { limit: '50' }),
    view('/executions', { kind: 'command-invocation', status: 'Failed', limit: '50' }),
    view(`/instances/${instanceId}/history`, { limit: '50' }),
    view('/status', {}),
  ];
}

const fleetDescription = (fleet: ReferenceFleet): string =>
  `${fleet.nodes.toLocaleString('en-US')} nodes; ${fleet.commandsPerDay} commands/day to all; ${fleet.automationsPerDay} Automation of ${fleet.automationSteps} steps, ` +
  `${fleet.associationRunsPerDay} association run and ${fleet.windowExecutionsPerDay} window execution (1 Run Command task) a day on all nodes; ` +
  `${fleet.apiRequestsPerMonth.toLocaleString('en-US')} API requests/month; ${fleet.alertEmails} alert email`;

/** The cost section of the bench's output. */
export function costModelLines(figures: CostModelFigures): string[] {
  const { measured, month } = figures;
  const runs = [...measured.command, measured.automation, ...measured.association, ...measured.window];
  const failed = sum(runs.map((run) => run.failedMessages));
  const nodes = figures.fleet.nodes.toLocaleString('en-US');
  const run = (label: string, usage: Usage, records: string): string => {
    const tables = sum(tableIds.map((id) => usage[ddbWriteUnits(id)] ?? 0));
    const writes = usageOf(usage, 'ddb.wru.');
    return (
      `  ${label.padEnd(28)}${thousands(writes).padStart(8)} WRU (tables ${thousands(tables)}, indexes ${thousands(writes - tables)}), ` +
      `${(usageOf(usage, 'ddb.bytes.') / 1e6).toFixed(2)} MB stored for ${records}, ${thousands(usage[meter.sqsEventSends] ?? 0)} events, ` +
      `${thousands(usage[meter.collectorInvocations] ?? 0)} collector invocations, ${thousands(usage[meter.ssmCalls] ?? 0)} SSM calls, ${thousands(usage[meter.alerts] ?? 0)} alerts`
    );
  };
  return [
    `Cost model, us-east-1, USD/month: ${fleetDescription(figures.fleet)}`,
    `  (the deployed collector, poller, alerts and query API on a virtual clock, polls every ${figures.facts.pollIntervalMinutes} min, until two polls find nothing; ` +
      `a command (5% of nodes fail), an association run and a window execution each measured at ${MEASURED_SIZES.join(' and ')} nodes and read at ${nodes}; ` +
      `${month.commandsPerDay} commands/day sent, besides those the association's and the window's runs run on each node (measured with their runs); ${failed} messages failed; ${figures.seconds.toFixed(0)} s)`,
    run(`per command (${nodes} nodes)`, month.perRun.command, `${nodes} invocations`),
    run(`per Automation`, month.perRun.automation, `${figures.fleet.automationSteps} steps`),
    run(`per association run`, month.perRun.association, `${nodes} targets`),
    run(`per window execution`, month.perRun.window, `${nodes} task invocations`),
    ...figures.lines.map((line) => `  ${line.part.padEnd(28)}${dollars(line.usd).padStart(8)}  (${line.detail})`),
    `  ${'total'.padEnd(28)}${dollars(figures.totalUsd).padStart(8)}  (in month ${figures.fleet.historyMonths}; each month of history adds ${dollars(growthUsdPerMonth(figures.facts, figures.month))}/month ` +
      `of storage and PITR; before free tiers; prices: public on-demand, sources in bench/cost-model.ts)`,
  ];
}

/** The cost section under bench/run.ts's JSON keys. */
export function costModelJson(figures: CostModelFigures): Record<string, unknown> {
  return {
    costTotalUsdPerMonth: Math.round(figures.totalUsd * 100) / 100,
    costPartsUsdPerMonth: Object.fromEntries(figures.lines.map((line) => [line.part, Math.round(line.usd * 100) / 100])),
    costCommandsPerDay: figures.month.commandsPerDay,
    costWriteRequestUnitsPerMonth: Math.round(usageOf(figures.month.usage, 'ddb.wru.')),
    costStoredBytesPerMonth: Math.round(usageOf(figures.month.usage, 'ddb.bytes.')),
    costModelSeconds: Math.round(figures.seconds),
  };
}

if (require.main === module) {
  benchCostModel()
    .then((figures) => process.stdout.write(`${(process.argv.includes('--json') ? [JSON.stringify(costModelJson(figures))] : costModelLines(figures)).join('\n')}\n`))
    .catch((error: unknown) => {
      process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
      process.exitCode = 1;
    });
}
