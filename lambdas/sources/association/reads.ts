import type { ItemFilter, NewestFirstOptions } from '../../core/archive-reads';
import type { ArchiveReader } from '../../query/archive-reader';
import type { StoredItem } from '../../store/record-store';

/**
 * What the archive's reads are for State Manager: association executions and their targets,
 * and the associations' definitions, over the reader's generic walks.
 * DescribeAssociationExecutions orders by CreatedTime (newest first), then ExecutionId; a
 * node's targets (byResource) by LastExecutionDate.
 */
export const EXECUTION_ORDER = { time: 'CreatedTime', id: 'ExecutionId' } as const;
export const TARGET_ORDER = { time: 'LastExecutionDate', id: 'ExecutionId' } as const;

export interface AssociationTargetsOptions {
  /** Only the targets ordered after this ResourceId. */
  readonly afterResourceId?: string;
  /** Only this target (a key condition). */
  readonly resourceId?: string;
  readonly filter?: ItemFilter;
  readonly attributes?: readonly string[];
  readonly pageSize: number;
}

/** Executions newest CreatedTime first, then ExecutionId (byCreatedYear, down the years). */
export function associationExecutionsNewestFirst(reader: ArchiveReader, options: NewestFirstOptions): AsyncGenerator<StoredItem> {
  return reader.byYearNewestFirst('associationExecutions', 'byCreatedYear', EXECUTION_ORDER, options);
}

/**
 * One association's executions, newest CreatedTime first (byAssociation), from
 * `createdAtOrBefore` (inclusive, for ties) when given. Executions of the same CreatedTime
 * come in no set order: callers sort them by ExecutionId.
 */
export function executionsOfAssociation(
  reader: ArchiveReader,
  associationId: string,
  options: { readonly attributes?: readonly string[]; readonly pageSize: number; readonly createdAtOrBefore?: string },
): AsyncGenerator<StoredItem> {
  return reader.indexPartitionNewestFirst('associationExecutions', 'byAssociation', associationId, {
    ...(options.createdAtOrBefore !== undefined ? { atOrBefore: options.createdAtOrBefore } : {}),
    ...(options.attributes !== undefined ? { attributes: [...options.attributes, 'AssociationId', 'ExecutionId'] } : {}),
    pageSize: options.pageSize,
  });
}

/** Whether the archive holds any execution of this association: one key read of one item. */
export function hasAssociation(reader: ArchiveReader, associationId: string): Promise<boolean> {
  return reader.hasPartition('associationExecutions', associationId);
}

/**
 * The association as ListAssociations last listed it (AssociationName, Name, DocumentVersion,
 * Targets, ScheduleExpression, ...; associationFromItem gives SSM's record), when a poller has
 * listed it: one GetItem.
 */
export function associationDefinition(reader: ArchiveReader, associationId: string, attributes?: readonly string[]): Promise<StoredItem | undefined> {
  return reader.getRecord('associationDefinitions', { AssociationId: associationId }, attributes);
}

/**
 * Whether SSM knows this association, as far as the archive can tell: its definition is
 * archived (a poller listed it), or an execution of it is. One or two key reads.
 */
export async function associationExists(reader: ArchiveReader, associationId: string): Promise<boolean> {
  return (await associationDefinition(reader, associationId, ['AssociationId'])) !== undefined || hasAssociation(reader, associationId);
}

export function getAssociationExecution(reader: ArchiveReader, associationId: string, executionId: string, attributes?: readonly string[]): Promise<StoredItem | undefined> {
  return reader.getRecord('associationExecutions', { AssociationId: associationId, ExecutionId: executionId }, attributes);
}

/** One execution's targets in ResourceId order (the table's own sort key). */
export function associationTargets(reader: ArchiveReader, executionId: string, options: AssociationTargetsOptions): AsyncGenerator<StoredItem> {
  return reader.keyPartition('associationExecutionTargets', executionId, {
    ...(options.resourceId !== undefined ? { equals: options.resourceId } : {}),
    ...(options.afterResourceId !== undefined ? { after: options.afterResourceId } : {}),
    ...(options.filter !== undefined ? { filter: options.filter } : {}),
    ...(options.attributes !== undefined ? { attributes: [...options.attributes, 'ExecutionId', 'ResourceId'] } : {}),
    pageSize: options.pageSize,
  });
}

/**
 * One node's association targets, newest LastExecutionDate first (then ExecutionId
 * ascending), from the byResource index: its summary attributes only. `start.id` holds the
 * ExecutionId.
 */
export function associationTargetsOfResource(reader: ArchiveReader, resourceId: string, options: NewestFirstOptions): AsyncGenerator<StoredItem> {
  return reader.partitionNewestFirst('associationExecutionTargets', 'byResource', resourceId, TARGET_ORDER, options);
}
