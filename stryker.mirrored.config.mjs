// The rest of the core (alerts, pollers, SSM protocol) against the test folders that mirror it
// (and the handlers): a lower bound on what the whole suite kills, in a fraction of the time.
import base from './stryker.config.mjs';

export default {
  ...base,
  mutate: ['lambdas/alerts/**/*.ts', 'lambdas/polling/**/*.ts', 'lambdas/ssm-protocol/**/*.ts'],
  jest: {
    ...base.jest,
    config: { ...base.jest.config, testMatch: ['<rootDir>/test/{alerts,polling,ssm-protocol,handlers}/**/*.test.ts'] },
  },
};
