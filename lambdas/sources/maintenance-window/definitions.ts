import type { MaintenanceWindowIdentity } from '@aws-sdk/client-ssm';
import type { ListedDefinition } from '../../core/model';
import { toSsmRecord } from '../../store/stored-fields';
import { listedDefinition } from '../listed-parents';

/**
 * Maintenance windows as the archive keeps them: DescribeMaintenanceWindows'
 * MaintenanceWindowIdentity record, field for field (every field of that data type in the SSM
 * API reference), one item per WindowId, as the poller last listed it. It names what the
 * history does not (the window's Name, Schedule, Duration, Cutoff, Enabled), and says the
 * window exists when no execution of it is archived. Its times (StartDate, EndDate,
 * NextExecutionTime) are strings in SSM's own model, kept as SSM wrote them.
 */
export const maintenanceWindowDefinitionFields = [
  'WindowId', 'Name', 'Description', 'Enabled', 'Duration', 'Cutoff', 'Schedule', 'ScheduleTimezone', 'ScheduleOffset',
  'EndDate', 'StartDate', 'NextExecutionTime',
] as const;

/** The definition to keep of one listed window; undefined for a record without its id. */
export const listedMaintenanceWindow = (window: MaintenanceWindowIdentity): ListedDefinition | undefined =>
  listedDefinition('maintenanceWindowDefinitions', 'WindowId', window, maintenanceWindowDefinitionFields);

/** The MaintenanceWindowIdentity record back from a stored definition. */
export const maintenanceWindowFromItem = (item: Readonly<Record<string, unknown>>): MaintenanceWindowIdentity =>
  toSsmRecord<MaintenanceWindowIdentity>(item, []);
