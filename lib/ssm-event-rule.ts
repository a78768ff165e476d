import { Duration } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { eventDetailTypesOf, type SourceInfrastructure } from './source-infrastructure';

/** One rule's worth of SSM events: the archive's rules and a member's forwarding rules match the same. */
export interface SsmEventMatch {
  /** The rule's construct ID: `Rule` for the status changes, `<Kind>Rule` for a kind narrowed on its detail. */
  readonly ruleId: string;
  /** The kind whose detail narrows the match; undefined for the status changes of every kind. */
  readonly kind?: string;
  /** What the rule matches, for its description. */
  readonly what: string;
  readonly eventPattern: events.EventPattern;
}

/**
 * The SSM events the archive reads, as rules match them: one pattern for the status-change
 * events of every kind (source aws.ssm, the kinds' detail-types), and one more per kind that
 * narrows its events on their detail (Session Manager's CloudTrail API calls), so that only
 * those calls, not every SSM API call CloudTrail records, are matched.
 */
export function ssmEventMatchesOf(sources: readonly SourceInfrastructure[]): SsmEventMatch[] {
  const detailTypes = eventDetailTypesOf(sources);
  if (detailTypes.length === 0) {
    throw new Error('SsmEventRule needs at least one source with eventDetailTypes');
  }
  return [
    {
      ruleId: 'Rule',
      what: 'SSM status-change events of the archived history kinds',
      eventPattern: { source: ['aws.ssm'], detailType: detailTypes },
    },
    ...sources.flatMap((source): SsmEventMatch[] =>
      source.eventDetailPattern === undefined
        ? []
        : [
            {
              ruleId: `${pascal(source.kind)}Rule`,
              kind: source.kind,
              what: `SSM ${source.kind} API calls (through CloudTrail)`,
              eventPattern: { source: ['aws.ssm'], detailType: [...source.eventDetailTypes], detail: { ...source.eventDetailPattern } },
            },
          ],
    ),
  ];
}

export interface SsmEventRuleProps {
  /** The history kinds whose events the rules route (status changes; a kind's calls through CloudTrail on a rule of its own). */
  readonly sources: readonly SourceInfrastructure[];
  /** Where matching events go, unchanged: the collector parses the EventBridge envelope. */
  readonly queue: sqs.IQueue;
  /** Where events go that EventBridge could not deliver to the queue within its retries. */
  readonly deadLetterQueue: sqs.IQueue;
  /**
   * Where the gathered kinds' status changes go (HistorySource.gathering): a queue whose
   * delivery delay lets one pass of the collector read what many events announce.
   * @default - `queue`, like every other kind's
   */
  readonly gatheringQueue?: sqs.IQueue;
  /**
   * The bus the rules are on: the archive's event bus, for the events member accounts forward.
   * @default - the account's default event bus (where AWS services publish)
   */
  readonly eventBus?: events.IEventBus;
}

/**
 * The rules that deliver SSM's events (ssmEventMatchesOf) from one event bus to the work
 * queue: on the account's default bus, the archive's own account's; on the archive's event
 * bus, those member accounts forward.
 */
export class SsmEventRule extends Construct {
  public readonly rule: events.Rule;
  /** The narrowed rules, by kind. */
  public readonly detailRules: ReadonlyMap<string, events.Rule>;
  /** Every rule that delivers to `queue`: the queue's policy lets exactly these send. */
  public readonly rules: readonly events.Rule[];
  /** The rule that delivers the gathered kinds' events to `gatheringQueue`, when one is given. */
  public readonly gatheredRule?: events.Rule;

  constructor(scope: Construct, id: string, props: SsmEventRuleProps) {
    super(scope, id);
    const from = props.eventBus === undefined ? '' : ' from member accounts';
    const detailRules = new Map<string, events.Rule>();
    let statusRule: events.Rule | undefined;
    const gathered = props.gatheringQueue === undefined ? [] : props.sources.filter((source) => source.gathering !== undefined);
    const gatheredTypes = new Set(eventDetailTypesOf(gathered));
    for (const match of ssmEventMatchesOf(props.sources)) {
      // The status changes rule leaves the gathered kinds' detail-types to a rule of their own.
      const detailType = match.kind === undefined ? match.eventPattern.detailType?.filter((type) => !gatheredTypes.has(type)) : match.eventPattern.detailType;
      const rule = new events.Rule(this, match.ruleId, {
        description: `${match.what}${from}, to the ssm-history work queue`,
        eventBus: props.eventBus,
        eventPattern: { ...match.eventPattern, ...(detailType !== undefined ? { detailType } : {}) },
      });
      this.toQueue(rule, props.queue, props.deadLetterQueue);
      if (match.kind === undefined) statusRule = rule;
      else detailRules.set(match.kind, rule);
    }
    if (statusRule === undefined) throw new Error('ssmEventMatchesOf returned no status-change match');
    this.rule = statusRule;
    this.detailRules = detailRules;
    this.rules = [this.rule, ...detailRules.values()];
    if (props.gatheringQueue !== undefined && gatheredTypes.size > 0) {
      this.gatheredRule = new events.Rule(this, 'GatheredRule', {
        description: `SSM status-change events of the kinds collected once per pass (${gathered.map((source) => source.kind).join(', ')})${from}, to the ssm-history gathering queue`,
        eventBus: props.eventBus,
        eventPattern: { source: ['aws.ssm'], detailType: [...gatheredTypes] },
      });
      this.toQueue(this.gatheredRule, props.gatheringQueue, props.deadLetterQueue);
    }
  }

  private toQueue(rule: events.Rule, queue: sqs.IQueue, deadLetterQueue: sqs.IQueue): void {
    rule.addTarget(
      new targets.SqsQueue(queue, {
        deadLetterQueue,
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
