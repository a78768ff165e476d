import {
  paginateDescribeAssociationExecutions,
  paginateDescribeAssociationExecutionTargets,
  type AssociationExecution,
  type AssociationExecutionTarget,
  type SSMClient,
} from '@aws-sdk/client-ssm';
import { ParentNotFoundError } from '../eventual-consistency';
import { secondsFilterValue } from '../listed-parents';

/**
 * The State Manager read calls the collector makes:
 * - DescribeAssociationExecutions for one AssociationId, filtered CreatedTime GREATER_THAN
 *   the work items' earliest `since`, at the maximum page size (50), every page: the events
 *   name no execution, and this is the one call that lists an association's executions.
 * - DescribeAssociationExecutionTargets for each finished execution, 50 targets a page,
 *   every page: the per-node results (Status, DetailedStatus, OutputSource).
 */
export const ASSOCIATION_PAGE_SIZE = 50;

const isNotFound = (error: unknown): boolean =>
  error instanceof Error && (error.name === 'AssociationDoesNotExist' || error.name === 'AssociationExecutionDoesNotExist');

export async function listAssociationExecutions(ssm: SSMClient, associationId: string, since?: string): Promise<AssociationExecution[]> {
  const executions: AssociationExecution[] = [];
  try {
    const pages = paginateDescribeAssociationExecutions(
      { client: ssm, pageSize: ASSOCIATION_PAGE_SIZE },
      {
        AssociationId: associationId,
        ...(since !== undefined ? { Filters: [{ Key: 'CreatedTime', Value: secondsFilterValue(since), Type: 'GREATER_THAN' }] } : {}),
      },
    );
    for await (const page of pages) executions.push(...(page.AssociationExecutions ?? []));
  } catch (error) {
    if (isNotFound(error)) throw new ParentNotFoundError(`association ${associationId}`, { cause: error });
    throw error;
  }
  return executions;
}

export async function listAssociationExecutionTargets(
  ssm: SSMClient,
  associationId: string,
  executionId: string,
): Promise<AssociationExecutionTarget[]> {
  const targets: AssociationExecutionTarget[] = [];
  try {
    const pages = paginateDescribeAssociationExecutionTargets(
      { client: ssm, pageSize: ASSOCIATION_PAGE_SIZE },
      { AssociationId: associationId, ExecutionId: executionId },
    );
    for await (const page of pages) targets.push(...(page.AssociationExecutionTargets ?? []));
  } catch (error) {
    if (isNotFound(error)) throw new ParentNotFoundError(`association execution ${executionId}`, { cause: error });
    throw error;
  }
  return targets;
}
