/**
 * The yardstick for the collector's bundle: just the SSM and DynamoDB v3 clients, each sending
 * one command so that esbuild cannot shake them away. Built with the same options.
 */
import { DynamoDBClient, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { ListCommandsCommand, SSMClient } from '@aws-sdk/client-ssm';

const ssm = new SSMClient({});
const db = new DynamoDBClient({});

export const handler = async (): Promise<void> => {
  await ssm.send(new ListCommandsCommand({}));
  await db.send(new UpdateItemCommand({ TableName: 't', Key: { k: { S: 'v' } }, UpdateExpression: 'SET a = :a', ExpressionAttributeValues: { ':a': { N: '1' } } }));
};
