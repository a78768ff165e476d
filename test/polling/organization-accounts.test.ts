import { ListAccountsCommand, OrganizationsClient, OrganizationsServiceException, type Account } from '@aws-sdk/client-organizations';
import { mockClient } from 'aws-sdk-client-mock';
import { listOrganizationAccounts } from '../../lambdas/polling/organization-accounts';

/*
 * Organizations ListAccounts, as AWS documents it:
 * - Each Account has a State (PENDING_ACTIVATION, ACTIVE, SUSPENDED, PENDING_CLOSURE, CLOSED)
 *   and the older Status (ACTIVE, SUSPENDED, PENDING_CLOSURE), which is retired on September 9,
 *   2026; both are returned until then
 *   (https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_accounts_account_state.html,
 *   https://docs.aws.amazon.com/sdk-for-kotlin/api/latest/organizations/aws.sdk.kotlin.services.organizations.model/-list-accounts-response/accounts.html).
 * - It is paginated: NextToken is absent only when there is nothing more, and a page may be
 *   empty while more follow ("Always check the NextToken response parameter for a null value
 *   ... These operations can occasionally return an empty set of results even when there are
 *   more results available"; https://docs.aws.amazon.com/cli/v1/reference/organizations/list-accounts.html).
 */

const account = (id: string, fields: Partial<Account> = {}): Account => ({
  Id: id,
  Arn: `arn:aws:organizations::999999999999:account/o-exampleorgid/${id}`,
  Name: `account ${id}`,
  ...fields,
});

describe('listOrganizationAccounts', () => {
  const organizations = mockClient(OrganizationsClient);
  const client = new OrganizationsClient({ region: 'us-east-1' });

  beforeEach(() => {
    organizations.reset();
  });

  it('follows every page, an empty one with a NextToken included, passing each token back', async () => {
    organizations
      .on(ListAccountsCommand)
      .resolvesOnce({ Accounts: [account('333333333333', { State: 'ACTIVE', Status: 'ACTIVE' })], NextToken: 'page-2' })
      .resolvesOnce({ Accounts: [], NextToken: 'page-3' })
      .resolvesOnce({ Accounts: [account('111111111111', { State: 'ACTIVE', Status: 'ACTIVE' })] });
    expect(await listOrganizationAccounts(client)).toEqual(['111111111111', '333333333333']);
    const inputs = organizations.commandCalls(ListAccountsCommand).map((call) => call.args[0].input);
    expect(inputs).toEqual([{}, { NextToken: 'page-2' }, { NextToken: 'page-3' }]);
  });

  it('keeps only ACTIVE accounts by their State, whatever their deprecated Status says', async () => {
    organizations.on(ListAccountsCommand).resolves({
      Accounts: [
        account('100000000001', { State: 'ACTIVE', Status: 'ACTIVE' }),
        account('100000000002', { State: 'SUSPENDED', Status: 'SUSPENDED' }),
        account('100000000003', { State: 'PENDING_CLOSURE', Status: 'PENDING_CLOSURE' }),
        account('100000000004', { State: 'CLOSED', Status: 'SUSPENDED' }),
        account('100000000005', { State: 'PENDING_ACTIVATION' }),
        // State wins when the two disagree.
        account('100000000006', { State: 'SUSPENDED', Status: 'ACTIVE' }),
        account('100000000007', { State: 'ACTIVE', Status: 'SUSPENDED' }),
      ],
    });
    expect(await listOrganizationAccounts(client)).toEqual(['100000000001', '100000000007']);
  });

  it('falls back on the deprecated Status only when State is absent', async () => {
    organizations.on(ListAccountsCommand).resolves({
      Accounts: [
        account('200000000001', { Status: 'ACTIVE' }),
        account('200000000002', { Status: 'SUSPENDED' }),
        account('200000000003', { Status: 'PENDING_CLOSURE' }),
        // Neither: not known to be active.
        account('200000000004'),
      ],
    });
    expect(await listOrganizationAccounts(client)).toEqual(['200000000001']);
  });

  it('sorts the accounts and leaves out an entry without an Id', async () => {
    organizations
      .on(ListAccountsCommand)
      .resolvesOnce({ Accounts: [account('900000000000', { State: 'ACTIVE' }), { State: 'ACTIVE' }], NextToken: 'next' })
      .resolvesOnce({ Accounts: [account('000000000009', { State: 'ACTIVE' }), account('500000000000', { State: 'ACTIVE' })] });
    expect(await listOrganizationAccounts(client)).toEqual(['000000000009', '500000000000', '900000000000']);
  });

  it('answers no accounts for a page without Accounts', async () => {
    organizations.on(ListAccountsCommand).resolves({});
    expect(await listOrganizationAccounts(client)).toEqual([]);
    expect(organizations.commandCalls(ListAccountsCommand)).toHaveLength(1);
  });

  it('rejects with Organizations’ error when the caller may not list the accounts', async () => {
    // Called from neither the management account nor a delegated administrator.
    const denied = new OrganizationsServiceException({
      name: 'AccessDeniedException',
      $fault: 'client',
      $metadata: { httpStatusCode: 400 },
      message: 'You don’t have permissions to access this resource.',
    });
    organizations.on(ListAccountsCommand).rejects(denied);
    await expect(listOrganizationAccounts(client)).rejects.toBe(denied);
  });
});
