/**
 * The organization collector's yardstick: the bare clients of bare-clients-with-sns.ts plus the
 * STS client and its AssumeRoleCommand, with which it reads the members. Built the same way.
 */
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { handler as bareHandler } from './bare-clients-with-sns';

const sts = new STSClient({});

export const handler = async (): Promise<void> => {
  await bareHandler();
  await sts.send(new AssumeRoleCommand({ RoleArn: 'arn:aws:iam::123456789012:role/r', RoleSessionName: 's' }));
};
