import { GetCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { HistoryKind } from '../core/model';
import type { TableSchema } from '../core/table-schema';
import { sameScope, type SsmScope } from '../core/scope';
import { batchGetAll } from './batch-get';
import { isConditionFailure } from './condition-failure';

/** The store's own table beside the kinds' records: the pollers' checkpoints. */
export const checkpointTables = {
  pollCheckpoints: {
    logicalName: 'PollCheckpoints',
    envVar: 'POLL_CHECKPOINTS_TABLE',
    // One item per history kind and account and Region (checkpointKey): its watermark, the
    // listing in flight, and its counters.
    partitionKey: { name: 'kind', type: 'S' },
    indexes: [],
    // GET /status: every kind's checkpoint in one BatchGetItem (per 100 account-Region-kinds).
    queryReads: ['BatchGetItem'],
    description: 'Pollers\' checkpoints per history kind: watermark, in-flight listing position, last poll, counters (records stored, missed by events, throttles), oldest record SSM still returns.',
  },
} as const satisfies Record<string, TableSchema>;

/** The counters a checkpoint keeps. They only ever grow (UpdateItem ADD). */
export interface CheckpointCounters {
  /** Records the collector created for this kind (whoever produced them). */
  readonly recordsStored: number;
  /** Created records no event announced: a poller stored them first. */
  readonly missedByEvents: number;
  /** Listing calls SSM throttled (retried by the SDK, never fatal). */
  readonly throttles: number;
  /** Parents the pollers listed and enqueued (a parent listed by two polls counts twice). */
  readonly parentsListed: number;
}

export type CounterName = keyof CheckpointCounters;
export const counterNames: readonly CounterName[] = ['recordsStored', 'missedByEvents', 'throttles', 'parentsListed'];

/** One kind's poller state in one account and Region, as the pollCheckpoints table holds it (ISO 8601 times). */
export interface Checkpoint extends CheckpointCounters {
  readonly kind: HistoryKind;
  /** Where: absent for the archive's home account and Region. */
  readonly scope?: SsmScope;
  /** Why the last poll of this kind here failed (role missing, throttled, Region disabled); removed by the next success. */
  readonly lastError?: string;
  readonly lastErrorAt?: string;
  /** Parents that started before this are all archived (or enqueued); the next listing starts here, less the overlap. */
  readonly watermark?: string;
  /** The `since` of the listing in flight, kept so a resumed listing asks SSM the same question. */
  readonly listingSince?: string;
  /** Where the listing in flight goes on (the lister's opaque `next`); absent: none in flight. */
  readonly position?: string;
  /** When the listing in flight (or the last one) started: the watermark it earns when it completes. */
  readonly listingStartedAt?: string;
  /** The earliest start of a still-running parent the listing in flight has seen so far. */
  readonly listingEarliestRunning?: string;
  readonly lastPollStartedAt?: string;
  readonly lastSuccessfulPollAt?: string;
  /** The oldest parent time SSM returned for this kind: how far back SSM still holds history. */
  readonly oldestSeen?: string;
  readonly backfillStartedAt?: string;
  readonly backfillCompletedAt?: string;
}

/**
 * A change to a checkpoint's state. Absent (or undefined): left as is; null: removed.
 * oldestSeen only ever moves back; backfillStartedAt and backfillCompletedAt are set once.
 */
export interface CheckpointPatch {
  readonly watermark?: string | null;
  readonly listingSince?: string | null;
  readonly position?: string | null;
  readonly listingStartedAt?: string | null;
  readonly listingEarliestRunning?: string | null;
  readonly lastPollStartedAt?: string;
  readonly lastSuccessfulPollAt?: string;
  readonly oldestSeen?: string;
  readonly backfillStartedAt?: string;
  readonly backfillCompletedAt?: string;
  readonly lastError?: string | null;
  readonly lastErrorAt?: string | null;
  /** Counters added in the same write. */
  readonly add?: Partial<CheckpointCounters>;
}

const replaceable = [
  'watermark',
  'listingSince',
  'position',
  'listingStartedAt',
  'listingEarliestRunning',
  'lastPollStartedAt',
  'lastSuccessfulPollAt',
  'lastError',
  'lastErrorAt',
] as const;
const setOnce = ['backfillStartedAt', 'backfillCompletedAt'] as const;
const optionalStrings = [...replaceable, ...setOnce, 'oldestSeen'] as const;


/**
 * A checkpoint's key: the kind alone in the archive's home account and Region (as before the
 * archive collected other accounts, so an upgrade keeps its watermarks), else
 * `kind@account@region`.
 */
export function checkpointKey(kind: HistoryKind, scope: SsmScope | undefined, home: SsmScope | undefined): string {
  if (scope === undefined || (home !== undefined && sameScope(scope, home))) return kind;
  return `${kind}@${scope.account}@${scope.region}`;
}

function checkpointFrom(kind: HistoryKind, scope: SsmScope | undefined, item: Readonly<Record<string, unknown>> | undefined): Checkpoint {
  const checkpoint: Record<string, unknown> = { kind, ...(scope !== undefined ? { scope } : {}) };
  for (const name of counterNames) {
    const value = item?.[name];
    checkpoint[name] = typeof value === 'number' ? value : 0;
  }
  for (const name of optionalStrings) {
    const value = item?.[name];
    if (typeof value === 'string') checkpoint[name] = value;
  }
  return checkpoint as unknown as Checkpoint;
}

function checkedCounters(add: Partial<CheckpointCounters> | undefined): [CounterName, number][] {
  const counters: [CounterName, number][] = [];
  for (const name of counterNames) {
    const value = add?.[name];
    if (value === undefined || value === 0) continue;
    if (!Number.isInteger(value) || value < 0) throw new RangeError(`checkpoint counter ${name} only grows: cannot add ${value}`);
    counters.push([name, value]);
  }
  return counters;
}


/**
 * The pollers' checkpoints, one item per kind and account and Region in the pollCheckpoints
 * table. Reads are by key (GetItem, BatchGetItem), never a Scan; every change is one
 * UpdateItem, counters by ADD. A method's `scope` omitted (or the home's) is the archive's
 * own account and Region.
 */
export class CheckpointStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
    /** The archive's own account and Region, whose checkpoints are keyed by kind alone. */
    private readonly home?: SsmScope,
  ) {}

  private key(kind: HistoryKind, scope: SsmScope | undefined): { kind: string } {
    return { kind: checkpointKey(kind, scope, this.home) };
  }

  /** A kind's checkpoint; a kind never polled has zero counters and no times. */
  async get(kind: HistoryKind, scope?: SsmScope): Promise<Checkpoint> {
    const { Item } = await this.db.send(new GetCommand({ TableName: this.tableName, Key: this.key(kind, scope), ConsistentRead: true }));
    return checkpointFrom(kind, this.shown(scope), Item);
  }

  /** The checkpoints of these kinds (in each scope given, else the home), in their order: BatchGetItem (unprocessed keys retried). */
  async all(kinds: readonly HistoryKind[], scopes: readonly (SsmScope | undefined)[] = [undefined]): Promise<Checkpoint[]> {
    const wanted = scopes.flatMap((scope) => kinds.map((kind) => ({ kind, scope })));
    const keys = [...new Set(wanted.map(({ kind, scope }) => this.key(kind, scope).kind))];
    const items = await batchGetAll(this.db, this.tableName, keys.map((kind) => ({ kind })), { consistentRead: true });
    const found = new Map(items.map((item) => [String(item.kind), item]));
    return wanted.map(({ kind, scope }) => checkpointFrom(kind, this.shown(scope), found.get(this.key(kind, scope).kind)));
  }

  /**
   * The organization's member accounts as the poller last listed them (Organizations
   * ListAccounts), for an archive configured with `accounts: 'organization'`; one UpdateItem
   * of the item `organization#accounts`, a key no kind's checkpoint has.
   */
  async saveMembers(accounts: readonly string[], at: string): Promise<void> {
    await this.db.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { kind: 'organization#accounts' },
        UpdateExpression: 'SET #accounts = :accounts, #listedAt = :listedAt',
        ExpressionAttributeNames: { '#accounts': 'accounts', '#listedAt': 'listedAt' },
        ExpressionAttributeValues: { ':accounts': [...accounts], ':listedAt': at },
      }),
    );
  }

  /** The member accounts the poller last saved, and when it listed them; none before its first listing. */
  async members(): Promise<{ accounts: string[]; listedAt?: string }> {
    // BatchGetItem: the read GET /status already makes of this table.
    const [item] = await batchGetAll(this.db, this.tableName, [{ kind: 'organization#accounts' }], { consistentRead: true });
    const accounts = Array.isArray(item?.accounts) ? item.accounts.filter((account): account is string => typeof account === 'string') : [];
    const listedAt = item?.listedAt;
    return { accounts, ...(typeof listedAt === 'string' ? { listedAt } : {}) };
  }

  /** The scope a checkpoint names: none for the home, so that a single-account archive's checkpoints read as before. */
  private shown(scope: SsmScope | undefined): SsmScope | undefined {
    return scope === undefined || (this.home !== undefined && sameScope(scope, this.home)) ? undefined : scope;
  }

  /**
   * One write of a kind's progress. oldestSeen is written only if older than the stored one
   * (a condition on the same write; when it fails the rest is written without it). Returns
   * the checkpoint as the write left it (ReturnValues ALL_NEW: no extra read).
   */
  async saveProgress(kind: HistoryKind, patch: CheckpointPatch, scope?: SsmScope): Promise<Checkpoint> {
    try {
      return await this.update(kind, scope, patch, true);
    } catch (error) {
      if (patch.oldestSeen === undefined || !isConditionFailure(error)) throw error;
      const { oldestSeen: _older, ...rest } = patch;
      return this.update(kind, scope, rest, false);
    }
  }

  /** Counters added without a read (UpdateItem ADD). Negative amounts are refused: counters only grow. */
  async addCounters(kind: HistoryKind, add: Partial<CheckpointCounters>, scope?: SsmScope): Promise<void> {
    if (checkedCounters(add).length === 0) return;
    await this.update(kind, scope, { add }, false);
  }

  private async update(kind: HistoryKind, scope: SsmScope | undefined, patch: CheckpointPatch, withOldest: boolean): Promise<Checkpoint> {
    const counters = checkedCounters(patch.add);
    const names: Record<string, string> = {};
    const values: Record<string, string | number> = {};
    const sets: string[] = [];
    const removes: string[] = [];
    for (const name of replaceable) {
      const value = patch[name];
      if (value === undefined) continue;
      names[`#${name}`] = name;
      if (value === null) removes.push(`#${name}`);
      else {
        values[`:${name}`] = value;
        sets.push(`#${name} = :${name}`);
      }
    }
    for (const name of setOnce) {
      const value = patch[name];
      if (value === undefined) continue;
      names[`#${name}`] = name;
      values[`:${name}`] = value;
      sets.push(`#${name} = if_not_exists(#${name}, :${name})`);
    }
    let condition: string | undefined;
    if (withOldest && patch.oldestSeen !== undefined) {
      names['#oldestSeen'] = 'oldestSeen';
      values[':oldestSeen'] = patch.oldestSeen;
      sets.push('#oldestSeen = :oldestSeen');
      condition = 'attribute_not_exists(#oldestSeen) OR #oldestSeen > :oldestSeen';
    }
    const adds = counters.map(([name, value]) => {
      names[`#${name}`] = name;
      values[`:${name}`] = value;
      return `#${name} :${name}`;
    });
    const clauses = [
      sets.length > 0 ? `SET ${sets.join(', ')}` : '',
      removes.length > 0 ? `REMOVE ${removes.join(', ')}` : '',
      adds.length > 0 ? `ADD ${adds.join(', ')}` : '',
    ].filter((clause) => clause !== '');
    if (clauses.length === 0) return this.get(kind, scope);
    const { Attributes } = await this.db.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: this.key(kind, scope),
        UpdateExpression: clauses.join(' '),
        ...(condition === undefined ? {} : { ConditionExpression: condition }),
        ExpressionAttributeNames: names,
        ...(Object.keys(values).length > 0 ? { ExpressionAttributeValues: values } : {}),
        ReturnValues: 'ALL_NEW',
      }),
    );
    return checkpointFrom(kind, this.shown(scope), Attributes);
  }
}
