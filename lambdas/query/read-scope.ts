import { SCOPE_ATTRIBUTES, sameScope, type SsmScope } from '../core/scope';

/**
 * Which accounts and Regions a read keeps: one account, one Region, or one of each; a part
 * left out keeps any. The views take one from their `account` and `region` parameters, the
 * SSM-compatible endpoint from its path (both parts, always).
 */
export interface ScopeSelection {
  readonly account?: string;
  readonly region?: string;
}

/** Where the archive's records live, as far as its reads need to know. */
export interface ArchiveScopes {
  /**
   * The archive's own account and Region. Records stored before the archive collected other
   * accounts carry no scope attributes: they are the home's.
   */
  readonly home: SsmScope;
  /**
   * False when the archive collects its home only (no organization configured): its records
   * are then taken to be the home's wherever that saves a read (an index entry without scope
   * attributes, `POST /` without a path prefix); a filter asked for is still applied exactly.
   */
  readonly collectsOthers: boolean;
}

/** Every account and Region: what a read without a selection keeps. */
export const ANY_SCOPE: ScopeSelection = {};

export const selectsSome = (selection: ScopeSelection): boolean => selection.account !== undefined || selection.region !== undefined;

/** The whole scope of a selection that names both parts. */
export function selectedScope(selection: ScopeSelection): SsmScope | undefined {
  return selection.account !== undefined && selection.region !== undefined ? { account: selection.account, region: selection.region } : undefined;
}

/** Whether a record of this scope is one the selection keeps. */
export function selectionHolds(selection: ScopeSelection, scope: Partial<SsmScope>): boolean {
  return (selection.account === undefined || scope.account === selection.account) && (selection.region === undefined || scope.region === selection.region);
}

/** A stored item's account and Region: its scope attributes, else (stored before it had them) the home's. */
export function storedScope(item: Readonly<Record<string, unknown>>, home: SsmScope | undefined): Partial<SsmScope> {
  const account = item[SCOPE_ATTRIBUTES.account];
  const region = item[SCOPE_ATTRIBUTES.region];
  return {
    ...(typeof account === 'string' ? { account } : home !== undefined ? { account: home.account } : {}),
    ...(typeof region === 'string' ? { region } : home !== undefined ? { region: home.region } : {}),
  };
}

/** The home's own scope, or another: page tokens of the home stay as they were before scopes existed. */
export const isHome = (scope: SsmScope, scopes: ArchiveScopes | undefined): boolean => scopes !== undefined && sameScope(scope, scopes.home);
