import { createHash } from 'node:crypto';
import { SSMClient } from '@aws-sdk/client-ssm';
import { STSClient } from '@aws-sdk/client-sts';
import { sameScope, scopeName, type SsmScope } from '../../lambdas/core/scope';
import { MemberSsmClients } from '../../lambdas/member-ssm';
import { fleetCommand, organizationScopes, SsmOrganizationSimulator } from '../ssm-simulator';
import { LOOPBACK_CREDENTIALS } from './dynamodb';

/**
 * Local mode's organization: the member accounts and Regions beside the home's simulated SSM,
 * each its own SSM (the organization simulator, one endpoint for all), their events put on
 * the archive's queue as the central event bus would, and their SSM read through each
 * member's read role, assumed from the local STS stand-in with the code the deployed
 * collector and pollers run (MemberSsmClients).
 */
export interface LocalOrganizationOptions {
  /** The archive's own account and Region: read by local mode's own SSM client, not here. */
  readonly home: SsmScope;
  /** Accounts in all, the home account included (at least 1). */
  readonly accounts: number;
  /** The Regions collected in every account, the home's first. */
  readonly regions: readonly string[];
  /** The data dir's seed: the same member history on every start. */
  readonly fleetSeed: number;
}

/** Commands each member account and Region holds, spaced over the hour before the seeded day's end. */
const COMMANDS_PER_MEMBER = 3;
const NODES_PER_COMMAND = 8;
const COMMAND_SPACING_MS = 20 * 60_000;

export class LocalOrganization {
  /** Every account and Region the archive collects, the home first. */
  readonly scopes: readonly SsmScope[];
  /** The scopes other than the home. */
  readonly members: readonly SsmScope[];
  readonly accounts: readonly string[];
  readonly regions: readonly string[];
  private readonly simulator: SsmOrganizationSimulator;
  private clients: MemberSsmClients | undefined;
  private sts: STSClient | undefined;

  constructor(private readonly options: LocalOrganizationOptions) {
    if (options.regions[0] !== options.home.region) throw new RangeError('LocalOrganization: the home Region must be the first Region');
    this.scopes = organizationScopes(options.accounts, options.regions, options.home.account);
    this.members = this.scopes.filter((scope) => !sameScope(scope, options.home));
    this.accounts = [...new Set(this.scopes.map((scope) => scope.account))];
    this.regions = [...options.regions];
    // The members only: the home's SSM is local mode's own simulator, with its day and live commands.
    this.simulator = new SsmOrganizationSimulator({ scopes: this.members, clock: 'real', seed: options.fleetSeed });
  }

  /** Serves the members' SSM and the STS stand-in; every member's event goes to `deliver` as it happens. */
  async listen(homeClient: SSMClient, deliver: (body: string) => void): Promise<{ ssm: string; sts: string }> {
    this.simulator.onEvent((event) => {
      if (event.channel === 'eventbridge') deliver(event.body);
    });
    const endpoints = await this.simulator.listen();
    this.sts = new STSClient({ region: this.options.home.region, endpoint: endpoints.sts, credentials: LOOPBACK_CREDENTIALS });
    this.clients = new MemberSsmClients({
      home: this.options.home,
      homeClient,
      sts: this.sts,
      sessionName: 'ssm-history-local',
      clientConfig: { endpoint: endpoints.ssm, retryMode: 'adaptive', maxAttempts: 3 },
    });
    return endpoints;
  }

  /** The SSM of an account and Region: the home's own client, or the member's through its read role. */
  ssmFor(scope: SsmScope): SSMClient {
    if (this.clients === undefined) throw new Error('LocalOrganization: not listening yet');
    return this.clients.clientFor(scope);
  }

  /**
   * Plays each member's commands of the hour before `endAt`: the same commands (ids, nodes,
   * outcomes) for the same data dir and end, so a restart rebuilds what the archive holds.
   * Their events go to the queue at once. Returns how many commands it played.
   */
  seed(endAt: Date): number {
    let played = 0;
    for (const scope of this.members) {
      const simulator = this.simulator.simulator(scope);
      for (let k = 0; k < COMMANDS_PER_MEMBER; k++) {
        const name = `${scopeName(scope)} ${k}`;
        simulator.sendCommand(
          fleetCommand({
            nodes: NODES_PER_COMMAND,
            seed: seedOf(this.options.fleetSeed, name),
            commandId: commandIdOf(this.options.fleetSeed, name),
            requestedAt: new Date(endAt.getTime() - (COMMANDS_PER_MEMBER - k) * COMMAND_SPACING_MS),
            comment: `patch run ${k + 1} in ${scopeName(scope)}`,
            failureRate: 0.15,
          }),
        );
        played++;
      }
    }
    return played;
  }

  async close(): Promise<void> {
    this.sts?.destroy();
    await this.simulator.close();
  }
}

const digest = (fleetSeed: number, name: string): Buffer => createHash('sha256').update(`${fleetSeed}:${name}`).digest();

const seedOf = (fleetSeed: number, name: string): number => digest(fleetSeed, name).readUInt32BE(0) % 2 ** 31 || 1;

/** A UUID (version 4 layout) from the seed: a member's command keeps its id across restarts. */
function commandIdOf(fleetSeed: number, name: string): string {
  const hex = digest(fleetSeed, `command ${name}`).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
