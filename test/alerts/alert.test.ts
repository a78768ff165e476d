import type {
  Session,
  AssociationExecution,
  AutomationExecutionMetadata,
  Command,
  CommandInvocation,
  MaintenanceWindowExecution,
} from '@aws-sdk/client-ssm';
import {
  alertFor,
  alertingStatuses,
  EXCERPT_MAX_CHARS,
  EXCERPT_MAX_LINES,
  parseAlertConfig,
  SUBJECT_MAX,
  type Alert,
} from '../../lambdas/alerts/alert';
import { associationExecutionObservation, associationExecutionTargetObservation } from '../../lambdas/sources/association/records';
import { automationExecutionObservation, automationStepObservation } from '../../lambdas/sources/automation/records';
import { windowExecutionObservation, windowTaskObservation } from '../../lambdas/sources/maintenance-window/records';
import { ERROR_TITLE } from '../../lambdas/sources/run-command/output-limits';
import { commandInvocationObservation, commandObservation, type PluginOutputs } from '../../lambdas/sources/run-command/records';
import { sessionObservation } from '../../lambdas/sources/session/records';
import type { Observation } from '../../lambdas/core/model';
import { firstItemOf, type StoredItem } from '../../lambdas/store/record-store';
import { tableSchemas } from '../../lambdas/sources/tables';

/** Stored items exactly as the store writes them (firstItemOf: an upsert's item). */
const NOW = new Date('2024-03-01T12:00:00.000Z');
const context = { observedAt: NOW, producers: new Set(['event' as const]) };
const stored = (observation: Observation): StoredItem => firstItemOf(tableSchemas, observation, NOW);
const options = { region: 'us-east-1', accountId: '123456789012' };

const COMMAND_ID = 'e8d3c0e4-71f7-4491-898f-c9b35bee5f3b';

function invocation(overrides: Partial<CommandInvocation> = {}): CommandInvocation {
  return {
    CommandId: COMMAND_ID,
    InstanceId: 'i-0abc1234def567890',
    InstanceName: 'web-01',
    Comment: 'nightly cleanup',
    DocumentName: 'AWS-RunShellScript',
    DocumentVersion: '$DEFAULT',
    RequestedDateTime: new Date('2024-03-01T10:00:00.049Z'),
    Status: 'Failed',
    StatusDetails: 'Failed',
    TraceOutput: '',
    StandardOutputUrl: '',
    StandardErrorUrl: '',
    CommandPlugins: [
      {
        Name: 'aws:runShellScript',
        Status: 'Failed',
        StatusDetails: 'Failed',
        ResponseCode: 2,
        ResponseStartDateTime: new Date('2024-03-01T10:00:01.000Z'),
        ResponseFinishDateTime: new Date('2024-03-01T10:00:03.500Z'),
        Output: `partial${ERROR_TITLE}rm: cannot remove '/var/tmp/x': Permission denied\nfailed to run commands: exit status 2`,
      },
    ],
    ServiceRole: '',
    ...overrides,
  };
}

const invocationItem = (record: CommandInvocation, outputs: PluginOutputs = {}): StoredItem =>
  stored(commandInvocationObservation(record, outputs, context));

describe('alertingStatuses', () => {
  it('defaults to every terminal failure status of each kind', () => {
    expect([...alertingStatuses('run-command')].sort()).toEqual(
      [
        'AccessDenied', 'Cancelled', 'DeliveryTimedOut', 'ExecutionTimedOut', 'Failed', 'Incomplete', 'InvalidPlatform',
        'LimitExceeded', 'NoInstancesInTag', 'Terminated', 'TimedOut', 'Undeliverable',
      ].sort(),
    );
    expect([...alertingStatuses('automation')].sort()).toEqual(
      ['Cancelled', 'ChangeCalendarOverrideRejected', 'CompletedWithFailure', 'Failed', 'Rejected', 'TimedOut'].sort(),
    );
    expect([...alertingStatuses('association')].sort()).toEqual(['Cancelled', 'Failed', 'TimedOut']);
    expect([...alertingStatuses('maintenance-window')].sort()).toEqual(['CANCELLED', 'FAILED', 'TIMED_OUT']);
  });
});

