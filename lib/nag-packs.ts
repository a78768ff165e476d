import { AwsSolutionsChecks, ServerlessChecks, type NagPack } from 'cdk-nag';
import type { IConstruct } from 'constructs';

/**
 * The cdk-nag rule packs the app must pass, for bin/app.ts to register and the tests to run:
 * AwsSolutions (security baseline) and Serverless (a failure sink on every async hop,
 * tracing, log retention, explicit memory and timeout).
 */
export function nagPacks(scope: IConstruct): NagPack[] {
  return [new AwsSolutionsChecks(scope), new ServerlessChecks(scope)];
}
