import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { listening, readBody, type ServedApi } from '../../lambdas/query/node-http';
import type { Clock } from '../ssm-simulator/clock';
import { accessKeyIdOf, accountOfAccessKeyId, credentialScopeOf } from './credentials';
import { queryParameters, STS_VERSION, StsError, stsErrorResponse, stsResultResponse, type StsHttpResponse } from './protocol';

export interface StsStandInOptions {
  /** The roles that exist, by ARN (an organization's member read roles); addRole adds more. */
  readonly roles?: Iterable<string>;
  /** When set, every role's trust policy requires this ExternalId (sts:ExternalId). */
  readonly externalId?: string;
  /**
   * Who may assume the roles: access key id → the caller's ARN. Absent: any caller. A key not
   * listed is denied, as a principal the roles' trust policies do not name is.
   */
  readonly callers?: Readonly<Record<string, string>>;
  /** Every role's MaxSessionDuration in seconds; default 3,600, IAM's default. */
  readonly maxSessionSeconds?: number;
  /** Where Expiration counts from; default wall time, which the SDK compares it with. */
  readonly clock?: Clock;
}

/** AssumeRole's request parameters, as the wire names them. */
export interface AssumeRoleParameters {
  readonly RoleArn?: string;
  readonly RoleSessionName?: string;
  readonly ExternalId?: string;
  readonly DurationSeconds?: string;
}

/** What the stand-in issued for one access key id. */
export interface IssuedCredentials {
  readonly accessKeyId: string;
  /** The account of the role assumed: the account the key identifies. */
  readonly account: string;
  readonly roleArn: string;
  readonly sessionName: string;
  readonly expiration: Date;
}

/** AssumeRole's answer: the credentials and the assumed-role user they act as. */
export interface AssumedRole extends IssuedCredentials {
  readonly secretAccessKey: string;
  readonly sessionToken: string;
  /** The role's unique id and the session name: AROA…:session. */
  readonly assumedRoleId: string;
  /** arn:aws:sts::account:assumed-role/name/session */
  readonly assumedRoleArn: string;
}

/** AssumeRole calls: every request, the credentials issued, the requests denied, and calls per role ARN. */
export interface AssumeRoleStats {
  calls: number;
  issued: number;
  denied: number;
  byRole: Record<string, number>;
}

const MIN_SESSION_SECONDS = 900;
const MAX_SESSION_SECONDS = 43_200;
const DEFAULT_SESSION_SECONDS = 3_600;
const MAX_BODY_BYTES = 64 * 1024;
/** Named in AccessDenied messages when nothing tells who called. */
const UNKNOWN_CALLER_ACCOUNT = '123456789012';

const ROLE_ARN = /^arn:[\w-]+:iam::(\d{12}):role\/(?:[\w+=,.@/-]*\/)?([\w+=,.@-]{1,64})$/;
const SESSION_NAME = /^[\w+=,.@-]{2,64}$/;
const EXTERNAL_ID = /^[\w+=,.@:/-]{2,1224}$/;
const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/**
 * A local stand-in for AWS STS's AssumeRole, over STS's own Query protocol on loopback, so
 * the real SDK (STSClient, AssumeRoleCommand with `endpoint`) and the AWS CLI assume roles
 * against it. It knows which roles exist, checks ExternalId and the caller when configured,
 * and issues temporary credentials whose access key id identifies the role's account (the
 * SSM simulator routes a call signed with it to that account). Signatures are not checked.
 */
export class StsStandIn {
  private readonly roles = new Set<string>();
  private readonly issuedKeys = new Map<string, IssuedCredentials>();
  private readonly clock: Clock;
  private counts: AssumeRoleStats = { calls: 0, issued: 0, denied: 0, byRole: {} };
  /** Starts at a random point so that two stand-ins in one process rarely issue the same key. */
  private serial = randomBytes(4).readUInt32BE(0);
  private served: ServedApi | undefined;

  constructor(private readonly options: StsStandInOptions = {}) {
    for (const arn of options.roles ?? []) this.addRole(arn);
    this.clock = options.clock ?? { now: () => new Date() };
    const max = options.maxSessionSeconds ?? DEFAULT_SESSION_SECONDS;
    if (!Number.isInteger(max) || max < DEFAULT_SESSION_SECONDS || max > MAX_SESSION_SECONDS) {
      throw new RangeError(`StsStandIn: maxSessionSeconds must be a whole number within ${DEFAULT_SESSION_SECONDS}..${MAX_SESSION_SECONDS}`);
    }
  }

