// @ts-check
/**
 * The Jest test environment of the mutation run (stryker.config.mjs), never of npm test: Node's,
 * except that once a test fails while a mutant is active, the rest of that mutant's run is
 * skipped, test files and their beforeAll hooks included. The mutant is killed already, and
 * Jest cannot bail when it is run programmatically, as Stryker runs it. Without an active
 * mutant (Stryker's initial run) every test runs.
 */
const { TestEnvironment } = require('jest-environment-node');

/** The mutant whose run has seen a failure. Module state: one test runner process runs one mutant at a time, its test files in band. */
let killedMutant;

class BailOnceKilledEnvironment extends TestEnvironment {
  /** @param {{ name: string, describeBlock?: { mode?: string }, test?: { mode?: string, errors: unknown[] } }} event */
  async handleTestEvent(event) {
    const mutant = process.env.__STRYKER_ACTIVE_MUTANT__;
    if (mutant === undefined) return;
    if (event.name === 'test_done' && event.test && event.test.errors.length > 0) {
      // A failed test, whatever failed in it (its body, a hook, the beforeAll its describe
      // shares). Not on hook_failure itself: a failed beforeAll only fails its tests as they
      // come, and skipping them would hide the failure.
      killedMutant = mutant;
    } else if (killedMutant === mutant) {
      if (event.name === 'run_describe_start' && event.describeBlock) event.describeBlock.mode = 'skip';
      if (event.name === 'test_start' && event.test) event.test.mode = 'skip';
    }
  }
}

module.exports = BailOnceKilledEnvironment;
