import type { ListedDefinition } from '../core/model';

/**
 * A listing SSM nests under owners: State Manager lists executions per association, Maintenance
 * Windows per window. The owners come a page at a time (ListAssociations,
 * DescribeMaintenanceWindows), each page giving their definitions whole; then each owner's
 * executions, page after page. This walks one bounded stretch of it, from a position the
 * poller keeps in its checkpoint.
 *
 * The position is JSON: `{"<owners>": [ids of the current owners page not yet done, the first
 * one being listed], "executionsToken"?: the executions' NextToken inside the first of them,
 * "<ownersToken>"?: the owners' NextToken of the page after}`, the field names the kind's own
 * (checkpoints hold them). Holding the ids rather than re-listing the same owners page keeps the
 * place exact when owners are created or deleted between calls. SSM binds an executions token
 * to its filter: the caller resumes with the same one.
 */
export interface NestedListing<Owner, Execution> {
  /** Names the listing in errors ("association", "maintenance window"). */
  readonly name: string;
  /** The position's field names for the owners' ids and the owners' NextToken. */
  readonly fields: { readonly owners: string; readonly ownersToken: string };
  /** SSM calls one page makes at most (owners' pages and executions' pages alike). */
  readonly callsPerPage: number;
  listOwners(nextToken: string | undefined): Promise<{ readonly owners: readonly Owner[]; readonly nextToken?: string | undefined }>;
  ownerId(owner: Owner): string | undefined;
  /** What the poller keeps of a listed owner, if anything. */
  definition(owner: Owner): ListedDefinition | undefined;
  listExecutions(ownerId: string, nextToken: string | undefined): Promise<{ readonly executions: readonly Execution[]; readonly nextToken?: string | undefined }>;
  /** The error SSM gives for an owner deleted since its page named it: nothing of it is left to list. */
  isGone(error: unknown): boolean;
}

export interface NestedPage<Execution> {
  /** The executions listed, each with the owner it was listed under, in SSM's order. */
  readonly executions: readonly { readonly ownerId: string; readonly execution: Execution }[];
  readonly definitions: readonly ListedDefinition[];
  /** Where the listing goes on; undefined once it is done. */
  readonly next?: string;
}

/** What the position's text depends on. */
type PositionNames = Pick<NestedListing<unknown, unknown>, 'name' | 'fields'>;

interface Place {
  /** Ids of the current owners page not yet fully listed; the first is the one being listed. */
  owners: string[];
  executionsToken?: string;
  ownersToken?: string;
}

function readPosition(listing: PositionNames, position: string): Place {
  const what = `${listing.name} listing position`;
  let parsed: unknown;
  try {
    parsed = JSON.parse(position);
  } catch (error) {
    throw new RangeError(`${what} is not JSON`, { cause: error });
  }
  if (typeof parsed !== 'object' || parsed === null) throw new RangeError(`${what} is not a JSON object`);
  const fields = parsed as Record<string, unknown>;
  const owners = fields[listing.fields.owners];
  const { executionsToken } = fields;
  const ownersToken = fields[listing.fields.ownersToken];
  if (!Array.isArray(owners) || !owners.every((id): id is string => typeof id === 'string' && id.length > 0)) {
    throw new RangeError(`${what} has no ${listing.fields.owners} list`);
  }
  if (executionsToken !== undefined && typeof executionsToken !== 'string') throw new RangeError(`${what}: bad executionsToken`);
  if (ownersToken !== undefined && typeof ownersToken !== 'string') throw new RangeError(`${what}: bad ${listing.fields.ownersToken}`);
  return {
    owners: [...owners],
    ...(executionsToken !== undefined ? { executionsToken } : {}),
    ...(ownersToken !== undefined ? { ownersToken } : {}),
  };
}

function writePosition(listing: PositionNames, place: Place): string {
  return JSON.stringify({
    [listing.fields.owners]: place.owners,
    ...(place.executionsToken !== undefined ? { executionsToken: place.executionsToken } : {}),
    ...(place.ownersToken !== undefined ? { [listing.fields.ownersToken]: place.ownersToken } : {}),
  });
}

/**
 * One page of the nested listing: from `position` (undefined: the start), one owners' page when
 * the owners it holds are done, then one executions' page after another, until `callsPerPage`
 * SSM calls are spent or the listing ends. A page may thus hold no execution (owners without
 * recent ones), and an owner whose executions fill more than one of SSM's pages may be listed
 * by more than one page.
 */
export async function listNestedPage<Owner, Execution>(listing: NestedListing<Owner, Execution>, position: string | undefined): Promise<NestedPage<Execution>> {
  // Undefined before the first owners' call of the whole listing.
  let place: Place | undefined = position === undefined ? undefined : readPosition(listing, position);
  const executions: { ownerId: string; execution: Execution }[] = [];
  const definitions: ListedDefinition[] = [];

  for (let calls = 0; calls < listing.callsPerPage; calls++) {
    if (place === undefined || place.owners.length === 0) {
      if (place !== undefined && place.ownersToken === undefined) break;
      const { owners, nextToken } = await listing.listOwners(place?.ownersToken);
      for (const owner of owners) {
        const definition = listing.definition(owner);
        if (definition !== undefined) definitions.push(definition);
      }
      place = {
        owners: owners.map((owner) => listing.ownerId(owner)).filter((id): id is string => id !== undefined && id !== ''),
        ...(nextToken ? { ownersToken: nextToken } : {}),
      };
      continue;
    }
    const ownerId = place.owners[0] as string;
    let executionsToken: string | undefined;
    try {
      const page = await listing.listExecutions(ownerId, place.executionsToken);
      executionsToken = page.nextToken || undefined;
      for (const execution of page.executions) executions.push({ ownerId, execution });
    } catch (error) {
      if (!listing.isGone(error)) throw error;
    }
    place = {
      // The same owner again from its next page, or the next owner from its first.
      owners: executionsToken !== undefined ? place.owners : place.owners.slice(1),
      ...(executionsToken !== undefined ? { executionsToken } : {}),
      ...(place.ownersToken !== undefined ? { ownersToken: place.ownersToken } : {}),
    };
  }

  const done = place !== undefined && place.owners.length === 0 && place.ownersToken === undefined;
  return {
    executions,
    definitions,
    ...(!done && place !== undefined ? { next: writePosition(listing, place) } : {}),
  };
}
