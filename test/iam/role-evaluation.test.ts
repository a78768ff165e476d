import type { AwsCall } from '../support/iam/aws-calls';
import { impliedTableKeyCalls, keyPoliciesOf, type CfnTemplate, type DeployedFunctionModel, type PolicyStatement } from '../support/iam/deployed-functions';
import { deniedCalls, unusedGrants } from '../support/iam/role-evaluation';
import { functionModelsOf } from '../support/iam/synthesized-functions';
import { synthesizeSsmHistory } from '../infrastructure/synthesized';
import { tableSchemas } from '../../lambdas/sources/tables';

/**
 * The conformance check itself, on the synthesized roles: what it reports when a grant goes
 * missing (the collector's settle-check GetItem, an SSM read nobody granted) or is one too many.
 */
const { stack, template } = synthesizeSsmHistory();
const models = functionModelsOf(stack, template);
const collector = models.collector;

const settleCheck: AwsCall = {
  fn: 'collector',
  action: 'dynamodb:GetItem',
  resource: { kind: 'env', envVar: tableSchemas.associationExecutions.envVar },
  test: 'test/collector/association-collector.test.ts > settles a finished execution',
};

/** The model with `action` taken out of every statement of its role. */
function without(model: DeployedFunctionModel, action: string): DeployedFunctionModel {
  const strip = (statement: PolicyStatement): PolicyStatement[] => {
    const actions = (typeof statement.Action === 'string' ? [statement.Action] : statement.Action).filter((granted) => granted !== action);
    return actions.length === 0 ? [] : [{ ...statement, Action: actions }];
  };
  return {
    ...model,
    policies: model.policies.map(({ name, document }) => ({ name, document: { ...document, Statement: document.Statement.flatMap(strip) } })),
  };
}

describe('the IAM conformance check', () => {
  const tableArn = `arn:aws:dynamodb:us-east-1:123456789012:table/${collector.environment[tableSchemas.associationExecutions.envVar] ?? ''}`;

  it('allows the collector its settle check on AssociationExecutions, and nothing of the kind on another table', async () => {
    expect(await deniedCalls(models, [settleCheck])).toEqual([]);
    const onCommands: AwsCall = { ...settleCheck, resource: { kind: 'env', envVar: tableSchemas.commands.envVar } };
    expect(await deniedCalls(models, [onCommands])).toEqual([
      expect.stringMatching(/^collector: dynamodb:GetItem on arn:aws:dynamodb:us-east-1:123456789012:table\/\S*Commands\S* is ImplicitlyDenied by its role/),
    ]);
  });

  it('names the function, the action, the resource and the test when the GetItem grant is removed', async () => {
    const denied = await deniedCalls({ ...models, collector: without(collector, 'dynamodb:GetItem') }, [settleCheck]);
    expect(denied).toEqual([`collector: dynamodb:GetItem on ${tableArn} is ImplicitlyDenied by its role (made by ${settleCheck.test})`]);
  });

  it('denies an SSM call that no grant names', async () => {
    const call: AwsCall = {
      fn: 'poller',
      action: 'ssm:DescribeInstanceInformation',
      resource: { kind: 'arn', arn: '*' },
      test: 'a poller that started listing nodes',
    };
    expect(await deniedCalls(models, [call])).toEqual([
      'poller: ssm:DescribeInstanceInformation on * is ImplicitlyDenied by its role (made by a poller that started listing nodes)',
    ]);
  });

  it('reports a grant that no call uses, and is satisfied once a call uses it', () => {
    const grant: PolicyStatement = { Effect: 'Allow', Action: 'dynamodb:Scan', Resource: tableArn };
    const widened: DeployedFunctionModel = {
      ...collector,
      policies: [...collector.policies, { name: 'Extra', document: { Statement: [grant] } }],
    };
    const unused = (used: { action: string; arn: string }[]) => unusedGrants(widened, used).filter((line) => line.includes('dynamodb:Scan'));
    expect(unused([])).toEqual([`collector: dynamodb:Scan on ${tableArn} is granted but no test calls it`]);
    expect(unused([{ action: 'dynamodb:Scan', arn: tableArn }])).toEqual([]);
  });

  describe('on a stack whose tables use a customer managed key', () => {
    const keyed = synthesizeSsmHistory({ history: { tableEncryptionKey: 'create' } });
    const keyedModels = functionModelsOf(keyed.stack, keyed.template);
    const cfn = keyed.template.toJSON() as CfnTemplate;
    const keyedTableArn = `arn:aws:dynamodb:us-east-1:123456789012:table/${keyedModels.collector.environment[tableSchemas.associationExecutions.envVar] ?? ''}`;
    const [keyCall] = impliedTableKeyCalls(cfn, keyedTableArn);
    const decrypt: AwsCall = { ...settleCheck, action: 'kms:Decrypt', resource: { kind: 'arn', arn: keyCall?.arn ?? '' } };

    it('implies kms:Decrypt on the table key for a call on a table, and on nothing for the AWS owned key', () => {
      expect(keyCall).toMatchObject({ action: 'kms:Decrypt', arn: expect.stringMatching(/^arn:aws:kms:us-east-1:123456789012:key\/\S*TableKey/) });
      expect(impliedTableKeyCalls(template.toJSON() as CfnTemplate, tableArn)).toEqual([]);
    });

    it('allows the key use through the key policy, and denies it once the role loses kms:Decrypt or the key policy trusts no one', async () => {
      expect(await deniedCalls(keyedModels, [decrypt], keyPoliciesOf(cfn))).toEqual([]);
      expect(await deniedCalls({ ...keyedModels, collector: without(keyedModels.collector, 'kms:Decrypt') }, [decrypt], keyPoliciesOf(cfn))).toEqual([
        `collector: kms:Decrypt on ${decrypt.resource.kind === 'arn' ? decrypt.resource.arn : ''} is ImplicitlyDenied by its role (made by ${settleCheck.test})`,
      ]);
      expect(await deniedCalls(keyedModels, [decrypt], () => ({ Version: '2012-10-17', Statement: [] }))).toHaveLength(1);
    });
  });
});
