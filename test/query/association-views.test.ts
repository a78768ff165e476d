import type { AssociationExecution, AssociationExecutionTarget, CommandInvocation } from '@aws-sdk/client-ssm';
import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { alertFor } from '../../lambdas/alerts/alert';
import type { ApiHandler, ApiResponse } from '../../lambdas/query/http';
import { createQueryApi } from '../../lambdas/query/router';
import type { ExecutionItem } from '../../lambdas/query/views/execution-items';
import { startDynalite, type TestDatabase } from '../support/databases';
import { buildAssociationArchive, type AssociationFixture } from './association-fixture';
import { SIMULATED_HOME } from './archive-fixture';

/**
 * State Manager in the archive views: association executions in the timeline
 * (GET /executions, kind association-execution and association-target, and merged with the
 * other parent kinds when kind is omitted) and association targets in a node's history
 * (GET /instances/{id}/history, merged with its command invocations), judged against SSM's
 * own records (the simulator's truth): order, fields, filters, windows and paging.
 */
let database: TestDatabase;
let fx: AssociationFixture;
let api: ApiHandler;
let executions: AssociationExecution[];
let targets: AssociationExecutionTarget[];
let invocations: CommandInvocation[];

interface Envelope {
  readonly items: ExecutionItem[];
  readonly nextToken?: string;
}

const iso = (date: Date | undefined): string => date?.toISOString() ?? '';

