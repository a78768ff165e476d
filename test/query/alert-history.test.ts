import { alertDescriptions, parseAlertConfig } from '../../lambdas/alerts/alert';
import { FailureAlerts } from '../../lambdas/alerts/failure-alerts';
import type { Observation, StoredFields } from '../../lambdas/core/model';
import type { ApiHandler } from '../../lambdas/query/http';
import { createQueryApi } from '../../lambdas/query/router';
import type { DailyFailures } from '../../lambdas/core/alert-content';
import type { AlertPage } from '../../lambdas/query/views/alert-history';
import { FAILURE_TABLES } from '../../lambdas/query/views/alert-history';
import { automationStatuses } from '../../lambdas/sources/automation/statuses';
import { sessionStatuses } from '../../lambdas/sources/session/statuses';
import { tableSchemas } from '../../lambdas/sources/tables';
import { FailureDayStore } from '../../lambdas/store/failure-days';
import { RecordStore } from '../../lambdas/store/record-store';
import { startDynalite, type TestDatabase } from '../support/databases';
import { invocationObservation } from '../support/observations';

/** The archive's clock: noon on 2026-12-05 (UTC). */
const NOW = Date.parse('2026-12-05T12:00:00.000Z');
const HOUR = 3_600_000;
const iso = (ms: number) => new Date(ms).toISOString();
// Sessions alert only when named; every other kind on its failure statuses, as by default.
const config = parseAlertConfig({ statuses: 'Failed,TimedOut,Cancelled,session:Failed' });
const context = { region: 'eu-west-1', accountId: '123456789012' };

const invocationFailure = (instanceId: string, endedAt: number): Observation =>
  invocationObservation('Failed', iso(endedAt), {
    instanceId,
    complete: true,
    fields: { DocumentName: 'AWS-RunShellScript', CommandPlugins: [{ Name: 'aws:runShellScript', Status: 'Failed', ResponseFinishDateTime: iso(endedAt), Output: `boom on ${instanceId}` }] },
  });

const observation = (table: string, key: Record<string, string>, status: string, statuses: Observation['statuses'], fields: StoredFields, at: number): Observation => ({
  table,
  key,
  status,
  statuses,
  observedAt: iso(at),
  fields: { ...key, ...fields },
  complete: true,
  producers: new Set(['poll']),
  timeline: [{ status, at: iso(at) }],
});

const automationFailure = (id: string, endedAt: number): Observation =>
  observation('automationExecutions', { AutomationExecutionId: id }, 'Failed', automationStatuses, {
    AutomationExecutionStatus: 'Failed',
    DocumentName: 'AWS-RestartEC2Instance',
    ExecutionStartTime: iso(endedAt - 60_000),
    ExecutionEndTime: iso(endedAt),
    FailureMessage: 'Step fails when it is verifying the instance state',
  }, endedAt);

const sessionFailure = (id: string, endedAt: number): Observation =>
  observation('sessions', { SessionId: id }, 'Failed', sessionStatuses, { Status: 'Failed', Target: 'i-0aaaaaaaaaaaaaaa1', StartDate: iso(endedAt - 60_000), EndDate: iso(endedAt) }, endedAt);

