import {
  AssociationDoesNotExist,
  AssociationExecutionDoesNotExist,
  DescribeAssociationExecutionsCommand,
  DescribeAssociationExecutionTargetsCommand,
  ListAssociationsCommand,
  paginateDescribeAssociationExecutions,
  paginateDescribeAssociationExecutionTargets,
  type AssociationExecution,
  type AssociationExecutionFilter,
  type AssociationExecutionTarget,
  type SSMClient,
} from '@aws-sdk/client-ssm';
import { SsmSimulator, VirtualClock } from '../../local/ssm-simulator';
import { MessageReader } from '../../lambdas/collector/messages';
import { historySources } from '../../lambdas/sources';
import { ASSOCIATION_DETAIL_TYPE, INSTANCE_ASSOCIATION_DETAIL_TYPE } from '../../lambdas/sources/association/events';
import { ssmClient } from './sdk-client';
import { withoutRunCommand } from '../support/simulator-events';

const T0 = new Date('2024-06-03T09:00:00.000Z');
const HALF_HOUR = 30 * 60 * 1000;

describe('SSM simulator: State Manager', () => {
  let sim: SsmSimulator;
  let ssm: SSMClient;
  let association: string;

  beforeEach(async () => {
    sim = new SsmSimulator({ clock: new VirtualClock(T0), seed: 11 });
    const { endpoint } = await sim.listen();
    ssm = ssmClient(endpoint, 1);
    association = sim.createAssociation({ targets: 70, executions: 3, intervalMs: HALF_HOUR, failures: [{ execution: 1, target: 3 }] });
  });
  afterEach(async () => {
    ssm.destroy();
    await sim.close();
  });

  it('plays executions out on the clock: Pending, InProgress, then each target terminal, the execution with the last', () => {
    let [truth] = sim.truth().associations ?? [];
    expect(truth?.executions).toHaveLength(1);
    expect(truth?.executions[0]?.execution).toMatchObject({ Status: 'Pending', CreatedTime: T0, ResourceCountByStatus: '{Pending=70}' });
    sim.advanceBy(1000 + 2000 * 5);
    [truth] = sim.truth().associations ?? [];
    expect(truth?.executions[0]?.targets.filter((target) => target.Status === 'Success')).toHaveLength(5);
    expect(truth?.executions[0]?.execution.Status).toBe('InProgress');
    sim.runToCompletion();
    [truth] = sim.truth().associations ?? [];
    expect(truth?.executions.map(({ execution }) => execution.Status)).toEqual(['Success', 'Failed', 'Success']);
    expect(truth?.executions[1]?.execution).toMatchObject({ ResourceCountByStatus: '{Failed=1, Success=69}', TriggeredAlarms: [{ Name: 'association-failures', State: 'ALARM' }] });
    expect(truth?.association).toMatchObject({ AssociationId: association, Overview: { Status: 'Success' } });
  });

  it('emits both detail-types in AWS’s shapes, which the collector reads', () => {
    sim.runToCompletion();
    const events = withoutRunCommand(sim.events).map((event) => JSON.parse(event.body) as { 'detail-type': string; detail: Record<string, unknown> });
    expect(events.filter((event) => event['detail-type'] === ASSOCIATION_DETAIL_TYPE)).toHaveLength(3 * 2);
    expect(events.filter((event) => event['detail-type'] === INSTANCE_ASSOCIATION_DETAIL_TYPE)).toHaveLength(3 * 70 * 2);
    const reader = new MessageReader(historySources);
    for (const event of withoutRunCommand(sim.events)) expect(reader.read(event.body)).toMatchObject({ kind: 'association', parentId: association });
    const failed = events.find((event) => event.detail.status === 'Failed' && event['detail-type'] === INSTANCE_ASSOCIATION_DETAIL_TYPE);
    expect(Object.keys(failed?.detail ?? {}).sort()).toEqual(
      [
        'association-id', 'instance-id', 'document-name', 'document-version', 'targets', 'creation-date', 'last-successful-execution-date',
        'last-execution-date', 'status', 'detailed-status', 'error-code', 'execution-summary', 'output-url', 'instance-association-cwe-version',
      ].sort(),
    );
  });

  it('serves DescribeAssociationExecutions newest first, page by page, with the ExecutionId, Status and CreatedTime filters', async () => {
    sim.runToCompletion();
    const [truth] = sim.truth().associations ?? [];
    const all: AssociationExecution[] = [];
    for await (const page of paginateDescribeAssociationExecutions({ client: ssm, pageSize: 1 }, { AssociationId: association })) {
      all.push(...(page.AssociationExecutions ?? []));
    }
    expect(all).toEqual(truth?.executions.map(({ execution }) => execution));
    const query = async (Key: string, Value: string, Type: string) =>
      // Filter keys and types as strings on purpose: the simulator must refuse the wrong ones.
      (await ssm.send(new DescribeAssociationExecutionsCommand({ AssociationId: association, Filters: [{ Key, Value, Type } as AssociationExecutionFilter] }))).AssociationExecutions?.map(
        (execution) => execution.Status,
      );
    expect(await query('Status', 'Failed', 'EQUAL')).toEqual(['Failed']);
    expect(await query('ExecutionId', all[0]?.ExecutionId as string, 'EQUAL')).toEqual(['Success']);
    expect(await query('CreatedTime', '2024-06-03T09:00:00Z', 'GREATER_THAN')).toEqual(['Success', 'Failed']);
    expect(await query('CreatedTime', '2024-06-03T09:30:00Z', 'LESS_THAN')).toEqual(['Success']);
    expect(await query('CreatedTime', '2024-06-03T09:30:00Z', 'EQUAL')).toEqual(['Failed']);
    await expect(query('Status', 'Failed', 'LESS_THAN')).rejects.toMatchObject({ name: 'InvalidFilterValue' });
    await expect(query('DocumentName', 'x', 'EQUAL')).rejects.toMatchObject({ name: 'ValidationException' });
    await expect(
      ssm.send(new DescribeAssociationExecutionsCommand({ AssociationId: '00000000-0000-4000-8000-000000000000' })),
    ).rejects.toBeInstanceOf(AssociationDoesNotExist);
    await expect(ssm.send(new DescribeAssociationExecutionsCommand({ AssociationId: association, NextToken: 'forged' }))).rejects.toMatchObject({
      name: 'InvalidNextToken',
    });
  });

  it('serves DescribeAssociationExecutionTargets in pages of at most 50, with filters', async () => {
    sim.runToCompletion();
    const [truth] = sim.truth().associations ?? [];
    const failed = truth?.executions[1];
    const targets: AssociationExecutionTarget[] = [];
    let pages = 0;
    for await (const page of paginateDescribeAssociationExecutionTargets(
      { client: ssm, pageSize: 50 },
      { AssociationId: association, ExecutionId: failed?.execution.ExecutionId },
    )) {
      pages++;
      targets.push(...(page.AssociationExecutionTargets ?? []));
    }
    expect(pages).toBe(2);
    expect(targets).toEqual(failed?.targets);
    const onlyFailed = await ssm.send(
      new DescribeAssociationExecutionTargetsCommand({ AssociationId: association, ExecutionId: failed?.execution.ExecutionId, Filters: [{ Key: 'Status', Value: 'Failed' }] }),
    );
    expect(onlyFailed.AssociationExecutionTargets).toHaveLength(1);
    expect(onlyFailed.AssociationExecutionTargets?.[0]).toMatchObject({ ResourceType: 'ManagedInstance', OutputSource: { OutputSourceType: 'RunCommand' } });
    await expect(
      ssm.send(new DescribeAssociationExecutionTargetsCommand({ AssociationId: association, ExecutionId: '00000000-0000-4000-8000-000000000000' })),
    ).rejects.toBeInstanceOf(AssociationExecutionDoesNotExist);
  });

  it('lists associations, counts calls, injects faults and forgets old executions', async () => {
    sim.runToCompletion();
    const listed = await ssm.send(new ListAssociationsCommand({}));
    expect(listed.Associations?.map((a) => a.AssociationId)).toEqual([association]);
    expect(sim.stats().ListAssociations).toMatchObject({ calls: 1 });
    sim.setFaults({ throttleRate: 1, seed: 1 });
    await expect(ssm.send(new ListAssociationsCommand({}))).rejects.toMatchObject({ name: 'ThrottlingException' });
    sim.setFaults({});
    expect(sim.forgetAssociationExecutionsBefore(new Date(T0.getTime() + HALF_HOUR))).toBe(1);
    expect(sim.truth().associations?.[0]?.executions).toHaveLength(2);
    expect((await ssm.send(new DescribeAssociationExecutionsCommand({ AssociationId: association }))).AssociationExecutions).toHaveLength(2);
  });
});
