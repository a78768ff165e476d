import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { callKey, deployedFunctions, type AwsCall } from '../support/iam/aws-calls';
import { latestRunDir } from '../support/iam/recording-location';
import { impliedCalls, impliedTableKeyCalls, keyPoliciesOf, type CfnTemplate } from '../support/iam/deployed-functions';
import { deniedCalls, platformUses, unusedGrants, arnOfCall } from '../support/iam/role-evaluation';
import { functionModelsOf } from '../support/iam/synthesized-functions';
import { synthesizeSsmHistory } from '../infrastructure/synthesized';

/**
 * Runs after the whole suite (npm test: `jest && jest -c jest.iam.config.js`): every AWS call
 * that code of a deployed function made in any test, evaluated against that function's
 * synthesized role; and every grant of the roles, matched against those calls.
 */
function recordedCalls(): AwsCall[] {
  const dir = latestRunDir();
  const files = dir === undefined ? [] : readdirSync(dir).filter((file) => file.endsWith('.json'));
  const calls = new Map<string, AwsCall>();
  for (const file of files.sort()) {
    for (const call of JSON.parse(readFileSync(path.join(dir ?? '', file), 'utf8')) as AwsCall[]) {
      if (!calls.has(callKey(call))) calls.set(callKey(call), call);
    }
  }
  return [...calls.values()];
}

describe.each([
  ['the default stack (tables under the AWS owned key)', {}],
  ['a stack whose tables use a customer managed key', { tableEncryptionKey: 'create' }],
])('IAM conformance of the calls the suite recorded, on %s', (_name, history) => {
  const calls = recordedCalls();
  const { stack, template } = synthesizeSsmHistory({ history });
  const models = functionModelsOf(stack, template);
  const cfn = template.toJSON() as CfnTemplate;

  it('found the recordings of a full run of the suite', () => {
    // Without them this check would pass on nothing: run `npx jest` first.
    for (const fn of deployedFunctions) expect(calls.filter((call) => call.fn === fn).length).toBeGreaterThan(0);
  });

  it('every recorded call is allowed by its function role', async () => {
    expect(await deniedCalls(models, calls)).toEqual([]);
  });

  // The reverse: a grant no test uses is either dead (remove it) or made by the platform for
  // the function (the SQS event source, logs, X-Ray, a key), which deployed-functions.ts lists with why.
  it.each(deployedFunctions)('every grant of the %s role is used by a recorded call or by the platform', (fn) => {
    const model = models[fn];
    const recorded = calls.filter((call) => call.fn === fn).map((call) => ({ action: call.action, arn: arnOfCall(model, call.resource) }));
    const implied = recorded.flatMap((call) =>
      call.action === 'sns:Publish' ? impliedCalls(cfn, call.arn) : call.action.startsWith('dynamodb:') ? impliedTableKeyCalls(cfn, call.arn) : [],
    );
    expect(recorded.length).toBeGreaterThan(0);
    expect(unusedGrants(model, [...recorded, ...platformUses(model.platformCalls), ...platformUses(implied)])).toEqual([]);
  });

  // Under a customer managed key each role that touches a table may decrypt with that key: the
  // implied calls are evaluated like the recorded ones, with the key policy.
  it('allows every call a recorded DynamoDB call implies on the table key', async () => {
    const implied = calls
      .filter((call) => call.action.startsWith('dynamodb:'))
      .flatMap((call) => impliedTableKeyCalls(cfn, arnOfCall(models[call.fn], call.resource)).map((key) => ({ ...call, action: key.action, resource: { kind: 'arn' as const, arn: key.arn } })));
    expect(implied.length > 0).toBe('tableEncryptionKey' in history);
    expect(await deniedCalls(models, implied, keyPoliciesOf(cfn))).toEqual([]);
  });
});