describe('Run Command', () => {
  it("names a member account's failure by its own account and Region, links its Region's console, and lets subscriptions filter on both", () => {
    // Where a record lives is stored with it (account, region); the alert is about that SSM, not the archive's.
    const alert = alertFor('commandInvocations', { ...invocationItem(invocation()), account: '222222222222', region: 'eu-west-1' }, options);
    expect(alert?.body).toMatchObject({ region: 'eu-west-1', accountId: '222222222222' });
    expect(alert?.body.consoleUrl).toBe(`https://eu-west-1.console.aws.amazon.com/systems-manager/run-command/${COMMAND_ID}/i-0abc1234def567890?region=eu-west-1`);
    expect(alert?.messageAttributes).toMatchObject({
      account: { DataType: 'String', StringValue: '222222222222' },
      region: { DataType: 'String', StringValue: 'eu-west-1' },
    });
  });

  it('alerts on a failed invocation with the error part of the listed output', () => {
    const alert = alertFor('commandInvocations', invocationItem(invocation()), options);
    expect(alert).toEqual<Alert>({
      subject: 'SSM Run Command Failed: AWS-RunShellScript on i-0abc1234def567890 (web-01)',
      body: {
        kind: 'command-invocation',
        status: 'Failed',
        statusDetails: 'Failed',
        region: 'us-east-1',
        accountId: '123456789012',
        commandId: COMMAND_ID,
        instanceId: 'i-0abc1234def567890',
        instanceName: 'web-01',
        documentName: 'AWS-RunShellScript',
        documentVersion: '$DEFAULT',
        comment: 'nightly cleanup',
        node: 'i-0abc1234def567890',
        times: { requested: '2024-03-01T10:00:00.049Z', started: '2024-03-01T10:00:01.000Z', ended: '2024-03-01T10:00:03.500Z' },
        errorExcerpt: "rm: cannot remove '/var/tmp/x': Permission denied\nfailed to run commands: exit status 2",
        consoleUrl: `https://us-east-1.console.aws.amazon.com/systems-manager/run-command/${COMMAND_ID}/i-0abc1234def567890?region=us-east-1`,
      },
      messageAttributes: {
        kind: { DataType: 'String', StringValue: 'command-invocation' },
        status: { DataType: 'String', StringValue: 'Failed' },
        region: { DataType: 'String', StringValue: 'us-east-1' },
        account: { DataType: 'String', StringValue: '123456789012' },
        document: { DataType: 'String', StringValue: 'AWS-RunShellScript' },
      },
    });
    // JSON-serialisable as is.
    expect(JSON.parse(JSON.stringify(alert))).toEqual(alert);
  });

  it('leaves the error excerpt out when configured so, and only it', () => {
    const item = invocationItem(invocation(), {
      'aws:runShellScript': { $metadata: {}, StandardErrorContent: 'password=hunter2\n', StandardOutputContent: 'out' },
    });
    const kept = alertFor('commandInvocations', item, options);
    const left = alertFor('commandInvocations', item, options, parseAlertConfig({ errorExcerpts: 'false' }));
    expect(kept?.body.errorExcerpt).toBe('password=hunter2');
    expect(left?.body).toEqual(Object.fromEntries(Object.entries(kept?.body ?? {}).filter(([name]) => name !== 'errorExcerpt')));
    expect(JSON.stringify(left)).not.toContain('hunter2');
    expect(left?.subject).toBe(kept?.subject);
  });

  it('prefers the full StandardErrorContent the archive fetched for a cut plugin output', () => {
    const item = invocationItem(invocation(), {
      'aws:runShellScript': { $metadata: {}, StandardErrorContent: 'the full error\nsecond line\n', StandardOutputContent: 'out' },
    });
    expect(alertFor('commandInvocations', item, options)?.body.errorExcerpt).toBe('the full error\nsecond line');
  });

  it('lists each failed plugin of a multi-plugin document, and falls back to StatusDetails', () => {
    const twoPlugins = invocation({
      DocumentName: 'Deploy',
      Status: 'TimedOut',
      StatusDetails: 'ExecutionTimedOut',
      CommandPlugins: [
        { Name: 'fetch', Status: 'Success', Output: 'fetched' },
        { Name: 'install', Status: 'Failed', Output: `${ERROR_TITLE}E: broken package` },
        { Name: 'restart', Status: 'TimedOut', Output: 'still waiting' },
      ],
    });
    const alert = alertFor('commandInvocations', invocationItem(twoPlugins), options);
    expect(alert?.subject).toBe('SSM Run Command TimedOut: Deploy on i-0abc1234def567890 (web-01)');
    expect(alert?.body.errorExcerpt).toBe('[install]\nE: broken package\n[restart]\nstill waiting');
    expect(alert?.body.times).toEqual({ requested: '2024-03-01T10:00:00.049Z' });

    const undeliverable = invocation({ Status: 'Undeliverable' as CommandInvocation['Status'], StatusDetails: 'Undeliverable', CommandPlugins: [], InstanceName: '' });
    const other = alertFor('commandInvocations', invocationItem(undeliverable), options);
    expect(other?.subject).toBe('SSM Run Command Undeliverable: AWS-RunShellScript on i-0abc1234def567890');
    expect(other?.body.errorExcerpt).toBe('Undeliverable');
    expect(other?.body).not.toHaveProperty('instanceName');
  });

  it('caps the excerpt at 20 lines and 2,000 characters', () => {
    const manyLines = Array.from({ length: 50 }, (_, index) => `line ${index + 1}`).join('\n');
    const lines = alertFor(
      'commandInvocations',
      invocationItem(invocation({ CommandPlugins: [{ Name: 'p', Status: 'Failed', Output: `${ERROR_TITLE}${manyLines}` }] })),
      options,
    );
    expect(lines?.body.errorExcerpt?.split('\n')).toHaveLength(EXCERPT_MAX_LINES);
    expect(lines?.body.errorExcerpt?.split('\n').at(-1)).toBe('line 20');
    expect(lines?.body.errorExcerptTruncated).toBe(true);

    const longLine = 'x'.repeat(10_000);
    const chars = alertFor(
      'commandInvocations',
      invocationItem(invocation({ CommandPlugins: [{ Name: 'p', Status: 'Failed', Output: longLine }] })),
      options,
    );
    expect(chars?.body.errorExcerpt).toHaveLength(EXCERPT_MAX_CHARS);
    expect(chars?.body.errorExcerptTruncated).toBe(true);
    // Far below SNS's 256 KB.
    expect(Buffer.byteLength(JSON.stringify(chars?.body))).toBeLessThan(8_000);
  });

  it('keeps the subject to ASCII, folding accents, so that SNS takes it (the Name tag may hold any Unicode)', () => {
    const alert = alertFor('commandInvocations', invocationItem(invocation({ InstanceName: 'café-ü 数据库' })), options);
    expect(alert?.subject).toMatch(/^[\x20-\x7e]+$/);
    expect(alert?.subject).toContain('(cafe-u ???)');
    // The body keeps the name as it is.
    expect(alert?.body.instanceName).toBe('café-ü 数据库');
  });

  it('cuts a long subject under SNS\'s 100 characters, on one line', () => {
    const alert = alertFor(
      'commandInvocations',
      invocationItem(invocation({ DocumentName: `arn:aws:ssm:us-east-1:123456789012:document/${'Very-Long-Name-'.repeat(8)}`, InstanceName: 'a\nb' })),
      options,
    );
    expect(alert?.subject).toHaveLength(SUBJECT_MAX);
    expect(SUBJECT_MAX).toBeLessThan(100);
    expect(alert?.subject.endsWith('...')).toBe(true);
    expect(alert?.subject).not.toMatch(/\n/);
  });

  it('does not alert for success, running statuses, or an ignored document', () => {
    for (const status of ['Success', 'InProgress', 'Pending', 'Cancelling']) {
      expect(alertFor('commandInvocations', invocationItem(invocation({ Status: status as CommandInvocation['Status'] })), options)).toBeUndefined();
    }
    const config = parseAlertConfig({ ignoredDocuments: 'AWS-RunShellScript, AWS-RunPatchBaseline' });
    expect(alertFor('commandInvocations', invocationItem(invocation()), options, config)).toBeUndefined();
    expect(alertFor('commandInvocations', invocationItem(invocation({ DocumentName: 'Other' })), options, config)).toBeDefined();
  });

  it('alerts for a command only when it has no targets (no invocation will alert)', () => {
    const command: Command = {
      CommandId: COMMAND_ID,
      DocumentName: 'AWS-RunShellScript',
      RequestedDateTime: new Date('2024-03-01T10:00:00.049Z'),
      Status: 'Failed',
      StatusDetails: 'NoInstancesInTag',
      TargetCount: 0,
      CompletedCount: 0,
      ErrorCount: 0,
    };
    const alert = alertFor('commands', stored(commandObservation(command, context)), options);
    expect(alert?.subject).toBe('SSM Run Command Failed: AWS-RunShellScript (no targets)');
    expect(alert?.body).toEqual({
      kind: 'command',
      status: 'Failed',
      statusDetails: 'NoInstancesInTag',
      region: 'us-east-1',
      accountId: '123456789012',
      commandId: COMMAND_ID,
      documentName: 'AWS-RunShellScript',
      times: { requested: '2024-03-01T10:00:00.049Z' },
      errorExcerpt: 'NoInstancesInTag',
      consoleUrl: `https://us-east-1.console.aws.amazon.com/systems-manager/run-command/${COMMAND_ID}?region=us-east-1`,
    });
    const withTargets = { ...command, TargetCount: 3, ErrorCount: 3 };
    expect(alertFor('commands', stored(commandObservation(withTargets, context)), options)).toBeUndefined();
  });
});

