import { fromEnv } from '@aws-sdk/credential-provider-env';

/**
 * The credentials of a deployed Lambda: its execution role's keys, which Lambda puts in
 * AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN (Lambda developer guide,
 * "Defined runtime environment variables").
 *
 * The Lambda bundles alias `@aws-sdk/credential-provider-node` (the SDK's default chain) to
 * this module (lib/lambda-bundling.ts). The chain's other links (SSO, INI and process files,
 * web identity, instance metadata) never apply inside Lambda, yet they and the STS/SSO clients
 * they embed were a third of the collector bundle (135 KB of 460 KB) and of its cold import.
 * Only the bundles use this: local mode and tests run the SDK's full chain.
 */
export const defaultProvider = (): ReturnType<typeof fromEnv> => fromEnv();