describe('GET /alerts and GET /failures/daily', () => {
  let database: TestDatabase;
  let api: ApiHandler;
  let bare: ApiHandler;

  const get = async <T>(handler: ApiHandler, path: string, query: Record<string, string> = {}) => {
    const response = await handler({ method: 'GET', path, query, headers: {}, body: '' });
    return { status: response.statusCode, body: JSON.parse(response.body) as T & { message?: string } };
  };

  beforeAll(async () => {
    database = await startDynalite();
    const tableNames = await database.tables();
    const store = new RecordStore(database.doc, tableSchemas, tableNames, () => new Date(NOW));
    let published = 0;
    const alerts = new FailureAlerts({
      publisher: { publish: async () => ({ messageId: `m-${++published}` }) },
      claims: store,
      config,
      context,
      maxAgeMs: 24 * HOUR,
      logger: { info: () => undefined, warn: () => undefined },
      failureDays: new FailureDayStore(database.doc, tableNames.failureDays),
      now: () => new Date(NOW),
    });
    const failures = [
      invocationFailure('i-00000000000000001', NOW - 1 * HOUR),
      invocationFailure('i-00000000000000002', NOW - 26 * HOUR),
      automationFailure('a0000000-0000-4000-8000-000000000001', NOW - 2 * HOUR),
      sessionFailure('operator-0123456789abcdef0', NOW - 3 * HOUR),
    ];
    // The first failure is observed twice (an event, then a poll): it is one failure.
    for (const failure of [...failures, failures[0] as Observation]) {
      const alert = alerts.alertOf(failure);
      if (alert === undefined) throw new Error(`${failure.table} raised no alert`);
      await alerts.store(failure, alert);
    }
    api = createQueryApi({ db: database.doc, tableNames, pageTokenKey: 'alerts', now: () => new Date(NOW), alerts: alertDescriptions(context, config) });
    bare = createQueryApi({ db: database.doc, tableNames, pageTokenKey: 'alerts', now: () => new Date(NOW) });
  });
  afterAll(async () => {
    await database.stop();
  });

  it('every table whose records alert carries the failure index, and no other', () => {
    const descriptions = alertDescriptions(context, config);
    const alerting = Object.keys(tableSchemas).filter((table) => descriptions.kindOf(table) !== undefined);
    expect([...FAILURE_TABLES].sort()).toEqual(alerting.sort());
    expect(FAILURE_TABLES).toEqual(expect.arrayContaining(['commandInvocations', 'automationExecutions', 'sessions']));
  });

  it('counts the failures per UTC day and kind, each once, oldest day first, today last, every kind on every day', async () => {
    const { status, body } = await get<DailyFailures>(api, '/failures/daily', { days: '3' });
    expect(status).toBe(200);
    expect(body.kinds).toEqual(expect.arrayContaining(['command-invocation', 'automation-execution', 'session', 'command']));
    expect(body.days.map((day) => day.day)).toEqual(['2026-12-03', '2026-12-04', '2026-12-05']);
    expect(body.days[2]?.counts).toMatchObject({ 'command-invocation': 1, 'automation-execution': 1, session: 1, command: 0 });
    // The failure 26 hours before noon (the backfill's: stored without an alert) still counts as a failure.
    expect(body.days[1]?.counts).toMatchObject({ 'command-invocation': 1, 'automation-execution': 0 });
    expect(body.days[0]?.counts['command-invocation']).toBe(0);
  });

  it('lists the alerts sent, newest failure first, as each alert said it, a page at a time', async () => {
    const first = await get<AlertPage>(api, '/alerts', { limit: '2' });
    expect(first.status).toBe(200);
    expect(first.body.items.map((item) => item.kind)).toEqual(['command-invocation', 'automation-execution']);
    expect(first.body.items[0]).toMatchObject({
      subject: 'SSM Run Command Failed: AWS-RunShellScript on i-00000000000000001',
      status: 'Failed',
      region: 'eu-west-1',
      accountId: '123456789012',
      messageId: 'm-1',
      publishedAt: iso(NOW),
    });
    expect(String(first.body.items[0]?.errorExcerpt)).toContain('boom on i-00000000000000001');
    expect(first.body.nextToken).toEqual(expect.any(String));
    const second = await get<AlertPage>(api, '/alerts', { limit: '2', nextToken: first.body.nextToken ?? '' });
    // The backfilled failure (26 h old, stored 'skipped') was never sent: it is not an alert.
    expect(second.body.items.map((item) => item.kind)).toEqual(['session']);
    expect(second.body.nextToken).toBeUndefined();
  });

  it('filters by kind, and refuses a kind that never alerts, a bad limit or day count and a token of another query', async () => {
    const automation = await get<AlertPage>(api, '/alerts', { kind: 'automation-execution' });
    expect(automation.body.items.map((item) => item.automationExecutionId)).toEqual(['a0000000-0000-4000-8000-000000000001']);
    expect((await get(api, '/alerts', { kind: 'automation-step' })).status).toBe(400);
    expect((await get(api, '/alerts', { limit: '0' })).status).toBe(400);
    expect((await get(api, '/failures/daily', { days: '91' })).body.message).toMatch(/days must be a whole number from 1 to 90/);
    expect((await get(api, '/failures/daily', { since: '1d' })).status).toBe(400);
    const token = (await get<AlertPage>(api, '/alerts', { limit: '1' })).body.nextToken ?? '';
    expect((await get(api, '/alerts', { kind: 'session', nextToken: token })).status).toBe(400);
  });

  it('answers 404 where the query API was assembled without the alerts’ descriptions', async () => {
    expect((await get(bare, '/alerts')).status).toBe(404);
    expect((await get(bare, '/failures/daily')).status).toBe(404);
  });
});
