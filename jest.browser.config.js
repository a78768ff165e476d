// The tests that need the Debian packages .ci/run installs: the web console's, in Chromium
// (/usr/bin/chromium, driven by playwright-core; no browser download), and the AWS CLI v2's.
// `npm run test:browser` runs them; the main suite (jest.config.js, *.test.ts) never does.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.browser.ts', '**/*.debian.ts'],
  transform: { '^.+\\.ts$': 'ts-jest' },
  // Local mode and a browser start in each file: a few seconds each on a small machine.
  testTimeout: 60000,
  // Each file starts its own local mode and browser; two at a time keep two cores busy.
  maxWorkers: 2,
  // Each test file's temp folder (screenshots of a normal run among them) is removed after it.
  // These tests record no IAM calls and share no DynamoDB Local, so the main suite's setup and teardown are not needed.
  setupFilesAfterEnv: ['<rootDir>/test/support/temp-dir.ts'],
};