describe('Automation', () => {
  const execution: AutomationExecutionMetadata = {
    AutomationExecutionId: '333ba70b-2333-48db-b17e-a5e69c6f4d1c',
    DocumentName: 'AWS-RestartEC2Instance',
    DocumentVersion: '1',
    AutomationExecutionStatus: 'Failed',
    ExecutionStartTime: new Date('2024-11-29T19:43:20.000Z'),
    ExecutionEndTime: new Date('2024-11-29T19:43:26.000Z'),
    ExecutedBy: 'arn:aws:iam::123456789012:user/userName',
    CurrentStepName: 'stopInstances',
    CurrentAction: 'aws:changeInstanceState',
    FailureMessage: 'Step fails when it is Executing. Fail to stop instance i-0abc. UnauthorizedOperation. Please refer to Automation Service Troubleshooting Guide for more diagnosis details.',
    Mode: 'Auto',
  };

  it('alerts on a failed execution with its step and failure message', () => {
    const alert = alertFor('automationExecutions', stored(automationExecutionObservation(execution, context)), options);
    expect(alert).toEqual<Alert>({
      subject: 'SSM Automation Failed: AWS-RestartEC2Instance at step stopInstances',
      body: {
        kind: 'automation-execution',
        status: 'Failed',
        statusDetails: execution.FailureMessage,
        region: 'us-east-1',
        accountId: '123456789012',
        automationExecutionId: '333ba70b-2333-48db-b17e-a5e69c6f4d1c',
        stepName: 'stopInstances',
        documentName: 'AWS-RestartEC2Instance',
        documentVersion: '1',
        times: { started: '2024-11-29T19:43:20.000Z', ended: '2024-11-29T19:43:26.000Z' },
        errorExcerpt: execution.FailureMessage,
        consoleUrl: 'https://us-east-1.console.aws.amazon.com/systems-manager/automation/execution/333ba70b-2333-48db-b17e-a5e69c6f4d1c?region=us-east-1',
      },
      messageAttributes: {
        kind: { DataType: 'String', StringValue: 'automation-execution' },
        status: { DataType: 'String', StringValue: 'Failed' },
        region: { DataType: 'String', StringValue: 'us-east-1' },
        account: { DataType: 'String', StringValue: '123456789012' },
        document: { DataType: 'String', StringValue: 'AWS-RestartEC2Instance' },
      },
    });
  });

  it('does not alert for steps, child executions, success, Exited or ignored runbooks', () => {
    const step = automationStepObservation(execution.AutomationExecutionId ?? '', { StepExecutionId: 's-1', StepName: 'stopInstances', StepStatus: 'Failed', FailureMessage: 'x' }, context);
    expect(alertFor('automationSteps', stored(step), options)).toBeUndefined();
    const child = { ...execution, ParentAutomationExecutionId: 'parent-1' };
    expect(alertFor('automationExecutions', stored(automationExecutionObservation(child, context)), options)).toBeUndefined();
    for (const status of ['Success', 'Exited', 'InProgress', 'Waiting']) {
      const record = { ...execution, AutomationExecutionStatus: status as 'Success' };
      expect(alertFor('automationExecutions', stored(automationExecutionObservation(record, context)), options)).toBeUndefined();
    }
    const config = parseAlertConfig({ ignoredDocuments: 'AWS-RestartEC2Instance' });
    expect(alertFor('automationExecutions', stored(automationExecutionObservation(execution, context)), options, config)).toBeUndefined();
  });

  it('links into the partition\'s console', () => {
    const item = stored(automationExecutionObservation(execution, context));
    expect(alertFor('automationExecutions', item, { region: 'us-gov-west-1', partition: 'aws-us-gov' })?.body.consoleUrl).toBe(
      'https://us-gov-west-1.console.amazonaws-us-gov.com/systems-manager/automation/execution/333ba70b-2333-48db-b17e-a5e69c6f4d1c?region=us-gov-west-1',
    );
    expect(alertFor('automationExecutions', item, { region: 'cn-north-1', partition: 'aws-cn' })?.body.consoleUrl).toBe(
      'https://cn-north-1.console.amazonaws.cn/systems-manager/automation/execution/333ba70b-2333-48db-b17e-a5e69c6f4d1c?region=cn-north-1',
    );
  });
});

