import { Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { HistoryTables } from '../../lib/history-tables';
import { Poller } from '../../lib/poller';
import { definitionTablesOf, listingActionsOf, scopedListingActionsOf, type SourceInfrastructure } from '../../lib/source-infrastructure';
import { WorkQueue } from '../../lib/work-queue';
import { historySources } from '../../lambdas/sources';
import { actionsOf, appLikeCdkSynth, getAtt, logicalIdOf, resourcesOf, statementsOfRole, synthesizeSsmHistory } from './synthesized';

/**
 * The pollers: a schedule, one invocation at a time, and a role that can list SSM's history,
 * send work items to the work queue and keep its checkpoints, nothing more.
 */
function pollerStack(props: Partial<ConstructorParameters<typeof Poller>[2]> = {}) {
  const stack = new Stack(appLikeCdkSynth(), 'PollerTest');
  const tables = new HistoryTables(stack, 'Tables');
  const queue = new WorkQueue(stack, 'WorkQueue', { consumerTimeout: Duration.minutes(2) });
  const poller = new Poller(stack, 'Poller', {
    sources: historySources,
    tables,
    queue: queue.queue,
    deadLetterQueue: queue.deadLetterQueue,
    ...props,
  });
  return { stack, tables, queue, poller, template: Template.fromStack(stack) };
}

describe('Poller', () => {
  const { tables, queue, poller, template } = pollerStack();
  const roleId = logicalIdOf(poller.role);
  const statements = statementsOfRole(template, roleId);

  it('runs every 5 minutes by default, one invocation at a time, with the backfill window and the work queue in its environment', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(5 minutes)',
      Targets: [
        Match.objectLike({
          Arn: getAtt(logicalIdOf(poller.function)),
          DeadLetterConfig: { Arn: getAtt(logicalIdOf(queue.deadLetterQueue)) },
          RetryPolicy: { MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 300 },
        }),
      ],
    });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Description: Match.stringLikeRegexp('poller'),
      ReservedConcurrentExecutions: 1,
      Timeout: 270,
      Environment: {
        Variables: Match.objectLike({
          WORK_QUEUE_URL: { Ref: logicalIdOf(queue.queue) },
          POLL_BACKFILL_DAYS: '30',
          POLL_CALLS_PER_SECOND: '2',
          POLL_CHECKPOINTS_TABLE: { Ref: logicalIdOf(tables.tables.pollCheckpoints) },
        }),
      },
    });
  });

  it("may call exactly the kinds' SSM listing actions: the unscoped ones on *, the others on their resource type", () => {
    const ssm = statements.filter((statement) => actionsOf(statement).some((action) => action.startsWith('ssm:')));
    const unscoped = ssm.filter((statement) => resourcesOf(statement).includes('*'));
    expect(unscoped.flatMap(actionsOf).sort()).toEqual(listingActionsOf(historySources));
    expect(listingActionsOf(historySources)).toEqual(['ssm:DescribeAutomationExecutions', 'ssm:DescribeMaintenanceWindows', 'ssm:DescribeSessions', 'ssm:ListAssociations', 'ssm:ListCommands']);
    const scoped = ssm.filter((statement) => !resourcesOf(statement).includes('*'));
    expect(scoped.flatMap(actionsOf).sort()).toEqual(scopedListingActionsOf(historySources).flatMap((grant) => grant.actions).sort());
    expect(scopedListingActionsOf(historySources).map((grant) => grant.resource)).toEqual([
      'arn:${Partition}:ssm:${Region}:${Account}:association/*',
      'arn:${Partition}:ssm:${Region}:${Account}:maintenancewindow/*',
    ]);
    // Listing only: never the collector's detail reads, never a write.
    expect(ssm.flatMap(actionsOf)).not.toEqual(expect.arrayContaining(['ssm:ListCommandInvocations']));
  });

  it('may send to the work queue, keep its checkpoints and the definitions it lists, and nothing else outside logs and X-Ray', () => {
    const others = statements.filter((statement) => !actionsOf(statement).some((action) => /^(ssm|logs|xray):/.test(action)));
    const byService = others.map((statement) => ({ actions: actionsOf(statement).sort(), resources: resourcesOf(statement) }));
    expect(byService).toEqual(
      expect.arrayContaining([
        { actions: ['dynamodb:GetItem', 'dynamodb:UpdateItem'], resources: [getAtt(logicalIdOf(tables.tables.pollCheckpoints))] },
      ]),
    );
    // The definitions: read back (to skip the unchanged) and written, on their own tables only.
    expect(definitionTablesOf(historySources)).toEqual(['associationDefinitions', 'maintenanceWindowDefinitions']);
    const onDefinitions = byService.filter((statement) => statement.actions.includes('dynamodb:BatchGetItem'));
    expect(onDefinitions).toEqual([
      {
        actions: ['dynamodb:BatchGetItem', 'dynamodb:UpdateItem'],
        resources: definitionTablesOf(historySources).map((tableId) => getAtt(logicalIdOf(tables.tables[tableId]))),
      },
    ]);
    const dynamodb = byService.filter((statement) => statement.actions.some((action) => action.startsWith('dynamodb:')));
    expect(dynamodb).toHaveLength(2);
    const sqs = others.filter((statement) => actionsOf(statement).some((action) => action.startsWith('sqs:')));
    expect(sqs.flatMap(resourcesOf)).toEqual([getAtt(logicalIdOf(queue.queue))]);
    expect(sqs.flatMap(actionsOf)).toContain('sqs:SendMessage');
    expect(others.flatMap(actionsOf).filter((action) => !action.startsWith('sqs:') && !action.startsWith('dynamodb:'))).toEqual([]);
    expect(others.flatMap(actionsOf)).not.toContain('dynamodb:Scan');
  });

  it('takes its interval and backfill window from props, and refuses nonsense', () => {
    const { template: custom } = pollerStack({ interval: Duration.minutes(15), backfillDays: 7 });
    custom.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'rate(15 minutes)' });
    custom.hasResourceProperties('AWS::Lambda::Function', {
      Timeout: 840,
      Environment: { Variables: Match.objectLike({ POLL_BACKFILL_DAYS: '7' }) },
    });
    expect(() => pollerStack({ interval: Duration.seconds(30) })).toThrow(/interval/);
    expect(() => pollerStack({ backfillDays: 0 })).toThrow(/backfillDays/);
    expect(() => pollerStack({ callsPerSecond: 0 })).toThrow(/callsPerSecond/);
  });

  it('refuses a listing action that is a write or takes resource ARNs on "*"', () => {
    const bad: SourceInfrastructure = { ...historySources[0], lister: { listingActions: ['ssm:SendCommand'] } } as SourceInfrastructure;
    expect(() => listingActionsOf([bad])).toThrow(/not SSM read actions without resource types/);
  });
});

describe('SsmHistory with pollers', () => {
  it('polls on the interval and backfill window the app passes', () => {
    const { template } = synthesizeSsmHistory({ history: { pollInterval: Duration.minutes(10), backfillDays: 14 } });
    template.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'rate(10 minutes)' });
    template.hasResourceProperties('AWS::Lambda::Function', { Environment: { Variables: Match.objectLike({ POLL_BACKFILL_DAYS: '14' }) } });
  });
});
