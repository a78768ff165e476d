import type { Template } from 'aws-cdk-lib/assertions';
import type { SsmHistoryStack } from '../../../lib/ssm-history-stack';
import { logicalIdOf } from '../../infrastructure/synthesized';
import type { DeployedFunction } from './aws-calls';
import { deployedFunctionModels, type CfnTemplate, type DeployedFunctionModel, type ResolveOptions } from './deployed-functions';

/** The models of a synthesized stack's three functions, found through its constructs. */
export function functionModelsOf(
  stack: SsmHistoryStack,
  template: Template,
  options: ResolveOptions = {},
): Record<DeployedFunction, DeployedFunctionModel> {
  const { history } = stack;
  return deployedFunctionModels(
    template.toJSON() as CfnTemplate,
    {
      collector: logicalIdOf(history.collector),
      poller: logicalIdOf(history.pollerFunction),
      query: logicalIdOf(history.queryFunction),
    },
    options,
  );
}