describe('State Manager', () => {
  const execution: AssociationExecution = {
    AssociationId: '8dfe3659-4309-493a-8755-0123456789ab',
    AssociationVersion: '1',
    ExecutionId: '76a5a04f-caf6-490c-b057-0123456789ab',
    Status: 'Failed',
    DetailedStatus: 'Failed',
    CreatedTime: new Date('2024-03-01T09:00:00.000Z'),
    LastExecutionDate: new Date('2024-03-01T09:02:00.000Z'),
    ResourceCountByStatus: '{Failed=2, Success=58}',
  };

  it('alerts once per failed execution with its target counts', () => {
    const alert = alertFor('associationExecutions', stored(associationExecutionObservation(execution, context)), options);
    expect(alert).toEqual<Alert>({
      subject: 'SSM State Manager Failed: association 8dfe3659-4309-493a-8755-0123456789ab {Failed=2, Success=58}',
      body: {
        kind: 'association-execution',
        status: 'Failed',
        statusDetails: 'Failed',
        region: 'us-east-1',
        accountId: '123456789012',
        associationId: '8dfe3659-4309-493a-8755-0123456789ab',
        associationVersion: '1',
        executionId: '76a5a04f-caf6-490c-b057-0123456789ab',
        resourceCountByStatus: '{Failed=2, Success=58}',
        times: { requested: '2024-03-01T09:00:00.000Z', ended: '2024-03-01T09:02:00.000Z' },
        consoleUrl: 'https://us-east-1.console.aws.amazon.com/systems-manager/state-manager/8dfe3659-4309-493a-8755-0123456789ab/executionhistory?region=us-east-1',
      },
      messageAttributes: {
        kind: { DataType: 'String', StringValue: 'association-execution' },
        status: { DataType: 'String', StringValue: 'Failed' },
        region: { DataType: 'String', StringValue: 'us-east-1' },
        account: { DataType: 'String', StringValue: '123456789012' },
      },
    });
  });

  it('names the failed nodes of the same pass: the node when one failed, one line each when several did', () => {
    const target = (resourceId: string, status: string, detailed?: string) =>
      stored(
        associationExecutionTargetObservation(
          { AssociationId: execution.AssociationId, ExecutionId: execution.ExecutionId, ResourceId: resourceId, ResourceType: 'ManagedInstance', Status: status, DetailedStatus: detailed ?? status },
          context,
        ),
      );
    const other = { ...target('i-0other', 'Failed'), ExecutionId: 'another-execution' };
    const item = stored(associationExecutionObservation(execution, context));
    const one = alertFor('associationExecutions', item, options, undefined, (table) =>
      table === 'associationExecutionTargets' ? [target('i-0aaa', 'Success'), target('i-0bbb', 'Failed', 'Failed'), other] : [],
    );
    expect(one?.body).toMatchObject({ node: 'i-0bbb', errorExcerpt: 'i-0bbb: Failed' });
    const two = alertFor('associationExecutions', item, options, undefined, (table) =>
      table === 'associationExecutionTargets' ? [target('i-0ccc', 'TimedOut', 'DeliveryTimedOut'), target('i-0bbb', 'Failed')] : [],
    );
    expect(two?.body.node).toBeUndefined();
    expect(two?.body.errorExcerpt).toBe('i-0bbb: Failed\ni-0ccc: TimedOut (DeliveryTimedOut)');
  });

  it('does not alert for targets, success or Skipped', () => {
    const target = associationExecutionTargetObservation(
      { AssociationId: execution.AssociationId, ExecutionId: execution.ExecutionId, ResourceId: 'i-0abc', ResourceType: 'ManagedInstance', Status: 'Failed' },
      context,
    );
    expect(alertFor('associationExecutionTargets', stored(target), options)).toBeUndefined();
    for (const status of ['Success', 'Skipped', 'Pending', 'InProgress']) {
      expect(alertFor('associationExecutions', stored(associationExecutionObservation({ ...execution, Status: status }, context)), options)).toBeUndefined();
    }
  });
});

