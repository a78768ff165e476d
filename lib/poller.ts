import { Aws, Duration, Token, Validations } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { tableIds } from '../lambdas/sources/tables';
import { ArchiveFunction } from './archive-function';
import { pollerRoleName } from './archive-names';
import type { HistoryTables } from './history-tables';
import { pollerEntry } from './lambda-bundling';
import { definitionTablesOf, listingActionsOf, scopedListingActionsOf, type SourceInfrastructure } from './source-infrastructure';
import { addMemberReadPolicy } from './member-read-access';
import { organizationEnvironment, type SsmHistoryOrganization } from './organization';
import { addSsmReadPolicies } from './ssm-read-policies';

/** Accounts and Regions polled at once from the poll queue (its event source's MaximumConcurrency). */
export const POLL_MAX_CONCURRENCY = 10;

/**
 * A poll's longest run: most of its interval (what is left is resumed from its saved
 * position), at most 14 minutes. Throws on an interval that is not whole minutes from 1 to 60.
 */
export function pollerTimeout(interval: Duration): Duration {
  if (!Token.isUnresolved(interval.toSeconds()) && (interval.toSeconds() < 60 || interval.toSeconds() > 3600 || interval.toSeconds() % 60 !== 0)) {
    throw new Error(`Poller interval must be whole minutes from 1 to 60, got ${interval.toHumanString()}`);
  }
  return Duration.seconds(Math.min(interval.toSeconds() - 30, 14 * 60));
}

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
  /**
   * The member accounts and Regions it also polls, each through its read role. The schedule's
   * invocation then only dispatches: one message per account and Region to `pollQueue`,
   * which the same function consumes, several accounts and Regions at once.
   * @default - it polls the archive's own account and Region only, in the schedule's invocation
   */
  readonly organization?: SsmHistoryOrganization;
  /**
   * The queue of accounts and Regions to poll (PollQueue). Required with `organization`;
   * its visibility timeout must be at least 6x the poller's timeout (`pollerTimeout`).
   * @default - none
   */
  readonly pollQueue?: sqs.IQueue;
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
 *
 * With an organization, the schedule's invocation sends one message per account and Region
 * to the poll queue, and the function polls them from there, each account and Region in one
 * invocation, up to POLL_MAX_CONCURRENCY at once. The dispatch sends each account and Region
 * once an interval and a poll ends within it, so two polls of one account and Region overlap
 * only when a failed message is received again (after six poller timeouts), which the runtime
 * must tolerate as it tolerates a poll resumed from its saved position. Its role, named so that the
 * member read roles can trust it, also holds: sending to and consuming the poll queue,
 * sts:AssumeRole on the member read roles and, for a whole organization,
 * organizations:ListAccounts.
 */
export class Poller extends Construct {
  public readonly function: lambda.Function;
  public readonly role: iam.Role;
  public readonly schedule: events.Rule;
  /** The poll queue's event source, with an organization. */
  public readonly pollQueueSource?: lambda.EventSourceMapping;

