import type { Checkpoint, CheckpointStore } from '../../store/checkpoint-store';
import type { FailingScope, KindStatus, OrganizationStatus, ScopedKindStatus, StatusPage } from '../../core/collection-status';
import { historyKinds, type HistoryKind } from '../../core/model';
import { sameScope, scopesOf, type SsmScope } from '../../core/scope';
import type { OrganizationConfig } from '../../config';
import { ViewRequestError } from './parameters';

const optional = <K extends string>(name: K, value: string | undefined): Partial<Record<K, string>> =>
  (value === undefined ? {} : { [name]: value }) as Partial<Record<K, string>>;

function kindStatus(checkpoint: Checkpoint): KindStatus {
  return {
    kind: checkpoint.kind,
    ...optional('watermark', checkpoint.watermark),
    ...optional('lastPollStartedAt', checkpoint.lastPollStartedAt),
    ...optional('lastSuccessfulPollAt', checkpoint.lastSuccessfulPollAt),
    listingInProgress: checkpoint.position !== undefined,
    ...optional('backfillStartedAt', checkpoint.backfillStartedAt),
    ...optional('backfillCompletedAt', checkpoint.backfillCompletedAt),
    recordsStored: checkpoint.recordsStored,
    missedByEvents: checkpoint.missedByEvents,
    parentsListed: checkpoint.parentsListed,
    throttles: checkpoint.throttles,
    ...optional('oldestRecordSsmReturned', checkpoint.oldestSeen),
    ...optional('lastError', checkpoint.lastError),
    ...optional('lastErrorAt', checkpoint.lastErrorAt),
  };
}

/** What the archive collects: its home, and an organization's accounts and Regions when it has one. */
export interface CollectedScopes {
  readonly home?: SsmScope;
  readonly organization?: Pick<OrganizationConfig, 'accounts' | 'regions'>;
}

/**
 * GET /status: every kind's checkpoint, one BatchGetItem; takes no parameters. An archive
 * that collects an organization adds each account, Region and kind (a BatchGetItem per 100
 * of them, after one read of the organization's accounts when the poller lists them), with
 * why a poll there last failed, and a summary of the account-Regions failing.
 */
export async function archiveStatus(
  query: Readonly<Record<string, string | undefined>>,
  checkpoints: Pick<CheckpointStore, 'all' | 'members'>,
  collected: CollectedScopes = {},
  kinds: readonly HistoryKind[] = historyKinds,
): Promise<StatusPage> {
  const unknown = Object.keys(query);
  if (unknown.length > 0) throw new ViewRequestError(unknown[0] as string, `GET /status takes no parameters, got: ${unknown.join(', ')}`);
  const { home, organization } = collected;
  if (home === undefined || organization === undefined) return { kinds: (await checkpoints.all(kinds)).map(kindStatus) };

  const listed = organization.accounts === 'organization' ? await checkpoints.members() : undefined;
  const accounts = unique([home.account, ...(listed?.accounts ?? (organization.accounts === 'organization' ? [] : organization.accounts))]);
  // The home is collected in its own Region whatever the member Regions are.
  const scopes = [home, ...scopesOf(accounts, organization.regions).filter((scope) => !sameScope(scope, home))];
  const read = await checkpoints.all(kinds, scopes);
  const collections: ScopedKindStatus[] = read.map((checkpoint, index) => {
    const scope = scopes[Math.floor(index / kinds.length)] ?? home;
    return { account: scope.account, region: scope.region, ...kindStatus(checkpoint) };
  });
  const status: OrganizationStatus = {
    home,
    accounts,
    accountsFrom: listed === undefined ? 'configuration' : 'organization',
    ...optional('accountsListedAt', listed?.listedAt),
    regions: organization.regions,
    summary: summaryOf(scopes, collections),
    collections,
  };
  return { kinds: collections.filter((entry) => sameScope(entry, home)).map(({ account: _account, region: _region, ...kind }) => kind), organization: status };
}

function summaryOf(scopes: readonly SsmScope[], collections: readonly ScopedKindStatus[]): OrganizationStatus['summary'] {
  const failing: FailingScope[] = [];
  let neverPolled = 0;
  for (const scope of scopes) {
    const here = collections.filter((entry) => sameScope(entry, scope));
    if (here.every((entry) => entry.lastSuccessfulPollAt === undefined)) neverPolled++;
    const failed = here.filter((entry): entry is ScopedKindStatus & { lastError: string } => entry.lastError !== undefined);
    const latest = [...failed].sort((a, b) => (b.lastErrorAt ?? '').localeCompare(a.lastErrorAt ?? ''))[0];
    if (latest === undefined) continue;
    failing.push({
      account: scope.account,
      region: scope.region,
      kinds: failed.map((entry) => entry.kind),
      lastError: latest.lastError,
      ...optional('lastErrorAt', latest.lastErrorAt),
    });
  }
  return { scopes: scopes.length, scopesFailing: failing.length, scopesNeverPolled: neverPolled, failing };
}

const unique = (values: readonly string[]): string[] => [...new Set(values)];
