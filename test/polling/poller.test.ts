import { ssmIds } from '../../lambdas/core/ssm-ids';
import { Readable } from 'node:stream';
import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { ListCommandsCommand, SSMClient } from '@aws-sdk/client-ssm';
import { HttpResponse } from '@smithy/protocol-http';
import { mockClient } from 'aws-sdk-client-mock';
import { CheckpointStore } from '../../lambdas/store/checkpoint-store';
import { DEFAULT_BACKFILL_MS, DEFAULT_OVERLAP_MS, pollOnce, type PollerDependencies } from '../../lambdas/polling/poller';
import { TokenBucket } from '../../lambdas/polling/rate-limit';
import { SqsWorkSink, WorkSinkError, type WorkSink } from '../../lambdas/polling/work-sink';
import type { HistoryKind, ListedSource, ListedDefinition, ListedPage, ParentLister, WorkItem } from '../../lambdas/core/model';
import { startDynalite, type TestDatabase } from '../support/databases';

const HOUR = 60 * 60 * 1000;
const NOW = Date.parse('2026-11-20T12:00:00.000Z');
const iso = (ms: number) => new Date(ms).toISOString();

/** A parent SSM holds: started at `startedAt`, finished at `endedAt` (never: still running). */
interface Parent {
  readonly id: string;
  readonly startedAt: number;
  endedAt?: number;
}

interface ListCall {
  readonly since: string;
  readonly position: string | undefined;
  readonly at: number;
}

/**
 * A lister over a scripted timeline: the parents started at or after `since` (and by `now`),
 * newest first, `pageSize` a page, the position an offset. It reports the page's oldest start
 * and its earliest still-running parent as a real lister does.
 */
class FakeLister implements ParentLister {
  readonly listingActions = ['ssm:ListCommands'];
  readonly calls: ListCall[] = [];
  failOnCall?: (call: ListCall, index: number) => Error | undefined;

  constructor(
    private readonly kind: HistoryKind,
    readonly parents: Parent[],
    private readonly pageSize: number,
    private readonly clock: () => number = () => 0,
  ) {}

  listPage(_ssm: SSMClient, since: string, position: string | undefined, now: Date): Promise<ListedPage> {
    const call = { since, position, at: this.clock() };
    this.calls.push(call);
    const failure = this.failOnCall?.(call, this.calls.length - 1);
    if (failure) return Promise.reject(failure);
    const listed = this.parents
      .filter((parent) => parent.startedAt >= Date.parse(since) && parent.startedAt <= now.getTime())
      .sort((a, b) => b.startedAt - a.startedAt || a.id.localeCompare(b.id));
    const offset = position === undefined ? 0 : (JSON.parse(position) as { offset: number }).offset;
    const page = listed.slice(offset, offset + this.pageSize);
    const running = page.filter((parent) => parent.endedAt === undefined || parent.endedAt > now.getTime());
    const items: WorkItem[] = page.map((parent) => ({
      kind: this.kind,
      parentId: parent.id,
      producer: 'poll',
      sentAt: now.toISOString(),
      observations: [],
      fetch: { scope: 'parent' },
    }));
    return Promise.resolve({
      items,
      ...(offset + this.pageSize < listed.length ? { next: JSON.stringify({ offset: offset + this.pageSize }) } : {}),
      ...(page.length > 0 ? { oldestSeen: iso(Math.min(...page.map((parent) => parent.startedAt))) } : {}),
      ...(running.length > 0 ? { earliestRunning: iso(Math.min(...running.map((parent) => parent.startedAt))) } : {}),
    });
  }
}

const sourceWith = (kind: HistoryKind, lister: ParentLister): ListedSource => ({
  kind,
  statuses: {},
  parentId: ssmIds.commandId,
  eventDetailTypes: [],
  tables: [],
  collectorActions: [],
  parseEvent: () => {
    throw new Error('not used');
  },
  collect: () => Promise.resolve([]),
  lister,
});

class MemorySink implements WorkSink {
  readonly bodies: string[] = [];
  send(bodies: readonly string[]): Promise<void> {
    this.bodies.push(...bodies);
    return Promise.resolve();
  }
  parentIds(kind: HistoryKind): Set<string> {
    return new Set(
      this.bodies.map((body) => JSON.parse(body) as { kind: string; parentId: string }).filter((item) => item.kind === kind).map((item) => item.parentId),
    );
  }
}

const encode = (item: WorkItem): string => JSON.stringify({ kind: item.kind, parentId: item.parentId, producer: item.producer });

