import { runSimulation, type Simulation } from '@cloud-copilot/iam-simulate';
import type { PolicyDocument } from '../support/iam/deployed-functions';

/** One request, decided by a real IAM evaluator (@cloud-copilot/iam-simulate) over the policies given. */
export interface IamRequest {
  /** A role's ARN, or a service principal such as events.amazonaws.com. */
  readonly principal: string;
  readonly action: string;
  readonly resource: string;
  /** The account that owns the resource (the principal's own, unless the request crosses accounts). */
  readonly resourceAccount: string;
  /** The principal's identity policies. */
  readonly identity?: readonly { readonly name: string; readonly policy: PolicyDocument }[];
  /** The resource's policy: a queue's, a bus's, or for sts:AssumeRole the role's trust policy. */
  readonly resourcePolicy?: PolicyDocument;
  /** Further request context: aws:SourceArn, aws:PrincipalOrgID, sts:ExternalId... */
  readonly context?: Readonly<Record<string, string>>;
}

export const allowEverything: PolicyDocument = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] };

/** 'Allowed', 'ImplicitlyDenied' or 'ExplicitlyDenied'. */
export async function decide(request: IamRequest): Promise<string> {
  const simulation: Simulation = {
    identityPolicies: (request.identity ?? []).map(({ name, policy }) => ({ name, policy })),
    serviceControlPolicies: [],
    resourceControlPolicies: [],
    resourcePolicy: request.resourcePolicy,
    request: {
      action: request.action,
      principal: request.principal,
      resource: { resource: request.resource, accountId: request.resourceAccount },
      // A role's requests carry the role's ARN as aws:PrincipalArn, not its session's (IAM User
      // Guide, "AWS global condition context keys", aws:PrincipalArn); the evaluator is told.
      contextVariables: {
        'aws:SecureTransport': 'true',
        ...(request.principal.startsWith('arn:aws:iam::') ? { 'aws:PrincipalArn': request.principal } : {}),
        ...request.context,
      },
    },
  };
  const response = await runSimulation(simulation, {});
  if (response.resultType === 'error') throw new Error(JSON.stringify(response.errors));
  return response.overallResult;
}
