import { DescribeSessionsCommand, type DescribeSessionsCommandInput, type SSMClient } from '@aws-sdk/client-ssm';
import { Collector } from '../../lambdas/collector/collector';
import { encodeWorkItem } from '../../lambdas/collector/messages';
import type { ApiHandler } from '../../lambdas/query/http';
import { serveApi, type ServedApi } from '../../lambdas/query/node-http';
import { createQueryApi } from '../../lambdas/query/router';
import type { ExecutionItem } from '../../lambdas/query/views/execution-items';
import { historySources } from '../../lambdas/sources';
import { sessionLister } from '../../lambdas/sources/session/listing';
import { RecordStore } from '../../lambdas/store/record-store';
import { tableSchemas, type TableNames } from '../../lambdas/sources/tables';
import { SsmSimulator, VirtualClock } from '../../local/ssm-simulator';
import { startDynalite, type TestDatabase } from '../support/databases';
import { silentLog } from '../support/silent-log';
import { ssmClient } from '../ssm-simulator/sdk-client';
import { SIMULATED_HOME } from './archive-fixture';

/**
 * DescribeSessions from the archive against SSM itself (the simulator), through the real SDK
 * client: for the same requests (State, each filter of the API reference, paging), the same
 * pages, field for field; then again after SSM has forgotten the ended sessions; the same
 * errors; and sessions in GET /executions and a node's history.
 *
 * The archive is filled as production fills it: CloudTrail's StartSession and
 * TerminateSession calls through the collector, and a poll (DescribeSessions) for the
 * sessions that ended without a call.
 */
const START = new Date('2023-12-31T22:00:00.000Z');
const MINUTE = 60_000;
const NODES = ['i-0aaaaaaaaaaaaaaa1', 'i-0aaaaaaaaaaaaaaa2', 'i-0aaaaaaaaaaaaaaa3'] as const;
const ALICE = 'arn:aws:iam::123456789012:user/alice';
const BOB = 'arn:aws:iam::123456789012:user/bob';

type Page = { items: unknown[]; more: boolean };

async function pages(target: SSMClient, input: DescribeSessionsCommandInput): Promise<Page[]> {
  const all: Page[] = [];
  let token: string | undefined;
  do {
    const out = await target.send(new DescribeSessionsCommand({ ...input, ...(token !== undefined ? { NextToken: token } : {}) }));
    token = out.NextToken;
    all.push({ items: out.Sessions ?? [], more: token !== undefined });
  } while (token !== undefined && all.length < 100);
  return all;
}

const count = (all: Page[]): number => all.reduce((sum, page) => sum + page.items.length, 0);

const client = (endpoint: string): SSMClient => ssmClient(endpoint, 1);

