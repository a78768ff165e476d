import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { CreateTableCommand, waitUntilTableExists, type CreateTableCommandInput, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { SsmHistoryStack } from '../../../lib/ssm-history-stack';
import type { CfnTemplate } from '../iam/deployed-functions';

/**
 * The cloud assembly `cdk synth` writes, Lambda bundles included (esbuild, as `npx cdk deploy`
 * runs it), into `outdir`: the stack, its template and each asset's folder.
 */
export function synthesizeWithBundles(outdir: string): { stack: SsmHistoryStack; template: Template; assetDir: (hash: string) => string } {
  const cdkJson = JSON.parse(readFileSync(path.join(__dirname, '..', '..', '..', 'cdk.json'), 'utf8')) as { context?: Record<string, unknown> };
  const app = new App({ outdir, context: { ...cdkJson.context } });
  const stack = new SsmHistoryStack(app, 'SsmHistory', {});
  const assembly = app.synth();
  const template = Template.fromJSON(assembly.getStackByName(stack.stackName).template as Record<string, unknown>);
  return { stack, template, assetDir: (hash) => path.join(assembly.directory, `asset.${hash}`) };
}

interface GlobalTableProperties {
  readonly KeySchema: CreateTableCommandInput['KeySchema'];
  readonly AttributeDefinitions: CreateTableCommandInput['AttributeDefinitions'];
  readonly GlobalSecondaryIndexes?: { IndexName: string; KeySchema: CreateTableCommandInput['KeySchema']; Projection: object }[];
}

/**
 * Creates in DynamoDB Local each table the template defines, from the template's own
 * definition (keys, indexes, projections), named by its logical ID as the resolver names it.
 */
export async function createTemplateTables(client: DynamoDBClient, template: CfnTemplate): Promise<string[]> {
  const names: string[] = [];
  for (const [logicalId, resource] of Object.entries(template.Resources)) {
    if (resource.Type !== 'AWS::DynamoDB::GlobalTable') continue;
    const properties = resource.Properties as unknown as GlobalTableProperties;
    await client.send(
      new CreateTableCommand({
        TableName: logicalId,
        KeySchema: properties.KeySchema,
        AttributeDefinitions: properties.AttributeDefinitions,
        BillingMode: 'PAY_PER_REQUEST',
        ...(properties.GlobalSecondaryIndexes
          ? {
              GlobalSecondaryIndexes: properties.GlobalSecondaryIndexes.map((index) => ({
                IndexName: index.IndexName,
                KeySchema: index.KeySchema,
                Projection: index.Projection,
              })),
            }
          : {}),
      }),
    );
    await waitUntilTableExists({ client, maxWaitTime: 30 }, { TableName: logicalId });
    names.push(logicalId);
  }
  return names;
}
