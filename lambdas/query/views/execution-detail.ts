import type { RecordKind } from '../../core/model';
import type { ExecutionDetail, LineageLink } from '../../core/execution-item';
import type { StoredItem } from '../../store/record-store';
import type { ArchiveReader } from '../archive-reader';
import { executionKinds } from './execution-items';
import { describeEntries } from './failure-excerpts';
import { checkParameterNames, readLimit, readScopeSelection, SCOPE_PARAMETERS, ViewRequestError, type ViewQuery } from './parameters';
import { selectionHolds, selectsSome, storedScope, type ScopeSelection } from '../read-scope';

/**
 * GET /executions/{id}: one execution of any kind, by the id SSM gave it (a CommandId, an
 * AutomationExecutionId, an association's ExecutionId, a WindowExecutionId, a SessionId),
 * with its record, its children (invocations, steps, targets, tasks) and its lineage: what
 * started it, and the commands and executions it started. `account` and `region`, when
 * given, must be where it lives: an execution elsewhere is not found.
 */

/** What a kind finds of one of its executions. */
export interface FoundExecution {
  readonly kind: RecordKind;
  readonly record: StoredItem;
  readonly childKind?: RecordKind;
  /** In the kind's own listing order, at most the limit asked for. */
  readonly children: readonly StoredItem[];
  readonly moreChildren: boolean;
  /** What the execution started, read from its own records (its steps, targets, task invocations). */
  readonly started: readonly LineageLink[];
  /** What started it, where its own record names it (a child automation's parent). */
  readonly startedBy: readonly LineageLink[];
}

/** How a kind takes part: finding its executions by id, and naming what of it started a command. */
export interface KindLineage {
  readonly kind: RecordKind;
  find(reader: ArchiveReader, id: string, childLimit: number): Promise<FoundExecution | undefined>;
  /** The records of this kind that started this command (by their index of the command's id). */
  startersOf?(reader: ArchiveReader, commandId: string): Promise<LineageLink[]>;
}


const PARAMETERS = ['limit', ...SCOPE_PARAMETERS];
const CHILD_LIMIT = { fallback: 100, max: 1000 };
/** SSM's ids: UUIDs for commands and executions, user-hex for sessions. */
const ID_FORM = /^[A-Za-z0-9][A-Za-z0-9._@:-]{0,127}$/;

export class ExecutionNotFoundError extends Error {
  constructor(
    readonly id: string,
    scope: ScopeSelection = {},
  ) {
    const where = [scope.account !== undefined ? `account ${scope.account}` : '', scope.region !== undefined ? `Region ${scope.region}` : ''].filter((part) => part !== '');
    super(`The archive holds no execution ${id}${where.length > 0 ? ` in ${where.join(', ')}` : ''}`);
    this.name = 'ExecutionNotFoundError';
  }
}

export async function executionDetail(
  id: string,
  query: ViewQuery,
  reader: ArchiveReader,
  lineages: readonly KindLineage[],
): Promise<ExecutionDetail> {
  checkParameterNames(query, PARAMETERS);
  const limit = readLimit(query, CHILD_LIMIT);
  const scope = readScopeSelection(query);
  if (!ID_FORM.test(id)) throw new ViewRequestError('id', `"${id}" is not an execution id (a CommandId, AutomationExecutionId, association ExecutionId, WindowExecutionId or SessionId)`);
  // Ids of different kinds never collide (UUIDs, session ids): the first kind that holds it is it.
  // Read wherever it lives: its lineage may cross accounts (an Automation's child executions in other accounts).
  const found = (await Promise.all(lineages.map((lineage) => lineage.find(reader, id, limit)))).find((candidate) => candidate !== undefined);
  if (found === undefined) throw new ExecutionNotFoundError(id);
  if (selectsSome(scope) && !selectionHolds(scope, storedScope(found.record, reader.home))) throw new ExecutionNotFoundError(id, scope);
  const starters = found.kind === 'command' ? await Promise.all(lineages.map((lineage) => lineage.startersOf?.(reader, id) ?? Promise.resolve([]))) : [];
  // Each failed one with its error, as the listings show it.
  const childKind = found.childKind;
  const [record, ...children] = await describeEntries({ reader }, [
    { kind: found.kind, item: found.record },
    ...(childKind === undefined ? [] : found.children.map((item) => ({ kind: childKind, item }))),
  ]);
  return {
    kind: found.kind,
    id,
    record: record ?? executionKinds[found.kind].toItem(found.record),
    children,
    moreChildren: found.moreChildren,
    startedBy: [...found.startedBy, ...starters.flat()],
    started: found.started,
  };
}
