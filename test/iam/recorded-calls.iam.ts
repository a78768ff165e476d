import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { callKey, deployedFunctions, isOrganizationOnly, memberReadRoleScope, TEST_ACCOUNT, type AwsCall, type DeployedFunction } from '../support/iam/aws-calls';
import { runToCheck } from '../support/iam/recording-location';
import { impliedCalls, impliedTableKeyCalls, keyPoliciesOf, type CfnTemplate, type DeployedFunctionModel, type PolicyStatement } from '../support/iam/deployed-functions';
import { memberReadRole, type MemberTrustProps } from '../support/iam/member-trust';
import { decide, deniedCalls, platformUses, unusedGrants, arnOfCall, type RequestDetails } from '../support/iam/role-evaluation';
import { functionModelsOf } from '../support/iam/synthesized-functions';
import { synthesizeSsmHistory } from '../infrastructure/synthesized';

/**
 * Runs after the whole suite (npm test: `jest && jest -c jest.iam.config.js`): every AWS call
 * that code of a deployed function made in any test, evaluated against that function's
 * synthesized role; and every grant of the roles, matched against those calls. It reads the
 * latest run, or the one SSM_HISTORY_AWS_CALLS_DIR names.
 */
function recordedCalls(): AwsCall[] {
  const dir = runToCheck();
  const files = dir === undefined ? [] : readdirSync(dir).filter((file) => file.endsWith('.json'));
  const calls = new Map<string, AwsCall>();
  for (const file of files.sort()) {
    for (const call of JSON.parse(readFileSync(path.join(dir ?? '', file), 'utf8')) as AwsCall[]) {
      if (!calls.has(callKey(call))) calls.set(callKey(call), call);
    }
  }
  return [...calls.values()];
}

const calls = recordedCalls();

/** Every grant of the function's role, matched against its recorded calls and what they imply. */
function unusedGrantsOf(model: DeployedFunctionModel, cfn: CfnTemplate, fnCalls: readonly AwsCall[]): string[] {
  const recorded = fnCalls.map((call) => ({ action: call.action, arn: arnOfCall(model, call.resource) }));
  const implied = recorded.flatMap((call) =>
    call.action === 'sns:Publish' ? impliedCalls(cfn, call.arn) : call.action.startsWith('dynamodb:') ? impliedTableKeyCalls(cfn, call.arn) : [],
  );
  expect(recorded.length).toBeGreaterThan(0);
  return unusedGrants(model, [...recorded, ...platformUses(model.platformCalls), ...platformUses(implied)]);
}

describe.each([
  ['the default stack (tables under the AWS owned key)', {}],
  ['a stack whose tables use a customer managed key', { tableEncryptionKey: 'create' }],
])('IAM conformance of the calls the suite recorded, on %s', (_name, history) => {
  // Assuming member roles, listing the organization's accounts and sending poll requests
  // happen only with an organization: they are evaluated on the organization's stack below.
  const accountCalls = calls.filter((call) => !isOrganizationOnly(call));
  const { stack, template } = synthesizeSsmHistory({ history });
  const models = functionModelsOf(stack, template);
  const cfn = template.toJSON() as CfnTemplate;

  it('found the recordings of a full run of the suite', () => {
    // Without them this check would pass on nothing: run `npx jest` first.
    for (const fn of deployedFunctions) expect(calls.filter((call) => call.fn === fn).length).toBeGreaterThan(0);
  });

  it('every recorded call is allowed by its function role', async () => {
    expect(await deniedCalls(models, accountCalls)).toEqual([]);
  });

  it('allows none of the calls only an organization makes', async () => {
    const organizationCalls = calls.filter((call) => isOrganizationOnly(call));
    expect(await deniedCalls(models, organizationCalls)).toHaveLength(organizationCalls.length);
  });

  // The reverse: a grant no test uses is either dead (remove it) or made by the platform for
  // the function (the SQS event source, logs, X-Ray, a key), which deployed-functions.ts lists with why.
  it.each(deployedFunctions)('every grant of the %s role is used by a recorded call or by the platform', (fn) => {
    expect(unusedGrantsOf(models[fn], cfn, accountCalls.filter((call) => call.fn === fn))).toEqual([]);
  });

  // Under a customer managed key each role that touches a table may decrypt with that key: the
  // implied calls are evaluated like the recorded ones, with the key policy.
  it('allows every call a recorded DynamoDB call implies on the table key', async () => {
    const implied = accountCalls
      .filter((call) => call.action.startsWith('dynamodb:'))
      .flatMap((call) => impliedTableKeyCalls(cfn, arnOfCall(models[call.fn], call.resource)).map((key) => ({ ...call, action: key.action, resource: { kind: 'arn' as const, arn: key.arn } })));
    expect(implied.length > 0).toBe('tableEncryptionKey' in history);
    expect(await deniedCalls(models, implied, keyPoliciesOf(cfn))).toEqual([]);
  });
});

