// @ts-check
/**
 * The Jest test sequencer of the mutation run (stryker.config.mjs), never of npm test: a file
 * that failed last time first (it likely kills the next mutant too), then the quickest files,
 * where Jest's own runs the slowest first. With the bail environment, a mutant's run stops at
 * its first failing test, so a quick unit test that kills it saves the integration suites'
 * set-up.
 */
const Sequencer = require('@jest/test-sequencer').default;

class FastFirstSequencer extends Sequencer {
  /** @param {import('@jest/test-result').Test[]} tests */
  sort(tests) {
    /** @type {Record<string, number>} */
    const sizes = {};
    /** @param {import('@jest/test-result').Test} test */
    const size = (test) => (sizes[test.path] ??= test.context.hasteFS.getSize(test.path) ?? 0);
    for (const test of tests) test.duration = this.time(test);
    return [...tests].sort((a, b) => {
      const failedA = this.hasFailed(a);
      if (failedA !== this.hasFailed(b)) return failedA ? -1 : 1;
      if ((a.duration != null) !== (b.duration != null)) return a.duration != null ? -1 : 1;
      if (a.duration != null && b.duration != null && a.duration !== b.duration) return a.duration - b.duration;
      return size(a) - size(b);
    });
  }
}

module.exports = FastFirstSequencer;
