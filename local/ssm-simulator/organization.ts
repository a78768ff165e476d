import type { JsonObject } from '../../lambdas/ssm-protocol/input';
import { SsmError } from '../../lambdas/ssm-protocol/errors';
import { isAccountId, isRegionName, MEMBER_NOTIFICATION_TOPIC_NAME, memberReadRoleArn, scopeName, scopesOf, type SsmScope } from '../../lambdas/core/scope';
import { accountOfAccessKeyId } from '../sts-stand-in/credentials';
import { StsStandIn, type StsStandInOptions } from '../sts-stand-in/stand-in';
import { VirtualClock, type Clock } from './clock';
import type { SimulatorEvent } from './events';
import type { RateLimit } from './faults';
import { fleetCommand } from './fleet';
import { SsmJsonServer, type SsmCaller } from './server';
import { REGION_NOT_ENABLED_MESSAGE, REGION_NOT_ENABLED_TYPE, SsmSimulator } from './simulator';

/**
 * How a member account and Region can be broken, as members break in AWS:
 * - roleDeleted: its read role is gone (its stack removed): STS denies AssumeRole;
 * - regionDisabled: the Region is an opt-in Region the account has not enabled: SSM there
 *   refuses the account's credentials (UnrecognizedClientException);
 * - throttled: every SSM call is throttled (ThrottlingException), as an account whose
 *   other tools use up SSM's rate limit.
 */
export type MemberBreak = 'roleDeleted' | 'regionDisabled' | 'throttled';

export interface SsmOrganizationOptions {
  /** Every account and Region the organization plays. The SSM of any other Region of these accounts is not enabled. */
  readonly scopes: readonly SsmScope[];
  /** The archive's own account and Region: callers whose keys name no account here are its account. Default scopes[0]. */
  readonly home?: SsmScope;
  /** One clock for all the scopes. Default a new VirtualClock at DEFAULT_VIRTUAL_START; 'real' follows wall time (local mode). */
  readonly clock?: VirtualClock | 'real';
  /** Seeds each scope's simulator (the home scope's with this seed, the others' derived from it). Default 1. */
  readonly seed?: number;
  /** Every scope's own rate limit (SSM limits each account and Region apart). Default none. */
  readonly rateLimit?: RateLimit;
  /** Where rate limits read time. Default wall time. */
  readonly rateClock?: Clock;
  /** The STS stand-in's ExternalId, callers and session limit; its roles are the scopes' read roles. */
  readonly sts?: Omit<StsStandInOptions, 'roles'>;
  /** The partition of the read roles' ARNs. Default aws. */
  readonly partition?: string;
}

export interface OrganizationEndpoints {
  /** The SSM endpoint every account and Region shares: the signature says which one a call is for. */
  readonly ssm: string;
  /** The STS stand-in's endpoint, for STSClient's `endpoint`. */
  readonly sts: string;
}

/** An event and the account and Region whose SSM emitted it (its body says so too). */
export type OrganizationEventListener = (event: SimulatorEvent, scope: SsmScope) => void;

/** A seeded Run Command fleet in every scope (seedFleets). */
export interface OrganizationFleetOptions {
  /** Commands per account and Region. Default 1. */
  readonly commands?: number;
  /** Nodes per command. Default 10. */
  readonly nodes?: number;
  /** Share of nodes that do not succeed. Default 0.05. */
  readonly failureRate?: number;
  /** Seeds every scope's fleets (each scope's from its own derived seed). Default 1. */
  readonly seed?: number;
  /**
   * How far apart one scope's commands are requested, the last this long before now, so that
   * with the default (10 minutes, over a fleet's longest course) every command has finished
   * and emitted all its events when seedFleets returns.
   */
  readonly spacingMs?: number;
  /** When set, each command asks for SNS notifications of this type on the member's own topic (MEMBER_NOTIFICATION_TOPIC_NAME). */
  readonly notifications?: 'Command' | 'Invocation';
}

/** The home account of organizationScopes when none is given: the single simulator's. */
export const DEFAULT_HOME_ACCOUNT = '123456789012';

