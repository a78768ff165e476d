import { SSMClient } from '@aws-sdk/client-ssm';
import { UsageError, type SsmSourceName } from './arguments';
import { LOOPBACK_CREDENTIALS } from './dynamodb';

/**
 * Where local mode's collector reads SSM: the built-in simulator unless the command line asks
 * for another source, with `--ssm aws` (real SSM) or `--ssm-endpoint` (another SSM-compatible
 * endpoint). Credentials in the environment never choose it: the AWS CLI needs some to talk
 * to local mode itself, and a local run must not reach an account by accident. Decided from
 * the options and the environment alone, so nothing reaches the network (not even the
 * credential chain) unless real SSM is asked for.
 */
export type SsmSourceChoice =
  | { readonly kind: 'endpoint'; readonly endpoint: string; readonly region: string; readonly credentials: 'environment' | 'dummy' }
  | { readonly kind: 'aws'; readonly region: string; readonly regionFrom: string; readonly credentialsFrom: string }
  | { readonly kind: 'simulator'; readonly region: string; readonly reason: string };

export interface SsmSourceInput {
  /** --ssm; undefined: not given (the simulator, unless --ssm-endpoint is). */
  readonly ssm?: SsmSourceName;
  readonly ssmEndpoint?: string;
  /** --region; falls back to AWS_REGION, then AWS_DEFAULT_REGION. */
  readonly region?: string;
  readonly env: NodeJS.ProcessEnv;
}

/** The Region used when none is configured (the simulator and other endpoints only). */
export const DEFAULT_LOCAL_REGION = 'us-east-1';

const set = (value: string | undefined): value is string => value !== undefined && value.trim() !== '';

/**
 * Which credentials the environment configures, in the SDK's order (a profile wins over keys,
 * as the SDK's default chain does); env only, no files are read.
 */
export function configuredCredentials(env: NodeJS.ProcessEnv): string | undefined {
  if (set(env.AWS_PROFILE)) return `AWS_PROFILE=${env.AWS_PROFILE}`;
  if (set(env.AWS_ACCESS_KEY_ID) && set(env.AWS_SECRET_ACCESS_KEY)) return 'AWS_ACCESS_KEY_ID';
  return undefined;
}

/** The Region and where it was configured: --region, then AWS_REGION, then AWS_DEFAULT_REGION. */
function configuredRegionFrom(region: string | undefined, env: NodeJS.ProcessEnv): { region: string; from: string } | undefined {
  if (set(region)) return { region, from: '--region' };
  if (set(env.AWS_REGION)) return { region: env.AWS_REGION, from: 'AWS_REGION' };
  if (set(env.AWS_DEFAULT_REGION)) return { region: env.AWS_DEFAULT_REGION, from: 'AWS_DEFAULT_REGION' };
  return undefined;
}

/** Throws a UsageError for options that contradict each other or a Region real SSM lacks. */
export function chooseSsmSource({ ssm, ssmEndpoint, region, env }: SsmSourceInput): SsmSourceChoice {
  const configured = configuredRegionFrom(region, env);
  const credentials = configuredCredentials(env);
  if (ssmEndpoint !== undefined) {
    if (ssm !== undefined) {
      throw new UsageError(
        `--ssm ${ssm} and --ssm-endpoint both choose where SSM is read: pass --ssm-endpoint alone for another endpoint, or --ssm alone`,
      );
    }
    return {
      kind: 'endpoint',
      endpoint: ssmEndpoint,
      region: configured?.region ?? DEFAULT_LOCAL_REGION,
      credentials: credentials === undefined ? 'dummy' : 'environment',
    };
  }
  if (ssm === 'aws') {
    if (configured === undefined) {
      throw new UsageError('--ssm aws needs an AWS Region: pass --region (e.g. --region eu-west-1), or set AWS_REGION or AWS_DEFAULT_REGION');
    }
    return {
      kind: 'aws',
      region: configured.region,
      regionFrom: configured.from,
      // Without credentials in the environment the SDK's chain looks further (files, SSO, a role).
      credentialsFrom: credentials ?? "the AWS SDK's default chain (shared config and credentials files, SSO, an instance or container role)",
    };
  }
  return {
    kind: 'simulator',
    region: configured?.region ?? DEFAULT_LOCAL_REGION,
    reason: ssm === 'simulator' ? '--ssm simulator' : 'default; pass --ssm aws to read real SSM',
  };
}

/** The collector's SSM client for a choice; the simulator's endpoint is passed once it listens. */
export function createSsmClient(choice: SsmSourceChoice, simulatorEndpoint?: string): SSMClient {
  // Adaptive retries, as the deployed collector: SSM's read APIs throttle per account.
  const retries = { retryMode: 'adaptive', maxAttempts: 6 } as const;
  switch (choice.kind) {
    case 'aws':
      return new SSMClient({ region: choice.region, ...retries });
    case 'endpoint':
      return new SSMClient({
        region: choice.region,
        endpoint: choice.endpoint,
        ...(choice.credentials === 'dummy' ? { credentials: LOOPBACK_CREDENTIALS } : {}),
        ...retries,
      });
    case 'simulator':
      if (simulatorEndpoint === undefined) throw new Error('createSsmClient: the simulator is not listening yet');
      return new SSMClient({ region: choice.region, endpoint: simulatorEndpoint, credentials: LOOPBACK_CREDENTIALS, ...retries });
  }
}

/** For the startup text: which SSM is read, and why that one. */
export function describeSsmSource(choice: SsmSourceChoice, simulatorEndpoint?: string): { description: string; reason: string } {
  switch (choice.kind) {
    case 'endpoint':
      return {
        description: choice.endpoint,
        reason: `--ssm-endpoint; ${choice.region}, ${choice.credentials === 'dummy' ? 'dummy credentials' : 'credentials from the environment'}`,
      };
    case 'aws':
      return {
        description: `AWS Systems Manager in ${choice.region}`,
        reason: `--ssm aws; Region from ${choice.regionFrom}, credentials from ${choice.credentialsFrom}`,
      };
    case 'simulator':
      return { description: `the SSM simulator at ${simulatorEndpoint ?? '(not listening)'}`, reason: choice.reason };
  }
}