  addRole(roleArn: string): void {
    if (!ROLE_ARN.test(roleArn)) throw new RangeError(`StsStandIn: ${roleArn} is not a role ARN`);
    this.roles.add(roleArn);
  }

  /** Deletes a role, as a member that removed its stack would: assuming it is denied. Returns whether it existed. */
  deleteRole(roleArn: string): boolean {
    return this.roles.delete(roleArn);
  }

  hasRole(roleArn: string): boolean {
    return this.roles.has(roleArn);
  }

  /** Serves STS's Query protocol on 127.0.0.1 (port 0 = any free port). */
  async listen(port = 0): Promise<{ endpoint: string; port: number }> {
    if (this.served !== undefined) throw new Error('The STS stand-in is already listening');
    const server = createServer((req, res) => {
      this.serve(req)
        .catch((error: unknown) => stsErrorResponse(new StsError('InternalFailure', error instanceof Error ? error.message : String(error), 500)))
        .then((response) => send(res, response))
        .catch(() => res.destroy());
    });
    const served = await listening(server, '127.0.0.1', port);
    this.served = served;
    return { endpoint: served.url, port: served.port };
  }

  async close(): Promise<void> {
    const served = this.served;
    this.served = undefined;
    await served?.close();
  }

  /**
   * One AssumeRole, as the server answers it: the credentials, or an StsError (AccessDenied
   * for a role that does not exist, a caller it does not trust or a wrong ExternalId, as AWS
   * answers all three alike; ValidationError for malformed parameters).
   */
  assumeRole(parameters: AssumeRoleParameters, callerAccessKeyId?: string): AssumedRole {
    this.counts.calls++;
    const roleArn = required(parameters.RoleArn, 'roleArn');
    this.counts.byRole[roleArn] = (this.counts.byRole[roleArn] ?? 0) + 1;
    const sessionName = required(parameters.RoleSessionName, 'roleSessionName');
    if (!SESSION_NAME.test(sessionName)) {
      throw validation(`Value '${sessionName}' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]* and have length between 2 and 64`);
    }
    const externalId = parameters.ExternalId;
    if (externalId !== undefined && !EXTERNAL_ID.test(externalId)) {
      throw validation(`Value '${externalId}' at 'externalId' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@:\\/-]* and have length between 2 and 1224`);
    }
    const seconds = this.durationOf(parameters.DurationSeconds);

    const role = ROLE_ARN.exec(roleArn);
    const trusted = this.options.callers === undefined || (callerAccessKeyId !== undefined && callerAccessKeyId in this.options.callers);
    const externalIdMatches = this.options.externalId === undefined || externalId === this.options.externalId;
    if (role === null || !this.roles.has(roleArn) || !trusted || !externalIdMatches) {
      this.counts.denied++;
      throw new StsError('AccessDenied', `User: ${this.callerArn(callerAccessKeyId)} is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`, 403);
    }
    const [, account = '', roleName = ''] = role;
    if (seconds > (this.options.maxSessionSeconds ?? DEFAULT_SESSION_SECONDS)) {
      throw validation('The requested DurationSeconds exceeds the MaxSessionDuration set for this role.', false);
    }

    const accessKeyId = accessKeyIdOf(account, this.nextSerial());
    const now = Math.floor(this.clock.now().getTime() / 1000) * 1000;
    const issued: IssuedCredentials = { accessKeyId, account, roleArn, sessionName, expiration: new Date(now + seconds * 1000) };
    this.issuedKeys.set(accessKeyId, issued);
    this.counts.issued++;
    return {
      ...issued,
      secretAccessKey: randomBytes(30).toString('base64'),
      // Real session tokens are long opaque base64; the length tells nothing, so any will do.
      sessionToken: `IQoJb3JpZ2luX2VjE${randomBytes(240).toString('base64')}`,
      assumedRoleId: `${roleIdOf(roleArn)}:${sessionName}`,
      assumedRoleArn: `arn:${roleArn.split(':')[1] ?? 'aws'}:sts::${account}:assumed-role/${roleName}/${sessionName}`,
    };
  }

  /** What was issued under an access key id; undefined for keys the stand-in never issued. */
  issued(accessKeyId: string): IssuedCredentials | undefined {
    return this.issuedKeys.get(accessKeyId);
  }

