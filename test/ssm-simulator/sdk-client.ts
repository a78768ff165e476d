import { SSMClient } from '@aws-sdk/client-ssm';

/** A real SDK client pointed at the simulator, with dummy credentials (nothing is verified). */
export function ssmClient(endpoint: string, maxAttempts = 3): SSMClient {
  return new SSMClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
    maxAttempts,
  });
}

/** Drops the SDK's response metadata so outputs compare to simulator records. */
export function withoutMetadata<T extends { $metadata?: unknown }>(output: T): Omit<T, '$metadata'> {
  const { $metadata: _ignored, ...rest } = output;
  return rest;
}
