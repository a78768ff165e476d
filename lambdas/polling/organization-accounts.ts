import { ListAccountsCommand, type OrganizationsClient } from '@aws-sdk/client-organizations';

/**
 * The organization's active accounts (Organizations ListAccounts, every page): callable from
 * the management account or a delegated administrator. Suspended and closing accounts are
 * left out: their SSM can no longer be read.
 */
export async function listOrganizationAccounts(organizations: Pick<OrganizationsClient, 'send'>): Promise<string[]> {
  const accounts: string[] = [];
  let next: string | undefined;
  do {
    const page = await organizations.send(new ListAccountsCommand({ ...(next !== undefined ? { NextToken: next } : {}) }));
    for (const account of page.Accounts ?? []) {
      // Status is deprecated in favour of State; either says whether the account is active.
      const active = account.State !== undefined ? account.State === 'ACTIVE' : account.Status === 'ACTIVE';
      if (account.Id !== undefined && active) accounts.push(account.Id);
    }
    next = page.NextToken;
  } while (next !== undefined);
  return accounts.sort();
}
