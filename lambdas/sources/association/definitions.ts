import type { Association } from '@aws-sdk/client-ssm';
import type { ListedDefinition } from '../../core/model';
import { toSsmRecord } from '../../store/stored-fields';
import { listedDefinition } from '../listed-parents';

/**
 * State Manager associations as the archive keeps them: ListAssociations' Association record,
 * field for field (every field of the Association data type in the SSM API reference), one
 * item per AssociationId, as the poller last listed it. It names what the history does not:
 * the association's AssociationName, its document (Name, DocumentVersion), its Targets and
 * ScheduleExpression; and it says the association exists when no execution of it is archived.
 */
export const associationDefinitionFields = [
  'Name', 'InstanceId', 'AssociationId', 'AssociationVersion', 'DocumentVersion', 'Targets', 'LastExecutionDate',
  'Overview', 'ScheduleExpression', 'AssociationName', 'ScheduleOffset', 'Duration', 'TargetMaps',
] as const;

export const associationDefinitionDatePaths = ['LastExecutionDate'] as const;

/** The definition to keep of one listed association; undefined for a record without its id. */
export const listedAssociation = (association: Association): ListedDefinition | undefined =>
  listedDefinition('associationDefinitions', 'AssociationId', association, associationDefinitionFields);

/** The Association record back from a stored definition. */
export const associationFromItem = (item: Readonly<Record<string, unknown>>): Association =>
  toSsmRecord<Association>(item, associationDefinitionDatePaths);
