import { SSMClient, type SSMClientConfig } from '@aws-sdk/client-ssm';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { memberReadRoleArn, sameScope, scopeName, type SsmScope } from './core/scope';

/** Temporary credentials as the SDK's clients take them. */
export interface MemberCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken: string;
  readonly expiration: Date;
}

export interface MemberSsmOptions {
  /** The archive's own account and Region: read with `homeClient`, no role assumed. */
  readonly home: SsmScope;
  readonly homeClient: SSMClient;
  /** STS, in the archive's Region (regional endpoint: no dependency on us-east-1). */
  readonly sts: Pick<STSClient, 'send'>;
  /** The partition of the member roles' ARNs. */
  readonly partition?: string;
  /** The ExternalId the member roles require, when they require one. */
  readonly externalId?: string;
  /** Names the sessions in the members' CloudTrail: who read their SSM. */
  readonly sessionName: string;
  /** Config for every member's SSMClient (retries, a local endpoint); the Region and credentials are the scope's. */
  readonly clientConfig?: Omit<SSMClientConfig, 'region' | 'credentials'>;
  /** Called once with each member's new client (e.g. to meter its calls). */
  readonly onClient?: (client: SSMClient) => void;
  readonly now?: () => Date;
}

/**
 * Credentials are renewed this long before they expire, so that no call in flight signs with
 * credentials that lapse before SSM checks them.
 */
const RENEW_BEFORE_MS = 5 * 60_000;

/** The session's length: one hour, the most a role allows unless it is configured longer. */
const SESSION_SECONDS = 3_600;

/** A member's read role could not be assumed: the member is broken (its role deleted, its trust changed). */
export class MemberRoleError extends Error {
  constructor(
    readonly scope: SsmScope,
    cause: unknown,
    partition?: string,
  ) {
    super(`cannot assume ${memberReadRoleArn(scope, partition)} to read SSM in ${scopeName(scope)}: ${cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause)}`, { cause });
    this.name = 'MemberRoleError';
  }
}

/**
 * One SSM client per account and Region the archive collects: its own with the function's
 * role, each member's through that member's read role. Credentials are cached per account and
 * Region until shortly before they expire, so a warm function assumes each role about once an
 * hour, however many calls it makes.
 */
export class MemberSsmClients {
  private readonly clients = new Map<string, SSMClient>();
  /** AssumeRole calls in flight, by scope name. */
  private readonly credentials = new Map<string, Promise<MemberCredentials>>();
  /** The last credentials each scope got, until they near expiry. */
  private readonly held = new Map<string, MemberCredentials>();
  private readonly now: () => Date;
  /** AssumeRole calls made (the bench and tests see the cache work). */
  assumed = 0;

  constructor(private readonly options: MemberSsmOptions) {
    this.now = options.now ?? (() => new Date());
  }

  clientFor(scope: SsmScope | undefined): SSMClient {
    if (scope === undefined || sameScope(scope, this.options.home)) return this.options.homeClient;
    const name = scopeName(scope);
    let client = this.clients.get(name);
    if (client === undefined) {
      client = new SSMClient({ ...this.options.clientConfig, region: scope.region, credentials: () => this.credentialsOf(scope) });
      this.options.onClient?.(client);
      this.clients.set(name, client);
    }
    return client;
  }

  /** The member's credentials, assumed once and shared by concurrent callers until they near expiry. */
  credentialsOf(scope: SsmScope): Promise<MemberCredentials> {
    const name = scopeName(scope);
    const held = this.held.get(name);
    if (held !== undefined && held.expiration.getTime() - RENEW_BEFORE_MS > this.now().getTime()) return Promise.resolve(held);
    // One AssumeRole in flight per account and Region, however many callers wait for it.
    return this.credentials.get(name) ?? this.assume(scope);
  }

  private assume(scope: SsmScope): Promise<MemberCredentials> {
    const name = scopeName(scope);
    this.assumed++;
    const pending = this.options.sts
      .send(
        new AssumeRoleCommand({
          RoleArn: memberReadRoleArn(scope, this.options.partition),
          RoleSessionName: this.options.sessionName,
          DurationSeconds: SESSION_SECONDS,
          ...(this.options.externalId !== undefined ? { ExternalId: this.options.externalId } : {}),
        }),
      )
      .then(({ Credentials: c }) => {
        if (c?.AccessKeyId === undefined || c.SecretAccessKey === undefined || c.SessionToken === undefined || c.Expiration === undefined) {
          throw new Error('STS answered AssumeRole without credentials');
        }
        const credentials = { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken, expiration: c.Expiration };
        this.held.set(name, credentials);
        return credentials;
      })
      .catch((error: unknown) => {
        // A failure is not kept: the next call tries again (a role re-created heals the member).
        throw new MemberRoleError(scope, error, this.options.partition);
      })
      .finally(() => {
        if (this.credentials.get(name) === pending) this.credentials.delete(name);
      });
    this.credentials.set(name, pending);
    return pending;
  }
}
