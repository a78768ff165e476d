import { ssmIds } from '../../core/ssm-ids';
import { associationExecutionAlert } from './alert';
import type { AssociationExecution, AssociationExecutionTarget } from '@aws-sdk/client-ssm';
import { statusInfo } from '../../core/status';
import { associationStatuses } from './statuses';
import { mayNotBeVisibleYet, ParentNotFoundError } from '../eventual-consistency';
import { PartialCollectionError, withLister, type ArchiveLookup, type HistorySource, type ListedSource, type Observation, type Producer, type SourceClients, type WorkItem } from '../../core/model';
import { archiveAttributes } from '../../store/record-store';
import { ASSOCIATION_DETAIL_TYPE, INSTANCE_ASSOCIATION_DETAIL_TYPE, parseAssociationEvent } from './events';
import { listAssociationExecutions, listAssociationExecutionTargets } from './fetch';
import { associationLister } from './listing';
import { associationExecutionObservation, associationExecutionTargetObservation } from './records';
import { ASSOCIATION_HISTORY_TABLES } from './tables';

/**
 * One association's collection: however many events named it in a batch, one
 * DescribeAssociationExecutions listing (ceil(executions/50) pages) from the earliest `since`
 * the items ask for (all executions when one asks for no bound), then, for every finished
 * execution in it that the archive does not hold settled yet, ceil(targets/50)
 * DescribeAssociationExecutionTargets pages. Targets of an execution still running are not
 * fetched: its own terminal event comes later.
 */
async function collect(items: readonly WorkItem[], { ssm, archive }: SourceClients, now: () => Date): Promise<Observation[]> {
  const first = items[0];
  if (!first) return [];
  const associationId = first.parentId;
  const producers = new Set<Producer>();
  let since: string | undefined;
  let unbounded = false;
  for (const item of items) {
    if (item.fetch.scope !== 'parent') continue;
    producers.add(item.producer);
    if (item.fetch.since === undefined) unbounded = true;
    else if (since === undefined || item.fetch.since < since) since = item.fetch.since;
  }
  const observations: Observation[] = items.flatMap((item) => item.observations);
  if (producers.size === 0) return observations;

  let executions: AssociationExecution[];
  const targets: AssociationExecutionTarget[] = [];
  const settled = new Set<string>();
  const finished = new Set<string>();
  try {
    executions = await listAssociationExecutions(ssm, associationId, unbounded ? undefined : since);
  } catch (error) {
    if (!(error instanceof ParentNotFoundError) || mayNotBeVisibleYet(items, now())) throw error;
    // Deleted, or older than SSM's memory: the events themselves hold nothing to keep.
    return observations;
  }
  const gathered = (): Observation[] => {
    const observedAt = now();
    const all = [...observations];
    for (const execution of executions) {
      const id = execution.ExecutionId ?? '';
      // Only what is whole: a finished execution without all its targets waits for the retry.
      if (settled.has(id) || (statusInfo(associationStatuses, execution.Status ?? 'Pending').terminal && !finished.has(id))) continue;
      const observation = associationExecutionObservation(execution, { observedAt, producers });
      all.push(finished.has(id) ? { ...observation, settlesChildren: true } : observation);
    }
    for (const target of targets) all.push(associationExecutionTargetObservation(target, { observedAt, producers }));
    return all;
  };
  try {
    for (const execution of executions) {
      if (execution.ExecutionId === undefined || !statusInfo(associationStatuses, execution.Status ?? 'Pending').terminal) continue;
      if (await isSettled(archive, associationId, execution)) {
        settled.add(execution.ExecutionId);
        continue;
      }
      const executionTargets = await listAssociationExecutionTargets(ssm, associationId, execution.ExecutionId);
      targets.push(...executionTargets);
      finished.add(execution.ExecutionId);
    }
  } catch (error) {
    // What is whole so far is stored, settled, and skipped by the retry.
    if (finished.size > 0) throw new PartialCollectionError(gathered(), { cause: error });
    if (!(error instanceof ParentNotFoundError) || mayNotBeVisibleYet(items, now())) throw error;
    return observations;
  }
  return gathered();
}

/**
 * Is this finished execution archived already, as it is now, with all its targets? Then
 * neither it nor its targets need reading or writing again: every instance event of an
 * association names the association only, so without this each one would re-read and
 * rewrite the finished executions of the last hour.
 */
async function isSettled(archive: ArchiveLookup | undefined, associationId: string, execution: AssociationExecution): Promise<boolean> {
  if (archive === undefined || execution.ExecutionId === undefined) return false;
  const stored = await archive.get('associationExecutions', { AssociationId: associationId, ExecutionId: execution.ExecutionId });
  if (stored?.[archiveAttributes.childrenComplete] !== true || stored.Status !== execution.Status) return false;
  // A failure whose alert is not out yet is observed again, so the retry finds the alert pending.
  const alertState = stored[archiveAttributes.alertState];
  return alertState !== 'pending' && alertState !== 'publishing';
}

/** State Manager as the collector needs it: everything but the pollers' lister, which its bundle leaves out. */
export const associationCollection: HistorySource = {
  kind: 'association',
  statuses: associationStatuses,
  alerts: [associationExecutionAlert],
  parentId: ssmIds.associationId,
  eventDetailTypes: [ASSOCIATION_DETAIL_TYPE, INSTANCE_ASSOCIATION_DETAIL_TYPE],
  tables: ASSOCIATION_HISTORY_TABLES,
  // isSettled reads the stored execution before asking SSM for its targets again.
  tablesRead: ['associationExecutions'],
  collectorActions: [],
  scopedCollectorActions: [
    { action: 'ssm:DescribeAssociationExecutions', resource: 'arn:${Partition}:ssm:${Region}:${Account}:association/*' },
    { action: 'ssm:DescribeAssociationExecutionTargets', resource: 'arn:${Partition}:ssm:${Region}:${Account}:association/*' },
  ],
  // Every event names the association alone, and each of a run's nodes sends one: a minute's
  // wait lets one pass read what a whole run's events announce.
  gathering: { delaySeconds: 60 },
  parseEvent: parseAssociationEvent,
  collect,
};

/** State Manager, listed by the pollers too. Pure, so that a bundle that never reads it drops the lister. */
export const associationSource: ListedSource = /* @__PURE__ */ withLister(associationCollection, associationLister);