/** `count` member account ids, readable and apart from the home account's: 200000000001, 200000000002, … */
export function memberAccountIds(count: number): string[] {
  return Array.from({ length: count }, (_, i) => String(200_000_000_001 + i));
}

/**
 * `accounts` accounts (the home account first, then memberAccountIds) in every one of
 * `regions`: the home scope (home account, first Region) first.
 */
export function organizationScopes(accounts: number, regions: readonly string[], homeAccount: string = DEFAULT_HOME_ACCOUNT): SsmScope[] {
  if (!Number.isInteger(accounts) || accounts < 1) throw new RangeError('organizationScopes: accounts must be 1 or more');
  return scopesOf([homeAccount, ...memberAccountIds(accounts - 1)], regions);
}

interface Member {
  readonly scope: SsmScope;
  readonly simulator: SsmSimulator;
  readonly roleArn: string;
  readonly breaks: Set<MemberBreak>;
  rateLimit: RateLimit | undefined;
}

/** Scopes' seeds apart, so no two scopes share command ids, event ids or page tokens. */
const SCOPE_SEED_STEP = 1_000_003;
const DEFAULT_SPACING_MS = 10 * 60_000;

/**
 * Systems Manager in many accounts and Regions at once: one SsmSimulator per account and
 * Region, each with its own state, rate limit and events (carrying its own account and
 * Region), all on one clock. One HTTP server answers for all of them, routing each call by
 * its signature: the Region it was signed for, and the account its access key id belongs to
 * (the STS stand-in's keys name the account of the role assumed). Keys that name no account
 * of the organization (dummy keys, the archive's own) are the home account's, as the single
 * simulator answers every call today. The STS stand-in knows each scope's read role.
 */
export class SsmOrganizationSimulator {
  readonly home: SsmScope;
  readonly scopes: readonly SsmScope[];
  /** AssumeRole for the scopes' read roles; its stats count the calls. */
  readonly sts: StsStandIn;
  private readonly members = new Map<string, Member>();
  private readonly accounts = new Set<string>();
  private readonly virtualClock: VirtualClock | undefined;
  private readonly partition: string;
  private readonly listeners = new Set<{ listener: OrganizationEventListener; scope: string | undefined }>();
  private server: SsmJsonServer | undefined;
  private served: OrganizationEndpoints | undefined;

  constructor(options: SsmOrganizationOptions) {
    const first = options.scopes[0];
    if (first === undefined) throw new RangeError('SsmOrganizationSimulator: at least one scope is needed');
    this.virtualClock = options.clock === 'real' ? undefined : (options.clock ?? new VirtualClock());
    const clock = this.virtualClock ?? 'real';
    const seed = options.seed ?? 1;
    this.partition = options.partition ?? 'aws';
    this.sts = new StsStandIn(options.sts);
    options.scopes.forEach((given, index) => {
      if (!isAccountId(given.account) || !isRegionName(given.region)) throw new RangeError(`SsmOrganizationSimulator: ${scopeName(given)} is not an account and Region`);
      const name = scopeName(given);
      if (this.members.has(name)) throw new RangeError(`SsmOrganizationSimulator: ${name} is given twice`);
      const scope: SsmScope = { account: given.account, region: given.region };
      const simulator = new SsmSimulator({
        clock,
        region: scope.region,
        accountId: scope.account,
        seed: seed + index * SCOPE_SEED_STEP,
        ...(options.rateClock !== undefined ? { rateClock: options.rateClock } : {}),
      });
      const member: Member = { scope, simulator, roleArn: memberReadRoleArn(scope, this.partition), breaks: new Set(), rateLimit: options.rateLimit };
      simulator.onEvent((event) => this.emit(event, scope));
      this.members.set(name, member);
      this.accounts.add(scope.account);
      this.apply(member);
    });
    this.scopes = [...this.members.values()].map((member) => member.scope);
    const home = this.members.get(scopeName(options.home ?? first));
    if (home === undefined) throw new RangeError(`SsmOrganizationSimulator: the home ${scopeName(options.home ?? first)} is not one of the scopes`);
    this.home = home.scope;
  }

