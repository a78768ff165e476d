import { DescribeAssociationExecutionsCommand, ListAssociationsCommand, type SSMClient } from '@aws-sdk/client-ssm';
import { statusInfo } from '../../core/status';
import { associationStatuses } from './statuses';
import type { ListedDefinition, ListedPage, ParentLister, WorkItem } from '../../core/model';
import { listedAssociation } from './definitions';
import { ASSOCIATION_DEFINITION_TABLES } from './tables';
import { earlier, secondsFilterValue } from '../listed-parents';

/**
 * State Manager's poller listing. SSM lists association executions only per association, so
 * the listing is nested: ListAssociations (MaxResults 50, the maximum of 1..50) gives the
 * associations, then DescribeAssociationExecutions for each (AssociationId, CreatedTime
 * GREATER_THAN the listing's bound, MaxResults 50, the maximum of 1..50) gives its executions
 * since then, newest first, page after page.
 *
 * One listPage call makes at most CALLS_PER_PAGE (5) SSM calls: it goes on from its position
 * (one ListAssociations page when the associations it holds are done, then one
 * DescribeAssociationExecutions page after another) until the budget is spent or the listing
 * ends. A page may thus hold no item (associations without recent executions), and an
 * association whose recent executions fill more than one inner page may be listed by two
 * calls: work items are per association, so that only costs one more coalesced collection.
 *
 * The bound: SSM's CreatedTime filter is strict (GREATER_THAN) and takes a time to the second,
 * so the listing asks for executions created after `since` cut to the second minus one second,
 * which holds every execution created at or after `since` (and at most two seconds more). Each
 * work item asks the collector for the association's executions since that same bound, so it
 * reads exactly what the listing saw.
 *
 * Each ListAssociations page also gives the associations' definitions whole (ListedPage
 * definitions): the poller keeps them, so that an association is known, and named, before or
 * without any execution, at no extra SSM call.
 *
 * The position is JSON: `{"associations": [ids of the current ListAssociations page not yet
 * done, the first one being listed], "executionsToken"?: DescribeAssociationExecutions
 * NextToken inside the first of them, "associationsToken"?: ListAssociations NextToken of the
 * page after}`: at most 50 ids (about 2 KB). Holding the ids rather than re-listing the same
 * ListAssociations page keeps the place exact when associations are created or deleted between
 * calls. SSM binds the executions token to the same filter: resume with the same `since`.
 */
export const ASSOCIATION_LISTING_PAGE_SIZE = 50;
export const CALLS_PER_PAGE = 5;

interface Place {
  /** Ids of the current associations page not yet fully listed; the first is the one being listed. */
  associations: string[];
  executionsToken?: string;
  associationsToken?: string;
}

function readPosition(position: string): Place {
  let parsed: unknown;
  try {
    parsed = JSON.parse(position);
  } catch (error) {
    throw new RangeError('association listing position is not JSON', { cause: error });
  }
  if (typeof parsed !== 'object' || parsed === null) throw new RangeError('association listing position is not a JSON object');
  const { associations, executionsToken, associationsToken } = parsed as Record<string, unknown>;
  if (!Array.isArray(associations) || !associations.every((id): id is string => typeof id === 'string' && id.length > 0)) {
    throw new RangeError('association listing position has no associations list');
  }
  if (executionsToken !== undefined && typeof executionsToken !== 'string') throw new RangeError('association listing position: bad executionsToken');
  if (associationsToken !== undefined && typeof associationsToken !== 'string') throw new RangeError('association listing position: bad associationsToken');
  return {
    associations: [...associations],
    ...(executionsToken !== undefined ? { executionsToken } : {}),
    ...(associationsToken !== undefined ? { associationsToken } : {}),
  };
}

function writePosition(place: Place): string {
  return JSON.stringify({
    associations: place.associations,
    ...(place.executionsToken !== undefined ? { executionsToken: place.executionsToken } : {}),
    ...(place.associationsToken !== undefined ? { associationsToken: place.associationsToken } : {}),
  });
}

