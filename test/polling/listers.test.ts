import type { SSMClient } from '@aws-sdk/client-ssm';
import { ssmReadActionsWithoutResourceTypes, ssmReadActionsWithResourceTypes } from '../../lib/source-infrastructure';
import { encodeWorkItem, MessageReader } from '../../lambdas/collector/messages';
import { SsmSimulator, VirtualClock } from '../../local/ssm-simulator';
import { historySources } from '../../lambdas/sources';
import type { HistoryKind, ListedPage, ParentLister, WorkItem } from '../../lambdas/core/model';
import { statusInfo } from '../../lambdas/core/status';
import { associationStatuses } from '../../lambdas/sources/association/statuses';
import { automationStatuses } from '../../lambdas/sources/automation/statuses';
import { maintenanceWindowStatuses } from '../../lambdas/sources/maintenance-window/statuses';
import { runCommandStatuses } from '../../lambdas/sources/run-command/statuses';
import { sessionStatuses } from '../../lambdas/sources/session/statuses';
import { ssmClient } from '../ssm-simulator/sdk-client';
import { toStoredFields } from '../../lambdas/store/stored-fields';

/**
 * Each kind's poller listing through the real SDK against the simulator: days of scripted
 * history, listed since a time page after page until `next` is undefined.
 */
const NOW = new Date('2026-11-20T12:00:00.000Z');
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
/** Not on a whole second: SSM's time filters take seconds, and the listers cut `since` down to one. */
const SINCE_MS = NOW.getTime() - 3 * DAY + 500;
const SINCE = new Date(SINCE_MS).toISOString();
const SINCE_SECOND_MS = Math.floor(SINCE_MS / 1000) * 1000;
const LISTED_AT = new Date(NOW.getTime() + 1234);
const MAX_CALLS_PER_PAGE = 5;

const reader = new MessageReader(historySources);

function listerOf(kind: HistoryKind): ParentLister {
  const lister = historySources.find((source) => source.kind === kind)?.lister;
  if (lister === undefined) throw new Error(`${kind} has no lister`);
  return lister;
}

/** One parent SSM holds, as the test expects to see it listed. */
interface Unit {
  readonly parentId: string;
  /** Its listing time (RequestedDateTime, ExecutionStartTime, CreatedTime, StartTime), epoch ms. */
  readonly start: number;
  readonly running: boolean;
}

interface Walk {
  readonly pages: ListedPage[];
  /** SSM calls each listPage made. */
  readonly calls: number[];
}

function callCount(sim: SsmSimulator): number {
  return Object.values(sim.stats()).reduce((sum, stats) => sum + stats.calls, 0);
}

async function walk(sim: SsmSimulator, ssm: SSMClient, lister: ParentLister, since: string, from?: string): Promise<Walk> {
  const pages: ListedPage[] = [];
  const calls: number[] = [];
  let position = from;
  do {
    sim.resetStats();
    const page = await lister.listPage(ssm, since, position, LISTED_AT);
    calls.push(callCount(sim));
    pages.push(page);
    position = page.next;
    if (pages.length > 1000) throw new Error('the listing does not end');
  } while (position !== undefined);
  return { pages, calls };
}

const iso = (ms: number): string => new Date(ms).toISOString();
const minOf = (values: readonly number[]): string | undefined => (values.length === 0 ? undefined : iso(Math.min(...values)));
const minIso = (values: readonly (string | undefined)[]): string | undefined =>
  values.filter((value): value is string => value !== undefined).sort()[0];

/**
 * What every kind's listing must do: list every parent started at or after `since` (once or
 * more), none started before `lowerBound` (SSM's filter takes seconds: the listers cut `since`
 * down), report the oldest and earliest-running times of what SSM returned, and stay within
 * the call budget.
 */