/** Virtual time for the rate limiter: a sleep resolves when the earliest pending wake-up is reached. */
class VirtualClock {
  time = 0;
  private sleepers: { at: number; resolve: () => void }[] = [];
  private scheduled = false;
  readonly now = (): number => this.time;
  readonly sleep = (ms: number): Promise<void> =>
    new Promise<void>((resolve) => {
      this.sleepers.push({ at: this.time + ms, resolve });
      this.schedule();
    });
  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.sleepers.sort((a, b) => a.at - b.at);
      const first = this.sleepers.shift();
      if (first === undefined) return;
      this.time = Math.max(this.time, first.at);
      first.resolve();
      if (this.sleepers.length > 0) this.schedule();
    });
  }
}

const quietLog = () => ({ debug: jest.fn(), info: jest.fn(), warn: jest.fn(), error: jest.fn() });

/** `count` finished parents, one an hour going back from `newest`. */
const hourly = (prefix: string, count: number, newest: number): Parent[] =>
  Array.from({ length: count }, (_, i) => ({ id: `${prefix}-${i}`, startedAt: newest - i * HOUR, endedAt: newest - i * HOUR + 60_000 }));

describe('pollOnce', () => {
  let database: TestDatabase;
  let checkpoints: CheckpointStore;
  let sink: MemorySink;
  let now: number;
  let clock: VirtualClock;

  beforeAll(async () => {
    database = await startDynalite();
  });
  afterAll(async () => {
    await database.stop();
  });
  beforeEach(async () => {
    checkpoints = new CheckpointStore(database.doc, (await database.tables()).pollCheckpoints);
    sink = new MemorySink();
    now = NOW;
    clock = new VirtualClock();
  });

  const deps = (sources: ListedSource[], extra: Partial<PollerDependencies> = {}): PollerDependencies => ({
    sources,
    ssm: new SSMClient({ region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } }),
    checkpoints,
    sink,
    encode,
    now: () => new Date(now),
    log: quietLog(),
    callsPerSecond: 1000,
    rateClock: clock,
    ...extra,
  });

  it('backfills 30 days on the first run, then lists from the watermark less the overlap', async () => {
    // 40 days of hourly parents: SSM would still return what the lister holds; the backfill asks for 30 days.
    const lister = new FakeLister('run-command', hourly('cmd', 40 * 24, NOW - HOUR), 50);
    const [first] = await pollOnce(deps([sourceWith('run-command', lister)]), () => false);
    expect(lister.calls[0]).toEqual({ since: iso(NOW - DEFAULT_BACKFILL_MS - DEFAULT_OVERLAP_MS), position: undefined, at: 0 });
    const inWindow = lister.parents.filter((parent) => parent.startedAt >= NOW - DEFAULT_BACKFILL_MS - DEFAULT_OVERLAP_MS);
    expect(sink.parentIds('run-command')).toEqual(new Set(inWindow.map((parent) => parent.id)));
    expect(first).toEqual({ kind: 'run-command', pages: Math.ceil(inWindow.length / 50), parentsListed: inWindow.length, complete: true, watermark: iso(NOW), throttles: 0 });
    expect(await checkpoints.get('run-command')).toEqual({
      kind: 'run-command',
      watermark: iso(NOW),
      lastPollStartedAt: iso(NOW),
      lastSuccessfulPollAt: iso(NOW),
      backfillStartedAt: iso(NOW),
      backfillCompletedAt: iso(NOW),
      oldestSeen: iso(Math.min(...inWindow.map((parent) => parent.startedAt))),
      parentsListed: inWindow.length,
      recordsStored: 0,
      missedByEvents: 0,
      throttles: 0,
    });

    now = NOW + 5 * 60_000;
    lister.parents.push({ id: 'cmd-new', startedAt: NOW + 60_000, endedAt: NOW + 120_000 });
    lister.calls.length = 0;
    sink.bodies.length = 0;
    const [second] = await pollOnce(deps([sourceWith('run-command', lister)]), () => false);
    expect(lister.calls.map((call) => call.since)).toEqual([iso(NOW - DEFAULT_OVERLAP_MS)]);
    expect(sink.parentIds('run-command')).toEqual(new Set(['cmd-new']));
    expect(second).toMatchObject({ complete: true, pages: 1, parentsListed: 1, watermark: iso(now) });
    expect(await checkpoints.get('run-command')).toMatchObject({ backfillCompletedAt: iso(NOW), lastSuccessfulPollAt: iso(now), parentsListed: inWindow.length + 1 });
  });

  it('stops between pages when told, keeps its place, and the next run resumes the same listing', async () => {
    const lister = new FakeLister('automation', hourly('exec', 100, NOW - HOUR), 10);
    let pagesAllowed = 3;
    const stop = () => lister.calls.length >= pagesAllowed;
    const [first] = await pollOnce(deps([sourceWith('automation', lister)]), stop);
    expect(first).toEqual({ kind: 'automation', pages: 3, parentsListed: 30, complete: false, throttles: 0 });
    const saved = await checkpoints.get('automation');
    expect(saved).toMatchObject({ position: JSON.stringify({ offset: 30 }), listingSince: lister.calls[0]?.since, listingStartedAt: iso(NOW), parentsListed: 30 });
    expect(saved.watermark).toBeUndefined();

    now = NOW + 5 * 60_000;
    pagesAllowed = Infinity;
    const [second] = await pollOnce(deps([sourceWith('automation', lister)]), stop);
    expect(lister.calls[3]).toMatchObject({ since: lister.calls[0]?.since, position: JSON.stringify({ offset: 30 }) });
    // The watermark is when the listing started (the first run), not when it finished.
    expect(second).toMatchObject({ pages: 7, parentsListed: 70, complete: true, watermark: iso(NOW) });
    expect(sink.parentIds('automation').size).toBe(100);
    const done = await checkpoints.get('automation');
    expect(done).toMatchObject({ watermark: iso(NOW), lastSuccessfulPollAt: iso(now), lastPollStartedAt: iso(now), parentsListed: 100 });
    expect(done.position).toBeUndefined();
    expect(done.listingSince).toBeUndefined();
  });

  it('lists again from the first page when SSM no longer knows the saved position (expired token)', async () => {
    const lister = new FakeLister('automation', hourly('exec', 30, NOW - HOUR), 10);
    const [first] = await pollOnce(deps([sourceWith('automation', lister)]), () => lister.calls.length >= 2);
    expect(first).toMatchObject({ complete: false, parentsListed: 20 });
    const listPage = lister.listPage.bind(lister);
    let expired = true;
    lister.listPage = (ssm, since, position, at) => {
      if (position !== undefined && expired) {
        expired = false;
        return Promise.reject(Object.assign(new Error('The specified token is not valid.'), { name: 'InvalidNextToken' }));
      }
      return listPage(ssm, since, position, at);
    };
    const [second] = await pollOnce(deps([sourceWith('automation', lister)]), () => false);
    expect(second).toMatchObject({ complete: true, parentsListed: 30, watermark: iso(NOW) });
    expect(lister.calls.slice(2).map((call) => call.position)).toEqual([undefined, JSON.stringify({ offset: 10 }), JSON.stringify({ offset: 20 })]);
    expect(sink.parentIds('automation').size).toBe(30);
  });

  it('never moves the watermark past a parent still running, and re-lists it until it finishes', async () => {
    const running: Parent = { id: 'exec-running', startedAt: NOW - 6 * HOUR };
    const lister = new FakeLister('automation', [...hourly('exec', 24, NOW - HOUR), running], 5);
    const [first] = await pollOnce(deps([sourceWith('automation', lister)]), () => false);
    expect(first?.watermark).toBe(iso(running.startedAt));

    now = NOW + 5 * 60_000;
    lister.calls.length = 0;
    sink.bodies.length = 0;
    const [second] = await pollOnce(deps([sourceWith('automation', lister)]), () => false);
    expect(lister.calls[0]?.since).toBe(iso(running.startedAt - DEFAULT_OVERLAP_MS));
    expect(sink.parentIds('automation')).toContain('exec-running');
    expect(second?.watermark).toBe(iso(running.startedAt));

    running.endedAt = NOW + 6 * 60_000;
    now = NOW + 10 * 60_000;
    sink.bodies.length = 0;
    const [third] = await pollOnce(deps([sourceWith('automation', lister)]), () => false);
    expect(sink.parentIds('automation')).toContain('exec-running');
    expect(third?.watermark).toBe(iso(now));
  });

  it('keeps polling the other kinds when one fails, and the failed kind resumes from its place', async () => {
    const commands = new FakeLister('run-command', hourly('cmd', 30, NOW - HOUR), 10);
    const windows = new FakeLister('maintenance-window', hourly('mw', 30, NOW - HOUR), 10);
    windows.failOnCall = (_call, index) => (index === 1 ? new Error('InternalServerError: SSM is down') : undefined);
    const log = quietLog();
    const results = await pollOnce(deps([sourceWith('run-command', commands), sourceWith('maintenance-window', windows)], { log }), () => false);
    expect(results).toEqual([
      { kind: 'run-command', pages: 3, parentsListed: 30, complete: true, watermark: iso(NOW), throttles: 0 },
      { kind: 'maintenance-window', pages: 1, parentsListed: 10, complete: false, throttles: 0, error: 'Error: InternalServerError: SSM is down' },
    ]);
    expect(log.error).toHaveBeenCalledWith(expect.any(String), expect.objectContaining({ kind: 'maintenance-window', error: 'Error: InternalServerError: SSM is down' }));
    expect(await checkpoints.get('maintenance-window')).toMatchObject({ position: JSON.stringify({ offset: 10 }), parentsListed: 10 });

    windows.failOnCall = undefined;
    const [, retried] = await pollOnce(deps([sourceWith('run-command', commands), sourceWith('maintenance-window', windows)]), () => false);
    expect(windows.calls[2]?.position).toBe(JSON.stringify({ offset: 10 }));
    expect(retried).toMatchObject({ pages: 2, parentsListed: 20, complete: true, watermark: iso(NOW) });
    expect(sink.parentIds('maintenance-window').size).toBe(30);
  });

  it('does not move its place when the sink fails: the page is listed again next run', async () => {
    const lister = new FakeLister('association', hourly('assoc', 20, NOW - HOUR), 10);
    let sends = 0;
    const flaky: WorkSink = {
      send: (bodies) => (++sends === 2 ? Promise.reject(new Error('SQS did not take 3 of 10 work items')) : sink.send(bodies)),
    };
    const [first] = await pollOnce(deps([sourceWith('association', lister)], { sink: flaky }), () => false);
    expect(first).toMatchObject({ complete: false, pages: 2, parentsListed: 10, error: 'Error: SQS did not take 3 of 10 work items' });
    expect(await checkpoints.get('association')).toMatchObject({ position: JSON.stringify({ offset: 10 }), parentsListed: 10 });
    const [second] = await pollOnce(deps([sourceWith('association', lister)], { sink: flaky }), () => false);
    expect(second).toMatchObject({ complete: true, pages: 1 });
    expect(sink.parentIds('association').size).toBe(20);
  });

  it('keeps the definitions a listing read, page by page, before it saves its place; a failed keep keeps the place', async () => {
    const definitionOf = (page: number): ListedDefinition => ({
      table: 'associationDefinitions',
      key: { AssociationId: `assoc-${page}` },
      fields: { AssociationId: `assoc-${page}`, Name: 'AWS-UpdateSSMAgent' },
      absentFields: [],
    });
    const inner = new FakeLister('association', hourly('assoc', 20, NOW - HOUR), 10);
    const lister: ParentLister = {
      listingActions: inner.listingActions,
      definitionTables: ['associationDefinitions'],
      listPage: async (ssm, since, position, at) => ({ ...(await inner.listPage(ssm, since, position, at)), definitions: [definitionOf(inner.calls.length)] }),
    };
    const kept: ListedDefinition[][] = [];
    let keeps = 0;
    const definitions = {
      keep: (listed: readonly ListedDefinition[]) => (++keeps === 2 ? Promise.reject(new Error('throttled')) : (kept.push([...listed]), Promise.resolve(listed.length))),
    };
    const log = quietLog();
    const [first] = await pollOnce(deps([sourceWith('association', lister)], { definitions, log }), () => false);
    expect(first).toMatchObject({ complete: false, pages: 2, error: 'Error: throttled' });
    expect(await checkpoints.get('association')).toMatchObject({ position: JSON.stringify({ offset: 10 }) });
    expect(log.info.mock.calls.find(([message]) => message === 'Poll progress')?.[1]).toMatchObject({ definitionsChanged: 1 });
    const [second] = await pollOnce(deps([sourceWith('association', lister)], { definitions }), () => false);
    expect(second).toMatchObject({ complete: true, pages: 1 });
    expect(kept.map((page) => page.map((definition) => definition.key['AssociationId']))).toEqual([['assoc-1'], ['assoc-3']]);
  });

  it('logs a progress line per page', async () => {
    const lister = new FakeLister('run-command', hourly('cmd', 25, NOW - HOUR), 10);
    const log = quietLog();
    await pollOnce(deps([sourceWith('run-command', lister)], { log, timeLeftMs: () => 42_000 }), () => false);
    const progress = log.info.mock.calls.filter(([message]) => message === 'Poll progress').map(([, attributes]) => attributes as Record<string, unknown>);
    expect(progress).toEqual([
      expect.objectContaining({ kind: 'run-command', pages: 1, parentsListed: 10, throttles: 0, timeLeftMs: 42_000, complete: false }),
      expect.objectContaining({ pages: 2, parentsListed: 20 }),
      expect.objectContaining({ pages: 3, parentsListed: 25, complete: true }),
    ]);
  });

  it('keeps each kind under its calls per second (virtual clock)', async () => {
    const commands = new FakeLister('run-command', hourly('cmd', 200, NOW - HOUR), 5, clock.now);
    const automation = new FakeLister('automation', hourly('exec', 120, NOW - HOUR), 5, clock.now);
    const results = await pollOnce(
      deps([sourceWith('run-command', commands), sourceWith('automation', automation)], { callsPerSecond: { 'run-command': 5, automation: 2 } }),
      () => false,
    );
    expect(results.map((result) => result.complete)).toEqual([true, true]);
    for (const [lister, rate] of [[commands, 5], [automation, 2]] as const) {
      const times = lister.calls.map((call) => call.at);
      expect(times.length).toBeGreaterThan(rate * 3);
      // Any rate + 1 consecutive calls span at least a second: no 1-second window holds more than `rate`.
      for (let i = 0; i + rate < times.length; i++) expect((times[i + rate] as number) - (times[i] as number)).toBeGreaterThanOrEqual(1000);
    }
  });

  it('has a token bucket that spaces takes at its rate, serves concurrent takers in turn, and allows its burst after a pause', async () => {
    const bucketClock = new VirtualClock();
    const bucket = new TokenBucket({ callsPerSecond: 4, burst: 2, now: bucketClock.now, sleep: bucketClock.sleep });
    const times: number[] = [];
    await Promise.all(Array.from({ length: 10 }, () => bucket.take().then(() => times.push(bucketClock.now()))));
    // Two at once (the burst), then one every 250 ms.
    expect(times).toEqual([0, 0, 250, 500, 750, 1000, 1250, 1500, 1750, 2000]);
    await bucketClock.sleep(10_000);
    const after: number[] = [];
    for (let i = 0; i < 3; i++) {
      await bucket.take();
      after.push(bucketClock.now() - 12_000);
    }
    expect(after).toEqual([0, 0, 250]);
    expect(bucket.taken).toBe(13);
    expect(() => new TokenBucket({ callsPerSecond: 0 })).toThrow(RangeError);
  });

  describe('throttles', () => {
    /** An SSM endpoint that throttles the first `throttled` attempts, then answers an empty ListCommands. */
    const throttlingSsm = (throttled: number) => {
      let attempts = 0;
      const ssm = new SSMClient({
        region: 'us-east-1',
        credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
        maxAttempts: 3,
        retryMode: 'adaptive',
        requestHandler: {
          handle: () => {
            const throttle = ++attempts <= throttled;
            const body = throttle ? { __type: 'ThrottlingException', message: 'Rate exceeded' } : { Commands: [] };
            return Promise.resolve({
              response: new HttpResponse({
                statusCode: throttle ? 400 : 200,
                headers: { 'content-type': 'application/x-amz-json-1.1', ...(throttle ? { 'x-amzn-errortype': 'ThrottlingException' } : {}) },
                body: Readable.from([Buffer.from(JSON.stringify(body))]),
              }),
            });
          },
        },
      });
      return { ssm, attempts: () => attempts };
    };

    /** A lister that makes one real ListCommands call per page and lists one parent. */
    const callingLister = (pages: number): ParentLister => ({
      listingActions: ['ssm:ListCommands'],
      async listPage(ssm, _since, position, now) {
        await ssm.send(new ListCommandsCommand({}));
        const page = position === undefined ? 0 : Number(position);
        return {
          items: [{ kind: 'run-command', parentId: `cmd-${page}`, producer: 'poll', sentAt: now.toISOString(), observations: [], fetch: { scope: 'parent' } }],
          ...(page + 1 < pages ? { next: String(page + 1) } : {}),
        };
      },
    });

    it('counts throttled attempts the SDK retried, logs them, and adds them to the checkpoint', async () => {
      const { ssm, attempts } = throttlingSsm(2);
      const log = quietLog();
      const [result] = await pollOnce(deps([sourceWith('run-command', callingLister(2))], { ssm, log }), () => false);
      expect(attempts()).toBe(4);
      expect(result).toMatchObject({ complete: true, pages: 2, throttles: 2 });
      expect(log.info).toHaveBeenCalledWith('Poll progress', expect.objectContaining({ throttles: 2 }));
      expect(await checkpoints.get('run-command')).toMatchObject({ throttles: 2, parentsListed: 2 });
    });

    it('is not fatal to the other kinds when throttling outlasts the retries, and still counts each one', async () => {
      const { ssm } = throttlingSsm(3);
      const results = await pollOnce(
        deps([sourceWith('run-command', callingLister(1)), sourceWith('automation', new FakeLister('automation', hourly('exec', 3, NOW - HOUR), 10))], { ssm }),
        () => false,
      );
      expect(results[0]).toMatchObject({ kind: 'run-command', complete: false, throttles: 3, error: expect.stringContaining('ThrottlingException') });
      expect(results[1]).toMatchObject({ kind: 'automation', complete: true });
      expect(await checkpoints.get('run-command')).toMatchObject({ throttles: 3 });
    });

    it('counts a throttling error thrown by a lister that bypasses the SDK middleware', async () => {
      const lister = new FakeLister('association', hourly('assoc', 3, NOW - HOUR), 10);
      lister.failOnCall = () => Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
      const [result] = await pollOnce(deps([sourceWith('association', lister)]), () => false);
      expect(result).toMatchObject({ throttles: 1, complete: false });
      expect(await checkpoints.get('association')).toMatchObject({ throttles: 1 });
    });
  });
});

