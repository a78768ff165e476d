import { UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { TableSchema } from '../core/table-schema';
import { batchGetAll } from './batch-get';

/**
 * Failures counted per UTC day and kind, as they are first stored: what GET /failures/daily
 * reads, one item per day, so that a chart of N days costs one BatchGetItem of N keys however
 * many failures they hold (counting a failure index instead reads every entry).
 */
export const failureDayTables = {
  failureDays: {
    logicalName: 'FailureDays',
    envVar: 'FAILURE_DAYS_TABLE',
    // One item per UTC day ("2026-12-05"): a number per kind that failed that day.
    partitionKey: { name: 'day', type: 'S' },
    indexes: [],
    // GET /failures/daily: the days asked for in one BatchGetItem.
    queryReads: ['BatchGetItem'],
    description: 'Failures that alert, counted per UTC day and record kind as each is first stored (the console\'s failures per day).',
  },
} as const satisfies Record<string, TableSchema>;

/** A kind's failures on each day asked for, in their order; a day without any counts none. */
export type DayCounts = readonly { readonly day: string; readonly counts: Readonly<Record<string, number>> }[];

const DAY = /^\d{4}-\d{2}-\d{2}$/;

export class FailureDayStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /** `count` more failures (one, as the collector stores them) of `kind` on the UTC day of `at`: UpdateItem ADD, so concurrent writers never lose one. */
  async add(at: Date, kind: string, count = 1): Promise<void> {
    await this.db.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { day: at.toISOString().slice(0, 10) },
        UpdateExpression: 'ADD #kind :count',
        ExpressionAttributeNames: { '#kind': kind },
        ExpressionAttributeValues: { ':count': count },
      }),
    );
  }

  /** The counts of these days ("YYYY-MM-DD"), in their order: one BatchGetItem (unprocessed keys retried). */
  async days(days: readonly string[]): Promise<DayCounts> {
    const bad = days.find((day) => !DAY.test(day));
    if (bad !== undefined) throw new RangeError(`not a day: ${bad}`);
    const items = await batchGetAll(this.db, this.tableName, [...new Set(days)].map((day) => ({ day })));
    const found = new Map(items.map((item) => [String(item.day), item]));
    return days.map((day) => {
      const item = found.get(day) ?? {};
      const counts = Object.fromEntries(Object.entries(item).filter((entry): entry is [string, number] => entry[0] !== 'day' && typeof entry[1] === 'number'));
      return { day, counts };
    });
  }
}
