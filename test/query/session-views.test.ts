import type { Session } from '@aws-sdk/client-ssm';
import type { ApiHandler } from '../../lambdas/query/http';
import { createQueryApi } from '../../lambdas/query/router';
import type { ExecutionItem } from '../../lambdas/query/views/execution-items';
import { sessionObservation } from '../../lambdas/sources/session/records';
import { tableSchemas } from '../../lambdas/sources/tables';
import { RecordStore } from '../../lambdas/store/record-store';
import { startDynalite, type TestDatabase } from '../support/databases';

/**
 * Sessions under the views' filters: a node's sessions from its byTarget index (kind=session,
 * and with kind omitted, where sessions are the one parent kind whose record names a node),
 * the document a session ran, and relative times, in the timeline and a node's history.
 */
let database: TestDatabase;
let api: ApiHandler;
const NOW = new Date('2026-03-10T12:00:00.000Z');
const NODE = 'i-0aaaaaaaaaaaaaaa1';
const OTHER = 'i-0aaaaaaaaaaaaaaa2';
const HOUR = 3_600_000;
const SHELL = 'SSM-SessionManagerRunShell';
const PORT = 'AWS-StartPortForwardingSession';

/** Newest first: 1h, 5h, 30h, 50h, 80h before NOW. */
const sessions: Session[] = [
  { SessionId: 'alice-1', Target: NODE, Status: 'Terminated', DocumentName: SHELL, StartDate: new Date(NOW.getTime() - 1 * HOUR), Owner: 'alice' },
  { SessionId: 'bob-1', Target: OTHER, Status: 'Failed', DocumentName: SHELL, StartDate: new Date(NOW.getTime() - 5 * HOUR), Owner: 'bob' },
  { SessionId: 'alice-2', Target: NODE, Status: 'Failed', DocumentName: PORT, StartDate: new Date(NOW.getTime() - 30 * HOUR), Owner: 'alice' },
  { SessionId: 'bob-2', Target: NODE, Status: 'Terminated', DocumentName: PORT, StartDate: new Date(NOW.getTime() - 50 * HOUR), Owner: 'bob' },
  { SessionId: 'alice-3', Target: NODE, Status: 'Connected', DocumentName: SHELL, StartDate: new Date(NOW.getTime() - 80 * HOUR), Owner: 'alice' },
];

beforeAll(async () => {
  database = await startDynalite();
  const tables = await database.tables('session-views');
  const store = new RecordStore(database.doc, tableSchemas, tables);
  for (const session of sessions) await store.upsert(sessionObservation(session, { observedAt: NOW, producers: new Set(['poll'] as const) }));
  api = createQueryApi({ db: database.doc, tableNames: tables, pageTokenKey: 'session-views', now: () => NOW });
});
afterAll(async () => {
  await database.stop();
});

async function ids(path: string, query: Record<string, string>): Promise<string[]> {
  const listed: string[] = [];
  let token: string | undefined;
  do {
    const response = await api({ method: 'GET', path, query: { ...query, ...(token !== undefined ? { nextToken: token } : {}) }, headers: {}, body: '' });
    expect({ query, status: response.statusCode, body: response.statusCode === 200 ? '' : response.body }).toEqual({ query, status: 200, body: '' });
    const page = JSON.parse(response.body) as { items: ExecutionItem[]; nextToken?: string };
    listed.push(...page.items.map((item) => item.sessionId ?? ''));
    token = page.nextToken;
  } while (token !== undefined);
  return listed;
}

const onNode = sessions.filter((s) => s.Target === NODE).map((s) => s.SessionId);

describe('sessions under the filters', () => {
  it("lists one node's sessions from its index, alone or with kind omitted, across pages", async () => {
    for (const limit of ['1', '50']) {
      expect({ limit, listed: await ids('/executions', { kind: 'session', instanceId: NODE, limit }) }).toEqual({ limit, listed: onNode });
      expect({ limit, listed: await ids('/executions', { instanceId: NODE, limit }) }).toEqual({ limit, listed: onNode });
    }
    database.calls.reset();
    expect(await ids('/executions', { instanceId: OTHER })).toEqual(['bob-1']);
    // The node's sessions alone: one Query of the byTarget index, no other kind's walk, no read by key (a session's alert has no error).
    expect(database.calls.snapshot()).toEqual({ QueryCommand: 1 });
  });

  it('keeps the sessions of one document, with a status and a relative since', async () => {
    expect(await ids('/executions', { kind: 'session', documentName: PORT })).toEqual(['alice-2', 'bob-2']);
    expect(await ids('/executions', { documentName: SHELL, status: 'FAILED,terminated' })).toEqual(['alice-1', 'bob-1']);
    expect(await ids('/executions', { kind: 'session', instanceId: NODE, documentName: SHELL })).toEqual(['alice-1', 'alice-3']);
    expect(await ids('/executions', { kind: 'session', since: '2d' })).toEqual(['alice-1', 'bob-1', 'alice-2']);
    expect(await ids('/executions', { kind: 'session', since: '72h', until: '24h' })).toEqual(['alice-2', 'bob-2']);
    expect(await ids('/executions', { kind: 'session', since: '90m' })).toEqual(['alice-1']);
  });

  it("filters a node's history the same way", async () => {
    const history = `/instances/${NODE}/history`;
    expect(await ids(history, {})).toEqual(onNode);
    expect(await ids(history, { documentName: PORT, limit: '1' })).toEqual(['alice-2', 'bob-2']);
    expect(await ids(history, { status: 'failed' })).toEqual(['alice-2']);
    expect(await ids(history, { since: '48h' })).toEqual(['alice-1', 'alice-2']);
    expect(await ids(history, { status: 'Connected,Terminated', since: '3d', limit: '1' })).toEqual(['alice-1', 'bob-2']);
  });
});
