import type { GetCommandInvocationResult, SSMClient } from '@aws-sdk/client-ssm';
import { parseAlertConfig, type Alert } from '../../lambdas/alerts/alert';
import { FailureAlerts, type AlertPublisher } from '../../lambdas/alerts/failure-alerts';
import { Collector, type CollectedBatch } from '../../lambdas/collector/collector';
import { encodeWorkItem } from '../../lambdas/collector/messages';
import { SsmSimulator, VirtualClock } from '../../local/ssm-simulator';
import { historySources } from '../../lambdas/sources';
import type { FetchRequest, HistoryKind } from '../../lambdas/core/model';
import { RecordStore } from '../../lambdas/store/record-store';
import associationSample from '../fixtures/aws/association-state-change.json';
import automationSample from '../fixtures/aws/automation-execution-status-change.json';
import automationStepSample from '../fixtures/aws/automation-step-status-change.json';
import commandSample from '../fixtures/aws/command-status-change.json';
import invocationSample from '../fixtures/aws/command-invocation-status-change.json';
import instanceAssociationSample from '../fixtures/aws/instance-association-state-change.json';
import windowSample from '../fixtures/aws/maintenance-window-execution-state-change.json';
import windowTaskSample from '../fixtures/aws/maintenance-window-task-execution-state-change.json';
import windowInvocationSample from '../fixtures/aws/maintenance-window-task-target-invocation-state-change.json';
import { ssmClient } from '../ssm-simulator/sdk-client';
import { startDynalite, type TestDatabase } from '../support/databases';
import { queueMessage } from '../support/messages';
import { silentLog as silent } from '../support/silent-log';
import { tableSchemas, type ArchiveTableId as TableId } from '../../lambdas/sources/tables';

/**
 * Issue 6, "Alert content for each kind from the sample events and records": AWS's own
 * sample events (test/fixtures/aws, a success status turned into a failure, nothing else
 * changed unless said) go through the real Collector with FailureAlerts, a real RecordStore
 * on dynalite, and the SSM simulator holding the records the events name, read through the
 * real SDK. Each failure publishes exactly one alert, whose content is checked field for
 * field; duplicated events and a poller's re-listing publish nothing more; a success never
 * alerts; a failure older than maxAgeMs is archived without an alert.
 */

const CONTEXT = { region: 'us-east-1', accountId: '123456789012' };
const MAX_AGE_MS = 60 * 60_000;
const CONSOLE = 'https://us-east-1.console.aws.amazon.com/systems-manager';

/** SNS as a list. */
class RecordingPublisher implements AlertPublisher {
  readonly published: Alert[] = [];
  async publish(alert: Alert): Promise<{ messageId: string }> {
    this.published.push(alert);
    return { messageId: `message-${this.published.length}` };
  }
}

type Sample = { readonly detail: object } & Record<string, unknown>;
/** The sample with some detail fields changed (the status, mostly), everything else as AWS printed it. */
const withDetail = (sample: Sample, changes: Record<string, unknown>): string => JSON.stringify({ ...sample, detail: { ...sample.detail, ...changes } });

const pollItem = (kind: HistoryKind, parentId: string, sentAt: Date, fetch: FetchRequest): string =>
  encodeWorkItem({ kind, parentId, producer: 'poll', sentAt: sentAt.toISOString(), observations: [], fetch });

// ---- the samples' identities ---------------------------------------------------------------

const COMMAND_ID = invocationSample.detail['command-id'];
const INSTANCE_ID = invocationSample.detail['instance-id'];
const RUN_DOCUMENT = invocationSample.detail['document-name'];
const REQUESTED = new Date(invocationSample.detail['requested-date-time']);
/** Not in the samples: the plugin's run, between the request and the event. */
const PLUGIN_START = '2016-07-10T21:51:30.512Z';
const PLUGIN_END = '2016-07-10T21:51:31.730Z';
const PLUGIN_NAME = 'aws:runPowerShellScript';
/** Not in the samples: what PowerShell writes when the sample's `date` command fails (more than EXCERPT_MAX_LINES lines). */
const STDERR = [
  "date : The term 'date' is not recognized as the name of a cmdlet, function, script file, or operable program.",
  'Check the spelling of the name, or if a path was included, verify that the path is correct and try again.',
  `At C:\\ProgramData\\Amazon\\SSM\\InstanceData\\${INSTANCE_ID}\\document\\orchestration\\${COMMAND_ID}\\awsrunPowerShellScript\\0.awsrunPowerShellScript\\_script.ps1:1 char:1`,
  '+ date',
  '+ ~~~~',
  '    + CategoryInfo          : ObjectNotFound: (date:String) [], CommandNotFoundException',
  '    + FullyQualifiedErrorId : CommandNotFoundException',
  ...Array.from({ length: 20 }, (_, i) => `    at System.Management.Automation.Frame${i + 1}()`),
  'failed to run commands: exit status 1',
].join('\n');

