/**
 * An SSM client for the archive: the deployed query API speaks SSM's JSON protocol on `POST /`,
 * so SSM's own SDK client works against it once its requests are signed for `execute-api`.
 *
 *   const ssm = archiveSsmClient({ endpoint: 'https://abc123.execute-api.eu-west-1.amazonaws.com/' });
 *   const page = await ssm.send(new ListCommandInvocationsCommand({ InstanceId: 'i-0abc', Details: true }));
 *
 * Client-side code: Lambda bundles must not import it.
 */
import { defaultProvider } from '@aws-sdk/credential-provider-node';
import { SSMClient, type SSMClientConfig } from '@aws-sdk/client-ssm';
import { executeApiSigner, regionOfExecuteApiHost, type Credentials } from './execute-api';

export interface ArchiveSsmClientOptions {
  /** The query API's URL (the stack's QueryApiUrl output), or local mode's http://127.0.0.1:3000. */
  readonly endpoint: string;
  /**
   * The API's Region, which the signature names.
   * @default - the Region in an execute-api hostname; required for any other host
   */
  readonly region?: string;
  /**
   * Who signs: needs execute-api:Invoke on the API's routes.
   * @default - the default Node credential chain (environment, profile, SSO, container, instance)
   */
  readonly credentials?: Credentials;
  /** Any other SSMClient setting (retries, request handler, logger...). */
  readonly clientConfig?: Omit<SSMClientConfig, 'endpoint' | 'region' | 'credentials' | 'signer'>;
}

/**
 * An `SSMClient` whose requests go to the archive and are signed for `execute-api` instead of
 * `ssm`, with the SDK's own SigV4 signer (the public `signer` setting: SSMClientConfig's input
 * type has no signing-name setting). Everything else is the SDK's: serialization, retries, the
 * clock-skew-corrected signing time, error types. Send it the read operations the archive
 * answers (ListCommandInvocations, GetCommandInvocation, ListCommands, ...).
 */
export function archiveSsmClient(options: ArchiveSsmClientOptions): SSMClient {
  const region = options.region ?? regionOfExecuteApiHost(new URL(options.endpoint).hostname);
  if (!region) {
    throw new Error(`archiveSsmClient: no region given, and ${options.endpoint} is not an execute-api hostname that names one`);
  }
  // One provider for the client and the signer, so that the chain is resolved (and refreshed) once.
  const credentials = options.credentials ?? defaultProvider();
  return new SSMClient({
    ...options.clientConfig,
    endpoint: options.endpoint,
    region,
    credentials,
    signer: executeApiSigner(region, credentials),
  });
}
