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

/** A step as SSM listed it. */
export interface ListedStep {
  readonly step: StepExecution;
  /**
   * Where SSM's forward listing of all the execution's steps placed it (0 first): SSM lists
   * steps in an order the records themselves do not hold (a step that never ran has no start
   * time). Absent for a step read through a StepName filter, whose place among all is unknown.
   */
  readonly listedPosition?: number;
}

/** Every step of the execution, each with its place in SSM's listing; or only those of one StepName. */
export async function listStepExecutions(ssm: SSMClient, executionId: string, stepName?: string): Promise<ListedStep[]> {
  const steps: ListedStep[] = [];
  try {
    const pages = paginateDescribeAutomationStepExecutions(
      { client: ssm, pageSize: STEP_PAGE_SIZE },
      {
        AutomationExecutionId: executionId,
        ...(stepName !== undefined ? { Filters: [{ Key: 'StepName', Values: [stepName] }] } : {}),
      },
    );
    for await (const page of pages) {
      for (const step of page.StepExecutions ?? []) steps.push(stepName === undefined ? { step, listedPosition: steps.length } : { step });
    }
  } catch (error) {
    if (isNotFound(error)) throw new ParentNotFoundError(`automation execution ${executionId}`, { cause: error });
    throw error;
  }
  return steps;
}
