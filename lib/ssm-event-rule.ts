import { Duration } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { eventDetailTypesOf, type SourceInfrastructure } from './source-infrastructure';

export interface SsmEventRuleProps {
  /** The history kinds whose events the rules route (status changes; a kind's calls through CloudTrail on a rule of its own). */
  readonly sources: readonly SourceInfrastructure[];
  /** Where matching events go, unchanged: the collector parses the EventBridge envelope. */
  readonly queue: sqs.IQueue;
  /** Where events go that EventBridge could not deliver to the queue within its retries. */
  readonly deadLetterQueue: sqs.IQueue;
}

/**
 * One rule on the account's default event bus (where AWS services publish) matching SSM's
 * status-change events for every kind, delivering them to the work queue; and one more per
 * kind that narrows its events on their detail (Session Manager's CloudTrail API calls), so
 * that only those calls, not every SSM API call CloudTrail records, reach the queue.
 */
export class SsmEventRule extends Construct {
  public readonly rule: events.Rule;
  /** The narrowed rules, by kind. */
  public readonly detailRules: ReadonlyMap<string, events.Rule>;
  /** Every rule that delivers to the queue: the queue's policy lets exactly these send. */
  public readonly rules: readonly events.Rule[];

  constructor(scope: Construct, id: string, props: SsmEventRuleProps) {
    super(scope, id);
    const detailTypes = eventDetailTypesOf(props.sources);
    if (detailTypes.length === 0) {
      throw new Error('SsmEventRule needs at least one source with eventDetailTypes');
    }

    this.rule = new events.Rule(this, 'Rule', {
      description: 'SSM status-change events of the archived history kinds, to the ssm-history work queue',
      eventPattern: { source: ['aws.ssm'], detailType: detailTypes },
    });
    this.toQueue(this.rule, props);
    const detailRules = new Map<string, events.Rule>();
    for (const source of props.sources) {
      if (source.eventDetailPattern === undefined) continue;
      const rule = new events.Rule(this, `${pascal(source.kind)}Rule`, {
        description: `SSM ${source.kind} API calls (through CloudTrail), to the ssm-history work queue`,
        eventPattern: { source: ['aws.ssm'], detailType: [...source.eventDetailTypes], detail: { ...source.eventDetailPattern } },
      });
      this.toQueue(rule, props);
      detailRules.set(source.kind, rule);
    }
    this.detailRules = detailRules;
    this.rules = [this.rule, ...detailRules.values()];
  }

  private toQueue(rule: events.Rule, props: SsmEventRuleProps): void {
    rule.addTarget(
      new targets.SqsQueue(props.queue, {
        deadLetterQueue: props.deadLetterQueue,
        // Explicit rather than relying on defaults that differ between bus models: SSM's events
        // are best effort already, so keep retrying a transient SQS failure for as long as
        // EventBridge allows (errors that retrying cannot fix, such as a denied send, go to
        // the DLQ at once).
        maxEventAge: Duration.hours(24),
        retryAttempts: 185,
      }),
    );
  }
}

const pascal = (kind: string): string => kind.replace(/(^|-)([a-z])/g, (_match, _dash: string, letter: string) => letter.toUpperCase());