  constructor(scope: Construct, id: string, props: PollerProps) {
    super(scope, id);
    const interval = props.interval ?? Duration.minutes(5);
    const timeout = pollerTimeout(interval);
    const backfillDays = props.backfillDays ?? 30;
    const callsPerSecond = props.callsPerSecond ?? 2;
    if (!Token.isUnresolved(backfillDays) && (!Number.isInteger(backfillDays) || backfillDays < 1 || backfillDays > 365)) {
      throw new Error(`Poller backfillDays must be an integer from 1 to 365, got ${backfillDays}`);
    }
    if (!Token.isUnresolved(callsPerSecond) && !(callsPerSecond > 0 && callsPerSecond <= 20)) {
      throw new Error(`Poller callsPerSecond must be above 0 and at most 20, got ${callsPerSecond}`);
    }
    const { organization, pollQueue } = props;
    if ((organization === undefined) !== (pollQueue === undefined)) throw new Error('Poller needs both organization and pollQueue, or neither');
    const archiveFunction = new ArchiveFunction(this, 'Handler', {
      entry: pollerEntry,
      description: 'ssm-history poller: SSM listing APIs since each watermark -> work queue',
      timeout,
      logRetention: props.logRetention,
      // The member read roles trust this role by name.
      roleName: organization === undefined ? undefined : pollerRoleName(Aws.REGION),
      environment: {
        WORK_QUEUE_URL: props.queue.queueUrl,
        POLL_BACKFILL_DAYS: String(backfillDays),
        POLL_CALLS_PER_SECOND: String(callsPerSecond),
        ...(organization === undefined || pollQueue === undefined ? {} : { ...organizationEnvironment(organization), POLL_QUEUE_URL: pollQueue.queueUrl }),
      },
    });
    this.function = archiveFunction.function;
    this.role = archiveFunction.role;
    // Alone, one invocation polls everything. With the poll queue, each account and Region is
    // polled by one message's invocation: the event source's maximum concurrency, plus the
    // schedule's dispatch. (Reserved concurrency below the event source's maximum would
    // throttle its invocations, which return their messages to the queue as failures.)
    (this.function.node.defaultChild as lambda.CfnFunction).reservedConcurrentExecutions = pollQueue === undefined ? 1 : POLL_MAX_CONCURRENCY + 1;

    // The runtime's configuration wants every table's name; the poller touches only its checkpoints and definitions.
    for (const tableId of tableIds) props.tables.bindName(this.function, tableId);
    props.tables.bindCheckpoints(this.function);
    // The definitions its listings read whole (associations, windows): it keeps them itself.
    for (const tableId of definitionTablesOf(props.sources)) props.tables.bindDefinitionKeeper(this.function, tableId);
    // SendMessageBatch is authorized as sqs:SendMessage; grantSendMessages would add
    // GetQueueAttributes and GetQueueUrl, which the poller never calls (it is given the URL).
    iam.Grant.addToPrincipal({ grantee: this.function, actions: ['sqs:SendMessage'], resourceArns: [props.queue.queueArn] });
    const ssmRead = addSsmReadPolicies(this, this.role, listingActionsOf(props.sources), scopedListingActionsOf(props.sources), 'listingActionsOf() / scopedListingActionsOf()');
    if (organization !== undefined && pollQueue !== undefined) {
      const memberRead = addMemberReadPolicy(this, this.role, organization, { listAccounts: true });
      this.pollQueueSource = this.consume(pollQueue);
      // Poll only once the role can read SSM here and in the members.
      for (const policy of [ssmRead.unscoped, ssmRead.scoped, memberRead]) if (policy) this.pollQueueSource.node.addDependency(policy);
    }

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

  /** The dispatch sends to the poll queue, and the function polls what it receives, a few accounts and Regions a batch. */
  private consume(pollQueue: sqs.IQueue): lambda.EventSourceMapping {
    // Sending, and what Lambda's SQS poller calls with the function's role (Lambda developer
    // guide, "Using Lambda with Amazon SQS").
    iam.Grant.addToPrincipal({
      grantee: this.function,
      actions: ['sqs:SendMessage', 'sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes'],
      resourceArns: [pollQueue.queueArn],
    });
    const source = new lambda.EventSourceMapping(this, 'PollQueueSource', {
      target: this.function,
      eventSourceArn: pollQueue.queueArn,
      batchSize: 5,
      // Only the accounts and Regions whose polls failed return to the queue.
      reportBatchItemFailures: true,
      maxConcurrency: POLL_MAX_CONCURRENCY,
    });
    Validations.of(source).acknowledge({
      id: 'Serverless-LambdaEventSourceMappingDestination',
      reason:
        'SQS event source mappings take no on-failure destination (Lambda supports DestinationConfig only for ' +
        "stream and Kafka sources). A poll message that fails every receive reaches the poll queue's DLQ through its redrive policy.",
    });
    return source;
  }
}
