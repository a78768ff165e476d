/**
 * The IAM conformance check: runs after the suite (npm test), over the AWS calls it recorded.
 * @type {import('jest').Config}
 */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test/iam'],
  testMatch: ['**/*.iam.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { isolatedModules: true }] },
  testTimeout: 120000,
};
