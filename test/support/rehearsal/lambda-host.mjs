// A stand-in for Lambda's Node.js runtime: imports the bundle named by _HANDLER from
// LAMBDA_TASK_ROOT once (the init phase), then runs one invocation per IPC message, as one
// execution environment does. The parent gives it the environment Lambda would.
import { pathToFileURL } from 'node:url';
import * as path from 'node:path';
import { existsSync } from 'node:fs';

const [file, exportName] = process.env._HANDLER.split('.');
const base = path.join(process.env.LAMBDA_TASK_ROOT, file);
const modulePath = ['.mjs', '.js', '.cjs'].map((ext) => base + ext).find((candidate) => existsSync(candidate));
const handler = (await import(pathToFileURL(modulePath).href))[exportName];
if (typeof handler !== 'function') throw new Error(`${process.env._HANDLER} is not a function`);

process.on('message', async ({ id, event, timeoutMs }) => {
  const deadline = Date.now() + timeoutMs;
  const context = {
    awsRequestId: `request-${id}`,
    functionName: process.env.AWS_LAMBDA_FUNCTION_NAME,
    functionVersion: process.env.AWS_LAMBDA_FUNCTION_VERSION,
    invokedFunctionArn: `arn:aws:lambda:${process.env.AWS_REGION}:123456789012:function:${process.env.AWS_LAMBDA_FUNCTION_NAME}`,
    memoryLimitInMB: process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
    logGroupName: process.env.AWS_LAMBDA_LOG_GROUP_NAME,
    logStreamName: 'rehearsal',
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
  };
  try {
    const result = await handler(event, context);
    process.send({ id, result: result === undefined ? null : result });
  } catch (error) {
    process.send({ id, error: { name: error?.name, message: error?.message ?? String(error) } });
  }
});
process.send({ ready: true });
