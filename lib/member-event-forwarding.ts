import { Aws, Duration, Validations } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { archiveEventBusArn } from './archive-names';
import type { SourceInfrastructure } from './source-infrastructure';
import { ssmEventMatchesOf } from './ssm-event-rule';

export interface MemberEventForwardingProps {
  /** The history kinds whose events are forwarded: the same matches as the archive's own rules. */
  readonly sources: readonly SourceInfrastructure[];
  /** The archive's account and Region, where its event bus is. */
  readonly archiveAccount: string;
  readonly archiveRegion: string;
}

/**
 * A member account's SSM events, forwarded from its default event bus (where SSM and
 * CloudTrail publish them) to the archive's event bus, unchanged: the events keep their
 * `account` and `region`, which tell the collector whose SSM to read.
 *
 * The rules match what the archive's own rules match (ssmEventMatchesOf) and put the events
 * as one role, which may only events:PutEvents on the archive's bus: a principal of this
 * account, which the bus's policy admits (by account, or by organization). Events the bus
 * refuses, or that EventBridge could not deliver, wait in this account's dead-letter queue.
 */
export class MemberEventForwarding extends Construct {
  public readonly rules: readonly events.Rule[];
  /** The role the rules put events as. */
  public readonly role: iam.Role;
  public readonly deadLetterQueue: sqs.Queue;

  constructor(scope: Construct, id: string, props: MemberEventForwardingProps) {
    super(scope, id);
    const archiveBus = events.EventBus.fromEventBusArn(this, 'ArchiveEventBus', archiveEventBusArn(Aws.PARTITION, props.archiveAccount, props.archiveRegion));

    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetterQueue', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    const dlqReason =
      "This is the forwarding rules' dead-letter queue, the end of the line: an event the archive's bus refused " +
      '(its policy does not admit this account) or EventBridge could not deliver waits here 14 days to be inspected; ' +
      "the archive's pollers still collect what those events were about.";
    Validations.of(this.deadLetterQueue).acknowledge({ id: 'Serverless-SQSRedrivePolicy', reason: dlqReason });
    Validations.of(this.deadLetterQueue).acknowledge({ id: 'AwsSolutions-SQS3', reason: dlqReason });

    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('events.amazonaws.com'),
      description: "Forwards this account's SSM events to the ssm-history archive's event bus",
    });
    const forward = new targets.EventBus(archiveBus, { role: this.role, deadLetterQueue: this.deadLetterQueue });
    this.rules = ssmEventMatchesOf(props.sources).map(
      (match) =>
        new events.Rule(this, match.ruleId, {
          description: `${match.what}, to the ssm-history archive's event bus`,
          eventPattern: match.eventPattern,
          targets: [forward],
        }),
    );
  }
}
