// Mutation testing of the archive's core (npm run mutate): does the suite notice when the
// store, the status ranks, the collector, the alerts, the pollers or the SSM protocol readers
// are subtly wrong? Not part of npm test: a full run takes a long time. Report:
// reports/mutation/index.html (and mutation.json); sandboxes under .stryker-tmp/.
//
// One area at a time, keeping each area's results to rerun only what changed:
//   npm run mutate -- --mutate 'lambdas/store/**/*.ts' --incremental --incrementalFile reports/incremental/store.json

// Read by the test processes Stryker starts (they inherit this environment): the contract suites
// run on dynalite only (no Java start per mutant), and the database-backed properties make at
// most 15 runs (test/support/property-runs.ts). npm test runs both engines and every run.
process.env.TEST_DATABASE_ENGINES ??= 'dynalite';
process.env.PROPERTY_RUNS_MAX ??= '15';

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  packageManager: 'npm',
  mutate: [
    'lambdas/store/**/*.ts',
    'lambdas/core/status.ts',
    'lambdas/collector/**/*.ts',
    'lambdas/alerts/**/*.ts',
    'lambdas/polling/**/*.ts',
    'lambdas/ssm-protocol/**/*.ts',
  ],
  testRunner: 'jest',
  jest: {
    projectType: 'custom',
    configFile: 'jest.config.js',
    // Each mutant runs only the test files that import its file, then only the tests that reach it.
    enableFindRelatedTests: true,
    config: {
      // The suites that cannot tell a core mutant from the original, or are too slow to run per
      // mutant: CDK synthesis, the deployed-bundle rehearsal, the cost model, the CLI, local
      // mode's processes. (The simulator's tests stay: it speaks the SSM protocol too.) The IAM
      // call recording is for the conformance check after npm test, not for mutants.
      testPathIgnorePatterns: [
        '/node_modules/',
        '<rootDir>/test/infrastructure/',
        '<rootDir>/test/rehearsal/',
        '<rootDir>/test/bench/',
        '<rootDir>/test/cli/',
        '<rootDir>/test/local/',
        // The same round trip runs on dynalite (ssm-round-trip.test.ts).
        '<rootDir>/test/query/ssm-round-trip-dynamodb-local.test.ts',
      ],
      globalSetup: undefined,
      globalTeardown: undefined,
      setupFilesAfterEnv: [],
      // Node's environment, which skips the rest of a mutant's run once a test has failed, and
      // the quickest test files first, so that the failure comes early.
      testEnvironment: './test/support/stryker/bail-environment.js',
      testSequencer: './test/support/stryker/fast-first-sequencer.js',
    },
  },
  checkers: ['typescript'],
  // The project's compiler options over lambdas/ only: type-checking every mutant against the
  // tests, the CDK app and the bench too kept a core busy for the whole run.
  tsconfigFile: 'test/support/stryker/tsconfig.json',
  typescriptChecker: { prioritizePerformanceOverAccuracy: true },
  coverageAnalysis: 'perTest',
  // Module-level tables and constants (the status ranks, the request readers' patterns) are
  // "static" mutants: each reruns every related test file in full, so they are left out
  // (reported as ignored) unless MUTATE_STATIC=1, for one file at a time:
  //   MUTATE_STATIC=1 npm run mutate -- --mutate lambdas/core/status.ts
  ignoreStatic: process.env.MUTATE_STATIC !== '1',
  concurrency: 2,
  timeoutMS: 20000,
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: 'reports/mutation/index.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  tempDirName: '.stryker-tmp',
  ignorePatterns: ['cdk.out', '.local-data', '.bench', '.aws-calls', 'coverage', 'reports', '.stryker-tmp'],
  cleanTempDir: true,
};
