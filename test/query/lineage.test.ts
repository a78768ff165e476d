import {
  DescribeAssociationExecutionTargetsCommand,
  DescribeAutomationStepExecutionsCommand,
  DescribeMaintenanceWindowExecutionTaskInvocationsCommand,
  DescribeMaintenanceWindowExecutionTasksCommand,
  DescribeMaintenanceWindowExecutionsCommand,
  DescribeAssociationExecutionsCommand,
  ListCommandInvocationsCommand,
  SSMClient,
} from '@aws-sdk/client-ssm';
import { createQueryApi } from '../../lambdas/query/router';
import type { ApiHandler } from '../../lambdas/query/http';
import type { ExecutionDetail } from '../../lambdas/core/execution-item';
import { SsmSimulator, VirtualClock } from '../../local/ssm-simulator';
import { startDynalite, type TestDatabase } from '../support/databases';
import { collectEvents } from './archive-fixture';

/**
 * What started what. SSM runs one kind through another, and documents the links in the
 * records of the kind that started the command:
 * - a maintenance window task invocation's ExecutionId "If the task type is RUN_COMMAND,
 *   this value is the command ID" (MaintenanceWindowExecutionTaskInvocationIdentity, API reference);
 * - an association execution target's OutputSource, "The location where the association
 *   details are saved" (AssociationExecutionTarget), names the command that ran it on its node;
 * - an aws:runCommand step's outputs include its CommandId (the action's reference), and a
 *   child automation's record names its ParentAutomationExecutionId (AutomationExecutionMetadata).
 * The simulator plays each of these through real commands; the archive links them both ways.
 */
const T0 = new Date('2024-06-03T09:00:00.000Z');