function expectListing(kind: HistoryKind, units: readonly Unit[], result: Walk, lowerBound: (start: number) => boolean): void {
  const items = result.pages.flatMap((page) => page.items);
  const listed = new Set(items.map((item) => item.parentId));
  const wanted = units.filter((unit) => unit.start >= SINCE_MS);
  expect(wanted.length).toBeGreaterThan(0);
  for (const unit of wanted) expect(listed).toContain(unit.parentId);
  const allowed = new Set(units.filter((unit) => lowerBound(unit.start)).map((unit) => unit.parentId));
  expect([...listed].filter((id) => !allowed.has(id))).toEqual([]);
  // Some parents are older than `since`: the filter, not the data, kept them out.
  expect(units.some((unit) => !lowerBound(unit.start))).toBe(true);

  const returned = units.filter((unit) => lowerBound(unit.start));
  expect(minIso(result.pages.map((page) => page.oldestSeen))).toBe(minOf(returned.map((unit) => unit.start)));
  const running = returned.filter((unit) => unit.running);
  expect(running.length).toBeGreaterThan(0);
  expect(minIso(result.pages.map((page) => page.earliestRunning))).toBe(minOf(running.map((unit) => unit.start)));
  for (const page of result.pages) {
    if (page.oldestSeen !== undefined) expect(Date.parse(page.oldestSeen)).toBeGreaterThanOrEqual(SINCE_SECOND_MS - 1000);
    if (page.earliestRunning !== undefined && page.oldestSeen !== undefined) expect(page.earliestRunning >= page.oldestSeen).toBe(true);
  }

  expect(result.pages[result.pages.length - 1]?.next).toBeUndefined();
  for (const calls of result.calls) expect(calls).toBeLessThanOrEqual(MAX_CALLS_PER_PAGE);
  for (const item of items) {
    expect(item).toMatchObject({ kind, producer: 'poll', sentAt: LISTED_AT.toISOString(), observations: [] });
    expect(item.fetch.scope).toBe('parent');
    // What the poller enqueues is what the collector reads back.
    expect(reader.read(encodeWorkItem(item))).toEqual(item);
  }
}

/** Per page: oldestSeen and earliestRunning are those of the parents on that page. */
function expectPageTimes(result: Walk, units: readonly Unit[]): void {
  const byId = new Map(units.map((unit) => [unit.parentId, unit]));
  for (const page of result.pages) {
    const on = page.items.map((item) => byId.get(item.parentId)).filter((unit): unit is Unit => unit !== undefined);
    expect(page.oldestSeen).toBe(minOf(on.map((unit) => unit.start)));
    expect(page.earliestRunning).toBe(minOf(on.filter((unit) => unit.running).map((unit) => unit.start)));
  }
}

/**
 * A nested listing's saved positions, character for character: `{"<owners>":[ids],
 * "executionsToken"?:…, "<ownersToken>"?:…}` in that order. Checkpoints hold them across
 * deployments, so a new version must write (and read) the same text.
 */
function expectPositionText(result: Walk, owners: string, ownersToken: string): void {
  const saved = result.pages.map((page) => page.next).filter((next): next is string => next !== undefined);
  expect(saved.length).toBeGreaterThan(1);
  const form = new RegExp(`^\\{"${owners}":\\[("[^"]+"(,"[^"]+")*)?\\](,"executionsToken":"[^"]+")?(,"${ownersToken}":"[^"]+")?\\}$`);
  for (const next of saved) expect(next).toMatch(form);
  // The owners' token occurs, so its name and place are checked (test/sources/nested-listing.test.ts
  // pins the text with an executions token too).
  expect(saved.some((next) => next.includes(`"${ownersToken}"`))).toBe(true);
}

/** A listing resumed from a saved `next`, with a new client, goes on exactly where it was. */
async function expectResumes(sim: SsmSimulator, endpoint: string, lister: ParentLister, result: Walk, at: number): Promise<void> {
  const saved = result.pages[at]?.next;
  expect(saved).toBeDefined();
  const fresh = ssmClient(endpoint);
  try {
    const resumed = await walk(sim, fresh, lister, SINCE, saved);
    expect(resumed.pages).toEqual(result.pages.slice(at + 1));
  } finally {
    fresh.destroy();
  }
}

