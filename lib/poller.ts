import { Duration, Token, Validations } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { tableIds } from '../lambdas/sources/tables';
import { ArchiveFunction } from './archive-function';
import type { HistoryTables } from './history-tables';
import { pollerEntry } from './lambda-bundling';
import { definitionTablesOf, listingActionsOf, scopedListingActionsOf, type SourceInfrastructure } from './source-infrastructure';
import { addSsmReadPolicies } from './ssm-read-policies';

export interface PollerProps {
  /** The history kinds to poll: their listers decide the SSM listing actions. */
  readonly sources: readonly SourceInfrastructure[];
  readonly tables: HistoryTables;
  /** The work queue the pollers send work items to (the collector drains it). */
  readonly queue: sqs.IQueue;
  /** Where schedule invocations that could not be delivered go. */
  readonly deadLetterQueue: sqs.IQueue;
  /**
   * How often every kind is polled. Whatever SSM still holds is in the archive within one interval.
   * @default Duration.minutes(5)
   */
  readonly interval?: Duration;
  /**
   * How far back the first poll lists (SSM keeps Run Command and Automation history 30 days).
   * @default 30
   */
  readonly backfillDays?: number;
  /**
   * Listing calls per second per kind, well under SSM's shared per-account budgets (AWS
   * publishes 3 TPS for the Automation Describe APIs and 4 for the association ones).
   * @default 2
   */
  readonly callsPerSecond?: number;
  /** @default - ArchiveFunction's default */
  readonly logRetention?: logs.RetentionDays;
}

/**
 * Scheduled pollers: every interval, one invocation lists each kind's parents changed since
 * its watermark (the PollCheckpoints table) and sends a work item per parent to the work
 * queue, so that the collector, the only writer of history, reads them whole; the definitions
 * it lists whole (associations, windows) it keeps itself. The first run backfills.
 *
 * One invocation at a time (reserved concurrency 1): two pollers must not move one
 * watermark. Its role holds exactly: the sources' SSM listing actions, sqs:SendMessage on the
 * work queue, GetItem/UpdateItem on the checkpoint table, BatchGetItem/UpdateItem on the
 * tables of the definitions it lists (definitionTablesOf), logs and X-Ray.
 */
export class Poller extends Construct {
  public readonly function: lambda.Function;
  public readonly role: iam.Role;
  public readonly schedule: events.Rule;

  constructor(scope: Construct, id: string, props: PollerProps) {
    super(scope, id);
    const interval = props.interval ?? Duration.minutes(5);
    const backfillDays = props.backfillDays ?? 30;
    const callsPerSecond = props.callsPerSecond ?? 2;
    if (!Token.isUnresolved(interval.toSeconds()) && (interval.toSeconds() < 60 || interval.toSeconds() > 3600 || interval.toSeconds() % 60 !== 0)) {
      throw new Error(`Poller interval must be whole minutes from 1 to 60, got ${interval.toHumanString()}`);
    }
    if (!Token.isUnresolved(backfillDays) && (!Number.isInteger(backfillDays) || backfillDays < 1 || backfillDays > 365)) {
      throw new Error(`Poller backfillDays must be an integer from 1 to 365, got ${backfillDays}`);
    }
    if (!Token.isUnresolved(callsPerSecond) && !(callsPerSecond > 0 && callsPerSecond <= 20)) {
      throw new Error(`Poller callsPerSecond must be above 0 and at most 20, got ${callsPerSecond}`);
    }

    // A poll may use most of its interval; what is left is resumed from its saved position.
    const timeout = Duration.seconds(Math.min(interval.toSeconds() - 30, 14 * 60));
    const archiveFunction = new ArchiveFunction(this, 'Handler', {
      entry: pollerEntry,
      description: 'ssm-history poller: SSM listing APIs since each watermark -> work queue',
      timeout,
      logRetention: props.logRetention,
      environment: {
        WORK_QUEUE_URL: props.queue.queueUrl,
        POLL_BACKFILL_DAYS: String(backfillDays),
        POLL_CALLS_PER_SECOND: String(callsPerSecond),
      },
    });
    this.function = archiveFunction.function;
    this.role = archiveFunction.role;
    (this.function.node.defaultChild as lambda.CfnFunction).reservedConcurrentExecutions = 1;

    // The runtime's configuration wants every table's name; the poller touches only its checkpoints and definitions.
    for (const tableId of tableIds) props.tables.bindName(this.function, tableId);
    props.tables.bindCheckpoints(this.function);
    // The definitions its listings read whole (associations, windows): it keeps them itself.
    for (const tableId of definitionTablesOf(props.sources)) props.tables.bindDefinitionKeeper(this.function, tableId);
    // SendMessageBatch is authorized as sqs:SendMessage; grantSendMessages would add
    // GetQueueAttributes and GetQueueUrl, which the poller never calls (it is given the URL).
    iam.Grant.addToPrincipal({ grantee: this.function, actions: ['sqs:SendMessage'], resourceArns: [props.queue.queueArn] });
    addSsmReadPolicies(this, this.role, listingActionsOf(props.sources), scopedListingActionsOf(props.sources), 'listingActionsOf() / scopedListingActionsOf()');

    this.schedule = new events.Rule(this, 'Schedule', {
      description: 'ssm-history: poll SSM for history the events missed',
      schedule: events.Schedule.rate(interval),
    });
    this.schedule.addTarget(
      new targets.LambdaFunction(this.function, {
        deadLetterQueue: props.deadLetterQueue,
        // A missed poll is made up by the next one: retrying a stale one is not worth it.
        retryAttempts: 2,
        maxEventAge: interval,
      }),
    );

    Validations.of(this.function).acknowledge({
      id: 'Serverless-LambdaDLQ',
      reason:
        "The schedule's undeliverable invocations go to the work queue's DLQ (the rule target's " +
        'dead-letter queue); a failed poll needs no replay, since the next one resumes from the checkpoint.',
    });
  }
}
