import { ssmIds } from '../../core/ssm-ids';
import { automationExecutionAlert } from './alert';
import { automationStatuses } from './statuses';
import type { AutomationExecutionMetadata } from '@aws-sdk/client-ssm';
import { mayNotBeVisibleYet, ParentNotFoundError } from '../eventual-consistency';
import { withLister, type HistorySource, type ListedSource, type Observation, type Producer, type SourceClients, type WorkItem } from '../../core/model';
import { AUTOMATION_EXECUTION_DETAIL_TYPE, AUTOMATION_STEP_DETAIL_TYPE, parseAutomationEvent } from './events';
import { getAutomationExecution, listStepExecutions, type ListedStep } from './fetch';
import { automationLister } from './listing';
import { automationExecutionObservation, automationStepObservation } from './records';
import { automationTables } from './tables';


interface FetchedStep {
  readonly listed: ListedStep;
  readonly producers: ReadonlySet<Producer>;
}

/**
 * One parent's collection: a finished execution costs one DescribeAutomationExecutions and
 * ceil(steps/50) DescribeAutomationStepExecutions pages, however many events named it; that
 * pass also serves every failed step's request. Without it, each failed step name costs one
 * filtered call.
 */
async function collect(items: readonly WorkItem[], { ssm }: SourceClients, now: () => Date): Promise<Observation[]> {
  const first = items[0];
  if (!first) return [];
  const executionId = first.parentId;
  const observations: Observation[] = items.flatMap((item) => item.observations);

  const parentProducers = new Set<Producer>();
  const stepProducers = new Map<string, Set<Producer>>();
  for (const item of items) {
    if (item.fetch.scope === 'parent') parentProducers.add(item.producer);
    if (item.fetch.scope === 'children') {
      for (const stepName of item.fetch.childIds) {
        const producers = stepProducers.get(stepName) ?? new Set<Producer>();
        producers.add(item.producer);
        stepProducers.set(stepName, producers);
      }
    }
  }

  let execution: AutomationExecutionMetadata | undefined;
  const fetched: FetchedStep[] = [];
  try {
    if (parentProducers.size > 0) {
      const [found, steps] = await Promise.all([getAutomationExecution(ssm, executionId), listStepExecutions(ssm, executionId)]);
      execution = found;
      for (const listed of steps) {
        const producers = new Set(parentProducers);
        for (const producer of stepProducers.get(listed.step.StepName ?? '') ?? []) producers.add(producer);
        fetched.push({ listed, producers });
      }
    } else {
      for (const [stepName, producers] of stepProducers) {
        for (const listed of await listStepExecutions(ssm, executionId, stepName)) fetched.push({ listed, producers });
      }
    }
  } catch (error) {
    if (!(error instanceof ParentNotFoundError) || mayNotBeVisibleYet(items, now())) throw error;
    // Older than SSM's memory: what the events said is all there is to keep.
    return observations;
  }

  const observedAt = now();
  if (execution) observations.push(automationExecutionObservation(execution, { observedAt, producers: parentProducers }));
  for (const { listed, producers } of fetched) {
    observations.push(automationStepObservation(executionId, listed.step, { observedAt, producers }, listed.listedPosition));
  }
  return observations;
}

/** Automation as the collector needs it: everything but the pollers' lister, which its bundle leaves out. */
export const automationCollection: HistorySource = {
  kind: 'automation',
  statuses: automationStatuses,
  alerts: [automationExecutionAlert],
  parentId: ssmIds.automationExecutionId,
  // A step is named by the runbook, in no form SSM documents.
  eventDetailTypes: [AUTOMATION_EXECUTION_DETAIL_TYPE, AUTOMATION_STEP_DETAIL_TYPE],
  tables: Object.keys(automationTables),
  collectorActions: ['ssm:DescribeAutomationExecutions'],
  scopedCollectorActions: [
    {
      action: 'ssm:DescribeAutomationStepExecutions',
      resource: 'arn:${Partition}:ssm:${Region}:${Account}:automation-execution/*',
    },
  ],
  parseEvent: parseAutomationEvent,
  collect,
};

/** Automation, listed by the pollers too. Pure, so that a bundle that never reads it drops the lister. */
export const automationSource: ListedSource = /* @__PURE__ */ withLister(automationCollection, automationLister);
