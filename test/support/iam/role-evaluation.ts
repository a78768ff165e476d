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
  // The work queue, and with an organization the poll queue: named by URL, granted by ARN.
  if (resource.envVar.endsWith('_QUEUE_URL')) return `arn:aws:sqs:${TEST_REGION}:${TEST_ACCOUNT}:${value.split('/').pop() ?? ''}`;
  return value;
}

export type Decision = 'Allowed' | 'ImplicitlyDenied' | 'ExplicitlyDenied';

/**
 * The resource policy IAM also evaluates for a call on `arn`, if any: a KMS key's key policy,
 * without which no identity policy can allow its use (AWS KMS developer guide, "Key policies").
 */
export type ResourcePolicies = (arn: string) => PolicyDocument | undefined;

/** What a request carries besides the function's role, its policies and the call's own context. */
export interface RequestDetails {
  /**
   * The account that owns the resource (default: the archive's, TEST_ACCOUNT). Another
   * account's makes the request cross-account: then the resource's policy must allow the
   * principal too, not only the identity policy.
   */
  readonly resourceAccount?: string;
  /** Request context keys: aws:ResourceOrgID, aws:PrincipalOrgID, sts:ExternalId. */
  readonly context?: Readonly<Record<string, string>>;
  /** The resource's policy for this request, in place of `resourcePolicies` (a member role's trust policy). */
  readonly resourcePolicy?: PolicyDocument;
}

export async function decide(
  model: DeployedFunctionModel,
  action: string,
  arn: string,
  resourcePolicies: ResourcePolicies = () => undefined,
  details: RequestDetails = {},
): Promise<Decision> {
  const resourcePolicy = details.resourcePolicy ?? resourcePolicies(arn);
  const context = details.context ?? {};
  const simulation: Simulation = {
    identityPolicies: model.policies.map(({ name, document }) => ({ name, policy: document })),
    serviceControlPolicies: [],
    resourceControlPolicies: [],
    ...(resourcePolicy !== undefined ? { resourcePolicy } : {}),
    request: {
      action,
      principal: model.roleArn,
      resource: { resource: arn, accountId: details.resourceAccount ?? TEST_ACCOUNT },
      // A role's requests carry the role's ARN as aws:PrincipalArn (IAM User Guide, "AWS global
      // condition context keys"), which the evaluator does not derive from the principal.
      contextVariables: { 'aws:PrincipalArn': model.roleArn, ...context },
    },
  } as Simulation;
  const response = await runSimulation(simulation, {});
  if (response.resultType === 'error') {
    throw new Error(`The IAM evaluator refused ${model.fn} ${action} on ${arn}: ${JSON.stringify(response.errors)}`);
  }
  // A key the evaluator does not know for the action would be left out of the decision unseen.
  const results = response.resultType === 'single' ? [response.result] : response.results;
  const ignored = results.flatMap((result) => result.ignoredContextKeys ?? []).filter((key) => key in context);
  if (ignored.length > 0) throw new Error(`The IAM evaluator ignores ${[...new Set(ignored)].join(', ')} for ${action} on ${arn}`);
  return response.overallResult as Decision;
}

/** The request details of one call, given the ARN it targets (default: none, in the archive's account). */
export type RequestDetailsOf = (call: AwsCall, arn: string) => RequestDetails;

/** One line per call the role does not allow, naming function, action, resource and test. */
export async function deniedCalls(
  models: Readonly<Record<string, DeployedFunctionModel>>,
  calls: readonly AwsCall[],
  resourcePolicies?: ResourcePolicies,
  detailsOf: RequestDetailsOf = () => ({}),
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
    const details = detailsOf(call, arn);
    // The context the call set itself (its ExternalId) goes with it, whatever else the request carries.
    const context = { ...call.context, ...details.context };
    const decision = await decide(model, call.action, arn, resourcePolicies, { ...details, context });
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
