import fc from 'fast-check';
import { listNestedPage, type NestedListing } from '../../lambdas/sources/nested-listing';

/**
 * The nested listing both State Manager (associations, then each one's executions) and
 * Maintenance Windows (windows, then each one's executions) walk: over a fake SSM whose owners
 * and executions come in pages of any size, and owners deleted after being listed.
 */
interface Owner {
  readonly id: string;
  readonly executions: number;
  /** Deleted between its owners' page and its executions' listing. */
  readonly gone: boolean;
}

function fakeListing(owners: readonly Owner[], ownersPage: number, executionsPage: number, callsPerPage: number) {
  let calls = 0;
  const listing: NestedListing<Owner, string> = {
    name: 'widget',
    fields: { owners: 'widgets', ownersToken: 'widgetsToken' },
    callsPerPage,
    listOwners: async (nextToken) => {
      calls++;
      const start = nextToken === undefined ? 0 : Number(nextToken);
      const end = start + ownersPage;
      return { owners: owners.slice(start, end), ...(end < owners.length ? { nextToken: String(end) } : {}) };
    },
    ownerId: (owner) => owner.id,
    definition: (owner) => ({ table: 'associations', key: { AssociationId: owner.id }, fields: {}, absentFields: [] }),
    listExecutions: async (ownerId, nextToken) => {
      calls++;
      const owner = owners.find((candidate) => candidate.id === ownerId);
      if (owner === undefined || owner.gone) throw Object.assign(new Error('gone'), { name: 'Gone' });
      const start = nextToken === undefined ? 0 : Number(nextToken);
      const end = Math.min(owner.executions, start + executionsPage);
      const executions = Array.from({ length: end - start }, (_, index) => `${ownerId}/${start + index}`);
      return { executions, ...(end < owner.executions ? { nextToken: String(end) } : {}) };
    },
    isGone: (error) => error instanceof Error && error.name === 'Gone',
  };
  return { listing, calls: () => calls };
}

const ownersArbitrary = fc
  .array(fc.record({ executions: fc.nat({ max: 7 }), gone: fc.boolean() }), { maxLength: 12 })
  .map((owners) => owners.map((owner, index) => ({ id: `w-${index}`, ...owner })));

describe('a nested listing, walked page after page from each position it gives', () => {
  it('lists every execution of every owner still there exactly once, and every owner once, within its calls a page', async () => {
    await fc.assert(
      fc.asyncProperty(ownersArbitrary, fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 6 }), async (owners, ownersPage, executionsPage, callsPerPage) => {
        const { listing, calls } = fakeListing(owners, ownersPage, executionsPage, callsPerPage);
        const executions: string[] = [];
        const definitions: string[] = [];
        let position: string | undefined;
        for (let pages = 0; ; pages++) {
          // The listing ends: every page moves on.
          expect(pages).toBeLessThan(200);
          const before = calls();
          const page = await listNestedPage(listing, position);
          expect(calls() - before).toBeLessThanOrEqual(callsPerPage);
          for (const { ownerId, execution } of page.executions) {
            expect(execution.startsWith(`${ownerId}/`)).toBe(true);
            executions.push(execution);
          }
          definitions.push(...page.definitions.map((definition) => String(definition.key.AssociationId)));
          if (page.next === undefined) break;
          position = page.next;
        }
        const expected = owners.filter((owner) => !owner.gone).flatMap((owner) => Array.from({ length: owner.executions }, (_, index) => `${owner.id}/${index}`));
        expect(executions).toEqual(expected);
        expect(definitions).toEqual(owners.map((owner) => owner.id));
      }),
    );
  });

  it("writes its position in the kind's own field names, and reads it back", async () => {
    const { listing } = fakeListing([{ id: 'w-0', executions: 5, gone: false }, { id: 'w-1', executions: 1, gone: false }], 1, 2, 2);
    const first = await listNestedPage(listing, undefined);
    // Character for character: checkpoints hold positions across deployments.
    expect(first.next).toBe('{"widgets":["w-0"],"executionsToken":"2","widgetsToken":"1"}');
    const second = await listNestedPage(listing, first.next);
    // Two calls: the rest of w-0, a page of two and a page of one.
    expect(second.executions.map(({ execution }) => execution)).toEqual(['w-0/2', 'w-0/3', 'w-0/4']);
    // w-0 done; the owners' next page (of one) is listed by the next call.
    expect(second.next).toBe('{"widgets":[],"widgetsToken":"1"}');
  });

  it.each([
    ['not JSON', '{', /widget listing position is not JSON/],
    ['not an object', '"x"', /widget listing position is not a JSON object/],
    ['no owners list', '{"executionsToken":"1"}', /widget listing position has no widgets list/],
    ['an empty owner id', '{"widgets":[""]}', /has no widgets list/],
    ['a bad executions token', '{"widgets":["w-0"],"executionsToken":1}', /bad executionsToken/],
    ['a bad owners token', '{"widgets":[],"widgetsToken":{}}', /bad widgetsToken/],
  ])('refuses a position that is %s, naming the listing', async (_what, position, message) => {
    const { listing } = fakeListing([], 1, 1, 1);
    await expect(listNestedPage(listing, position)).rejects.toThrow(message);
  });
});