/**
 * An archive collecting a whole organization, in the Regions the recorded AssumeRole calls
 * read. Each AssumeRole is evaluated as IAM evaluates it across accounts: the archive role's
 * identity policy must allow it and so must the member read role's trust policy (IAM User
 * Guide, "Cross-account policy evaluation logic":
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic-cross-account.html).
 * The trust policy is the one the member stack deploys in the role's account and Region.
 */
describe('IAM conformance of the calls the suite recorded, on a stack collecting a whole organization', () => {
  const ORGANIZATION_ID = 'o-ssmhistory01';
  const OTHER_ORGANIZATION_ID = 'o-zzzzzzzzzz';
  const EXTERNAL_ID = 'ssm-history-archive';
  const assumed = calls.filter((call) => call.action === 'sts:AssumeRole');
  const roleArnOf = (call: AwsCall): string => (call.resource.kind === 'arn' ? call.resource.arn : '');
  const recordedRegions = [...new Set(assumed.flatMap((call) => memberReadRoleScope(roleArnOf(call))?.region ?? []))].sort();
  // With no AssumeRole recorded the stack still synthesizes; the first test says what is missing.
  const regions = recordedRegions.length > 0 ? recordedRegions : ['eu-west-1'];
  const { stack, template } = synthesizeSsmHistory({ history: { organization: { accounts: 'organization', regions, organizationId: ORGANIZATION_ID } } });
  const models = functionModelsOf(stack, template);
  const cfn = template.toJSON() as CfnTemplate;

  /**
   * The request an AssumeRole is in AWS: on a role of another account (or of the archive's,
   * in another Region), under that member's trust policy. IAM User Guide, "AWS global
   * condition context keys"
   * (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html):
   * aws:ResourceOrgID is the organization of the account that owns the resource (the role),
   * which the archive's grant requires; aws:PrincipalOrgID the organization of the requesting
   * principal's account, which the member's trust requires.
   */
  const assumeRequest = (call: AwsCall, arn: string, trust: MemberTrustProps = {}, organizations: { resource?: string; principal?: string } = {}): RequestDetails => {
    const scope = memberReadRoleScope(arn);
    if (scope === undefined) return {};
    const externalId = call.context?.['sts:ExternalId'];
    const member = memberReadRole(scope, { organizationId: ORGANIZATION_ID, ...(externalId !== undefined ? { externalId } : {}), ...trust });
    return {
      resourceAccount: scope.account,
      resourcePolicy: member.trust,
      context: { 'aws:ResourceOrgID': organizations.resource ?? ORGANIZATION_ID, 'aws:PrincipalOrgID': organizations.principal ?? ORGANIZATION_ID },
    };
  };
  const detailsOf = (call: AwsCall, arn: string): RequestDetails => (call.action === 'sts:AssumeRole' ? assumeRequest(call, arn) : {});

  /** One AssumeRole a function made into another account: where both policies must allow it. */
  const crossAccount = (fn: DeployedFunction): AwsCall | undefined =>
    assumed.find((call) => call.fn === fn && (memberReadRoleScope(roleArnOf(call))?.account ?? TEST_ACCOUNT) !== TEST_ACCOUNT);

  /** Evaluates one recorded AssumeRole as `model` makes it, in the request `details` describes. */
  const decideAssume = (model: DeployedFunctionModel, call: AwsCall, details: RequestDetails) =>
    decide(model, 'sts:AssumeRole', roleArnOf(call), undefined, { ...details, context: { ...call.context, ...details.context } });

  /** The model without the grants of `action`. */
  const without = (model: DeployedFunctionModel, action: string): DeployedFunctionModel => {
    const strip = (statement: PolicyStatement): PolicyStatement[] => {
      const actions = [statement.Action].flat().filter((granted) => granted !== action);
      return actions.length === 0 ? [] : [{ ...statement, Action: actions }];
    };
    return { ...model, policies: model.policies.map(({ name, document }) => ({ name, document: { ...document, Statement: document.Statement.flatMap(strip) } })) };
  };

  it('found the calls only an organization makes: the collector and the poller assuming member roles, the poller listing the accounts and dispatching', () => {
    // Without them the checks below would pass on nothing.
    expect(crossAccount('collector')).toBeDefined();
    expect(crossAccount('poller')).toBeDefined();
    const poller = calls.filter((call) => call.fn === 'poller' && isOrganizationOnly(call));
    expect(poller.filter((call) => call.action === 'organizations:ListAccounts')).not.toHaveLength(0);
    expect(poller.filter((call) => call.action === 'sqs:SendMessage')).not.toHaveLength(0);
  });

  it('assumes only the read roles the member stack creates, named after their account and Region', () => {
    const memberRoleOf = (arn: string): string => {
      const scope = memberReadRoleScope(arn);
      return scope === undefined ? `${arn} is no member read role` : memberReadRole(scope, { organizationId: ORGANIZATION_ID }).roleArn;
    };
    expect(assumed.map((call) => memberRoleOf(roleArnOf(call)))).toEqual(assumed.map(roleArnOf));
  });

  it('every recorded call is allowed by its function role, each AssumeRole also by the member role’s trust', async () => {
    expect(await deniedCalls(models, calls, undefined, detailsOf)).toEqual([]);
  });

  // Negative controls: each side alone denies, so the allowance above proves both.
  it.each(['collector', 'poller'] as const)('denies the %s’s AssumeRole when either the grant or the trust does not hold', async (fn) => {
    const call = crossAccount(fn);
    if (call === undefined) throw new Error(`no AssumeRole of the ${fn} into another account was recorded`);
    const model = models[fn];
    const request = assumeRequest(call, roleArnOf(call));
    expect(await decideAssume(model, call, request)).toBe('Allowed');
    // Another role of the archive, even one allowed to assume the role: the trust names only the collector and the poller.
    expect(await decideAssume({ ...model, roleArn: models.query.roleArn }, call, request)).not.toBe('Allowed');
    expect(await decideAssume({ ...model, roleArn: `arn:aws:iam::${TEST_ACCOUNT}:role/Admin` }, call, request)).not.toBe('Allowed');
    // The function's role in an account of another organization: the trust requires this one.
    expect(await decideAssume(model, call, assumeRequest(call, roleArnOf(call), {}, { principal: OTHER_ORGANIZATION_ID }))).not.toBe('Allowed');
    // A role of that name in an account outside the organization: the grant requires it inside.
    expect(await decideAssume(model, call, assumeRequest(call, roleArnOf(call), {}, { resource: OTHER_ORGANIZATION_ID }))).not.toBe('Allowed');
    // A member deployed for another archive account trusts not this one.
    expect(await decideAssume(model, call, assumeRequest(call, roleArnOf(call), { archiveAccount: '999999999999' }))).not.toBe('Allowed');
    // The trust alone does not let a role of another account in: its own role must grant it.
    expect(await decideAssume(without(model, 'sts:AssumeRole'), call, request)).not.toBe('Allowed');
  });

  it('admits the AssumeRole into a member that requires an ExternalId only with that ExternalId', async () => {
    for (const fn of ['collector', 'poller'] as const) {
      const call = crossAccount(fn);
      if (call === undefined) throw new Error(`no AssumeRole of the ${fn} into another account was recorded`);
      const plain: AwsCall = { fn: call.fn, action: call.action, resource: call.resource, test: call.test };
      const request = assumeRequest(plain, roleArnOf(call), { externalId: EXTERNAL_ID });
      expect(await decideAssume(models[fn], plain, { ...request, context: { ...request.context, 'sts:ExternalId': EXTERNAL_ID } })).toBe('Allowed');
      expect(await decideAssume(models[fn], plain, { ...request, context: { ...request.context, 'sts:ExternalId': 'guessed' } })).not.toBe('Allowed');
      expect(await decideAssume(models[fn], plain, request)).not.toBe('Allowed');
    }
  });

  // The organization's grants (sts:AssumeRole for the collector and the poller,
  // organizations:ListAccounts for the poller) are used like every other.
  it.each(deployedFunctions)('every grant of the %s role is used by a recorded call or by the platform', (fn) => {
    expect(unusedGrantsOf(models[fn], cfn, calls.filter((call) => call.fn === fn))).toEqual([]);
  });
});