describe('DescribeSessions of the SSM-compatible endpoint over an archive in dynalite', () => {
  let database: TestDatabase;
  let sim: SsmSimulator;
  let tables: TableNames;
  let api: ApiHandler;
  let served: ServedApi;
  let ssm: SSMClient;
  let archive: SSMClient;
  let simulatorEndpoint: string;
  let tied: string[];
  const recorded = new Map<string, Page[]>();

  beforeAll(async () => {
    database = await startDynalite();
    sim = new SsmSimulator({ clock: new VirtualClock(START), seed: 61 });
    const ends = ['terminate', 'timeout', 'fail'] as const;
    // 30 sessions, ten minutes apart across New Year, on three nodes, by two people.
    for (let n = 0; n < 30; n++) {
      sim.startSession({
        target: NODES[n % 3] as string,
        owner: n % 4 === 0 ? BOB : ALICE,
        ...(n % 5 === 0 ? { reason: `ticket OPS-${100 + n}` } : {}),
        durationMs: (5 + (n % 7)) * MINUTE,
        end: ends[n % 3],
        startAt: new Date(START.getTime() + n * 10 * MINUTE),
      });
    }
    // Two in the same millisecond (ties order by SessionId), and two still running at the end.
    const at = new Date(START.getTime() + 95 * MINUTE);
    tied = [sim.startSession({ target: NODES[0], startAt: at }), sim.startSession({ target: NODES[1], owner: BOB, startAt: at })].sort();
    sim.advanceTo(new Date(START.getTime() + 310 * MINUTE));
    sim.startSession({ target: NODES[2], durationMs: 600 * MINUTE, s3OutputUrl: 's3://audit-bucket/sessions/long' });
    sim.startSession({ target: NODES[0], owner: BOB, durationMs: 600 * MINUTE, maxSessionDuration: '1200' });
    sim.advanceBy(2 * MINUTE);

    const endpoint = (await sim.listen()).endpoint;
    simulatorEndpoint = endpoint;
    tables = await database.tables('sessions');
    const reader = client(endpoint);
    try {
      const collector = new Collector({ sources: historySources, clients: { ssm: reader }, store: new RecordStore(database.doc, tableSchemas, tables), logger: silentLog, parentConcurrency: 4 });
      const bodies = sim.events.map((event) => event.body);
      let position: string | undefined;
      do {
        const page = await sessionLister.listPage(reader, START.toISOString(), position, sim.now());
        bodies.push(...page.items.map((item) => encodeWorkItem(item)));
        position = page.next;
      } while (position !== undefined);
      for (let i = 0; i < bodies.length; i += 10) {
        const { failedMessageIds } = await collector.collect(bodies.slice(i, i + 10).map((body, j) => ({ id: `m${i + j}`, body })));
        if (failedMessageIds.length > 0) throw new Error(`collector failed ${failedMessageIds.length} messages`);
      }
    } finally {
      reader.destroy();
    }
    api = createQueryApi({ db: database.doc, tableNames: tables, pageTokenKey: 'sessions', home: SIMULATED_HOME, now: () => sim.now() });
    served = await serveApi(api);
    ssm = client(endpoint);
    archive = client(served.url);
  });
  afterAll(async () => {
    ssm.destroy();
    archive.destroy();
    await served.close();
    await sim.close();
    await database.stop();
  });

  const requests = (): [string, DescribeSessionsCommandInput][] => [
    ['History', { State: 'History' }],
    ['History, 7 a page', { State: 'History', MaxResults: 7 }],
    ['Active', { State: 'Active' }],
    ['Active, 1 a page', { State: 'Active', MaxResults: 1 }],
    ['Target, 3 a page', { State: 'History', MaxResults: 3, Filters: [{ key: 'Target', value: NODES[1] }] }],
    ['Owner', { State: 'History', Filters: [{ key: 'Owner', value: BOB }] }],
    ['Status Failed', { State: 'History', Filters: [{ key: 'Status', value: 'Failed' }] }],
    ['Status Connected (Active)', { State: 'Active', Filters: [{ key: 'Status', value: 'Connected' }] }],
    ['InvokedAfter New Year, 5 a page', { State: 'History', MaxResults: 5, Filters: [{ key: 'InvokedAfter', value: '2024-01-01T00:00:00Z' }] }],
    ['InvokedBefore New Year', { State: 'History', Filters: [{ key: 'InvokedBefore', value: '2024-01-01T00:00:00Z' }] }],
    ['InvokedAfter and InvokedBefore, exact', { State: 'History', Filters: [{ key: 'InvokedAfter', value: '2023-12-31T22:30:00Z' }, { key: 'InvokedBefore', value: '2024-01-01T00:10:00Z' }] }],
    ['SessionId', { State: 'History', Filters: [{ key: 'SessionId', value: tied[0] as string }] }],
    ['SessionId in the other State', { State: 'Active', Filters: [{ key: 'SessionId', value: tied[0] as string }] }],
    ['AccessType Standard', { State: 'History', MaxResults: 50, Filters: [{ key: 'AccessType', value: 'Standard' }] }],
    ['Target and Owner', { State: 'History', Filters: [{ key: 'Target', value: NODES[0] }, { key: 'Owner', value: ALICE }] }],
  ];

  it('describes sessions page for page as SSM does, newest first, with every filter', async () => {
    const sizes: Record<string, number> = {};
    for (const [name, input] of requests()) {
      const expected = await pages(ssm, input);
      recorded.set(name, expected);
      sizes[name] = count(expected);
      expect({ name, pages: await pages(archive, input) }).toEqual({ name, pages: expected });
    }
    expect(sizes).toMatchObject({
      History: 32,
      'History, 7 a page': 32,
      Active: 2,
      'Active, 1 a page': 2,
      'Target, 3 a page': 11,
      'Status Failed': 10,
      'Status Connected (Active)': 2,
      SessionId: 1,
      'SessionId in the other State': 0,
    });
    expect(sizes['InvokedAfter New Year, 5 a page']).toBeGreaterThan(0);
    expect(sizes['InvokedBefore New Year']).toBeGreaterThan(0);
    expect(sizes['InvokedAfter New Year, 5 a page']! + sizes['InvokedBefore New Year']!).toBe(32);
    // The tied pair, in SessionId order.
    const history = (recorded.get('History') ?? []).flatMap((page) => page.items) as { SessionId: string }[];
    const at = history.findIndex((session) => session.SessionId === tied[0]);
    expect(history.slice(at, at + 2).map((session) => session.SessionId)).toEqual(tied);
  });

  it('refuses what SSM refuses, with the same errors', async () => {
    const call = async (endpoint: string, body: object): Promise<{ status: number; type: unknown }> => {
      const response = await fetch(endpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'AmazonSSM.DescribeSessions' },
        body: JSON.stringify(body),
      });
      const answer = (await response.json()) as { __type?: string };
      return { status: response.status, type: answer.__type };
    };
    const bad: [string, object][] = [
      ['no State', {}],
      ['State All', { State: 'All' }],
      ['unknown filter key', { State: 'History', Filters: [{ key: 'DocumentName', value: 'x' }] }],
      ['empty filter list', { State: 'History', Filters: [] }],
      ['seven filters', { State: 'History', Filters: Array.from({ length: 7 }, () => ({ key: 'Owner', value: ALICE })) }],
      ['bad status', { State: 'History', Filters: [{ key: 'Status', value: 'Running' }] }],
      ['bad time', { State: 'History', Filters: [{ key: 'InvokedAfter', value: 'yesterday' }] }],
      ['MaxResults 201', { State: 'History', MaxResults: 201 }],
      ['bad token', { State: 'History', NextToken: 'not-a-token' }],
    ];
    const types: Record<string, unknown> = {};
    for (const [name, body] of bad) {
      const fromArchive = await call(served.url, body);
      types[name] = fromArchive.type;
      expect({ name, ...fromArchive }).toMatchObject({ name, status: 400 });
      expect({ name, ...fromArchive }).toEqual({ name, ...(await call(simulatorEndpoint, body)) });
    }
    expect(types).toEqual({
      'no State': 'ValidationException',
      'State All': 'ValidationException',
      'unknown filter key': 'ValidationException',
      'empty filter list': 'ValidationException',
      'seven filters': 'ValidationException',
      'bad status': 'InvalidFilterValue',
      'bad time': 'InvalidFilterValue',
      'MaxResults 201': 'ValidationException',
      'bad token': 'InvalidNextToken',
    });
  });

  it('lists sessions in GET /executions?kind=session and in each node\'s history', async () => {
    const all = async (path: string, query: Record<string, string>): Promise<ExecutionItem[]> => {
      const items: ExecutionItem[] = [];
      let token: string | undefined;
      do {
        const response = await api({ method: 'GET', path, query: { ...query, ...(token !== undefined ? { nextToken: token } : {}) }, headers: {}, body: '' });
        expect({ status: response.statusCode, body: response.statusCode === 200 ? '' : response.body }).toEqual({ status: 200, body: '' });
        const body = JSON.parse(response.body) as { items: ExecutionItem[]; nextToken?: string };
        items.push(...body.items);
        token = body.nextToken;
      } while (token !== undefined);
      return items;
    };
    const truth = sim.sessionTruth();
    const expected = truth.map((session) => ({
      kind: 'session',
      status: session.Status,
      time: session.StartDate?.toISOString(),
      sessionId: session.SessionId,
      instanceId: session.Target,
      owner: session.Owner,
      documentName: session.DocumentName,
      ...(session.Reason !== undefined ? { reason: session.Reason } : {}),
      ...(session.EndDate !== undefined ? { endTime: session.EndDate.toISOString() } : {}),
      ...SIMULATED_HOME,
      firstSeenAt: expect.any(String) as unknown,
      observedAt: expect.any(String) as unknown,
    }));
    for (const limit of ['1', '6', '100']) {
      expect({ limit, items: await all('/executions', { kind: 'session', limit }) }).toEqual({ limit, items: expected });
    }
    expect((await all('/executions', { kind: 'session', status: 'Failed' })).map((item) => item.sessionId)).toEqual(
      truth.filter((session) => session.Status === 'Failed').map((session) => session.SessionId),
    );
    // Kind omitted: sessions are parents too.
    expect((await all('/executions', { limit: '5' })).filter((item) => item.kind === 'session')).toHaveLength(truth.length);
    // A node's history: its sessions, newest first, paged.
    const node = NODES[1];
    const history = await all(`/instances/${node}/history`, { limit: '4' });
    expect(history.map((item) => item.sessionId)).toEqual(truth.filter((session) => session.Target === node).map((session) => session.SessionId));
    const refused = await api({ method: 'GET', path: '/executions', query: { kind: 'session', status: 'SUCCESS' }, headers: {}, body: '' });
    expect(refused.statusCode).toBe(400);
  });

  it('answers the same after SSM has forgotten every ended session', async () => {
    expect(recorded.size).toBe(requests().length);
    expect(sim.forgetSessionsBefore(new Date(8.64e15))).toBe(32);
    expect(count(await pages(ssm, { State: 'History' }))).toBe(0);
    for (const [name, input] of requests()) {
      expect({ name, pages: await pages(archive, input) }).toEqual({ name, pages: recorded.get(name) });
    }
  });
});
