/** A local stand-in for AWS STS: AssumeRole over STS's Query protocol, on loopback. */
export {
  LONG_TERM_KEY_PREFIX,
  TEMPORARY_KEY_PREFIX,
  accessKeyIdOf,
  accountOfAccessKeyId,
  credentialScopeOf,
  type CredentialScope,
} from './credentials';
export { STS_NAMESPACE, STS_VERSION, StsError } from './protocol';
export {
  StsStandIn,
  type AssumeRoleParameters,
  type AssumeRoleStats,
  type AssumedRole,
  type IssuedCredentials,
  type StsStandInOptions,
} from './stand-in';