  /** The simulator of one account and Region: to script its history, read its truth, set its faults. */
  simulator(scope: SsmScope): SsmSimulator {
    return this.member(scope).simulator;
  }

  now(): Date {
    return this.member(this.home).simulator.now();
  }

  /**
   * The account and Region a call is for: the Region signed for, and the account of the
   * access key id when it is one of the organization's, else the home account (in the Region
   * signed for when the home account has it, else the home scope). Undefined for an account
   * of the organization in a Region it does not play: that Region is not enabled.
   */
  scopeOf(caller: SsmCaller): SsmScope | undefined {
    const keyAccount = caller.accessKeyId === undefined ? undefined : accountOfAccessKeyId(caller.accessKeyId);
    if (keyAccount !== undefined && this.accounts.has(keyAccount)) {
      return this.members.get(scopeName({ account: keyAccount, region: caller.region ?? this.home.region }))?.scope;
    }
    const homeAccountThere = caller.region === undefined ? undefined : this.members.get(scopeName({ account: this.home.account, region: caller.region }));
    return homeAccountThere?.scope ?? this.home;
  }

  /** One SSM call from `caller`, answered by the simulator of its account and Region. */
  async invoke(operation: string, input: JsonObject, caller: SsmCaller = {}): Promise<object> {
    const scope = this.scopeOf(caller);
    if (scope === undefined) throw new SsmError(REGION_NOT_ENABLED_TYPE, REGION_NOT_ENABLED_MESSAGE);
    return this.member(scope).simulator.invoke(operation, input);
  }

  /** Serves SSM (every scope, one endpoint) and the STS stand-in on 127.0.0.1; port 0 = any free port. */
  async listen(ports: { readonly ssm?: number; readonly sts?: number } = {}): Promise<OrganizationEndpoints> {
    if (this.server !== undefined) throw new Error('The organization simulator is already listening');
    const server = new SsmJsonServer((operation, input, caller) => this.invoke(operation, input, caller));
    const ssm = await server.listen(ports.ssm ?? 0);
    this.server = server;
    try {
      const sts = await this.sts.listen(ports.sts ?? 0);
      this.served = { ssm: ssm.endpoint, sts: sts.endpoint };
      return this.served;
    } catch (error) {
      await this.close();
      throw error;
    }
  }

  /** Where listen serves; undefined until it does. */
  get endpoints(): OrganizationEndpoints | undefined {
    return this.served;
  }

  /** Stops both servers and every scope's timers. */
  async close(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    this.served = undefined;
    await Promise.all([server?.close(), this.sts.close(), ...[...this.members.values()].map((member) => member.simulator.close())]);
  }

  /** Every event of every scope (or of one), as it is emitted; returns the unsubscribe function. */
  onEvent(listener: OrganizationEventListener, scope?: SsmScope): () => void {
    const entry = { listener, scope: scope === undefined ? undefined : scopeName(this.member(scope).scope) };
    this.listeners.add(entry);
    return () => this.listeners.delete(entry);
  }

  /** The events one scope emitted so far, in order (its simulator keeps them until clearEvents). */
  events(scope: SsmScope): readonly SimulatorEvent[] {
    return this.member(scope).simulator.events;
  }

  clearEvents(): void {
    for (const member of this.members.values()) member.simulator.clearEvents();
  }

  /** One scope's rate limit, or every scope's when `scope` is undefined; undefined lifts it. */
  setRateLimit(limit: RateLimit | undefined, scope?: SsmScope): void {
    for (const member of scope === undefined ? this.members.values() : [this.member(scope)]) {
      member.rateLimit = limit;
      this.apply(member);
    }
  }

  /** Breaks one member account and Region (see MemberBreak); breaks add up until repaired. */
  breakMember(scope: SsmScope, how: MemberBreak): void {
    const member = this.member(scope);
    member.breaks.add(how);
    this.apply(member);
  }

