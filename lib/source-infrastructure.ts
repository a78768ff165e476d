import type { HistorySource, ScopedAction } from '../lambdas/core/model';
import { archiveTableId, type ArchiveTableId as TableId } from '../lambdas/sources/tables';

/**
 * What the infrastructure needs to know about one history kind: the events to route, the
 * tables it writes and the SSM actions its collector calls. Constructs take this slice
 * rather than whole sources, so tests can hand them a made-up kind.
 */
export type SourceInfrastructure = Pick<
  HistorySource,
  'kind' | 'eventDetailTypes' | 'eventDetailPattern' | 'gathering' | 'tables' | 'tablesRead' | 'collectorActions' | 'scopedCollectorActions'
> & {
  /** The pollers' listing actions (HistorySource.lister), when the kind is polled. */
  readonly lister?: Pick<NonNullable<HistorySource['lister']>, 'listingActions' | 'scopedListingActions' | 'definitionTables'>;
};

const unique = <T>(values: Iterable<T>): T[] => [...new Set(values)];

/** EventBridge detail-types (source aws.ssm) of the kinds whose events match on detail-type alone, each once, in source order. */
export function eventDetailTypesOf(sources: readonly SourceInfrastructure[]): string[] {
  return unique(sources.filter((source) => source.eventDetailPattern === undefined).flatMap((source) => source.eventDetailTypes));
}

/**
 * The longest delivery delay the gathered kinds ask for (HistorySource.gathering), in seconds;
 * undefined when no kind gathers its events.
 */
export function gatheringDelayOf(sources: readonly SourceInfrastructure[]): number | undefined {
  const delays = sources.flatMap((source) => (source.gathering === undefined ? [] : [source.gathering.delaySeconds]));
  return delays.length === 0 ? undefined : Math.max(...delays);
}

/** The tables the kinds write, each once. */
export function tablesWrittenBy(sources: readonly SourceInfrastructure[]): TableId[] {
  return unique(sources.flatMap((source) => source.tables.map(archiveTableId)));
}

/** The tables the pollers keep the listed definitions in (associations, windows), each once. */
export function definitionTablesOf(sources: readonly SourceInfrastructure[]): TableId[] {
  return unique(sources.flatMap((source) => (source.lister?.definitionTables ?? []).map(archiveTableId)));
}

/** The tables the kinds read items of by key, each once. */
export function tablesReadBy(sources: readonly SourceInfrastructure[]): TableId[] {
  return unique(sources.flatMap((source) => (source.tablesRead ?? []).map(archiveTableId)));
}

/** One exact IAM action such as `ssm:ListCommands`: a service prefix and a name, no wildcard. */
const exactSsmAction = /^ssm:[A-Z][A-Za-z]+$/;

/**
 * SSM read actions for which the Service Authorization Reference
 * (docs.aws.amazon.com/service-authorization/latest/reference/list_awssystemsmanager.html)
 * lists no resource type, so IAM can grant them only on Resource "*". Actions that do take
 * resource ARNs, such as ssm:GetAutomationExecution or
 * ssm:DescribeAssociationExecutions, are deliberately absent: they need scoped statements.
 */
export const ssmReadActionsWithoutResourceTypes: ReadonlySet<string> = new Set([
  'ssm:ListCommands',
  'ssm:ListCommandInvocations',
  'ssm:GetCommandInvocation',
  'ssm:DescribeAutomationExecutions',
  'ssm:ListAssociations',
  'ssm:DescribeMaintenanceWindows',
  'ssm:DescribeMaintenanceWindowExecutionTasks',
  'ssm:DescribeMaintenanceWindowExecutionTaskInvocations',
  'ssm:GetMaintenanceWindowExecution',
  'ssm:GetMaintenanceWindowExecutionTask',
  'ssm:GetMaintenanceWindowExecutionTaskInvocation',
  'ssm:DescribeInstanceInformation',
  'ssm:DescribeSessions',
]);

/**
 * The SSM actions the collector needs on Resource "*": the union of the kinds'
 * `collectorActions`, sorted. Throws on anything else, so a kind cannot widen the collector's
 * role by accident: not with a wildcard (`ssm:Get*` would include GetParameter and thus
 * secrets), another service, a write such as ssm:SendCommand, or an action that takes
 * resource ARNs and must be granted on them instead.
 */
export function collectorActionsOf(sources: readonly SourceInfrastructure[]): string[] {
  return ssmActionsOnAnyResource('collectorActions', sources.flatMap((source) => source.collectorActions));
}

