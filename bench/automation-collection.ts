import { isDeepStrictEqual } from 'node:util';
import { automationExecutionFromItem, automationStepFromItem } from '../lambdas/sources/automation/records';
import { replayThroughCollector, type ReplayOptions } from './replay';

export interface AutomationCollectionOptions extends ReplayOptions {
  readonly steps: number;
}

export interface AutomationCollectionFigures {
  readonly events: number;
  /** Records the archive holds afterwards: the execution and each step. */
  readonly records: number;
  readonly seconds: number;
  readonly ssmCalls: Record<string, number>;
  readonly ddbWrites: number;
  readonly failedMessages: number;
  /** The archive's execution and steps equal SSM's, field for field. */
  readonly matches: boolean;
}

/** One Automation execution of `steps` steps, its event stream replayed through the collector, the archive compared. */
export async function benchAutomationCollection(options: AutomationCollectionOptions): Promise<AutomationCollectionFigures> {
  let executionId = '';
  return replayThroughCollector(
    options,
    (simulator) => {
      executionId = simulator.startAutomation({ steps: options.steps, documentName: 'Bench-Runbook' });
    },
    async ({ simulator, store, events, seconds, ssmCalls, ddbWrites, failedMessages }) => {
      // The archive against SSM's own answer.
      const truth = simulator.truth().automations.find((automation) => automation.execution.AutomationExecutionId === executionId);
      const execution = await store.get('automationExecutions', { AutomationExecutionId: executionId });
      const steps = [];
      for (let page = await store.page('automationSteps', executionId, 100); ; page = await store.page('automationSteps', executionId, 100, page.nextKey)) {
        steps.push(...page.items.map(automationStepFromItem));
        if (!page.nextKey) break;
      }
      const byId = (a: { StepExecutionId?: string }, b: { StepExecutionId?: string }) =>
        (a.StepExecutionId ?? '') < (b.StepExecutionId ?? '') ? -1 : 1;
      const matches =
        truth !== undefined &&
        execution !== undefined &&
        isDeepStrictEqual(automationExecutionFromItem(execution), truth.execution) &&
        isDeepStrictEqual(steps.sort(byId), [...truth.steps].sort(byId));
      return { events, records: (execution !== undefined ? 1 : 0) + steps.length, seconds, ssmCalls, ddbWrites, failedMessages, matches };
    },
  );
}
