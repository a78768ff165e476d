// The AWS SDK warns once per process that its releases from January 2027 need Node 22. The
// tests run on this machine's Node 20 (the functions on Lambda's nodejs24.x), so every test
// file and every process a test starts would print it; the SDK's own switch turns it off.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': 'ts-jest' },
  // CDK synthesis and the Java DynamoDB Local start take a few seconds each.
  testTimeout: 60000,
  // Three workers on two cores (jest's default there is one, in band): many suites wait on
  // DynamoDB Local, the simulator over HTTP, the AWS CLI or a process they started, so three
  // keep both cores busy. On this 2-core machine the suite took 392 s in band, 265 s with two
  // workers and 244 s with three; four overloaded it (300 s, and timeouts).
  maxWorkers: 3,
  // Every AWS call the deployed functions' code makes is recorded for the IAM conformance
  // check that runs after the suite (jest.iam.config.js).
  globalSetup: '<rootDir>/test/support/iam/recordings-reset.ts',
  // One DynamoDB Local serves the whole run (test/support/databases.ts); this stops it.
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
  // Each test file's temp folder (CDK's cdk.out folders among them) is removed after it.
  setupFilesAfterEnv: ['<rootDir>/test/support/temp-dir.ts', '<rootDir>/test/support/iam/call-recording.ts'],
};
