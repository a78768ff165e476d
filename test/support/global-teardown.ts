import { stopSharedDynamoDbLocal } from './databases';
import { RUN_VARIABLE } from './iam/recording-location';

/** Jest global teardown: stops what the run's test files shared (its DynamoDB Local). */
export default function stopSharedPeers(): void {
  const runDir = process.env[RUN_VARIABLE];
  if (runDir !== undefined) stopSharedDynamoDbLocal(runDir);
}
