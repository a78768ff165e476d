import type { PageTokens } from '../../lambdas/ssm-protocol/page-token';
import type { JsonObject } from '../../lambdas/ssm-protocol/input';

/** What a kind's operation handler reads: its own kind's state, and the simulator's page tokens. */
export interface OperationContext<S> {
  readonly state: S;
  readonly tokens: PageTokens;
}

/** One SSM operation: request body in, response body out (Dates become epoch seconds on the wire). */
export type OperationHandler<S> = (input: JsonObject, ctx: OperationContext<S>) => object;

/** A kind's operations by name (X-Amz-Target `AmazonSSM.<name>`). */
export type KindOperations<S> = Readonly<Record<string, OperationHandler<S>>>;

/** What the simulator does to every kind alike: advance it, and find its next change. */
export interface ScheduledKind {
  syncTo(now: number): void;
  nextDueAt(): number | undefined;
  lastDueAt(): number | undefined;
}

/**
 * One kind in the simulator: its state and the operations that answer from it. The simulator
 * iterates its plug-ins to advance time and to route each call; a kind joins with one.
 */
export interface SimulatedKind {
  readonly state: ScheduledKind;
  /** Each operation bound to the kind's state. */
  readonly operations: ReadonlyMap<string, (input: JsonObject) => object>;
}

/** A kind's state and operations as a plug-in, the operations bound to that state. */
export function simulatedKind<S extends ScheduledKind>(state: S, operations: KindOperations<S>, tokens: PageTokens): SimulatedKind {
  const context: OperationContext<S> = { state, tokens };
  return {
    state,
    operations: new Map(Object.entries(operations).map(([name, handler]) => [name, (input: JsonObject) => handler(input, context)])),
  };
}
