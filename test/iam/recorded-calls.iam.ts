import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { callKey, deployedFunctions, type AwsCall } from '../support/iam/aws-calls';
import { latestRunDir } from '../support/iam/recording-location';
import { impliedCalls, type CfnTemplate } from '../support/iam/deployed-functions';
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

describe('IAM conformance of the calls the suite recorded', () => {
  const calls = recordedCalls();
  const { stack, template } = synthesizeSsmHistory();
  const models = functionModelsOf(stack, template);

  it('found the recordings of a full run of the suite', () => {
    // Without them this check would pass on nothing: run `npx jest` first.
    for (const fn of deployedFunctions) expect(calls.filter((call) => call.fn === fn).length).toBeGreaterThan(0);
  });

  it('every recorded call is allowed by its function role', async () => {
    expect(await deniedCalls(models, calls)).toEqual([]);
  });

  // The reverse: a grant no test uses is either dead (remove it) or made by the platform for
  // the function (the SQS event source, logs, X-Ray), which deployed-functions.ts lists with why.
  it.each(deployedFunctions)('every grant of the %s role is used by a recorded call or by the platform', (fn) => {
    const model = models[fn];
    const recorded = calls.filter((call) => call.fn === fn).map((call) => ({ action: call.action, arn: arnOfCall(model, call.resource) }));
    const implied = recorded
      .filter((call) => call.action === 'sns:Publish')
      .flatMap((call) => impliedCalls(template.toJSON() as CfnTemplate, call.arn));
    expect(recorded.length).toBeGreaterThan(0);
    expect(unusedGrants(model, [...recorded, ...platformUses(model.platformCalls), ...platformUses(implied)])).toEqual([]);
  });
});
