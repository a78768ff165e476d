import { STSClient } from '@aws-sdk/client-sts';
import { MemberSsmClients } from '../member-ssm';
import { collectorFunction } from './collector-function';

/**
 * SQS -> collector, for an organization's archive: the home account's SSM with the function's
 * own role, each member's through that member's read role (AssumeRole, credentials cached
 * until shortly before they expire). Each member's client is metered as it is made.
 */
export const handler = collectorFunction(({ organization, config, homeClient, meter }) => {
  const members = new MemberSsmClients({
    home: config.home,
    homeClient,
    sts: new STSClient({}),
    partition: organization.partition,
    ...(organization.externalId !== undefined ? { externalId: organization.externalId } : {}),
    sessionName: 'ssm-history-collector',
    clientConfig: { retryMode: 'adaptive', maxAttempts: config.ssmMaxAttempts },
    onClient: meter,
  });
  return (scope) => members.clientFor(scope);
});
