import { collectedSources, historySources } from '../../lambdas/sources';

/**
 * The kinds are listed twice: with their pollers' listers (historySources) and as the
 * collector needs them (collectedSources), so that the collector's bundle leaves the listers
 * out. The two lists must say the same of every kind but that.
 */
describe('the history kinds', () => {
  it('are the same kinds in the same order in both lists', () => {
    expect(collectedSources.map((source) => source.kind)).toEqual(historySources.map((source) => source.kind));
    expect(new Set(historySources.map((source) => source.kind)).size).toBe(historySources.length);
  });

  it.each(historySources.map((source, index) => [source.kind, source, collectedSources[index]] as const))(
    '%s: the pollers list it, and the collector sees everything of it but the lister',
    (_kind, source, collected) => {
      expect(source.lister).toBeDefined();
      expect(collected).toBeDefined();
      expect(collected?.lister).toBeUndefined();
      const { lister: _lister, ...rest } = source;
      expect(collected).toEqual(rest);
    },
  );
});
