import {
  AutomationExecutionNotFoundException,
  DescribeAutomationExecutionsCommand,
  DescribeAutomationStepExecutionsCommand,
  SSMClient,
  type StepExecution,
} from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { Collector } from '../../lambdas/collector/collector';
import { historySources } from '../../lambdas/sources';
import { automationExecutionFromItem, automationStepFromItem } from '../../lambdas/sources/automation/records';
import { RecordStore } from '../../lambdas/store/record-store';
import { startDynalite, type TestDatabase } from '../support/databases';
import { queueMessage } from '../support/messages';
import {
  executionEvent,
  PARENT_EXECUTION_ID,
  stepEvent,
  stepExecutionId,
  stepName,
  TRUTH_EXECUTION_ID,
  truthExecution,
  truthStep,
} from '../support/automation-truth';
import { spyLog } from '../support/silent-log';
import { tableSchemas } from '../../lambdas/sources/tables';

const NOW = new Date('2026-11-20T10:05:00.000Z');
const silent = spyLog();

describe('Collector, Automation (SSM mocked per call, DynamoDB real: dynalite)', () => {
  let database: TestDatabase;
  let store: RecordStore;
  const ssmMock = mockClient(SSMClient);
  let collector: Collector;

  beforeAll(async () => {
    database = await startDynalite();
  });
  afterAll(async () => {
    await database.stop();
  });
  beforeEach(async () => {
    ssmMock.reset();
    store = new RecordStore(database.doc, tableSchemas, await database.tables(), () => NOW);
    collector = new Collector({
      sources: historySources,
      clients: { ssm: new SSMClient({ region: 'us-east-1' }) },
      store,
      logger: silent,
      parentConcurrency: 2,
      now: () => NOW,
    });
  });

  function serve(steps: StepExecution[], status: string) {
    const execution = truthExecution(status, steps);
    ssmMock.on(DescribeAutomationExecutionsCommand).resolves({ AutomationExecutionMetadataList: [execution] });
    ssmMock.on(DescribeAutomationStepExecutionsCommand).callsFake((input: { NextToken?: string; MaxResults?: number; Filters?: { Key: string; Values: string[] }[] }) => {
      const byName = input.Filters?.find((filter) => filter.Key === 'StepName')?.Values ?? [];
      const matching = steps.filter((step) => byName.length === 0 || byName.includes(step.StepName ?? ''));
      const start = Number(input.NextToken ?? 0);
      const end = start + (input.MaxResults ?? 50);
      return { StepExecutions: matching.slice(start, end), ...(end < matching.length ? { NextToken: String(end) } : {}) };
    });
    return execution;
  }

  it('archives a finished execution of 120 steps with 1 + ceil(120/50) calls, every field kept', async () => {
    const steps = Array.from({ length: 120 }, (_, i) => truthStep(i, i === 7 ? 'Failed' : 'Success'));
    const execution = serve(steps, 'Failed');
    const result = await collector.collect([
      queueMessage(executionEvent('InProgress', '2026-11-20T10:00:00Z')),
      queueMessage(stepEvent(7, 'Failed', '2026-11-20T10:00:09Z')),
      queueMessage(executionEvent('Failed', '2026-11-20T10:02:00Z')),
    ]);
    expect(result.failedMessageIds).toEqual([]);
    expect(ssmMock.commandCalls(DescribeAutomationExecutionsCommand)).toHaveLength(1);
    const pages = ssmMock.commandCalls(DescribeAutomationStepExecutionsCommand);
    expect(pages).toHaveLength(3);
    expect(pages.every((call) => call.args[0].input.MaxResults === 50)).toBe(true);

    const stored = await store.get('automationExecutions', { AutomationExecutionId: TRUTH_EXECUTION_ID });
    expect(automationExecutionFromItem(stored ?? {})).toEqual(JSON.parse(JSON.stringify(execution), revive));
    expect(stored?.ParentAutomationExecutionId).toBe(PARENT_EXECUTION_ID);
    expect(stored?.startYear).toBe('2026');
    for (const i of [0, 7, 119]) {
      const item = await store.get('automationSteps', { AutomationExecutionId: TRUTH_EXECUTION_ID, StepExecutionId: stepExecutionId(i) });
      expect(automationStepFromItem(item ?? {})).toEqual(steps[i]);
    }
  });

  it('fetches a failed step at once, by name, with one call, while the execution runs', async () => {
    const steps = [truthStep(0, 'Success'), truthStep(1, 'Failed')];
    serve(steps, 'InProgress');
    const result = await collector.collect([queueMessage(stepEvent(1, 'Failed', '2026-11-20T10:00:03Z'))]);
    expect(result.failedMessageIds).toEqual([]);
    expect(ssmMock.commandCalls(DescribeAutomationExecutionsCommand)).toHaveLength(0);
    const calls = ssmMock.commandCalls(DescribeAutomationStepExecutionsCommand);
    expect(calls).toHaveLength(1);
    expect(calls[0]?.args[0].input.Filters).toEqual([{ Key: 'StepName', Values: [stepName(1)] }]);
    const item = await store.get('automationSteps', { AutomationExecutionId: TRUTH_EXECUTION_ID, StepExecutionId: stepExecutionId(1) });
    expect(automationStepFromItem(item ?? {})).toEqual(steps[1]);
  });

  it('stores what the events said when SSM no longer knows an old execution, and retries a new one', async () => {
    ssmMock.on(DescribeAutomationExecutionsCommand).resolves({ AutomationExecutionMetadataList: [] });
    ssmMock
      .on(DescribeAutomationStepExecutionsCommand)
      .rejects(new AutomationExecutionNotFoundException({ message: 'not found', $metadata: {} }));
    const old = await collector.collect([queueMessage(executionEvent('Success', '2026-11-20T09:00:00Z'))]);
    expect(old.failedMessageIds).toEqual([]);
    const item = await store.get('automationExecutions', { AutomationExecutionId: TRUTH_EXECUTION_ID });
    expect(item).toMatchObject({ AutomationExecutionStatus: 'Success', DocumentName: 'Example-Runbook', ExecutionStartTime: '2026-11-20T10:00:00.000Z' });
    const recent = await collector.collect([queueMessage(executionEvent('Success', '2026-11-20T10:04:00Z'))]);
    expect(recent.failedMessageIds).toHaveLength(1);
  });

  it('drops a failed-step event about an execution SSM has forgotten, and retries a recent one', async () => {
    ssmMock
      .on(DescribeAutomationStepExecutionsCommand)
      .rejects(new AutomationExecutionNotFoundException({ message: 'not found', $metadata: {} }));
    const old = await collector.collect([queueMessage(stepEvent(0, 'Failed', '2026-11-20T09:00:00Z'))]);
    expect(old.failedMessageIds).toEqual([]);
    const recent = await collector.collect([queueMessage(stepEvent(0, 'Failed', '2026-11-20T10:04:00Z'))]);
    expect(recent.failedMessageIds).toHaveLength(1);
  });
});

function revive(key: string, value: unknown): unknown {
  return typeof value === 'string' && /^(ExecutionStartTime|ExecutionEndTime|ScheduledTime)$/.test(key) ? new Date(value) : value;
}
