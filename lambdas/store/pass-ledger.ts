import { GetCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { HistoryKind } from '../core/model';
import type { SsmScope } from '../core/scope';
import { checkpointKey } from './checkpoint-store';
import { isConditionFailure } from './condition-failure';

/**
 * One pass over a parent's history in SSM: when its reads began, and from which time on it
 * listed (`since`; UNBOUNDED_SINCE when it listed everything SSM holds).
 */
export interface ParentPass {
  readonly startedAt: string;
  readonly since: string;
}

/** A pass one collector holds the right to make until `until`. */
export interface PassLease extends ParentPass {
  readonly id: string;
  readonly until: string;
}

/** What the ledger holds of one parent: its last completed pass, and the lease of one under way. */
export interface PassEntry {
  readonly completed?: ParentPass;
  readonly lease?: PassLease;
}

/** Where a parent lives: its kind, id, and account and Region (undefined: the archive's home). */
export interface PassSubject {
  readonly kind: HistoryKind;
  readonly parentId: string;
  readonly scope: SsmScope | undefined;
}

/** The `since` of a pass that listed everything: earlier than any time a pass can be asked for. */
export const UNBOUNDED_SINCE = '1970-01-01T00:00:00.000Z';

const attributes = {
  passedAt: 'passedAt',
  passSince: 'passSince',
  leaseId: 'leaseId',
  leaseStartedAt: 'leaseStartedAt',
  leaseSince: 'leaseSince',
  leaseUntil: 'leaseUntil',
} as const;

const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

/**
 * The passes made over gathered kinds' parents (an association), one item each beside the
 * pollers' checkpoints (key `<checkpoint key>#pass#<parentId>`), so that the collector meets a
 * parent's events once: a batch whose items a completed or leased pass covers makes no SSM
 * call and no write. Reads are by key; each change is one conditional UpdateItem.
 */
export class PassLedger {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
    /** The archive's own account and Region, whose parents are keyed without one. */
    private readonly home?: SsmScope,
  ) {}

  private key(subject: PassSubject): { kind: string } {
    return { kind: `${checkpointKey(subject.kind, subject.scope, this.home)}#pass#${subject.parentId}` };
  }

  /** Strongly consistent: a lease taken a moment ago must be seen, or its batch would pass again. */
  async entry(subject: PassSubject): Promise<PassEntry> {
    const { Item } = await this.db.send(new GetCommand({ TableName: this.tableName, Key: this.key(subject), ConsistentRead: true }));
    const a = attributes;
    const passedAt = text(Item?.[a.passedAt]);
    const passSince = text(Item?.[a.passSince]);
    const leaseId = text(Item?.[a.leaseId]);
    const leaseStartedAt = text(Item?.[a.leaseStartedAt]);
    const leaseSince = text(Item?.[a.leaseSince]);
    const leaseUntil = text(Item?.[a.leaseUntil]);
    return {
      ...(passedAt !== undefined && passSince !== undefined ? { completed: { startedAt: passedAt, since: passSince } } : {}),
      ...(leaseId !== undefined && leaseStartedAt !== undefined && leaseSince !== undefined && leaseUntil !== undefined
        ? { lease: { id: leaseId, startedAt: leaseStartedAt, since: leaseSince, until: leaseUntil } }
        : {}),
    };
  }

  /** Takes the lease unless another collector holds one that has not expired by `lease.startedAt`. */
  async lease(subject: PassSubject, lease: PassLease): Promise<boolean> {
    const a = attributes;
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: this.key(subject),
          UpdateExpression: `SET ${a.leaseId} = :id, ${a.leaseStartedAt} = :startedAt, ${a.leaseSince} = :since, ${a.leaseUntil} = :until`,
          ConditionExpression: `attribute_not_exists(${a.leaseUntil}) OR ${a.leaseUntil} < :startedAt`,
          ExpressionAttributeValues: { ':id': lease.id, ':startedAt': lease.startedAt, ':since': lease.since, ':until': lease.until },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  /**
   * The leased pass stored everything it read: it becomes the completed pass, and the lease
   * ends. Nothing, if the lease expired and another collector took it (that one records its own).
   */
  async complete(subject: PassSubject, lease: PassLease): Promise<void> {
    const a = attributes;
    await this.ifHeld(subject, lease, `SET ${a.passedAt} = :startedAt, ${a.passSince} = :since REMOVE ${a.leaseId}, ${a.leaseStartedAt}, ${a.leaseSince}, ${a.leaseUntil}`, {
      ':startedAt': lease.startedAt,
      ':since': lease.since,
    });
  }

  /** The leased pass failed: the lease ends at once, so that the retry may pass again. */
  async release(subject: PassSubject, lease: PassLease): Promise<void> {
    const a = attributes;
    await this.ifHeld(subject, lease, `REMOVE ${a.leaseId}, ${a.leaseStartedAt}, ${a.leaseSince}, ${a.leaseUntil}`, {});
  }

  private async ifHeld(subject: PassSubject, lease: PassLease, update: string, values: Record<string, string>): Promise<void> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: this.key(subject),
          UpdateExpression: update,
          ConditionExpression: `${attributes.leaseId} = :id`,
          ExpressionAttributeValues: { ...values, ':id': lease.id },
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
  }
}
