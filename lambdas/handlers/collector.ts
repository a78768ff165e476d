import { collectorFunction } from './collector-function';

/**
 * SQS -> collector, for an archive that reads its own account and Region: what the stack
 * deploys unless it is given an organization. It holds no STS client, so its bundle is the
 * smaller and its cold start the quicker; organization-collector.ts reads the members too.
 */
export const handler = collectorFunction();
