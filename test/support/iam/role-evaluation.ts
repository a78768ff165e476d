import { runSimulation, type Simulation } from '@cloud-copilot/iam-simulate';
import { tableIds, tableSchemas } from '../../../lambdas/sources/tables';
import { TEST_ACCOUNT, TEST_REGION, describeResource, type AwsCall, type CallResource } from './aws-calls';
import { actionsOfStatement, resourcesOfStatement, type DeployedFunctionModel, type PlatformCall, type PolicyDocument } from './deployed-functions';

/**
 * Decides, with a real IAM policy evaluator (@cloud-copilot/iam-simulate), whether a deployed
 * function's synthesized role allows a call. The evaluator is AGPL-3.0: only test/ imports it,
 * and the Lambda bundles are built from lambdas/handlers alone (test/infrastructure/
 * lambda-bundles.test.ts checks that no bundle holds it).
 */
const tableEnvVars: ReadonlySet<string> = new Set(tableIds.map((id) => tableSchemas[id].envVar));

/** The ARN a call targets, from the function's own environment where it names the resource. */
export function arnOfCall(model: DeployedFunctionModel, resource: CallResource): string {
  if (resource.kind === 'arn') return resource.arn;
  const value = model.environment[resource.envVar];
  if (value === undefined) throw new Error(`${model.fn} has no ${resource.envVar} in its environment`);
  if (tableEnvVars.has(resource.envVar)) {
    const table = `arn:aws:dynamodb:${TEST_REGION}:${TEST_ACCOUNT}:table/${value}`;
    return resource.index === undefined ? table : `${table}/index/${resource.index}`;
  }
  if (resource.envVar === 'WORK_QUEUE_URL') return `arn:aws:sqs:${TEST_REGION}:${TEST_ACCOUNT}:${value.split('/').pop() ?? ''}`;
  return value;
}

export type Decision = 'Allowed' | 'ImplicitlyDenied' | 'ExplicitlyDenied';

/**
 * The resource policy IAM also evaluates for a call on `arn`, if any: a KMS key's key policy,
 * without which no identity policy can allow its use (AWS KMS developer guide, "Key policies").
 */
export type ResourcePolicies = (arn: string) => PolicyDocument | undefined;

export async function decide(model: DeployedFunctionModel, action: string, arn: string, resourcePolicies: ResourcePolicies = () => undefined): Promise<Decision> {
  const resourcePolicy = resourcePolicies(arn);
  const simulation: Simulation = {
    identityPolicies: model.policies.map(({ name, document }) => ({ name, policy: document })),
    serviceControlPolicies: [],
    resourceControlPolicies: [],
    ...(resourcePolicy !== undefined ? { resourcePolicy } : {}),
    request: {
      action,
      principal: model.roleArn,
      resource: { resource: arn, accountId: TEST_ACCOUNT },
      contextVariables: {},
    },
  } as Simulation;
  const response = await runSimulation(simulation, {});
  if (response.resultType === 'error') {
    throw new Error(`The IAM evaluator refused ${model.fn} ${action} on ${arn}: ${JSON.stringify(response.errors)}`);
  }
  return response.overallResult as Decision;
}

/** One line per call the role does not allow, naming function, action, resource and test. */
export async function deniedCalls(
  models: Readonly<Record<string, DeployedFunctionModel>>,
  calls: readonly AwsCall[],
  resourcePolicies?: ResourcePolicies,
): Promise<string[]> {
  const denied: string[] = [];
  for (const call of calls) {
    const model = models[call.fn];
    if (model === undefined) throw new Error(`No deployed function ${call.fn}`);
    let arn: string;
    try {
      arn = arnOfCall(model, call.resource);
    } catch (error) {
      denied.push(`${call.fn}: ${call.action} on ${describeResource(call.resource)}: ${(error as Error).message} (made by ${call.test})`);
      continue;
    }
    const decision = await decide(model, call.action, arn, resourcePolicies);
    if (decision !== 'Allowed') {
      denied.push(`${call.fn}: ${call.action} on ${arn} is ${decision} by its role (made by ${call.test})`);
    }
  }
  return denied;
}

const glob = (pattern: string): RegExp =>
  new RegExp(`^${pattern.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`, 'i');

/**
 * Grants (action on resource pattern, per Allow statement) that no recorded call and no call
 * the platform makes with the role ever uses: each is a permission nothing needs.
 */
export function unusedGrants(
  model: DeployedFunctionModel,
  used: readonly { readonly action: string; readonly arn: string }[],
): string[] {
  const unused: string[] = [];
  for (const { document } of model.policies) {
    for (const statement of document.Statement) {
      if (statement.Effect !== 'Allow') continue;
      for (const action of actionsOfStatement(statement)) {
        for (const resource of resourcesOfStatement(statement)) {
          const actionPattern = glob(action);
          const resourcePattern = glob(resource);
          if (!used.some((call) => actionPattern.test(call.action) && resourcePattern.test(call.arn))) {
            unused.push(`${model.fn}: ${action} on ${resource} is granted but no test calls it`);
          }
        }
      }
    }
  }
  return unused;
}

export const platformUses = (calls: readonly PlatformCall[]): { action: string; arn: string }[] =>
  calls.map(({ action, arn }) => ({ action, arn }));
