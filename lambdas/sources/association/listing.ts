import { DescribeAssociationExecutionsCommand, ListAssociationsCommand, type Association, type AssociationExecution, type SSMClient } from '@aws-sdk/client-ssm';
import { statusInfo } from '../../core/status';
import { associationStatuses } from './statuses';
import type { ListedPage, ParentLister } from '../../core/model';
import { listedAssociation } from './definitions';
import { ASSOCIATION_DEFINITION_TABLES } from './tables';
import { ListedParents, secondsFilterValue } from '../listed-parents';
import { listNestedPage } from '../nested-listing';

/**
 * State Manager's poller listing. SSM lists association executions only per association, so
 * the listing is nested: ListAssociations (MaxResults 50, the maximum of 1..50) gives the
 * associations, then DescribeAssociationExecutions for each (AssociationId, CreatedTime
 * GREATER_THAN the listing's bound, MaxResults 50, the maximum of 1..50) gives its executions
 * since then, newest first, page after page.
 *
 * One page makes at most CALLS_PER_PAGE (5) SSM calls (listNestedPage). Work items are per
 * association, so an association listed by two pages only costs one more coalesced collection.
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
 * The position is listNestedPage's, with the fields `associations` and `associationsToken`:
 * at most 50 ids (about 2 KB).
 */
export const ASSOCIATION_LISTING_PAGE_SIZE = 50;
export const CALLS_PER_PAGE = 5;

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
  const page = await listNestedPage<Association, AssociationExecution>(
    {
      name: 'association',
      fields: { owners: 'associations', ownersToken: 'associationsToken' },
      callsPerPage: CALLS_PER_PAGE,
      listOwners: async (nextToken) => {
        const { Associations = [], NextToken } = await ssm.send(new ListAssociationsCommand({ MaxResults: ASSOCIATION_LISTING_PAGE_SIZE, NextToken: nextToken }));
        return { owners: Associations, nextToken: NextToken };
      },
      ownerId: (association) => association.AssociationId,
      definition: listedAssociation,
      listExecutions: async (associationId, nextToken) => {
        const { AssociationExecutions = [], NextToken } = await ssm.send(
          new DescribeAssociationExecutionsCommand({ AssociationId: associationId, Filters: filters, MaxResults: ASSOCIATION_LISTING_PAGE_SIZE, NextToken: nextToken }),
        );
        return { executions: AssociationExecutions, nextToken: NextToken };
      },
      isGone,
    },
    position,
  );

  // One work item per association with executions since the bound: its collection reads them all.
  const listed = new ListedParents();
  const sentAt = now.toISOString();
  for (const associationId of new Set(page.executions.map(({ ownerId }) => ownerId))) {
    listed.addItem({ kind: 'association', parentId: associationId, producer: 'poll', sentAt, observations: [], fetch: { scope: 'parent', since: bound } });
  }
  for (const { execution } of page.executions) {
    const created = execution.CreatedTime?.toISOString();
    if (created !== undefined) listed.seen(created, statusInfo(associationStatuses, execution.Status ?? 'Pending').terminal);
  }
  return { ...listed.page(page.next), ...(page.definitions.length > 0 ? { definitions: [...page.definitions] } : {}) };
}

export const associationLister: ParentLister = {
  listingActions: ['ssm:ListAssociations'],
  definitionTables: ASSOCIATION_DEFINITION_TABLES,
  scopedListingActions: [
    { action: 'ssm:DescribeAssociationExecutions', resource: 'arn:${Partition}:ssm:${Region}:${Account}:association/*' },
  ],
  listPage,
};
