import {
  AutomationExecutionNotFoundException,
  DescribeAutomationExecutionsCommand,
  DescribeAutomationStepExecutionsCommand,
  GetAutomationExecutionCommand,
  type DescribeAutomationExecutionsCommandInput,
  paginateDescribeAutomationStepExecutions,
  type SSMClient,
  type StepExecution,
} from '@aws-sdk/client-ssm';
import { SsmSimulator, VirtualClock } from '../../local/ssm-simulator';
import { MessageReader } from '../../lambdas/collector/messages';
import { historySources } from '../../lambdas/sources';
import { ssmClient, withoutMetadata } from './sdk-client';

const T0 = new Date('2024-06-03T09:00:00.000Z');
const PARENT = '0f0e0d0c-0b0a-4909-8807-060504030201';

describe('SSM simulator: Automation', () => {
  let sim: SsmSimulator;
  let ssm: SSMClient;
  let first: string;
  let child: string;
  let running: string;

  beforeEach(async () => {
    sim = new SsmSimulator({ clock: new VirtualClock(T0), seed: 7 });
    const { endpoint } = await sim.listen();
    ssm = ssmClient(endpoint, 1);
    first = sim.startAutomation({ steps: 120, documentName: 'Patch-Fleet', failAtStep: 100 });
    sim.runToCompletion();
    sim.advanceBy(60_000);
    child = sim.startAutomation({ steps: 3, parentAutomationExecutionId: PARENT, documentName: 'Child-Runbook' });
    sim.runToCompletion();
    sim.advanceBy(60_000);
    running = sim.startAutomation({ steps: 5, stepDurationMs: 10_000 });
    sim.advanceBy(15_000);
  });
  afterEach(async () => {
    ssm.destroy();
    await sim.close();
  });

  it('plays an execution out on the clock: Pending, InProgress, then each step InProgress and terminal', () => {
    const [newest] = sim.truth().automations;
    expect(newest?.execution).toMatchObject({ AutomationExecutionId: running, AutomationExecutionStatus: 'InProgress', CurrentStepName: 'step2' });
    expect(newest?.steps.map((step) => step.StepStatus)).toEqual(['Success', 'InProgress', 'Pending', 'Pending', 'Pending']);
    expect(newest?.steps[2]?.ExecutionStartTime).toBeUndefined();
    sim.runToCompletion();
    expect(sim.truth().automations[0]?.execution).toMatchObject({ AutomationExecutionStatus: 'Success', ExecutionEndTime: new Date('2024-06-03T09:06:21.000Z') });
  });

  it('emits both Automation detail-types in AWS’s shapes, which the collector reads', () => {
    const reader = new MessageReader(historySources);
    const events = sim.events.map((event) => JSON.parse(event.body) as { 'detail-type': string; detail: Record<string, unknown>; resources: string[] });
    const ofFirst = events.filter((event) => event.detail.ExecutionId === first);
    expect(ofFirst.filter((e) => e['detail-type'] === 'EC2 Automation Execution Status-change Notification').map((e) => e.detail.Status)).toEqual([
      'Pending',
      'InProgress',
      'Failed',
    ]);
    const step = ofFirst.find((e) => e['detail-type'] === 'EC2 Automation Step Status-change Notification' && e.detail.Status === 'Failed');
    expect(step?.detail).toEqual({
      ExecutionId: first,
      Definition: 'Patch-Fleet',
      DefinitionVersion: 1,
      Status: 'Failed',
      StartTime: 'Jun 3, 2024 9:03:21 AM',
      EndTime: 'Jun 3, 2024 9:03:23 AM',
      Time: 2000,
      StepName: 'step101',
      Action: 'aws:executeScript',
    });
    expect(step?.resources).toEqual([
      `arn:aws:ssm:us-east-1:123456789012:automation-execution/${first}`,
      'arn:aws:ssm:us-east-1:123456789012:automation-definition/Patch-Fleet:1',
    ]);
    for (const event of sim.events) expect(() => reader.read(event.body)).not.toThrow();
  });

  describe('DescribeAutomationExecutions', () => {
    const describe = (input: DescribeAutomationExecutionsCommandInput) =>
      ssm.send(new DescribeAutomationExecutionsCommand(input));

    it('lists newest first and filters by ExecutionId, ParentExecutionId, ExecutionStatus and start time', async () => {
      expect((await describe({})).AutomationExecutionMetadataList?.map((e) => e.AutomationExecutionId)).toEqual([running, child, first]);
      const one = await describe({ Filters: [{ Key: 'ExecutionId', Values: [child] }] });
      expect(one.AutomationExecutionMetadataList).toEqual([sim.truth().automations[1]?.execution]);
      expect(one.AutomationExecutionMetadataList?.[0]?.ParentAutomationExecutionId).toBe(PARENT);
      const ids = async (filters: { Key: 'ExecutionStatus' | 'ParentExecutionId' | 'StartTimeAfter' | 'StartTimeBefore'; Values: string[] }[]) =>
        (await describe({ Filters: filters })).AutomationExecutionMetadataList?.map((e) => e.AutomationExecutionId);
      expect(await ids([{ Key: 'ParentExecutionId', Values: [PARENT] }])).toEqual([child]);
      expect(await ids([{ Key: 'ExecutionStatus', Values: ['Failed', 'InProgress'] }])).toEqual([running, first]);
      expect(await ids([{ Key: 'StartTimeAfter', Values: ['2024-06-03T09:01:00Z'] }])).toEqual([running, child]);
      expect(await ids([{ Key: 'StartTimeBefore', Values: ['2024-06-03T09:01:00Z'] }])).toEqual([first]);
      expect(await ids([{ Key: 'StartTimeAfter', Values: ['2024-06-03T09:01:00Z'] }, { Key: 'ExecutionStatus', Values: ['Success'] }])).toEqual([child]);
    });

    it('pages with MaxResults and NextToken, and rejects MaxResults outside 1..50 and foreign tokens', async () => {
      const page1 = await describe({ MaxResults: 2 });
      expect(page1.AutomationExecutionMetadataList).toHaveLength(2);
      const page2 = await describe({ MaxResults: 2, NextToken: page1.NextToken });
      expect(page2.AutomationExecutionMetadataList?.map((e) => e.AutomationExecutionId)).toEqual([first]);
      expect(page2.NextToken).toBeUndefined();
      await expect(describe({ MaxResults: 51 })).rejects.toMatchObject({ name: 'ValidationException' });
      await expect(describe({ MaxResults: 0 })).rejects.toMatchObject({ name: 'ValidationException' });
      await expect(describe({ NextToken: page1.NextToken, Filters: [{ Key: 'ExecutionStatus', Values: ['Success'] }] })).rejects.toMatchObject({
        name: 'InvalidNextToken',
      });
      await expect(describe({ Filters: [{ Key: 'TagKey', Values: ['x'] }] })).rejects.toMatchObject({ name: 'InvalidFilterKey' });
      await expect(describe({ Filters: [{ Key: 'StartTimeAfter', Values: ['yesterday'] }] })).rejects.toMatchObject({ name: 'InvalidFilterValue' });
    });
  });

  describe('DescribeAutomationStepExecutions', () => {
    it('pages every step at up to 50 per call, in order or reversed', async () => {
      const steps: StepExecution[] = [];
      let pages = 0;
      for await (const page of paginateDescribeAutomationStepExecutions({ client: ssm, pageSize: 50 }, { AutomationExecutionId: first })) {
        pages++;
        steps.push(...(page.StepExecutions ?? []));
      }
      expect(pages).toBe(3);
      expect(steps).toEqual(sim.truth().automations[2]?.steps);
      expect(steps[100]).toMatchObject({ StepStatus: 'Failed', FailureDetails: { FailureStage: 'Invocation', FailureType: 'Action' } });
      expect(steps[101]?.StepStatus).toBe('Pending');
      const reversed = await ssm.send(new DescribeAutomationStepExecutionsCommand({ AutomationExecutionId: first, ReverseOrder: true, MaxResults: 3 }));
      expect(reversed.StepExecutions?.map((s) => s.StepName)).toEqual(['step120', 'step119', 'step118']);
      const next = await ssm.send(
        new DescribeAutomationStepExecutionsCommand({ AutomationExecutionId: first, ReverseOrder: true, MaxResults: 3, NextToken: reversed.NextToken }),
      );
      expect(next.StepExecutions?.map((s) => s.StepName)).toEqual(['step117', 'step116', 'step115']);
    });

    it('filters by StepName, StepExecutionStatus, Action, StepExecutionId and start time', async () => {
      const names = async (filters: { Key: 'StepName' | 'StepExecutionStatus' | 'Action' | 'StepExecutionId' | 'StartTimeAfter' | 'StartTimeBefore'; Values: string[] }[]) =>
        (await ssm.send(new DescribeAutomationStepExecutionsCommand({ AutomationExecutionId: first, Filters: filters }))).StepExecutions?.map((s) => s.StepName);
      expect(await names([{ Key: 'StepName', Values: ['step7', 'step9'] }])).toEqual(['step7', 'step9']);
      expect(await names([{ Key: 'StepExecutionStatus', Values: ['Failed'] }])).toEqual(['step101']);
      expect(await names([{ Key: 'StepExecutionStatus', Values: ['Success'] }, { Key: 'Action', Values: ['aws:sleep'] }])).toHaveLength(25);
      const id = sim.truth().automations[2]?.steps[4]?.StepExecutionId as string;
      expect(await names([{ Key: 'StepExecutionId', Values: [id] }])).toEqual(['step5']);
      expect(await names([{ Key: 'StartTimeAfter', Values: ['2024-06-03T09:03:15Z'] }])).toEqual(['step98', 'step99', 'step100', 'step101']);
      expect(await names([{ Key: 'StartTimeBefore', Values: ['2024-06-03T09:00:03Z'] }])).toEqual(['step1']);
    });

    it('answers an unknown execution with AutomationExecutionNotFoundException, and bad input as SSM does', async () => {
      await expect(
        ssm.send(new DescribeAutomationStepExecutionsCommand({ AutomationExecutionId: '00000000-0000-4000-8000-000000000000' })),
      ).rejects.toBeInstanceOf(AutomationExecutionNotFoundException);
      await expect(ssm.send(new DescribeAutomationStepExecutionsCommand({ AutomationExecutionId: 'short' }))).rejects.toMatchObject({
        name: 'ValidationException',
      });
      await expect(ssm.send(new DescribeAutomationStepExecutionsCommand({ AutomationExecutionId: first, MaxResults: 51 }))).rejects.toMatchObject({
        name: 'ValidationException',
      });
    });
  });

  it('GetAutomationExecution returns the execution with all its steps', async () => {
    const output = withoutMetadata(await ssm.send(new GetAutomationExecutionCommand({ AutomationExecutionId: child })));
    expect(output.AutomationExecution).toMatchObject({
      AutomationExecutionId: child,
      AutomationExecutionStatus: 'Success',
      ParentAutomationExecutionId: PARENT,
      StepExecutionsTruncated: false,
    });
    expect(output.AutomationExecution?.StepExecutions).toEqual(sim.truth().automations[1]?.steps);
    await expect(ssm.send(new GetAutomationExecutionCommand({ AutomationExecutionId: '00000000-0000-4000-8000-000000000000' }))).rejects.toBeInstanceOf(
      AutomationExecutionNotFoundException,
    );
  });

  it('injects faults into and counts the Automation operations like any other', async () => {
    sim.setFaults({ throttleRate: 1, operations: ['DescribeAutomationStepExecutions'] });
    await expect(ssm.send(new DescribeAutomationStepExecutionsCommand({ AutomationExecutionId: first }))).rejects.toMatchObject({
      name: 'ThrottlingException',
    });
    await ssm.send(new DescribeAutomationExecutionsCommand({}));
    expect(sim.stats()).toMatchObject({
      DescribeAutomationStepExecutions: { calls: 1, throttled: 1 },
      DescribeAutomationExecutions: { calls: 1, throttled: 0 },
    });
  });
});
