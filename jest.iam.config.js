// As in jest.config.js: the SDK's Node 22 notice is off for the tests' Node 20.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

/**
 * The IAM conformance check: runs after the suite (npm test), over the AWS calls it recorded.
 * @type {import('jest').Config}
 */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test/iam'],
  testMatch: ['**/*.iam.ts'],
  transform: { '^.+\\.ts$': 'ts-jest' },
  testTimeout: 120000,
};