describe('lineage: what started what, in the simulator and through GET /executions/{id}', () => {
  let database: TestDatabase;
  let sim: SsmSimulator;
  let ssm: SSMClient;
  let api: ApiHandler;
  let windowId: string;
  let associationId: string;
  let parentAutomation: string;
  let childAutomation: string;

  const get = async (path: string): Promise<{ status: number; body: unknown }> => {
    const response = await api({ method: 'GET', path, query: {}, headers: {}, body: '' });
    return { status: response.statusCode, body: JSON.parse(response.body) as unknown };
  };
  const detail = async (id: string): Promise<ExecutionDetail> => {
    const { status, body } = await get(`/executions/${id}`);
    expect(status).toBe(200);
    return body as ExecutionDetail;
  };

  beforeAll(async () => {
    sim = new SsmSimulator({ clock: new VirtualClock(T0), seed: 21 });
    windowId = sim.createMaintenanceWindow({ name: 'patch', executions: 1, tasks: [{ targets: 3, failures: [{ execution: 0, target: 1 }] }, { taskType: 'AUTOMATION', taskArn: 'AWS-RestartEC2Instance', targets: 1 }] });
    associationId = sim.createAssociation({ targets: 4, executions: 1, failures: [{ execution: 0, target: 2 }] });
    parentAutomation = sim.startAutomation({ steps: 4, documentName: 'Ops-Parent', failAtStep: 1 });
    childAutomation = sim.startAutomation({ steps: 2, documentName: 'Ops-Child', parentAutomationExecutionId: parentAutomation });
    sim.runToCompletion();
    const { endpoint } = await sim.listen();
    ssm = new SSMClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' }, maxAttempts: 1 });
    database = await startDynalite();
    const tables = await database.tables('lineage');
    await collectEvents(sim, endpoint, database, tables);
    api = createQueryApi({ db: database.doc, tableNames: tables, pageTokenKey: 'lineage', now: () => sim.now() });
  });

  afterAll(async () => {
    ssm.destroy();
    await sim.close();
    await database.stop();
  });

  it('a window RUN_COMMAND task leads to its commands and back, the failed target to a failed command', async () => {
    const [execution] = (await ssm.send(new DescribeMaintenanceWindowExecutionsCommand({ WindowId: windowId }))).WindowExecutions ?? [];
    const windowExecutionId = execution?.WindowExecutionId ?? '';
    const tasks = (await ssm.send(new DescribeMaintenanceWindowExecutionTasksCommand({ WindowExecutionId: windowExecutionId }))).WindowExecutionTaskIdentities ?? [];
    const runCommandTask = tasks.find((task) => task.TaskType === 'RUN_COMMAND');
    const invocations =
      (await ssm.send(new DescribeMaintenanceWindowExecutionTaskInvocationsCommand({ WindowExecutionId: windowExecutionId, TaskId: runCommandTask?.TaskExecutionId ?? '' })))
        .WindowExecutionTaskInvocationIdentities ?? [];
    expect(invocations).toHaveLength(3);
    // In SSM (the simulator): each invocation's ExecutionId is a command with the same outcome.
    for (const invocation of invocations) {
      const listed = (await ssm.send(new ListCommandInvocationsCommand({ CommandId: invocation.ExecutionId ?? '' }))).CommandInvocations ?? [];
      expect(listed.map((command) => command.Status)).toEqual([invocation.Status === 'FAILED' ? 'Failed' : 'Success']);
    }

    // In the archive: the window execution names the commands it started...
    const window = await detail(windowExecutionId);
    expect(window).toMatchObject({ kind: 'maintenance-window-execution', id: windowExecutionId, record: { windowExecutionId, status: 'FAILED' } });
    expect(window.children.map((task) => task.taskExecutionId).sort()).toEqual(tasks.map((task) => task.TaskExecutionId).sort());
    expect(window.started.map((link) => link.id).sort()).toEqual(invocations.map((invocation) => invocation.ExecutionId).sort());
    // ...and each command names its window task invocation.
    const failedInvocation = invocations.find((invocation) => invocation.Status === 'FAILED');
    const command = await detail(failedInvocation?.ExecutionId ?? '');
    expect(command).toMatchObject({ kind: 'command', record: { status: 'Failed' } });
    expect(command.children).toHaveLength(1);
    // A failed child carries its error, as the listings show it: the invocation's plugin errors.
    expect(command.children[0]).toMatchObject({ kind: 'command-invocation', status: 'Failed', error: expect.stringMatching(/\S/) });
    expect(command.startedBy).toEqual([
      {
        kind: 'maintenance-window-task-invocation',
        id: windowExecutionId,
        ids: { WindowExecutionId: windowExecutionId, TaskExecutionId: runCommandTask?.TaskExecutionId, InvocationId: failedInvocation?.InvocationId },
      },
    ]);
  });

  it('an association target leads to the command that ran it on its node, and back', async () => {
    const [execution] = (await ssm.send(new DescribeAssociationExecutionsCommand({ AssociationId: associationId }))).AssociationExecutions ?? [];
    const executionId = execution?.ExecutionId ?? '';
    const targets = (await ssm.send(new DescribeAssociationExecutionTargetsCommand({ AssociationId: associationId, ExecutionId: executionId }))).AssociationExecutionTargets ?? [];
    expect(targets).toHaveLength(4);
    for (const target of targets) {
      expect(target.OutputSource?.OutputSourceType).toBe('RunCommand');
      const listed = (await ssm.send(new ListCommandInvocationsCommand({ CommandId: target.OutputSource?.OutputSourceId ?? '', InstanceId: target.ResourceId ?? '' }))).CommandInvocations ?? [];
      expect(listed.map((invocation) => invocation.Status)).toEqual([target.Status]);
    }

    const association = await detail(executionId);
    expect(association).toMatchObject({ kind: 'association-execution', record: { associationId, executionId, status: 'Failed' } });
    expect(association.children).toHaveLength(4);
    expect(association.started.map((link) => link.id).sort()).toEqual(targets.map((target) => target.OutputSource?.OutputSourceId).sort());
    const failed = targets.find((target) => target.Status === 'Failed');
    const command = await detail(failed?.OutputSource?.OutputSourceId ?? '');
    expect(command.startedBy).toEqual([{ kind: 'association-target', id: executionId, ids: { AssociationId: associationId, ExecutionId: executionId, ResourceId: failed?.ResourceId } }]);
  });

  it('an aws:runCommand step leads to its command and back; a child automation to its parent and back', async () => {
    const steps = (await ssm.send(new DescribeAutomationStepExecutionsCommand({ AutomationExecutionId: parentAutomation }))).StepExecutions ?? [];
    const runCommandStep = steps.find((step) => step.Action === 'aws:runCommand');
    const commandId = runCommandStep?.Outputs?.['CommandId']?.[0] ?? '';
    // The step failed (failAtStep 1), and so did the command it started.
    expect(runCommandStep?.StepStatus).toBe('Failed');
    expect(((await ssm.send(new ListCommandInvocationsCommand({ CommandId: commandId }))).CommandInvocations ?? []).map((i) => i.Status)).toEqual(['Failed']);

    const parent = await detail(parentAutomation);
    expect(parent.started).toEqual([
      { kind: 'command', id: commandId, ids: { CommandId: commandId, startedByStep: runCommandStep?.StepExecutionId } },
      { kind: 'automation-execution', id: childAutomation, ids: { AutomationExecutionId: childAutomation } },
    ]);
    expect(parent.children.map((step) => step.stepName)).toEqual(steps.map((step) => step.StepName));
    expect((await detail(commandId)).startedBy).toEqual([
      { kind: 'automation-step', id: parentAutomation, ids: { AutomationExecutionId: parentAutomation, StepExecutionId: runCommandStep?.StepExecutionId } },
    ]);
    expect((await detail(childAutomation)).startedBy).toEqual([{ kind: 'automation-execution', id: parentAutomation, ids: { AutomationExecutionId: parentAutomation } }]);
  });

  it('answers 404 for an id the archive does not hold, and 400 for what is no id', async () => {
    expect(await get('/executions/00000000-0000-4000-8000-000000000000')).toEqual({ status: 404, body: { message: 'The archive holds no execution 00000000-0000-4000-8000-000000000000' } });
    expect((await get('/executions/%20bad%20id')).status).toBe(400);
    expect((await get(`/executions/${parentAutomation}?limit=0`)).status).toBe(400);
  });
});
