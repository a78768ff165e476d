import { Duration, Token, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { tableIds } from '../lambdas/store/schema';
import { ArchiveFunction } from './archive-function';
import type { HistoryTables } from './history-tables';
import { collectorEntry } from './lambda-bundling';
import { addSsmReadPolicies } from './ssm-read-policies';
import {
  collectorActionsOf,
  scopedCollectorActionsOf,
  tablesWrittenBy,
  type SourceInfrastructure,
} from './source-infrastructure';

/** Lambda's bounds for an SQS event source's ScalingConfig.MaximumConcurrency. */
const MIN_MAX_CONCURRENCY = 2;
const MAX_MAX_CONCURRENCY = 1000;

export interface CollectorProps {
  /** The history kinds the collector's bundle handles; they decide its SSM actions and tables. */
  readonly sources: readonly SourceInfrastructure[];
  readonly tables: HistoryTables;
  /** The work queue it consumes. Its visibility timeout must be at least 6x `timeout`. */
  readonly queue: sqs.IQueue;
  /** Longest invocation: one batch, with its SSM retries. */
  readonly timeout: Duration;
  /**
   * Most concurrent collector invocations the queue may drive, which bounds the SSM call rate
   * (SSM throttles its read APIs per account and Region, shared with every other SSM client).
   * Unlike reserved concurrency, this does not make Lambda return messages to the queue as
   * throttled, so they do not burn receives towards the DLQ. Lambda's minimum is 2.
   * @default 5
   */
  readonly maxConcurrency?: number;
  /** @default - ArchiveFunction's default */
  readonly logRetention?: logs.RetentionDays;
}

/**
 * The only writer of history records: consumes the work queue in batches, fetches details
 * from SSM and upserts them into the tables.
 *
 * Its role holds exactly: the sources' SSM read actions, dynamodb:UpdateItem on the tables
 * the sources write, consuming the work queue, and ArchiveFunction's logs and X-Ray. It
 * cannot send to a queue or publish to a topic.
 */
export class Collector extends Construct {
  public readonly function: lambda.Function;
  public readonly role: iam.Role;
  public readonly eventSourceMapping: lambda.EventSourceMapping;

  constructor(scope: Construct, id: string, props: CollectorProps) {
    super(scope, id);
    const maxConcurrency = props.maxConcurrency ?? 5;
    if (
      !Token.isUnresolved(maxConcurrency) &&
      (!Number.isInteger(maxConcurrency) || maxConcurrency < MIN_MAX_CONCURRENCY || maxConcurrency > MAX_MAX_CONCURRENCY)
    ) {
      throw new Error(
        `Collector maxConcurrency must be an integer from ${MIN_MAX_CONCURRENCY} to ${MAX_MAX_CONCURRENCY}, got ${maxConcurrency}`,
      );
    }

    const archiveFunction = new ArchiveFunction(this, 'Handler', {
      entry: collectorEntry,
      description: 'ssm-history collector: work queue -> SSM read APIs -> history tables',
      timeout: props.timeout,
      logRetention: props.logRetention,
    });
    this.function = archiveFunction.function;
    this.role = archiveFunction.role;

    // The collector's configuration requires every table's name; it writes only the sources' tables.
    for (const tableId of tableIds) props.tables.bindName(this.function, tableId);
    for (const tableId of tablesWrittenBy(props.sources)) props.tables.bindWriter(this.function, tableId);
    // Its counters per kind (records stored, missed by events) live beside the pollers' checkpoints.
    props.tables.bindWriter(this.function, 'pollCheckpoints');

    // Its own policies, so that their acknowledgements cover these actions and nothing else.
    const ssmRead = addSsmReadPolicies(
      this,
      this.role,
      collectorActionsOf(props.sources),
      scopedCollectorActionsOf(props.sources),
      'collectorActionsOf() / scopedCollectorActionsOf()',
    );

    props.queue.grantConsumeMessages(this.function);
    this.eventSourceMapping = new lambda.EventSourceMapping(this, 'WorkQueueSource', {
      target: this.function,
      eventSourceArn: props.queue.queueArn,
      batchSize: 10,
      // A short wait lets the several events of one command arrive in one batch, where the
      // collector coalesces them into one SSM pass.
      maxBatchingWindow: Duration.seconds(5),
      // Only the failed messages return to the queue; the rest of the batch is done.
      reportBatchItemFailures: true,
      maxConcurrency,
    });
    // Start polling only once the role can call SSM, or the first batches would fail on
    // AccessDenied and spend their receives. (The default policy is already a dependency of
    // the function, and so of the mapping.)
    this.eventSourceMapping.node.addDependency(ssmRead.unscoped);
    if (ssmRead.scoped) this.eventSourceMapping.node.addDependency(ssmRead.scoped);

    Validations.of(this.eventSourceMapping).acknowledge({
      id: 'Serverless-LambdaEventSourceMappingDestination',
      reason:
        'SQS event source mappings take no on-failure destination (Lambda supports DestinationConfig ' +
        'only for stream and Kafka sources). Failed messages reach the DLQ through the work ' +
        "queue's redrive policy (maxReceiveCount 3), which is where this check's concern is met.",
    });
    Validations.of(this.function).acknowledge({
      id: 'Serverless-LambdaDLQ',
      reason:
        'A function DLQ only catches asynchronous invocations; the collector is invoked only ' +
        "synchronously by its SQS event source, whose failures go to the work queue's DLQ. A " +
        'function DLQ would also give the collector sqs:SendMessage, which it must not have.',
    });
  }
}