describe('Maintenance Windows', () => {
  // test/fixtures/aws/maintenance-window-execution-state-change.json's execution.
  const execution: MaintenanceWindowExecution = {
    WindowId: 'mw-0ed7251d3fcf6e0c2',
    WindowExecutionId: 'b60fb56e-776c-4e5c-84ee-123456789012',
    Status: 'TIMED_OUT',
    StatusDetails: 'One or more tasks in the orchestration timed out.',
    StartTime: new Date('2016-11-16T01:00:56.427Z'),
    EndTime: new Date('2016-11-16T01:00:57.070Z'),
  };

  it('alerts on a failed window execution', () => {
    const alert = alertFor('maintenanceWindowExecutions', stored(windowExecutionObservation(execution, context)), options);
    expect(alert).toEqual<Alert>({
      subject: 'SSM Maintenance Window TIMED_OUT: mw-0ed7251d3fcf6e0c2',
      body: {
        kind: 'maintenance-window-execution',
        status: 'TIMED_OUT',
        statusDetails: 'One or more tasks in the orchestration timed out.',
        region: 'us-east-1',
        accountId: '123456789012',
        windowId: 'mw-0ed7251d3fcf6e0c2',
        windowExecutionId: 'b60fb56e-776c-4e5c-84ee-123456789012',
        times: { started: '2016-11-16T01:00:56.427Z', ended: '2016-11-16T01:00:57.070Z' },
        errorExcerpt: 'One or more tasks in the orchestration timed out.',
        consoleUrl: 'https://us-east-1.console.aws.amazon.com/systems-manager/maintenance-windows/mw-0ed7251d3fcf6e0c2/history/b60fb56e-776c-4e5c-84ee-123456789012?region=us-east-1',
      },
      messageAttributes: {
        kind: { DataType: 'String', StringValue: 'maintenance-window-execution' },
        status: { DataType: 'String', StringValue: 'TIMED_OUT' },
        region: { DataType: 'String', StringValue: 'us-east-1' },
        account: { DataType: 'String', StringValue: '123456789012' },
      },
    });
  });

  it("names the failed task's document, which ignoredDocuments then applies to, and its failed invocations", () => {
    const item = stored(windowExecutionObservation(execution, context));
    const task = (type: string, arn: string) =>
      stored(windowTaskObservation({ WindowExecutionId: execution.WindowExecutionId, TaskExecutionId: 't-1', Status: 'TIMED_OUT', TaskType: type as 'RUN_COMMAND', TaskArn: arn }, context));
    const related = (type: string, arn: string) => (table: string) => (table === 'maintenanceWindowTasks' ? [task(type, arn)] : []);
    const alert = alertFor('maintenanceWindowExecutions', item, options, undefined, related('RUN_COMMAND', 'AWS-RunPatchBaseline'));
    expect(alert?.subject).toBe('SSM Maintenance Window TIMED_OUT: mw-0ed7251d3fcf6e0c2 (AWS-RunPatchBaseline)');
    expect(alert?.body).toMatchObject({ documentName: 'AWS-RunPatchBaseline', taskExecutionId: 't-1' });
    expect(alert?.messageAttributes.document?.StringValue).toBe('AWS-RunPatchBaseline');
    expect(alert?.body.errorExcerpt?.split('\n')[1]).toBe('task AWS-RunPatchBaseline (t-1): TIMED_OUT');
    const ignoring = parseAlertConfig({ ignoredDocuments: 'AWS-RunPatchBaseline' });
    expect(alertFor('maintenanceWindowExecutions', item, options, ignoring, related('RUN_COMMAND', 'AWS-RunPatchBaseline'))).toBeUndefined();
    // A Lambda task's TaskArn is a function ARN, not a document.
    const lambdaTask = alertFor('maintenanceWindowExecutions', item, options, undefined, related('LAMBDA', 'arn:aws:lambda:us-east-1:123456789012:function:patch'));
    expect(lambdaTask?.body.documentName).toBeUndefined();
    expect(lambdaTask?.messageAttributes.document).toBeUndefined();
  });

  it('does not alert for tasks, SUCCESS or SKIPPED_OVERLAPPING', () => {
    const task = windowTaskObservation({ WindowExecutionId: execution.WindowExecutionId, TaskExecutionId: 't-1', Status: 'FAILED' }, context);
    expect(alertFor('maintenanceWindowTasks', stored(task), options)).toBeUndefined();
    for (const status of ['SUCCESS', 'SKIPPED_OVERLAPPING', 'IN_PROGRESS']) {
      const record = { ...execution, Status: status as 'SUCCESS' };
      expect(alertFor('maintenanceWindowExecutions', stored(windowExecutionObservation(record, context)), options)).toBeUndefined();
    }
  });
});

