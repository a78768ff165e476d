/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { isolatedModules: true }] },
  // CDK synthesis and the Java DynamoDB Local start take a few seconds each.
  testTimeout: 60000,
  // Every AWS call the deployed functions' code makes is recorded for the IAM conformance
  // check that runs after the suite (jest.iam.config.js).
  globalSetup: '<rootDir>/test/support/iam/recordings-reset.ts',
  setupFilesAfterEnv: ['<rootDir>/test/support/iam/call-recording.ts'],
};