/** The SSM listing actions the pollers need on Resource "*", checked as collectorActionsOf's. */
export function listingActionsOf(sources: readonly SourceInfrastructure[]): string[] {
  return ssmActionsOnAnyResource('listingActions', sources.flatMap((source) => source.lister?.listingActions ?? []));
}

/**
 * The SSM actions on Resource "*" that the collector and the pollers both call in a member
 * account (its read role grants them): collectorActionsOf and listingActionsOf together, each
 * once, sorted, checked as they are.
 */
export function memberReadActionsOf(sources: readonly SourceInfrastructure[]): string[] {
  return unique([...collectorActionsOf(sources), ...listingActionsOf(sources)]).sort();
}

function ssmActionsOnAnyResource(what: string, requested: readonly string[]): string[] {
  const actions = unique(requested);
  const inexact = actions.filter((action) => !exactSsmAction.test(action));
  if (inexact.length > 0) {
    throw new Error(`${what} must be exact ssm: actions without wildcards, got: ${inexact.join(', ')}`);
  }
  const scopable = actions.filter((action) => !ssmReadActionsWithoutResourceTypes.has(action));
  if (scopable.length > 0) {
    throw new Error(
      `${what} ${scopable.join(', ')} are not SSM read actions without resource types; ` +
        'grant them on their resource ARNs in a scoped statement (see ssmReadActionsWithoutResourceTypes)',
    );
  }
  return actions.sort();
}

/**
 * SSM read actions that take resource ARNs (Service Authorization Reference), with the one
 * resource type each may be granted on. A scoped action outside this
 * table, or on another resource type, is refused.
 */
export const ssmReadActionsWithResourceTypes: ReadonlyMap<string, string> = new Map([
  ['ssm:GetAutomationExecution', 'automation-execution'],
  ['ssm:DescribeAutomationStepExecutions', 'automation-execution'],
  ['ssm:DescribeAssociation', 'association'],
  ['ssm:DescribeAssociationExecutions', 'association'],
  ['ssm:DescribeAssociationExecutionTargets', 'association'],
  ['ssm:DescribeMaintenanceWindowExecutions', 'maintenancewindow'],
]);

/** A scoped resource pattern: this stack's partition, Region and account, one SSM resource type, its "/*". */
const scopedResource = /^arn:\$\{Partition\}:ssm:\$\{Region\}:\$\{Account\}:([a-z-]+)\/\*$/;

/** One scoped grant: the actions allowed on one resource pattern. */
export interface ScopedGrant {
  readonly resource: string;
  readonly actions: readonly string[];
}

/**
 * The SSM actions the collector needs on resource ARNs, grouped by resource pattern (one
 * statement each), sorted. Throws on an action that is not a read action taking that resource
 * type, or on a pattern that is not exactly this stack's `<type>/*`.
 */
export function scopedCollectorActionsOf(sources: readonly SourceInfrastructure[]): ScopedGrant[] {
  return scopedGrantsOf('scopedCollectorActions', sources.flatMap((source): readonly ScopedAction[] => source.scopedCollectorActions ?? []));
}

/** The SSM listing actions the pollers need on resource ARNs, grouped and checked as scopedCollectorActionsOf's. */
export function scopedListingActionsOf(sources: readonly SourceInfrastructure[]): ScopedGrant[] {
  return scopedGrantsOf('scopedListingActions', sources.flatMap((source): readonly ScopedAction[] => source.lister?.scopedListingActions ?? []));
}

/** The member read role's SSM actions on resource ARNs: the collector's and the pollers' scoped actions, grouped and checked as theirs. */
export function scopedMemberReadActionsOf(sources: readonly SourceInfrastructure[]): ScopedGrant[] {
  return scopedGrantsOf(
    'scoped read actions',
    sources.flatMap((source): readonly ScopedAction[] => [...(source.scopedCollectorActions ?? []), ...(source.lister?.scopedListingActions ?? [])]),
  );
}

function scopedGrantsOf(what: string, requested: readonly ScopedAction[]): ScopedGrant[] {
  const byResource = new Map<string, Set<string>>();
  for (const { action, resource } of requested) {
    const type = scopedResource.exec(resource)?.[1];
    if (type === undefined) {
      throw new Error(
        `${what} resource must be arn:\${Partition}:ssm:\${Region}:\${Account}:<type>/*, got: ${resource}`,
      );
    }
    if (ssmReadActionsWithResourceTypes.get(action) !== type) {
      throw new Error(`${what}: ${action} is not an SSM read action on ${type} resources`);
    }
    const actions = byResource.get(resource) ?? new Set<string>();
    actions.add(action);
    byResource.set(resource, actions);
  }
  return [...byResource]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([resource, actions]) => ({ resource, actions: [...actions].sort() }));
}