/** `since` cut to the second, minus one second: the strict CreatedTime bound that keeps `since` itself. */
function listingBound(since: string): string {
  const ms = Date.parse(since);
  if (Number.isNaN(ms)) throw new RangeError(`not an ISO 8601 time: ${since}`);
  return new Date(Math.floor(ms / 1000) * 1000 - 1000).toISOString();
}

const isGone = (error: unknown): boolean => error instanceof Error && error.name === 'AssociationDoesNotExist';

async function listPage(ssm: SSMClient, since: string, position: string | undefined, now: Date): Promise<ListedPage> {
  const bound = listingBound(since);
  const filters = [{ Key: 'CreatedTime' as const, Value: secondsFilterValue(bound), Type: 'GREATER_THAN' as const }];
  // Undefined before the first ListAssociations call of the whole listing.
  let place: Place | undefined = position === undefined ? undefined : readPosition(position);
  const listed = new Set<string>();
  const definitions: ListedDefinition[] = [];
  let oldestSeen: string | undefined;
  let earliestRunning: string | undefined;

  for (let calls = 0; calls < CALLS_PER_PAGE; calls++) {
    if (place === undefined || place.associations.length === 0) {
      if (place !== undefined && place.associationsToken === undefined) break;
      const { Associations = [], NextToken } = await ssm.send(
        new ListAssociationsCommand({ MaxResults: ASSOCIATION_LISTING_PAGE_SIZE, NextToken: place?.associationsToken }),
      );
      for (const association of Associations) {
        const definition = listedAssociation(association);
        if (definition !== undefined) definitions.push(definition);
      }
      place = {
        associations: Associations.map((association) => association.AssociationId).filter((id): id is string => id !== undefined && id !== ''),
        ...(NextToken ? { associationsToken: NextToken } : {}),
      };
      continue;
    }
    const associationId = place.associations[0] as string;
    let executionsToken: string | undefined;
    try {
      const { AssociationExecutions = [], NextToken } = await ssm.send(
        new DescribeAssociationExecutionsCommand({
          AssociationId: associationId,
          Filters: filters,
          MaxResults: ASSOCIATION_LISTING_PAGE_SIZE,
          NextToken: place.executionsToken,
        }),
      );
      executionsToken = NextToken || undefined;
      for (const execution of AssociationExecutions) {
        listed.add(associationId);
        const created = execution.CreatedTime?.toISOString();
        if (created === undefined) continue;
        oldestSeen = earlier(oldestSeen, created);
        if (!statusInfo(associationStatuses, execution.Status ?? 'Pending').terminal) earliestRunning = earlier(earliestRunning, created);
      }
    } catch (error) {
      // Deleted since ListAssociations named it: nothing of it is left to list.
      if (!isGone(error)) throw error;
    }
    place = {
      // The same association again from its next page, or the next association from its first.
      associations: executionsToken !== undefined ? place.associations : place.associations.slice(1),
      ...(executionsToken !== undefined ? { executionsToken } : {}),
      ...(place.associationsToken !== undefined ? { associationsToken: place.associationsToken } : {}),
    };
  }

  const sentAt = now.toISOString();
  const items: WorkItem[] = [...listed].map((associationId) => ({
    kind: 'association',
    parentId: associationId,
    producer: 'poll',
    sentAt,
    observations: [],
    fetch: { scope: 'parent', since: bound },
  }));
  const done = place !== undefined && place.associations.length === 0 && place.associationsToken === undefined;
  return {
    items,
    ...(!done && place !== undefined ? { next: writePosition(place) } : {}),
    ...(oldestSeen !== undefined ? { oldestSeen } : {}),
    ...(earliestRunning !== undefined ? { earliestRunning } : {}),
    ...(definitions.length > 0 ? { definitions } : {}),
  };
}

export const associationLister: ParentLister = {
  listingActions: ['ssm:ListAssociations'],
  definitionTables: ASSOCIATION_DEFINITION_TABLES,
  scopedListingActions: [
    { action: 'ssm:DescribeAssociationExecutions', resource: 'arn:${Partition}:ssm:${Region}:${Account}:association/*' },
  ],
  listPage,
};