const AUTOMATION_ID = automationSample.detail.ExecutionId;
const RUNBOOK = automationSample.detail.Definition;

const ASSOCIATION_ID = associationSample.detail['association-id'];
/** The association's node (the sample's targets), and the execution's run: created 3 s before last-execution-date, ended at it. */
const ASSOCIATION_NODE = 'i-12345678';
const ASSOCIATION_CREATED = new Date(Date.parse(associationSample.detail['last-execution-date']) - 3000);

const WINDOW_ID = windowSample.detail['window-id'];
const WINDOW_EXECUTION_ID = windowSample.detail['window-execution-id'];
const TASK_EXECUTION_ID = windowTaskSample.detail['task-execution-id'];
/** AWS does not document a timed-out window execution's StatusDetails: a plain one. */
const WINDOW_TIMED_OUT_DETAILS = 'One or more tasks in the orchestration timed out.';

describe('failure alerts: content for each kind, from AWS sample events through the collector, simulator and dynalite', () => {
  let database: TestDatabase;
  const open: { simulator: SsmSimulator; ssm: SSMClient }[] = [];

  beforeAll(async () => {
    database = await startDynalite();
  });
  afterAll(async () => {
    await database.stop();
  });
  afterEach(async () => {
    for (const { simulator, ssm } of open.splice(0)) {
      ssm.destroy();
      await simulator.close();
    }
  });

  interface Kit {
    readonly simulator: SsmSimulator;
    readonly store: RecordStore;
    readonly publisher: RecordingPublisher;
    /** Delivers the bodies as one batch and requires every message to be accepted. */
    collect(bodies: readonly string[]): Promise<CollectedBatch>;
  }

  /**
   * The simulator's clock stands at `simulatorAt` (the sample's event time); the archive's
   * clock starts at `now` and ticks a second a call, so records, claims and alert ages follow it.
   */
  async function kit(simulatorAt: Date, now: Date): Promise<Kit> {
    const simulator = new SsmSimulator({ seed: 6, clock: new VirtualClock(simulatorAt) });
    const { endpoint } = await simulator.listen();
    const ssm = ssmClient(endpoint, 1);
    open.push({ simulator, ssm });
    let clock = now.getTime();
    const tick = () => new Date((clock += 1000));
    const store = new RecordStore(database.doc, tableSchemas, await database.tables('alerts'), tick);
    const publisher = new RecordingPublisher();
    const collector = new Collector({
      sources: historySources,
      clients: { ssm },
      store,
      logger: silent,
      parentConcurrency: 2,
      now: tick,
      alerts: new FailureAlerts({ publisher, claims: store, config: parseAlertConfig(), context: CONTEXT, maxAgeMs: MAX_AGE_MS, logger: silent, now: tick }),
    });
    return {
      simulator,
      store,
      publisher,
      async collect(bodies) {
        const result = await collector.collect(bodies.map((body) => queueMessage(body)));
        expect(Object.fromEntries(result.failureReasons)).toEqual({});
        return result;
      },
    };
  }

  async function storedItem(store: RecordStore, table: TableId, key: Record<string, string>): Promise<Record<string, unknown>> {
    const item = await store.get(table, key);
    expect(item).toBeDefined();
    return item ?? {};
  }

  // ---- Run Command -----------------------------------------------------------------------

  describe('Run Command: command-status-change and command-invocation-status-change', () => {
    const EVENT_TIME = new Date(invocationSample.time);
    const NOW = new Date(EVENT_TIME.getTime() + 60_000);

    function seed(simulator: SsmSimulator, status: 'Failed' | 'Success'): void {
      const failed = status === 'Failed';
      const output: GetCommandInvocationResult = {
        CommandId: COMMAND_ID,
        InstanceId: INSTANCE_ID,
        Comment: '',
        DocumentName: RUN_DOCUMENT,
        DocumentVersion: '1',
        PluginName: PLUGIN_NAME,
        ResponseCode: failed ? 1 : 0,
        ExecutionStartDateTime: PLUGIN_START,
        ExecutionElapsedTime: 'PT1.218S',
        ExecutionEndDateTime: PLUGIN_END,
        Status: status,
        StatusDetails: status,
        StandardOutputContent: failed ? '' : 'Sunday, July 10, 2016 9:51:31 PM\n',
        StandardOutputUrl: '',
        StandardErrorContent: failed ? `${STDERR}\n` : '',
        StandardErrorUrl: '',
        CloudWatchOutputConfig: { CloudWatchLogGroupName: '', CloudWatchOutputEnabled: false },
      };
      simulator.seedCommandInvocation({
        invocation: {
          CommandId: COMMAND_ID,
          InstanceId: INSTANCE_ID,
          InstanceName: '',
          Comment: '',
          DocumentName: RUN_DOCUMENT,
          DocumentVersion: '1',
          RequestedDateTime: REQUESTED,
          Status: status,
          StatusDetails: status,
          TraceOutput: '',
          StandardOutputUrl: '',
          StandardErrorUrl: '',
          ServiceRole: '',
          NotificationConfig: { NotificationArn: '', NotificationEvents: [] },
          CloudWatchOutputConfig: { CloudWatchLogGroupName: '', CloudWatchOutputEnabled: false },
        },
        pluginOutputs: [output],
      });
    }

    const events = (status: string): string[] => [withDetail(commandSample, { status }), withDetail(invocationSample, { status })];
    const poll = (at: Date) => pollItem('run-command', COMMAND_ID, at, { scope: 'parent' });
    const invocationKey = { CommandId: COMMAND_ID, InstanceId: INSTANCE_ID };

    it('a failed invocation: one alert with the node, the document, the plugin times and the first lines of stderr; none again', async () => {
      const { simulator, store, publisher, collect } = await kit(EVENT_TIME, NOW);
      seed(simulator, 'Failed');
      const first = await collect(events('Failed'));
      expect(first.alertsPublished).toEqual({ 'run-command': 1 });

      const excerpt = STDERR.split('\n').slice(0, 20).join('\n');
      expect(publisher.published).toEqual<Alert[]>([
        {
          subject: `SSM Run Command Failed: ${RUN_DOCUMENT} on ${INSTANCE_ID}`,
          body: {
            kind: 'command-invocation',
            status: 'Failed',
            statusDetails: 'Failed',
            region: 'us-east-1',
            accountId: '123456789012',
            commandId: COMMAND_ID,
            instanceId: INSTANCE_ID,
            documentName: RUN_DOCUMENT,
            documentVersion: '1',
            node: INSTANCE_ID,
            times: { requested: REQUESTED.toISOString(), started: PLUGIN_START, ended: PLUGIN_END },
            errorExcerpt: excerpt,
            errorExcerptTruncated: true,
            consoleUrl: `${CONSOLE}/run-command/${COMMAND_ID}/${INSTANCE_ID}?region=us-east-1`,
          },
          messageAttributes: {
            kind: { DataType: 'String', StringValue: 'command-invocation' },
            status: { DataType: 'String', StringValue: 'Failed' },
            region: { DataType: 'String', StringValue: 'us-east-1' },
            account: { DataType: 'String', StringValue: '123456789012' },
            document: { DataType: 'String', StringValue: RUN_DOCUMENT },
          },
        },
      ]);
      // The excerpt is the error output's first lines: the PowerShell error, not stdout, not the ERROR title.
      expect(publisher.published[0]?.body.errorExcerpt?.startsWith("date : The term 'date' is not recognized")).toBe(true);
      expect(await storedItem(store, 'commandInvocations', invocationKey)).toMatchObject({ Status: 'Failed', alertState: 'sent' });
      // The command (one target) does not alert: its failed invocation did.
      expect(await storedItem(store, 'commands', { CommandId: COMMAND_ID })).not.toHaveProperty('alertState');

      const again = await collect([...events('Failed'), ...events('Failed'), poll(NOW)]);
      expect(again.alertsPublished).toEqual({});
      await collect([poll(new Date(NOW.getTime() + 300_000))]);
      expect(publisher.published).toHaveLength(1);
    });

    it('a successful invocation (the samples as AWS printed them): archived, no alert', async () => {
      const { simulator, store, publisher, collect } = await kit(EVENT_TIME, NOW);
      seed(simulator, 'Success');
      await collect([...events('Success'), poll(NOW)]);
      expect(publisher.published).toEqual([]);
      const item = await storedItem(store, 'commandInvocations', invocationKey);
      expect(item).toMatchObject({ Status: 'Success' });
      expect(item).not.toHaveProperty('alertState');
    });

    it('a failure older than maxAgeMs when first stored (a backfill) is archived without an alert', async () => {
      const late = new Date(Date.parse(PLUGIN_END) + MAX_AGE_MS + 60_000);
      const { simulator, store, publisher, collect } = await kit(EVENT_TIME, late);
      seed(simulator, 'Failed');
      await collect([...events('Failed'), poll(late)]);
      expect(publisher.published).toEqual([]);
      const item = await storedItem(store, 'commandInvocations', invocationKey);
      // Decided once, on the record: too old when first stored.
      expect(item).toMatchObject({ Status: 'Failed', DocumentName: RUN_DOCUMENT, alertState: 'skipped' });
    });
  });

  // ---- Automation ------------------------------------------------------------------------

  describe('Automation: automation-execution-status-change and automation-step-status-change', () => {
    const EVENT_TIME = new Date(automationSample.time);
    const NOW = new Date(EVENT_TIME.getTime() + 60_000);
    /** The sample's StartTime and EndTime ("Nov 29, 2024 7:43:20 PM", "... 7:43:26 PM"). */
    const STARTED = '2024-11-29T19:43:20.000Z';
    const ENDED = '2024-11-29T19:43:26.000Z';

    function seed(simulator: SsmSimulator, failed: boolean): void {
      // One step that runs from 1 s after the start (the simulator's start delay) to the sample's EndTime.
      simulator.startAutomation({
        executionId: AUTOMATION_ID,
        documentName: RUNBOOK,
        documentVersion: '1',
        steps: 1,
        stepDurationMs: 5000,
        ...(failed ? { failAtStep: 0 } : {}),
        executedBy: automationSample.detail.ExecutedBy,
        startAt: new Date(STARTED),
        seed: 6,
      });
    }

    const events = (status: string): string[] => [withDetail(automationSample, { Status: status }), withDetail(automationStepSample, { Status: status })];
    const poll = (at: Date) => pollItem('automation', AUTOMATION_ID, at, { scope: 'parent' });
    const key = { AutomationExecutionId: AUTOMATION_ID };

    it('a failed execution: one alert with the runbook, its times and the failure message; none again', async () => {
      const { simulator, store, publisher, collect } = await kit(EVENT_TIME, NOW);
      seed(simulator, true);
      const [truth] = simulator.automationTruth();
      expect(truth?.execution).toMatchObject({ AutomationExecutionStatus: 'Failed', ExecutionEndTime: new Date(ENDED) });
      const failure = 'Step fails when it is executing. Fail to execute step step1.';
      expect(truth?.execution.FailureMessage).toBe(failure);

      const first = await collect(events('Failed'));
      expect(first.alertsPublished).toEqual({ automation: 1 });
      expect(publisher.published).toEqual<Alert[]>([
        {
          // The finished execution names no CurrentStepName: the failed step archived in the same pass does.
          subject: `SSM Automation Failed: ${RUNBOOK} at step step1`,
          body: {
            kind: 'automation-execution',
            status: 'Failed',
            statusDetails: failure,
            region: 'us-east-1',
            accountId: '123456789012',
            automationExecutionId: AUTOMATION_ID,
            stepName: 'step1',
            documentName: RUNBOOK,
            documentVersion: '1',
            times: { started: STARTED, ended: ENDED },
            errorExcerpt: failure,
            consoleUrl: `${CONSOLE}/automation/execution/${AUTOMATION_ID}?region=us-east-1`,
          },
          messageAttributes: {
            kind: { DataType: 'String', StringValue: 'automation-execution' },
            status: { DataType: 'String', StringValue: 'Failed' },
            region: { DataType: 'String', StringValue: 'us-east-1' },
            account: { DataType: 'String', StringValue: '123456789012' },
            document: { DataType: 'String', StringValue: RUNBOOK },
          },
        },
      ]);
      expect(await storedItem(store, 'automationExecutions', key)).toMatchObject({ AutomationExecutionStatus: 'Failed', alertState: 'sent' });

      const again = await collect([...events('Failed'), ...events('Failed'), poll(NOW)]);
      expect(again.alertsPublished).toEqual({});
      await collect([poll(new Date(NOW.getTime() + 300_000))]);
      expect(publisher.published).toHaveLength(1);
    });

    it('a successful execution (the samples as AWS printed them): archived, no alert', async () => {
      const { simulator, store, publisher, collect } = await kit(EVENT_TIME, NOW);
      seed(simulator, false);
      await collect([...events('Success'), poll(NOW)]);
      expect(publisher.published).toEqual([]);
      const item = await storedItem(store, 'automationExecutions', key);
      expect(item).toMatchObject({ AutomationExecutionStatus: 'Success', DocumentName: RUNBOOK, ExecutionEndTime: ENDED });
      expect(item).not.toHaveProperty('alertState');
    });
  });

  // ---- State Manager ---------------------------------------------------------------------

  describe('State Manager: association-state-change and instance-association-state-change', () => {
    const EVENT_TIME = new Date(associationSample.time);
    const NOW = new Date(EVENT_TIME.getTime() + 60_000);
    const ENDED = associationSample.detail['last-execution-date'].replace('Z', '.000Z');

    /** One execution on the sample's one node, created 3 s before the sample's last-execution-date, ended at it. */
    function seed(simulator: SsmSimulator, failed: boolean): string {
      simulator.createAssociation({
        associationId: ASSOCIATION_ID,
        documentName: associationSample.detail['document-name'],
        targets: 1,
        instanceIds: [ASSOCIATION_NODE],
        executions: 1,
        targetDurationMs: 2000,
        ...(failed ? { failures: [{ execution: 0, target: 0 }] } : {}),
        scheduleExpression: associationSample.detail['schedule-expression'],
        startAt: ASSOCIATION_CREATED,
        seed: 6,
      });
      const execution = simulator.associationTruth()[0]?.executions[0]?.execution;
      expect(execution).toMatchObject({ Status: failed ? 'Failed' : 'Success', LastExecutionDate: new Date(ENDED) });
      return execution?.ExecutionId ?? '';
    }

    // The instance sample names another association (and a 2017-02 date): here it names the
    // sample association, whose node it is, so that both events are about one association.
    const events = (status: string): string[] => [
      withDetail(associationSample, { status }),
      withDetail(instanceAssociationSample, { 'association-id': ASSOCIATION_ID, status }),
    ];
    const poll = (at: Date) => pollItem('association', ASSOCIATION_ID, at, { scope: 'parent', since: new Date(ASSOCIATION_CREATED.getTime() - 3_600_000).toISOString() });

    it('a failed execution: one alert with the association, the execution and its per-status counts; none again', async () => {
      const { simulator, store, publisher, collect } = await kit(EVENT_TIME, NOW);
      const executionId = seed(simulator, true);
      const first = await collect(events('Failed'));
      expect(first.alertsPublished).toEqual({ association: 1 });
      expect(publisher.published).toEqual<Alert[]>([
        {
          subject: `SSM State Manager Failed: association ${ASSOCIATION_ID} {Failed=1}`,
          body: {
            kind: 'association-execution',
            status: 'Failed',
            statusDetails: 'Failed',
            region: 'us-east-1',
            accountId: '123456789012',
            associationId: ASSOCIATION_ID,
            associationVersion: '1',
            executionId,
            resourceCountByStatus: '{Failed=1}',
            // The one failed target, from the same pass. No documentName: neither record has one.
            node: 'i-12345678',
            times: { requested: ASSOCIATION_CREATED.toISOString(), ended: ENDED },
            errorExcerpt: 'i-12345678: Failed',
            consoleUrl: `${CONSOLE}/state-manager/${ASSOCIATION_ID}/executionhistory?region=us-east-1`,
          },
          messageAttributes: {
            kind: { DataType: 'String', StringValue: 'association-execution' },
            status: { DataType: 'String', StringValue: 'Failed' },
            region: { DataType: 'String', StringValue: 'us-east-1' },
            account: { DataType: 'String', StringValue: '123456789012' },
          },
        },
      ]);
      expect(await storedItem(store, 'associationExecutions', { AssociationId: ASSOCIATION_ID, ExecutionId: executionId })).toMatchObject({
        Status: 'Failed',
        alertState: 'sent',
        childrenComplete: true,
      });
      // The failed target is archived and does not alert by itself.
      const target = await storedItem(store, 'associationExecutionTargets', { ExecutionId: executionId, ResourceId: ASSOCIATION_NODE });
      expect(target).toMatchObject({ Status: 'Failed' });
      expect(target).not.toHaveProperty('alertState');

      const again = await collect([...events('Failed'), ...events('Failed'), poll(NOW)]);
      expect(again.alertsPublished).toEqual({});
      await collect([poll(new Date(NOW.getTime() + 300_000))]);
      expect(publisher.published).toHaveLength(1);
    });

    it('a successful execution (the samples as AWS printed them): archived, no alert', async () => {
      const { simulator, store, publisher, collect } = await kit(EVENT_TIME, NOW);
      const executionId = seed(simulator, false);
      await collect([...events('Success'), poll(NOW)]);
      expect(publisher.published).toEqual([]);
      const item = await storedItem(store, 'associationExecutions', { AssociationId: ASSOCIATION_ID, ExecutionId: executionId });
      expect(item).toMatchObject({ Status: 'Success', ResourceCountByStatus: '{Success=1}' });
      expect(item).not.toHaveProperty('alertState');
    });
  });

  // ---- Maintenance Windows ---------------------------------------------------------------

  describe('Maintenance Windows: window execution, task execution and task target invocation state changes', () => {
    const EVENT_TIME = new Date(windowSample.time);
    const NOW = new Date(EVENT_TIME.getTime() + 60_000);
    const STARTED = windowSample.detail['start-time'];
    const ENDED = windowSample.detail['end-time'];

    /** The execution, its task and the task's one invocation, with the samples' ids, times and status. */
    function seed(simulator: SsmSimulator, status: 'TIMED_OUT' | 'SUCCESS'): void {
      const timedOut = status === 'TIMED_OUT';
      simulator.seedMaintenanceWindowExecution({
        windowId: WINDOW_ID,
        execution: {
          WindowId: WINDOW_ID,
          WindowExecutionId: WINDOW_EXECUTION_ID,
          Status: status,
          ...(timedOut ? { StatusDetails: WINDOW_TIMED_OUT_DETAILS } : {}),
          StartTime: new Date(STARTED),
          EndTime: new Date(ENDED),
        },
        tasks: [
          {
            task: {
              WindowExecutionId: WINDOW_EXECUTION_ID,
              TaskExecutionId: TASK_EXECUTION_ID,
              Status: status,
              StartTime: new Date(windowTaskSample.detail['start-time']),
              EndTime: new Date(windowTaskSample.detail['end-time']),
              TaskArn: 'AWS-RunPowerShellScript',
              TaskType: 'RUN_COMMAND',
            },
            invocations: [
              {
                WindowExecutionId: WINDOW_EXECUTION_ID,
                TaskExecutionId: TASK_EXECUTION_ID,
                InvocationId: 'c2b7a9f4-1d3e-4f5a-8b6c-123456789012',
                ExecutionId: '5d2e8f0a-9b1c-4d3e-a5f6-123456789012',
                TaskType: 'RUN_COMMAND',
                Status: status,
                StatusDetails: timedOut ? 'DeliveryTimedOut' : 'Success',
                StartTime: new Date(windowInvocationSample.detail['start-time']),
                EndTime: new Date(windowInvocationSample.detail['end-time']),
                OwnerInformation: windowInvocationSample.detail['owner-information'],
                WindowTargetId: windowInvocationSample.detail['window-target-id'],
              },
            ],
          },
        ],
      });
    }

    // The samples say TIMED_OUT already: a failure as AWS printed them. The success case turns them to SUCCESS.
    const events = (status: string): string[] => [
      withDetail(windowSample, { status }),
      withDetail(windowTaskSample, { status }),
      withDetail(windowInvocationSample, { status }),
    ];
    const poll = (at: Date) =>
      pollItem('maintenance-window', WINDOW_EXECUTION_ID, at, { scope: 'parent', listedBy: { ownerId: WINDOW_ID, startedAt: STARTED } });
    const key = { WindowExecutionId: WINDOW_EXECUTION_ID };

    it('a timed-out window execution: one alert with the window, the execution, its times and status details; none again', async () => {
      const { simulator, store, publisher, collect } = await kit(EVENT_TIME, NOW);
      seed(simulator, 'TIMED_OUT');
      expect(windowSample.detail.status).toBe('TIMED_OUT');
      const first = await collect(events(windowSample.detail.status));
      expect(first.alertsPublished).toEqual({ 'maintenance-window': 1 });
      expect(publisher.published).toEqual<Alert[]>([
        {
          subject: `SSM Maintenance Window TIMED_OUT: ${WINDOW_ID} (AWS-RunPowerShellScript)`,
          body: {
            kind: 'maintenance-window-execution',
            status: 'TIMED_OUT',
            statusDetails: WINDOW_TIMED_OUT_DETAILS,
            region: 'us-east-1',
            accountId: '123456789012',
            windowId: WINDOW_ID,
            windowExecutionId: WINDOW_EXECUTION_ID,
            // The timed-out RUN_COMMAND task's document, and its timed-out invocation (by command id).
            taskExecutionId: TASK_EXECUTION_ID,
            documentName: 'AWS-RunPowerShellScript',
            times: { started: STARTED, ended: ENDED },
            errorExcerpt: [
              WINDOW_TIMED_OUT_DETAILS,
              `task AWS-RunPowerShellScript (${TASK_EXECUTION_ID}): TIMED_OUT`,
              '  5d2e8f0a-9b1c-4d3e-a5f6-123456789012: TIMED_OUT: DeliveryTimedOut',
            ].join('\n'),
            consoleUrl: `${CONSOLE}/maintenance-windows/${WINDOW_ID}/history/${WINDOW_EXECUTION_ID}?region=us-east-1`,
          },
          messageAttributes: {
            kind: { DataType: 'String', StringValue: 'maintenance-window-execution' },
            status: { DataType: 'String', StringValue: 'TIMED_OUT' },
            region: { DataType: 'String', StringValue: 'us-east-1' },
            account: { DataType: 'String', StringValue: '123456789012' },
            document: { DataType: 'String', StringValue: 'AWS-RunPowerShellScript' },
          },
        },
      ]);
      expect(await storedItem(store, 'maintenanceWindowExecutions', key)).toMatchObject({ Status: 'TIMED_OUT', alertState: 'sent' });
      // The timed-out task is archived and does not alert by itself.
      const task = await storedItem(store, 'maintenanceWindowTasks', { WindowExecutionId: WINDOW_EXECUTION_ID, TaskExecutionId: TASK_EXECUTION_ID });
      expect(task).toMatchObject({ Status: 'TIMED_OUT', TaskArn: 'AWS-RunPowerShellScript' });
      expect(task).not.toHaveProperty('alertState');

      const again = await collect([...events('TIMED_OUT'), ...events('TIMED_OUT'), poll(NOW)]);
      expect(again.alertsPublished).toEqual({});
      await collect([poll(new Date(NOW.getTime() + 300_000))]);
      expect(publisher.published).toHaveLength(1);
    });

    it('a successful window execution: archived, no alert', async () => {
      const { simulator, store, publisher, collect } = await kit(EVENT_TIME, NOW);
      seed(simulator, 'SUCCESS');
      await collect([...events('SUCCESS'), poll(NOW)]);
      expect(publisher.published).toEqual([]);
      const item = await storedItem(store, 'maintenanceWindowExecutions', key);
      expect(item).toMatchObject({ Status: 'SUCCESS', WindowId: WINDOW_ID });
      expect(item).not.toHaveProperty('alertState');
    });
  });
});
