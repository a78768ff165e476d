import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { SSMClient } from '@aws-sdk/client-ssm';

/**
 * Counts the requests an SDK client sends, by operation (retries excluded: it sits before the
 * retry middleware). Local mode and the benchmark use it to report SSM calls and DynamoDB
 * writes; tests use it to prove what a code path does (or never does, like a Scan).
 */
export class CallCounter {
  private readonly counts = new Map<string, number>();

  attach(client: SSMClient | DynamoDBClient): this {
    // Both clients share the smithy middleware stack; the union's overloads don't unify.
    (client as SSMClient).middlewareStack.add(
      (next, context) => async (args) => {
        const operation = context.commandName ?? 'unknown';
        this.counts.set(operation, (this.counts.get(operation) ?? 0) + 1);
        return next(args);
      },
      { step: 'initialize', name: 'ssmHistoryCallCounter', override: true },
    );
    return this;
  }

  count(...operations: string[]): number {
    if (operations.length === 0) return [...this.counts.values()].reduce((a, b) => a + b, 0);
    return operations.reduce((sum, operation) => sum + (this.counts.get(`${operation}Command`) ?? this.counts.get(operation) ?? 0), 0);
  }

  snapshot(): Record<string, number> {
    return Object.fromEntries(this.counts);
  }

  reset(): void {
    this.counts.clear();
  }
}