  stats(): AssumeRoleStats {
    return { ...this.counts, byRole: { ...this.counts.byRole } };
  }

  resetStats(): void {
    this.counts = { calls: 0, issued: 0, denied: 0, byRole: {} };
  }

  private async serve(req: IncomingMessage): Promise<StsHttpResponse> {
    const body = await readBody(req, MAX_BODY_BYTES);
    if (body === undefined) return stsErrorResponse(new StsError('RequestEntityTooLarge', `Request body over ${MAX_BODY_BYTES} bytes`, 413));
    const params = queryParameters(req.url ?? '/', body.toString('utf8'));
    const action = params.get('Action');
    const version = params.get('Version') ?? STS_VERSION;
    if (action !== 'AssumeRole' || version !== STS_VERSION) {
      return stsErrorResponse(new StsError('InvalidAction', `Could not find operation ${String(action)} for version ${version}`));
    }
    const authorization = req.headers.authorization;
    const caller = credentialScopeOf(typeof authorization === 'string' ? authorization : undefined)?.accessKeyId;
    try {
      const c = this.assumeRole(parametersOf(params), caller);
      return stsResultResponse('AssumeRole', [
        [
          'Credentials',
          [
            ['AccessKeyId', c.accessKeyId],
            ['SecretAccessKey', c.secretAccessKey],
            ['SessionToken', c.sessionToken],
            // As AWS writes it: whole seconds, Z.
            ['Expiration', c.expiration.toISOString().replace(/\.\d{3}Z$/, 'Z')],
          ],
        ],
        [
          'AssumedRoleUser',
          [
            ['AssumedRoleId', c.assumedRoleId],
            ['Arn', c.assumedRoleArn],
          ],
        ],
      ]);
    } catch (error) {
      if (error instanceof StsError) return stsErrorResponse(error);
      throw error;
    }
  }

  private durationOf(value: string | undefined): number {
    if (value === undefined) return DEFAULT_SESSION_SECONDS;
    const seconds = Number(value);
    if (!/^\d+$/.test(value) || seconds < MIN_SESSION_SECONDS || seconds > MAX_SESSION_SECONDS) {
      throw validation(`Value '${value}' at 'durationSeconds' failed to satisfy constraint: Member must have value ${seconds < MIN_SESSION_SECONDS ? `greater than or equal to ${MIN_SESSION_SECONDS}` : `less than or equal to ${MAX_SESSION_SECONDS}`}`);
    }
    return seconds;
  }

  private callerArn(accessKeyId: string | undefined): string {
    const named = accessKeyId === undefined ? undefined : this.options.callers?.[accessKeyId];
    if (named !== undefined) return named;
    const account = (accessKeyId === undefined ? undefined : accountOfAccessKeyId(accessKeyId)) ?? UNKNOWN_CALLER_ACCOUNT;
    return `arn:aws:iam::${account}:user/${accessKeyId ?? 'anonymous'}`;
  }

  private nextSerial(): number {
    this.serial = (this.serial + 1) % 2 ** 39;
    return this.serial;
  }
}

function parametersOf(params: ReadonlyMap<string, string>): AssumeRoleParameters {
  const out: Record<string, string> = {};
  for (const name of ['RoleArn', 'RoleSessionName', 'ExternalId', 'DurationSeconds'] as const) {
    const value = params.get(name);
    if (value !== undefined) out[name] = value;
  }
  return out;
}

function required(value: string | undefined, member: string): string {
  if (value === undefined || value === '') throw validation(`Value null at '${member}' failed to satisfy constraint: Member must not be null`);
  return value;
}

/** STS's ValidationError; constraint violations carry AWS's "1 validation error detected" preamble. */
function validation(detail: string, constraint = true): StsError {
  return new StsError('ValidationError', constraint ? `1 validation error detected: ${detail}` : detail);
}

/** A role's unique id (AROA…), stable for its ARN, as IAM gives each role one at creation. */
function roleIdOf(roleArn: string): string {
  const digest = createHash('sha256').update(roleArn).digest();
  let id = 'AROA';
  for (let i = 0; i < 17; i++) id += BASE32.charAt((digest[i] ?? 0) % 32);
  return id;
}

function send(res: ServerResponse, response: StsHttpResponse): void {
  if (res.headersSent) return;
  res.writeHead(response.statusCode, { ...response.headers, 'Content-Length': Buffer.byteLength(response.body) });
  res.end(response.body);
}