describe('Session Manager', () => {
  const session = (overrides: Partial<Session> = {}): StoredItem =>
    stored(
      sessionObservation(
        {
          SessionId: 'jane-roe-0a1b2c3d4e5f67890',
          Target: 'i-0abc1234def567890',
          Status: 'Failed',
          StartDate: new Date('2024-03-01T10:00:00.000Z'),
          EndDate: new Date('2024-03-01T10:12:00.000Z'),
          DocumentName: 'SSM-SessionManagerRunShell',
          Owner: 'arn:aws:iam::123456789012:user/jane-roe',
          Reason: 'restart nginx',
          ...overrides,
        },
        context,
      ),
    );

  it('does not alert by default: a session is an audit record, and a bare status does not turn it on', () => {
    expect(alertingStatuses('session').size).toBe(0);
    expect(alertFor('sessions', session(), options)).toBeUndefined();
    expect(alertFor('sessions', session(), options, parseAlertConfig({ statuses: 'Failed' }))).toBeUndefined();
  });

  it('alerts for the session statuses the configuration names, with who, where, when and why', () => {
    const config = parseAlertConfig({ statuses: 'session:Failed,session:Terminated' });
    expect(alertFor('sessions', session({ Status: 'Connected' }), options, config)).toBeUndefined();
    const alert = alertFor('sessions', session(), options, config);
    expect(alert?.subject).toBe('SSM Session Failed: jane-roe-0a1b2c3d4e5f67890 on i-0abc1234def567890');
    expect(alert?.body).toEqual({
      kind: 'session',
      status: 'Failed',
      region: 'us-east-1',
      accountId: '123456789012',
      sessionId: 'jane-roe-0a1b2c3d4e5f67890',
      node: 'i-0abc1234def567890',
      owner: 'arn:aws:iam::123456789012:user/jane-roe',
      reason: 'restart nginx',
      documentName: 'SSM-SessionManagerRunShell',
      times: { started: '2024-03-01T10:00:00.000Z', ended: '2024-03-01T10:12:00.000Z' },
      consoleUrl: 'https://us-east-1.console.aws.amazon.com/systems-manager/session-manager/sessions?region=us-east-1',
    });
    expect(alert?.messageAttributes.kind).toEqual({ DataType: 'String', StringValue: 'session' });
    expect(alertFor('sessions', session({ Status: 'Terminated' }), options, config)?.body.status).toBe('Terminated');
  });
});