describe('poller listers against the SSM simulator', () => {
  let sim: SsmSimulator;
  let ssm: SSMClient;
  let endpoint: string;

  beforeEach(async () => {
    sim = new SsmSimulator({ clock: new VirtualClock(NOW), seed: 7 });
    ({ endpoint } = await sim.listen());
    ssm = ssmClient(endpoint);
  });

  afterEach(async () => {
    ssm.destroy();
    await sim.close();
  });

  it('run-command: ListCommands InvokedAfter, one call a page, every command since then', async () => {
    // 130 commands an hour apart (plus a few seconds, so that times vary) over five and a half days.
    for (let i = 1; i <= 130; i++) {
      sim.sendCommand({ documentName: 'AWS-RunShellScript', requestedAt: new Date(NOW.getTime() - i * HOUR - i * 7_001), invocations: [{ instanceId: 'i-0aaaaaaaaaaaaaaa1' }] });
    }
    // At the filter's second, before `since` itself: SSM's inclusive filter on seconds may list it.
    sim.sendCommand({ documentName: 'AWS-RunShellScript', requestedAt: new Date(SINCE_SECOND_MS), invocations: [{ instanceId: 'i-0aaaaaaaaaaaaaaa1' }] });
    // Just before that second: never listed.
    sim.sendCommand({ documentName: 'AWS-RunShellScript', requestedAt: new Date(SINCE_SECOND_MS - 1), invocations: [{ instanceId: 'i-0aaaaaaaaaaaaaaa1' }] });
    // Two still running.
    for (const ago of [40 * MINUTE, 10 * MINUTE]) {
      sim.sendCommand({
        documentName: 'AWS-RunPowerShellScript',
        requestedAt: new Date(NOW.getTime() - ago),
        invocations: [{ instanceId: 'i-0ccccccccccccccc1', durationMs: 3 * HOUR }],
      });
    }

    const units: Unit[] = sim.truth().commands.map((command) => ({
      parentId: command.CommandId as string,
      start: (command.RequestedDateTime as Date).getTime(),
      running: !statusInfo(runCommandStatuses, command.Status ?? 'Pending').terminal,
    }));
    const lister = listerOf('run-command');
    const result = await walk(sim, ssm, lister, SINCE);

    expectListing('run-command', units, result, (start) => start >= SINCE_SECOND_MS);
    expectPageTimes(result, units);
    expect(result.calls.every((calls) => calls === 1)).toBe(true);
    expect(result.pages.length).toBeGreaterThanOrEqual(2);
    expect(result.pages.every((page) => page.items.length <= 50)).toBe(true);
    expect(result.pages.flatMap((page) => page.items).every((item) => item.fetch.scope === 'parent' && Object.keys(item.fetch).length === 1)).toBe(true);
    await expectResumes(sim, endpoint, lister, result, 0);
    expect(lister.listingActions).toEqual(['ssm:ListCommands']);
  });

  it('automation: DescribeAutomationExecutions StartTimeAfter, one call a page, child executions too', async () => {
    for (let i = 1; i <= 120; i++) {
      sim.startAutomation({ steps: 2, startAt: new Date(NOW.getTime() - i * HOUR - i * 3_003), ...(i % 9 === 0 ? { failAtStep: 1 } : {}) });
    }
    const parent = sim.startAutomation({ steps: 1, documentName: 'Parent-Runbook', startAt: new Date(NOW.getTime() - 2 * DAY) });
    const child = sim.startAutomation({ steps: 1, documentName: 'Child-Runbook', parentAutomationExecutionId: parent, startAt: new Date(NOW.getTime() - 2 * DAY + 5000) });
    sim.startAutomation({ steps: 1, startAt: new Date(SINCE_SECOND_MS) });
    sim.startAutomation({ steps: 1, startAt: new Date(SINCE_SECOND_MS - 1) });
    // Still running: its steps take hours.
    sim.startAutomation({ steps: 3, stepDurationMs: 2 * HOUR, startAt: new Date(NOW.getTime() - 20 * MINUTE) });

    const units: Unit[] = sim.automationTruth().map(({ execution }) => ({
      parentId: execution.AutomationExecutionId as string,
      start: (execution.ExecutionStartTime as Date).getTime(),
      running: !statusInfo(automationStatuses, execution.AutomationExecutionStatus ?? 'Pending').terminal,
    }));
    const lister = listerOf('automation');
    const result = await walk(sim, ssm, lister, SINCE);

    expectListing('automation', units, result, (start) => start >= SINCE_SECOND_MS);
    expectPageTimes(result, units);
    expect(result.calls.every((calls) => calls === 1)).toBe(true);
    expect(result.pages.length).toBeGreaterThanOrEqual(2);
    const listed = result.pages.flatMap((page) => page.items.map((item) => item.parentId));
    expect(listed).toEqual(expect.arrayContaining([parent, child]));
    await expectResumes(sim, endpoint, lister, result, 0);
    expect(lister.listingActions).toEqual(['ssm:DescribeAutomationExecutions']);
  });

  it('session: DescribeSessions Active then History, InvokedAfter, one call a page (two when the running ones fit one)', async () => {
    const ends = ['terminate', 'timeout', 'fail'] as const;
    for (let i = 1; i <= 230; i++) {
      sim.startSession({ target: 'i-0aaaaaaaaaaaaaaa1', durationMs: 20 * MINUTE, end: ends[i % 3], startAt: new Date(NOW.getTime() - i * 10 * MINUTE - i * 1_003) });
    }
    sim.startSession({ target: 'i-0aaaaaaaaaaaaaaa2', durationMs: MINUTE, startAt: new Date(SINCE_SECOND_MS) });
    sim.startSession({ target: 'i-0aaaaaaaaaaaaaaa2', durationMs: MINUTE, startAt: new Date(SINCE_SECOND_MS - 1) });
    // Still connected: their ends are hours away.
    sim.startSession({ target: 'i-0aaaaaaaaaaaaaaa3', durationMs: 5 * HOUR, startAt: new Date(NOW.getTime() - 30 * MINUTE) });
    sim.startSession({ target: 'i-0aaaaaaaaaaaaaaa3', durationMs: 5 * HOUR, startAt: new Date(NOW.getTime() - 2 * HOUR) });

    const units: Unit[] = sim.sessionTruth().map((session) => ({
      parentId: session.SessionId as string,
      start: (session.StartDate as Date).getTime(),
      running: !statusInfo(sessionStatuses, session.Status ?? 'Connecting').terminal,
    }));
    const lister = listerOf('session');
    const result = await walk(sim, ssm, lister, SINCE);

    expectListing('session', units, result, (start) => start >= SINCE_SECOND_MS);
    expectPageTimes(result, units);
    // The two running sessions and the first 200 ended ones, then the rest.
    expect(result.calls).toEqual([2, 1]);
    await expectResumes(sim, endpoint, lister, result, 0);
    expect(lister.listingActions).toEqual(['ssm:DescribeSessions']);
  });

  it('association: ListAssociations then DescribeAssociationExecutions CreatedTime GREATER_THAN, at most five calls a page', async () => {
    // One busy association: 150 executions half an hour apart from four days ago (about 100 since `since`: several inner pages).
    const busy = sim.createAssociation({ targets: 1, executions: 150, intervalMs: 30 * MINUTE, startAt: new Date(NOW.getTime() - 4 * DAY), targetDurationMs: 1000 });
    // 54 quiet ones, two executions a day apart, started between five and one days ago (two ListAssociations pages in all).
    for (let i = 0; i < 54; i++) {
      sim.createAssociation({ targets: 2, executions: 2, intervalMs: DAY, startAt: new Date(NOW.getTime() - 5 * DAY + i * 100 * MINUTE + i * 1_001) });
    }
    // Executions at the bound's edges: created at the filter's second (listed) and two seconds before (never).
    const edge = sim.createAssociation({ targets: 1, executions: 1, startAt: new Date(SINCE_SECOND_MS - 500) });
    const before = sim.createAssociation({ targets: 1, executions: 1, startAt: new Date(SINCE_SECOND_MS - 2000) });
    // Still running: three targets of an hour each, started ten minutes ago.
    const running = sim.createAssociation({ targets: 3, executions: 1, targetDurationMs: HOUR, startAt: new Date(NOW.getTime() - 10 * MINUTE) });

    const units: Unit[] = (sim.associationTruth()).flatMap(({ association, executions }) =>
      executions.map(({ execution }) => ({
        parentId: association.AssociationId as string,
        start: (execution.CreatedTime as Date).getTime(),
        running: !statusInfo(associationStatuses, execution.Status ?? 'Pending').terminal,
      })),
    );
    const lister = listerOf('association');
    const result = await walk(sim, ssm, lister, SINCE);
    const bound = SINCE_SECOND_MS - 1000;

    expectListing('association', units, result, (start) => start > bound);
    const listed = new Set(result.pages.flatMap((page) => page.items.map((item) => item.parentId)));
    expect(listed).toContain(busy);
    expect(listed).toContain(edge);
    expect(listed).toContain(running);
    expect(listed).not.toContain(before);
    for (const item of result.pages.flatMap((page) => page.items)) expect(item.fetch).toEqual({ scope: 'parent', since: iso(bound) });
    // Within one call an association is listed once.
    for (const page of result.pages) expect(new Set(page.items.map((item) => item.parentId)).size).toBe(page.items.length);
    const stats = { pages: result.pages.length, calls: result.calls.reduce((sum, calls) => sum + calls, 0) };
    // 2 ListAssociations pages + 58 associations + 2 more pages of the busy one's executions.
    expect(stats.calls).toBe(2 + 58 + 2);
    expect(stats.pages).toBe(Math.ceil(stats.calls / MAX_CALLS_PER_PAGE));
    await expectResumes(sim, endpoint, lister, result, 0);
    await expectResumes(sim, endpoint, lister, result, 10);
    // The position's text, as checkpoints already hold it: its fields' names and order never change.
    expectPositionText(result, 'associations', 'associationsToken');
    // Every association's definition once, field for field as ListAssociations returned it: the poller keeps them.
    const truth = sim.associationTruth();
    expect(result.pages.flatMap((page) => page.definitions ?? [])).toEqual(
      truth.map(({ association }) => ({
        table: 'associationDefinitions',
        key: { AssociationId: association.AssociationId },
        fields: toStoredFields(association),
        absentFields: expect.arrayContaining(['AssociationName', 'InstanceId']) as unknown,
      })),
    );
    expect(lister.definitionTables).toEqual(['associationDefinitions']);
    expect(lister.listingActions).toEqual(['ssm:ListAssociations']);
    expect(lister.scopedListingActions).toEqual([
      { action: 'ssm:DescribeAssociationExecutions', resource: 'arn:${Partition}:ssm:${Region}:${Account}:association/*' },
    ]);
  });

  it('maintenance-window: DescribeMaintenanceWindows then DescribeMaintenanceWindowExecutions ExecutedAfter, at most five calls a page', async () => {
    // A busy window: 150 executions half an hour apart from four days ago (about 100 since `since`: two inner pages).
    const busy = sim.createMaintenanceWindow({ executions: 150, intervalMs: 30 * MINUTE, tasks: [{ targets: 1 }], startAt: new Date(NOW.getTime() - 4 * DAY), invocationDurationMs: 1000 });
    // 101 quiet windows (two DescribeMaintenanceWindows pages), two executions a day apart, started between five and one days ago.
    for (let i = 0; i < 101; i++) {
      sim.createMaintenanceWindow({ executions: 2, intervalMs: DAY, tasks: [{ targets: 1 }], startAt: new Date(NOW.getTime() - 5 * DAY + i * 55 * MINUTE + i * 1_001) });
    }
    const edge = sim.createMaintenanceWindow({ executions: 1, tasks: [{ targets: 1 }], startAt: new Date(SINCE_SECOND_MS) });
    const before = sim.createMaintenanceWindow({ executions: 1, tasks: [{ targets: 1 }], startAt: new Date(SINCE_SECOND_MS - 1) });
    // A window that has not run yet, and one still running (two targets of an hour each).
    sim.createMaintenanceWindow({ executions: 0, tasks: [{ targets: 1 }] });
    const running = sim.createMaintenanceWindow({ executions: 1, tasks: [{ targets: 2 }], invocationDurationMs: HOUR, startAt: new Date(NOW.getTime() - 5 * MINUTE) });

    const truth = sim.maintenanceWindowTruth();
    const units: Unit[] = truth.flatMap(({ executions }) =>
      executions.map(({ execution }) => ({
        parentId: execution.WindowExecutionId as string,
        start: (execution.StartTime as Date).getTime(),
        running: !statusInfo(maintenanceWindowStatuses, execution.Status ?? 'PENDING').terminal,
      })),
    );
    const windowOf = new Map(truth.flatMap(({ window, executions }) => executions.map(({ execution }) => [execution.WindowExecutionId, window.WindowId])));
    const lister = listerOf('maintenance-window');
    const result = await walk(sim, ssm, lister, SINCE);

    expectListing('maintenance-window', units, result, (start) => start >= SINCE_SECOND_MS);
    expectPageTimes(result, units);
    const items: WorkItem[] = result.pages.flatMap((page) => page.items);
    const byId = new Map(units.map((unit) => [unit.parentId, unit]));
    for (const item of items) {
      expect(item.fetch).toEqual({
        scope: 'parent',
        listedBy: { ownerId: windowOf.get(item.parentId), startedAt: iso(byId.get(item.parentId)?.start ?? NaN) },
      });
    }
    const windows = new Set(items.map((item) => (item.fetch.scope === 'parent' ? item.fetch.listedBy?.ownerId : undefined)));
    expect(windows).toContain(busy);
    expect(windows).toContain(edge);
    expect(windows).toContain(running);
    expect(windows).not.toContain(before);
    // Each window execution once: the inner pages do not overlap.
    expect(new Set(items.map((item) => item.parentId)).size).toBe(items.length);
    const calls = result.calls.reduce((sum, n) => sum + n, 0);
    // 2 DescribeMaintenanceWindows pages + 106 windows + 1 more page of the busy one's executions.
    expect(calls).toBe(2 + 106 + 1);
    expect(result.pages.length).toBe(Math.ceil(calls / MAX_CALLS_PER_PAGE));
    await expectResumes(sim, endpoint, lister, result, 0);
    await expectResumes(sim, endpoint, lister, result, 19);
    expectPositionText(result, 'windows', 'windowsToken');
    // Every window's definition once (the one that has not run yet too), as DescribeMaintenanceWindows returned it.
    expect(result.pages.flatMap((page) => page.definitions ?? [])).toEqual(
      truth.map(({ window }) => ({
        table: 'maintenanceWindowDefinitions',
        key: { WindowId: window.WindowId },
        fields: toStoredFields(window),
        absentFields: expect.arrayContaining(['Description']) as unknown,
      })),
    );
    expect(lister.definitionTables).toEqual(['maintenanceWindowDefinitions']);
    expect(lister.listingActions).toEqual(['ssm:DescribeMaintenanceWindows']);
    expect(lister.scopedListingActions).toEqual([
      { action: 'ssm:DescribeMaintenanceWindowExecutions', resource: 'arn:${Partition}:ssm:${Region}:${Account}:maintenancewindow/*' },
    ]);
  });

  it('a deleted parent between the two listing levels is skipped, not an error', async () => {
    // SSM answers DoesNotExistException for a window it no longer has: the listing goes on with the next one.
    const first = sim.createMaintenanceWindow({ executions: 1, tasks: [{ targets: 1 }], startAt: new Date(NOW.getTime() - HOUR) });
    const second = sim.createMaintenanceWindow({ executions: 1, tasks: [{ targets: 1 }], startAt: new Date(NOW.getTime() - HOUR) });
    const lister = listerOf('maintenance-window');
    const position = JSON.stringify({ windows: ['mw-0000000000000dead', first, second] });
    const page = await lister.listPage(ssm, SINCE, position, LISTED_AT);
    expect(page.items.map((item) => (item.fetch.scope === 'parent' ? item.fetch.listedBy?.ownerId : undefined))).toEqual([first, second]);
    expect(page.next).toBeUndefined();

    const association = sim.createAssociation({ targets: 1, executions: 1, startAt: new Date(NOW.getTime() - HOUR) });
    const associationPage = await listerOf('association').listPage(ssm, SINCE, JSON.stringify({ associations: ['00000000-0000-4000-8000-00000000dead', association] }), LISTED_AT);
    expect(associationPage.items.map((item) => item.parentId)).toEqual([association]);
  });

  it.each(['run-command', 'automation', 'association', 'maintenance-window', 'session'] as const)('%s: refuses a position that is not its own', async (kind) => {
    await expect(listerOf(kind).listPage(ssm, SINCE, 'not json', LISTED_AT)).rejects.toThrow(/position/);
    await expect(listerOf(kind).listPage(ssm, SINCE, '{}', LISTED_AT)).rejects.toThrow(/position/);
  });

  it('a page whose SSM call fails throws, and the same position then lists the same page: nothing is lost', async () => {
    for (let i = 0; i < 12; i++) sim.createAssociation({ targets: 1, executions: 2, intervalMs: HOUR, startAt: new Date(NOW.getTime() - (i + 2) * HOUR) });
    const lister = listerOf('association');
    const clean = await walk(sim, ssm, lister, SINCE);
    expect(clean.pages.length).toBeGreaterThan(2);
    const once = ssmClient(endpoint, 1);
    try {
      let position: string | undefined;
      for (const expected of clean.pages) {
        sim.setFaults({ serverErrorRate: 1, operations: ['DescribeAssociationExecutions'] });
        await expect(lister.listPage(once, SINCE, position, LISTED_AT)).rejects.toThrow();
        sim.setFaults({});
        const page = await lister.listPage(once, SINCE, position, LISTED_AT);
        expect(page).toEqual(expected);
        position = page.next;
      }
    } finally {
      once.destroy();
    }
  });

  it("every kind's listing actions are in the IAM tables the stack grants from (lib/source-infrastructure.ts)", () => {
    for (const source of historySources) {
      const lister = listerOf(source.kind);
      for (const action of lister.listingActions) expect(ssmReadActionsWithoutResourceTypes).toContain(action);
      for (const { action, resource } of lister.scopedListingActions ?? []) {
        const type = ssmReadActionsWithResourceTypes.get(action);
        expect(type).toBeDefined();
        expect(resource).toBe(`arn:\${Partition}:ssm:\${Region}:\${Account}:${type ?? ''}/*`);
      }
    }
  });

  it('every kind lists nothing, in one page, when SSM holds nothing since then', async () => {
    for (const source of historySources) {
      const page = await listerOf(source.kind).listPage(ssm, SINCE, undefined, LISTED_AT);
      expect(page).toEqual({ items: [] });
    }
  });
});
