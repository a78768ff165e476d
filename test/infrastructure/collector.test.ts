import { Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as sns from 'aws-cdk-lib/aws-sns';
import { tableIds, tableSchemas } from '../../lambdas/sources/tables';
import { Collector } from '../../lib/collector';
import { HistoryTables } from '../../lib/history-tables';
import {
  collectorActionsOf,
  eventDetailTypesOf,
  scopedCollectorActionsOf,
  tablesWrittenBy,
  type SourceInfrastructure,
} from '../../lib/source-infrastructure';
import { WorkQueue } from '../../lib/work-queue';
import { actionsOf, appLikeCdkSynth, getAtt, logicalIdOf, resourcesOf, statementsOfRole } from './synthesized';

/** Two made-up kinds, so that unions and subsets are visible (the real app has one kind). */
const automation: SourceInfrastructure = {
  kind: 'run-command',
  eventDetailTypes: ['EC2 Automation Execution Status-change Notification', 'Shared Detail Type'],
  tables: ['commands'],
  collectorActions: ['ssm:DescribeAutomationExecutions', 'ssm:ListCommands'],
};
const maintenance: SourceInfrastructure = {
  kind: 'run-command',
  eventDetailTypes: ['Shared Detail Type', 'Maintenance Window Execution State-change Notification'],
  tables: ['commands'],
  collectorActions: ['ssm:ListCommands', 'ssm:DescribeMaintenanceWindows'],
};

describe('source infrastructure', () => {
  it('unites detail-types in source order, each once', () => {
    expect(eventDetailTypesOf([automation, maintenance])).toEqual([
      'EC2 Automation Execution Status-change Notification',
      'Shared Detail Type',
      'Maintenance Window Execution State-change Notification',
    ]);
  });

  it('unites collector actions, each once, sorted', () => {
    expect(collectorActionsOf([automation, maintenance])).toEqual([
      'ssm:DescribeAutomationExecutions',
      'ssm:DescribeMaintenanceWindows',
      'ssm:ListCommands',
    ]);
  });

  it.each(['ssm:*', 'ssm:Get*', 'ssm:Describe*', '*', 'dynamodb:Query', 'ssm:GetParameter*'])(
    'rejects the wildcard or foreign action %s',
    (action) => {
      expect(() => collectorActionsOf([{ ...automation, collectorActions: [action] }])).toThrow(/exact ssm: actions/);
    },
  );

  it.each(['ssm:SendCommand', 'ssm:GetParameter', 'ssm:DescribeAutomationStepExecutions', 'ssm:DescribeAssociationExecutions'])(
    'refuses to grant %s on Resource "*" (a write, a secret, or an action that takes resource ARNs)',
    (action) => {
      expect(() => collectorActionsOf([{ ...automation, collectorActions: [action] }])).toThrow(/not SSM read actions without resource types/);
    },
  );

  it('groups scoped actions by resource pattern, each once, sorted', () => {
    const executions = 'arn:${Partition}:ssm:${Region}:${Account}:automation-execution/*';
    expect(
      scopedCollectorActionsOf([
        { ...automation, scopedCollectorActions: [{ action: 'ssm:GetAutomationExecution', resource: executions }] },
        {
          ...maintenance,
          scopedCollectorActions: [
            { action: 'ssm:DescribeAutomationStepExecutions', resource: executions },
            { action: 'ssm:GetAutomationExecution', resource: executions },
          ],
        },
      ]),
    ).toEqual([{ resource: executions, actions: ['ssm:DescribeAutomationStepExecutions', 'ssm:GetAutomationExecution'] }]);
  });

  it.each([
    ['ssm:GetParameter', 'arn:${Partition}:ssm:${Region}:${Account}:parameter/*'],
    ['ssm:DescribeAutomationStepExecutions', 'arn:${Partition}:ssm:${Region}:${Account}:association/*'],
    ['ssm:DescribeAutomationStepExecutions', '*'],
    ['ssm:DescribeAutomationStepExecutions', 'arn:aws:ssm:*:*:automation-execution/*'],
    ['ssm:Describe*', 'arn:${Partition}:ssm:${Region}:${Account}:automation-execution/*'],
  ])('refuses the scoped grant of %s on %s', (action, resource) => {
    expect(() => scopedCollectorActionsOf([{ ...automation, scopedCollectorActions: [{ action, resource }] }])).toThrow(
      /scopedCollectorActions/,
    );
  });

  it('lists the tables written, each once', () => {
    expect(tablesWrittenBy([automation, maintenance])).toEqual(['commands']);
  });
});

describe('Collector', () => {
  let template: Template;
  let roleId: string;
  let tables: HistoryTables;
  let topic: sns.Topic;

  beforeAll(() => {
    const stack = new Stack(appLikeCdkSynth(), 'CollectorTest');
    tables = new HistoryTables(stack, 'Tables');
    const timeout = Duration.minutes(1);
    const workQueue = new WorkQueue(stack, 'WorkQueue', { consumerTimeout: timeout });
    topic = new sns.Topic(stack, 'Notifications');
    const collector = new Collector(stack, 'Collector', {
      sources: [automation, maintenance],
      tables,
      queue: workQueue.queue,
      timeout,
      maxConcurrency: 7,
      senders: { notificationTopics: [topic], accounts: ['111111111111', '222222222222'] },
    });
    roleId = logicalIdOf(collector.role);
    template = Template.fromStack(stack);
  });

  it('is granted the union of the sources’ SSM actions', () => {
    const ssm = statementsOfRole(template, roleId)
      .flatMap(actionsOf)
      .filter((action) => action.startsWith('ssm:'));
    expect(ssm.sort()).toEqual(['ssm:DescribeAutomationExecutions', 'ssm:DescribeMaintenanceWindows', 'ssm:ListCommands']);
  });

  it('may update only the tables its sources write and its counters beside the checkpoints, yet knows every table’s name', () => {
    const dynamodbResources = statementsOfRole(template, roleId)
      .filter((statement) => actionsOf(statement).includes('dynamodb:UpdateItem'))
      .flatMap(resourcesOf);
    expect(dynamodbResources).toEqual([getAtt(logicalIdOf(tables.tables.commands)), getAtt(logicalIdOf(tables.tables.pollCheckpoints))]);
    const variables = Object.fromEntries(
      tableIds.map((tableId) => [tableSchemas[tableId].envVar, { Ref: logicalIdOf(tables.tables[tableId]) }]),
    );
    template.hasResourceProperties('AWS::Lambda::Function', { Environment: { Variables: Match.objectLike(variables) } });
  });

  it('names the senders it trusts: the accounts given, this stack\'s Region, the notifications topic', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          SOURCE_ACCOUNTS: '111111111111,222222222222',
          SOURCE_REGIONS: { Ref: 'AWS::Region' },
          NOTIFICATION_TOPIC_ARNS: { Ref: logicalIdOf(topic) },
        }),
      },
    });
  });

  it('passes maxConcurrency to the event source', () => {
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', { ScalingConfig: { MaximumConcurrency: 7 } });
  });

  it.each([1, 0, 2.5, 1001])('refuses maxConcurrency %s', (maxConcurrency) => {
    const stack = new Stack(appLikeCdkSynth(), 'Invalid');
    const queue = new WorkQueue(stack, 'WorkQueue', { consumerTimeout: Duration.minutes(1) }).queue;
    // Validation happens before the function is bundled, so this stays fast.
    expect(
      () =>
        new Collector(stack, 'Collector', {
          sources: [automation],
          tables: new HistoryTables(stack, 'Tables'),
          queue,
          timeout: Duration.minutes(1),
          maxConcurrency,
          senders: { notificationTopics: [] },
        }),
    ).toThrow(/maxConcurrency must be an integer from 2 to 1000/);
  });
});