describe('SqsWorkSink', () => {
  const sqsMock = mockClient(SQSClient);
  const QUEUE_URL = 'https://sqs.us-east-1.amazonaws.com/123456789012/work';
  const noWait = () => Promise.resolve();
  beforeEach(() => sqsMock.reset());

  const sentEntries = () =>
    sqsMock.commandCalls(SendMessageBatchCommand).map((call) => (call.args[0].input.Entries ?? []).map((entry) => entry.MessageBody));

  it('sends ten at a time', async () => {
    sqsMock.on(SendMessageBatchCommand).resolves({ Successful: [], Failed: [] });
    const bodies = Array.from({ length: 25 }, (_, i) => `body-${i}`);
    await new SqsWorkSink(new SQSClient({ region: 'us-east-1' }), QUEUE_URL, { sleep: noWait }).send(bodies);
    expect(sentEntries().map((batch) => batch.length)).toEqual([10, 10, 5]);
    expect(sentEntries().flat()).toEqual(bodies);
    expect(sqsMock.commandCalls(SendMessageBatchCommand)[0]?.args[0].input.QueueUrl).toBe(QUEUE_URL);
  });

  it('retries only the entries a partially failed batch did not take', async () => {
    sqsMock
      .on(SendMessageBatchCommand)
      .resolvesOnce({ Successful: [], Failed: [{ Id: '1', Code: 'InternalError', SenderFault: false }, { Id: '3', Code: 'InternalError', SenderFault: false }] })
      .resolves({ Successful: [], Failed: [] });
    await new SqsWorkSink(new SQSClient({ region: 'us-east-1' }), QUEUE_URL, { sleep: noWait }).send(['a', 'b', 'c', 'd']);
    expect(sentEntries()).toEqual([['a', 'b', 'c', 'd'], ['b', 'd']]);
  });

  it('throws when entries still fail after its attempts, so the poller keeps its place', async () => {
    sqsMock.on(SendMessageBatchCommand).resolves({ Successful: [], Failed: [{ Id: '0', Code: 'InternalError', SenderFault: false }] });
    const sink = new SqsWorkSink(new SQSClient({ region: 'us-east-1' }), QUEUE_URL, { attempts: 3, sleep: noWait });
    await expect(sink.send(['a', 'b'])).rejects.toBeInstanceOf(WorkSinkError);
    expect(sentEntries()).toEqual([['a', 'b'], ['a'], ['a']]);
  });

  it('does not retry an entry SQS refuses as the sender\'s fault', async () => {
    sqsMock.on(SendMessageBatchCommand).resolves({ Successful: [], Failed: [{ Id: '0', Code: 'InvalidMessageContents', SenderFault: true }] });
    await expect(new SqsWorkSink(new SQSClient({ region: 'us-east-1' }), QUEUE_URL, { sleep: noWait }).send(['a'])).rejects.toThrow(/did not take 1 of 1/);
    expect(sentEntries()).toHaveLength(1);
  });
});