describe('parseAlertConfig', () => {
  it('uses the defaults when nothing is configured', () => {
    const config = parseAlertConfig({});
    expect(config.statuses['run-command']).toEqual(alertingStatuses('run-command'));
    expect(config.ignoredDocuments.size).toBe(0);
    expect(config.errorExcerpts).toBe(true);
    expect(parseAlertConfig({ errorExcerpts: 'false' }).errorExcerpts).toBe(false);
    expect(() => parseAlertConfig({ errorExcerpts: 'no' })).toThrow(/alert error excerpts: "no" is neither true nor false/);
    expect(parseAlertConfig({ statuses: ' , ' }).statuses.automation).toEqual(alertingStatuses('automation'));
  });

  it('applies a global status to every kind that has it, and kind:Status to one kind', () => {
    const config = parseAlertConfig({ statuses: 'Failed, maintenance-window:FAILED, run-command:TimedOut' });
    expect([...config.statuses['run-command']].sort()).toEqual(['Failed', 'TimedOut']);
    expect([...config.statuses.automation]).toEqual(['Failed']);
    expect([...config.statuses.association]).toEqual(['Failed']);
    expect([...config.statuses['maintenance-window']]).toEqual(['FAILED']);
  });

  it('keeps a kind the list does not concern at its default, and turns a kind off with none', () => {
    const config = parseAlertConfig({ statuses: 'run-command:Failed,association:none' });
    expect(config.statuses.automation).toEqual(alertingStatuses('automation'));
    expect(config.statuses.association.size).toBe(0);
    const failedOnly = invocationItem(invocation({ Status: 'TimedOut' }));
    expect(alertFor('commandInvocations', failedOnly, options, config)).toBeUndefined();
    expect(alertFor('commandInvocations', invocationItem(invocation()), options, config)).toBeDefined();
  });

  it('fails fast on unknown statuses and kinds, and on statuses that are not terminal', () => {
    expect(() => parseAlertConfig({ statuses: 'Failed,Broken' })).toThrow('alert statuses: unknown status "Broken" (no history kind that alerts by default has it');
    expect(() => parseAlertConfig({ statuses: 'maintenance-window:Failed' })).toThrow(
      'alert statuses: unknown maintenance-window status "Failed" in "maintenance-window:Failed"; known: PENDING, IN_PROGRESS, CANCELLING, SUCCESS, SKIPPED_OVERLAPPING, FAILED, TIMED_OUT, CANCELLED',
    );
    expect(() => parseAlertConfig({ statuses: 'patch:Failed' })).toThrow(
      'alert statuses: unknown kind "patch" in "patch:Failed"; kinds: run-command, automation, association, maintenance-window, session',
    );
    expect(() => parseAlertConfig({ statuses: 'InProgress' })).toThrow('alert statuses: run-command status "InProgress" in "InProgress" is not terminal');
  });
});

it('gives undefined for tables that never alert', () => {
  expect(alertFor('pollCheckpoints', { kind: 'run-command' }, options)).toBeUndefined();
});
