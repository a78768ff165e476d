import { SSMClient } from '@aws-sdk/client-ssm';
import { LOOPBACK_CREDENTIALS } from './dynamodb';

/**
 * Where local mode's collector reads SSM, in DESIGN.md's order: an endpoint given on the
 * command line; else real SSM when AWS credentials and a region are configured; else the
 * built-in simulator. Decided from the options and the environment alone, so nothing reaches
 * the network (not even the credential chain) unless real SSM is chosen.
 */
export type SsmSourceChoice =
  | { readonly kind: 'endpoint'; readonly endpoint: string; readonly region: string; readonly credentials: 'environment' | 'dummy' }
  | { readonly kind: 'aws'; readonly region: string; readonly credentialsFrom: string }
  | { readonly kind: 'simulator'; readonly region: string; readonly reason: string };

export interface SsmSourceInput {
  readonly ssmEndpoint?: string;
  /** --region; falls back to AWS_REGION, then AWS_DEFAULT_REGION. */
  readonly region?: string;
  readonly env: NodeJS.ProcessEnv;
}

/** The Region used when none is configured (the simulator and loopback endpoints only). */
export const DEFAULT_LOCAL_REGION = 'us-east-1';

const set = (value: string | undefined): value is string => value !== undefined && value.trim() !== '';

/** Which credentials the environment configures: keys or a profile (env only; no files are read). */
export function configuredCredentials(env: NodeJS.ProcessEnv): string | undefined {
  if (set(env.AWS_ACCESS_KEY_ID) && set(env.AWS_SECRET_ACCESS_KEY)) return 'AWS_ACCESS_KEY_ID';
  if (set(env.AWS_PROFILE)) return `AWS_PROFILE=${env.AWS_PROFILE}`;
  return undefined;
}

export function configuredRegion(region: string | undefined, env: NodeJS.ProcessEnv): string | undefined {
  if (set(region)) return region;
  if (set(env.AWS_REGION)) return env.AWS_REGION;
  if (set(env.AWS_DEFAULT_REGION)) return env.AWS_DEFAULT_REGION;
  return undefined;
}

export function chooseSsmSource({ ssmEndpoint, region, env }: SsmSourceInput): SsmSourceChoice {
  const resolvedRegion = configuredRegion(region, env);
  const credentials = configuredCredentials(env);
  if (ssmEndpoint !== undefined) {
    return {
      kind: 'endpoint',
      endpoint: ssmEndpoint,
      region: resolvedRegion ?? DEFAULT_LOCAL_REGION,
      credentials: credentials === undefined ? 'dummy' : 'environment',
    };
  }
  if (credentials !== undefined && resolvedRegion !== undefined) {
    return { kind: 'aws', region: resolvedRegion, credentialsFrom: credentials };
  }
  return {
    kind: 'simulator',
    region: resolvedRegion ?? DEFAULT_LOCAL_REGION,
    reason:
      credentials === undefined
        ? 'no AWS credentials in the environment; set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY or AWS_PROFILE, and a Region, to read real SSM'
        : 'no AWS Region configured; set AWS_REGION or AWS_DEFAULT_REGION, or pass --region, to read real SSM',
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

/** One line for the startup text. */
export function describeSsmSource(choice: SsmSourceChoice, simulatorEndpoint?: string): string {
  switch (choice.kind) {
    case 'endpoint':
      return `${choice.endpoint} (--ssm-endpoint, ${choice.region}, ${choice.credentials === 'dummy' ? 'dummy credentials' : 'credentials from the environment'})`;
    case 'aws':
      return `AWS Systems Manager in ${choice.region} (credentials from ${choice.credentialsFrom})`;
    case 'simulator':
      return `the SSM simulator at ${simulatorEndpoint ?? '(not listening)'}`;
  }
}