  /** Repairs one break, or all of the member's when `how` is undefined. */
  repairMember(scope: SsmScope, how?: MemberBreak): void {
    const member = this.member(scope);
    if (how === undefined) member.breaks.clear();
    else member.breaks.delete(how);
    this.apply(member);
  }

  breaksOf(scope: SsmScope): readonly MemberBreak[] {
    return [...this.member(scope).breaks];
  }

  /**
   * Sends each scope `commands` seeded fleet commands (fleetCommand), requested `spacingMs`
   * apart up to now, so each scope holds its own nodes, command ids and outcomes. Returns the
   * command ids by scopeName, oldest first. Their events go to onEvent listeners at once.
   */
  seedFleets(options: OrganizationFleetOptions = {}): Map<string, string[]> {
    const commands = options.commands ?? 1;
    const spacing = options.spacingMs ?? DEFAULT_SPACING_MS;
    const seed = options.seed ?? 1;
    const now = this.now().getTime();
    const sent = new Map<string, string[]>();
    this.scopes.forEach((scope, index) => {
      const simulator = this.simulator(scope);
      const ids: string[] = [];
      for (let k = 0; k < commands; k++) {
        const spec = fleetCommand({
          nodes: options.nodes ?? 10,
          seed: seed * SCOPE_SEED_STEP + index * 1_009 + k,
          requestedAt: new Date(now - (commands - k) * spacing),
          comment: `${scopeName(scope)} fleet ${k + 1} of ${commands}`,
          ...(options.failureRate !== undefined ? { failureRate: options.failureRate } : {}),
          ...(options.notifications !== undefined
            ? {
                notificationConfig: {
                  NotificationArn: `arn:${this.partition}:sns:${scope.region}:${scope.account}:${MEMBER_NOTIFICATION_TOPIC_NAME}`,
                  NotificationEvents: ['All'],
                  NotificationType: options.notifications,
                },
              }
            : {}),
        });
        // The fleet's notification role is the scope's own account's.
        ids.push(simulator.sendCommand(spec.serviceRoleArn === undefined ? spec : { ...spec, serviceRoleArn: `arn:${this.partition}:iam::${scope.account}:role/ssm-notifications` }));
      }
      sent.set(scopeName(scope), ids);
    });
    return sent;
  }

  /** Moves the shared virtual clock and plays every scope up to it. */
  advanceBy(ms: number): void {
    this.requireVirtual('advanceBy').advance(ms);
    this.sync();
  }

  advanceTo(date: Date): void {
    this.requireVirtual('advanceTo').set(date);
    this.sync();
  }

  /** Moves the shared virtual clock to the last scheduled change of any scope, so every run everywhere is over. */
  runToCompletion(): Date {
    this.requireVirtual('runToCompletion');
    // Each moves the shared clock forward only; the last pass plays every scope to the latest.
    for (const member of this.members.values()) member.simulator.runToCompletion();
    this.sync();
    return this.now();
  }

  /** Applies every scope's changes due by the clock's now. */
  sync(): void {
    for (const member of this.members.values()) member.simulator.sync();
  }

  private member(scope: SsmScope): Member {
    const member = this.members.get(scopeName(scope));
    if (member === undefined) throw new RangeError(`The organization plays no ${scopeName(scope)}`);
    return member;
  }

  /** A member's breaks and rate limit, onto its simulator and the STS stand-in. */
  private apply(member: Member): void {
    member.simulator.setRegionEnabled(!member.breaks.has('regionDisabled'));
    member.simulator.setRateLimit(member.breaks.has('throttled') ? { callsPerSecond: 0 } : member.rateLimit);
    if (member.breaks.has('roleDeleted')) this.sts.deleteRole(member.roleArn);
    else this.sts.addRole(member.roleArn);
  }

  private emit(event: SimulatorEvent, scope: SsmScope): void {
    const name = scopeName(scope);
    for (const { listener, scope: only } of this.listeners) {
      if (only === undefined || only === name) listener(event, scope);
    }
  }

  private requireVirtual(method: string): VirtualClock {
    if (this.virtualClock === undefined) throw new Error(`${method} needs a virtual clock; this organization follows real time`);
    return this.virtualClock;
  }
}