/** Newest first; at one time by kind rank, then id. */
function newestFirst<T extends { time: string; rank: number; id: string }>(entries: T[]): T[] {
  return [...entries].sort((a, b) => (a.time !== b.time ? (a.time > b.time ? -1 : 1) : a.rank !== b.rank ? a.rank - b.rank : a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

beforeAll(async () => {
  database = await startDynalite();
  fx = await buildAssociationArchive(database);
  api = createQueryApi({ db: database.doc, tableNames: fx.tables, pageTokenKey: 'association-views', home: SIMULATED_HOME, now: () => fx.sim.now() });
  const truth = fx.sim.truth();
  const runs = (truth.associations ?? []).flatMap((association) => association.executions);
  // DescribeAssociationExecutions order across associations: newest CreatedTime, then ExecutionId.
  executions = newestFirst(runs.map(({ execution }) => ({ time: iso(execution.CreatedTime), rank: 0, id: execution.ExecutionId ?? '', execution }))).map((e) => e.execution);
  targets = executions.flatMap((execution) => runs.find((run) => run.execution.ExecutionId === execution.ExecutionId)?.targets ?? []);
  invocations = truth.invocations;
});
afterAll(async () => {
  await fx.stop();
  await database.stop();
});

async function get(path: string, query: Record<string, string> = {}): Promise<ApiResponse> {
  return api({ method: 'GET', path, query, headers: {}, body: '' });
}

async function page(path: string, query: Record<string, string> = {}): Promise<Envelope> {
  const response = await get(path, query);
  expect({ path, query, status: response.statusCode, body: response.statusCode === 200 ? '' : response.body }).toEqual({ path, query, status: 200, body: '' });
  return JSON.parse(response.body) as Envelope;
}

/** Every page, following nextToken; checks that only the last page lacks one, and is full otherwise. */
async function everything(path: string, query: Record<string, string>): Promise<{ items: ExecutionItem[]; pages: number }> {
  const items: ExecutionItem[] = [];
  let token: string | undefined;
  let pages = 0;
  do {
    const next = await page(path, { ...query, ...(token !== undefined ? { nextToken: token } : {}) });
    items.push(...next.items);
    token = next.nextToken;
    pages++;
    if (token !== undefined) expect(next.items).toHaveLength(Number(query['limit'] ?? 50));
  } while (token !== undefined && pages < 500);
  return { items, pages };
}

function executionEntry(execution: AssociationExecution): Partial<ExecutionItem> {
  return {
    kind: 'association-execution',
    status: execution.Status,
    detailedStatus: execution.DetailedStatus,
    time: iso(execution.CreatedTime),
    associationId: execution.AssociationId,
    associationVersion: execution.AssociationVersion,
    executionId: execution.ExecutionId,
    lastExecutionDate: iso(execution.LastExecutionDate),
    resourceCountByStatus: execution.ResourceCountByStatus,
  };
}

function targetEntry(target: AssociationExecutionTarget): Partial<ExecutionItem> {
  return {
    kind: 'association-target',
    status: target.Status,
    detailedStatus: target.DetailedStatus,
    time: iso(target.LastExecutionDate),
    associationId: target.AssociationId,
    associationVersion: target.AssociationVersion,
    executionId: target.ExecutionId,
    instanceId: target.ResourceId,
    resourceType: target.ResourceType,
    lastExecutionDate: iso(target.LastExecutionDate),
  };
}

const archiveTimes = { ...SIMULATED_HOME, firstSeenAt: expect.any(String) as unknown, observedAt: expect.any(String) as unknown };

/** The error a failed execution's alert carries, built from its stored record and targets, as the collector hands them to the alert. */
async function alertedError(execution: AssociationExecution): Promise<Partial<ExecutionItem>> {
  const { Item } = await database.doc.send(
    new GetCommand({ TableName: fx.tables.associationExecutions, Key: { AssociationId: execution.AssociationId, ExecutionId: execution.ExecutionId } }),
  );
  const { Items = [] } = await database.doc.send(
    new QueryCommand({ TableName: fx.tables.associationExecutionTargets, KeyConditionExpression: 'ExecutionId = :id', ExpressionAttributeValues: { ':id': execution.ExecutionId } }),
  );
  const related = (table: string) => (table === 'associationExecutionTargets' ? Items : []);
  const body = Item === undefined ? undefined : alertFor('associationExecutions', Item, { region: 'us-east-1' }, undefined, related)?.body;
  return body?.errorExcerpt === undefined ? {} : { error: body.errorExcerpt };
}

describe('GET /executions?kind=association-execution and kind=association-target', () => {
  it('lists every association execution newest first, then by ExecutionId, with its fields (a failed one its alert\'s error), across years and pages', async () => {
    expect(executions).toHaveLength(7);
    // The tie: both associations' first executions were created in the same millisecond.
    expect(executions.filter((e) => iso(e.CreatedTime) === '2023-12-31T23:00:00.000Z')).toHaveLength(2);
    const expected = await Promise.all(executions.map(async (execution) => ({ ...executionEntry(execution), ...(await alertedError(execution)), ...archiveTimes })));
    // The failed executions' errors name their failed nodes.
    expect(expected.filter((entry) => entry.status === 'Failed').map((entry) => entry.error)).toEqual([expect.stringMatching(/^i-\w+: Failed/), expect.stringMatching(/^i-\w+: Failed/)]);
    for (const limit of ['1', '2', '3', '50']) {
      const { items } = await everything('/executions', { kind: 'association-execution', limit });
      expect({ limit, items }).toEqual({ limit, items: expected });
    }
  });

  it('filters executions by status and time window', async () => {
    const failed = await everything('/executions', { kind: 'association-execution', status: 'Failed', limit: '1' });
    expect(failed.items.map((item) => item.executionId)).toEqual(executions.filter((e) => e.Status === 'Failed').map((e) => e.ExecutionId));
    expect(failed.items).toHaveLength(2);
    const in2024 = await everything('/executions', { kind: 'association-execution', since: '2024-01-01T00:00:00Z' });
    expect(in2024.items.map((item) => item.executionId)).toEqual(executions.filter((e) => iso(e.CreatedTime) >= '2024').map((e) => e.ExecutionId));
    expect(in2024.items).toHaveLength(2);
    const window = await everything('/executions', { kind: 'association-execution', since: '2023-12-31T23:00:00Z', until: '2023-12-31T23:30:00Z', limit: '1' });
    expect(window.items.map((item) => item.executionId)).toEqual(
      executions.filter((e) => iso(e.CreatedTime) >= '2023-12-31T23:00:00.000Z' && iso(e.CreatedTime) < '2023-12-31T23:30:00.000Z').map((e) => e.ExecutionId),
    );
    expect(window.items).toHaveLength(3);
  });

  it('lists the targets of each execution, executions newest first, targets by ResourceId, across pages', async () => {
    expect(targets).toHaveLength(4 * 60 + 3 * 3);
    const { items, pages } = await everything('/executions', { kind: 'association-target', limit: '7' });
    expect(pages).toBe(Math.ceil(targets.length / 7));
    expect(items).toEqual(targets.map((target) => ({ ...targetEntry(target), ...archiveTimes })));
    const failed = await everything('/executions', { kind: 'association-target', status: 'Failed', limit: '1' });
    expect(failed.items.map((item) => `${item.executionId}/${item.instanceId}`)).toEqual(
      targets.filter((t) => t.Status === 'Failed').map((t) => `${t.ExecutionId}/${t.ResourceId}`),
    );
    expect(failed.items).toHaveLength(2);
    const late = await everything('/executions', { kind: 'association-target', since: '2024-01-01T00:30:00Z', limit: '50' });
    expect(late.items).toHaveLength(60);
  });

  it("lists one node's targets in the listing's order, across pages, reading each execution's by key; statuses in any case", async () => {
    const keyOf = (item: ExecutionItem) => `${item.executionId}/${item.instanceId}`;
    const ofNode = targets.filter((t) => t.ResourceId === fx.node);
    expect(ofNode.length).toBeGreaterThan(3);
    for (const limit of ['1', '2', '50']) {
      const { items } = await everything('/executions', { kind: 'association-target', instanceId: fx.node, limit });
      expect({ limit, items }).toEqual({ limit, items: ofNode.map((target) => ({ ...targetEntry(target), ...archiveTimes })) });
    }
    const failed = await everything('/executions', { kind: 'association-target', instanceId: fx.node, status: 'failed', limit: '1' });
    expect(failed.items.map(keyOf)).toEqual(ofNode.filter((t) => t.Status === 'Failed').map((t) => `${t.ExecutionId}/${t.ResourceId}`));
    expect(failed.items).toHaveLength(1);
    const success = await everything('/executions', { kind: 'association-target', status: 'SUCCESS', limit: '100' });
    expect(success.items.map(keyOf)).toEqual(targets.filter((t) => t.Status === 'Success' || t.DetailedStatus === 'Success').map((t) => `${t.ExecutionId}/${t.ResourceId}`));
    // No execution targeted a node that does not exist.
    expect((await page('/executions', { kind: 'association-target', instanceId: 'i-0123456789abcdef0' })).items).toEqual([]);
  });

  it('refuses statuses State Manager does not have, and unknown kinds', async () => {
    const queries: Record<string, string>[] = [
      { kind: 'association-execution', status: 'Delayed' },
      { kind: 'association-target', status: 'Terminated' },
      { kind: 'association-target', status: 'Success,SUCCESS_OVERLAPPING' },
      { kind: 'association' },
      // Their records name no document.
      { kind: 'association-execution', documentName: 'AWS-RunShellScript' },
      { kind: 'association-target', documentName: 'AWS-RunShellScript' },
    ];
    for (const query of queries) {
      const response = await get('/executions', query);
      expect({ query, status: response.statusCode }).toEqual({ query, status: 400 });
    }
  });
});

describe('GET /executions, kind omitted', () => {
  it('merges commands and association executions newest first; at one time, commands first; one token for both', async () => {
    const commands = fx.sim.truth().commands;
    const expected = newestFirst([
      ...commands.map((c) => ({ time: iso(c.RequestedDateTime), rank: 0, id: c.CommandId ?? '', kind: 'command' })),
      ...executions.map((e) => ({ time: iso(e.CreatedTime), rank: 2, id: e.ExecutionId ?? '', kind: 'association-execution' })),
    ]).map(({ time, id, kind }) => ({ kind, time, id }));
    // The four commands sent, the seven executions, and one command per target of each
    // execution: State Manager runs an association on a node through Run Command.
    const startedByAssociations = targets.length;
    expect(expected).toHaveLength(4 + 7 + startedByAssociations);
    expect(expected.filter((entry) => fx.commands.includes(entry.id))).toHaveLength(4);
    const sent = expected.filter((entry) => entry.kind === 'association-execution' || fx.commands.includes(entry.id));
    const atStart = sent.findIndex((entry) => entry.id === fx.commands[1]);
    expect(sent.slice(atStart, atStart + 3).map((entry) => entry.kind)).toEqual(['command', 'association-execution', 'association-execution']);
    const key = (item: ExecutionItem) => ({ kind: item.kind, time: item.time, id: item.commandId ?? item.executionId });
    // Small pages across the ties, without paging one at a time through every command the targets ran.
    for (const limit of ['3', '7', '100']) {
      const { items } = await everything('/executions', { limit });
      expect({ limit, listed: items.map(key) }).toEqual({ limit, listed: expected });
    }
    const failed = await everything('/executions', { status: 'Failed', limit: '1' });
    const statusOf = (entry: { id: string }) => executions.find((e) => e.ExecutionId === entry.id)?.Status ?? commands.find((c) => c.CommandId === entry.id)?.Status;
    expect(failed.items.map(key)).toEqual(expected.filter((entry) => statusOf(entry) === 'Failed'));
    expect((await everything('/executions', { status: 'failed', limit: '1' })).items.map(key)).toEqual(failed.items.map(key));
  });
});

describe('GET /instances/{instanceId}/history with State Manager', () => {
  function expectedHistory(node: string) {
    return newestFirst([
      ...invocations
        .filter((i) => i.InstanceId === node)
        .map((i) => ({ time: iso(i.RequestedDateTime), rank: 0, id: i.CommandId ?? '', kind: 'command-invocation', status: i.Status ?? '' })),
      ...targets
        .filter((t) => t.ResourceId === node)
        .map((t) => ({ time: iso(t.LastExecutionDate), rank: 1, id: t.ExecutionId ?? '', kind: 'association-target', status: t.Status ?? '' })),
    ]).map(({ time, id, kind, status }) => ({ kind, time, id, status }));
  }
  const key = (item: ExecutionItem) => ({ kind: item.kind, time: item.time, id: item.commandId ?? item.executionId, status: item.status });

  it("merges the node's command invocations and association targets, newest first, across pages", async () => {
    const expected = expectedHistory(fx.node);
    // What it had before State Manager's commands were played, and the command that ran each of its targets.
    expect(expected).toHaveLength(4 + 4 + 3 + targets.filter((t) => t.ResourceId === fx.node).length);
    // The tie: a command requested in the millisecond the node's first wide target ended; the invocation comes first.
    const tied = expected.findIndex((entry) => entry.id === fx.commands[2]);
    expect(expected[tied + 1]).toMatchObject({ kind: 'association-target', time: expected[tied]?.time });
    for (const limit of ['1', '2', '3', '50']) {
      const { items } = await everything(`/instances/${fx.node}/history`, { limit });
      expect({ limit, listed: items.map(key) }).toEqual({ limit, listed: expected });
    }
    const { items } = await page(`/instances/${fx.node}/history`);
    const target = targets.find((t) => t.ResourceId === fx.node && t.Status === 'Failed');
    expect(items.find((item) => item.kind === 'association-target' && item.executionId === target?.ExecutionId)).toEqual({
      ...targetEntry(target as AssociationExecutionTarget),
      ...archiveTimes,
    });
  });

  it('reads each index once for a page, and the failed invocations by key in one batch', async () => {
    database.calls.reset();
    const { items } = await page(`/instances/${fx.node}/history`);
    const failedInvocations = items.filter((item) => item.kind === 'command-invocation' && item.status === 'Failed');
    // One Query per index (invocations, association targets, sessions); a target's error is not read (targets do not alert).
    expect(database.calls.snapshot()).toEqual({ QueryCommand: 3, ...(failedInvocations.length > 0 ? { BatchGetItemCommand: 1 } : {}) });
    expect(items.filter((item) => item.kind === 'association-target' && item.status === 'Failed').every((item) => item.error === undefined)).toBe(true);
  });

  it('filters by status (Run Command or State Manager) and time window', async () => {
    const expected = expectedHistory(fx.node);
    const failed = await everything(`/instances/${fx.node}/history`, { status: 'Failed', limit: '1' });
    expect(failed.items.map(key)).toEqual(expected.filter((entry) => entry.status === 'Failed'));
    // The failed target, and the failed command that ran it on the node.
    expect(failed.items.map((item) => item.kind)).toEqual(['association-target', 'command-invocation']);
    expect((await page(`/instances/${fx.node}/history`, { status: 'Skipped' })).items).toEqual([]);
    const since = '2023-12-31T23:00:03.000Z';
    const until = '2024-01-01T00:00:00.000Z';
    const window = await everything(`/instances/${fx.node}/history`, { since, until, limit: '2' });
    expect(window.items.map(key)).toEqual(expected.filter((entry) => entry.time >= since && entry.time < until));
    expect(window.items.length).toBeGreaterThan(3);
  });

  it('lists a node that ran no command of its own: its association targets, each with the command that ran it', async () => {
    const node = `i-${(0x0a000000 + 17).toString(16).padStart(17, '0')}`;
    const { items } = await everything(`/instances/${node}/history`, { limit: '3' });
    expect(items.map(key)).toEqual(expectedHistory(node));
    expect(items.filter((item) => item.kind === 'association-target').map((item) => item.status)).toEqual(['Success', 'Failed', 'Success', 'Success']);
    expect(items.filter((item) => item.kind === 'command-invocation').map((item) => item.status)).toEqual(['Success', 'Failed', 'Success', 'Success']);
  });
});
