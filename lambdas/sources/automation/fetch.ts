import {
  DescribeAutomationExecutionsCommand,
  paginateDescribeAutomationStepExecutions,
  type AutomationExecutionMetadata,
  type SSMClient,
  type StepExecution,
} from '@aws-sdk/client-ssm';
import { ParentNotFoundError } from '../eventual-consistency';

/**
 * The Automation read calls the collector makes, each the cheapest form that answers:
 * - DescribeAutomationExecutions filtered by ExecutionId: one call, and the only one that
 *   returns the AutomationExecutionMetadata record (ParentAutomationExecutionId, Target,
 *   TargetMaps, ResolvedTargets, Runbooks, ...). GetAutomationExecution returns a different
 *   shape (AutomationExecution) and embeds the steps, cut at SSM's limit
 *   (StepExecutionsTruncated), so it would not save the step pages; it also needs a scoped
 *   grant where DescribeAutomationExecutions takes Resource "*".
 * - DescribeAutomationStepExecutions at its maximum page size (50), every page: an execution
 *   of N steps costs ceil(N/50) calls.
 */
export const STEP_PAGE_SIZE = 50;

const isNotFound = (error: unknown): boolean => error instanceof Error && error.name === 'AutomationExecutionNotFoundException';

export async function getAutomationExecution(ssm: SSMClient, executionId: string): Promise<AutomationExecutionMetadata> {
  const { AutomationExecutionMetadataList } = await ssm.send(
    new DescribeAutomationExecutionsCommand({ Filters: [{ Key: 'ExecutionId', Values: [executionId] }] }),
  );
  const execution = AutomationExecutionMetadataList?.find((candidate) => candidate.AutomationExecutionId === executionId);
  if (!execution) throw new ParentNotFoundError(`automation execution ${executionId}`);
  return execution;
}

/** Every step of the execution, or only those of one StepName. */
export async function listStepExecutions(ssm: SSMClient, executionId: string, stepName?: string): Promise<StepExecution[]> {
  const steps: StepExecution[] = [];
  try {
    const pages = paginateDescribeAutomationStepExecutions(
      { client: ssm, pageSize: STEP_PAGE_SIZE },
      {
        AutomationExecutionId: executionId,
        ...(stepName !== undefined ? { Filters: [{ Key: 'StepName', Values: [stepName] }] } : {}),
      },
    );
    for await (const page of pages) steps.push(...(page.StepExecutions ?? []));
  } catch (error) {
    if (isNotFound(error)) throw new ParentNotFoundError(`automation execution ${executionId}`, { cause: error });
    throw error;
  }
  return steps;
}
