import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { Client } from '@smithy/core/client';
import { callKey, contextOfCommand, functionOfStack, iamActionName, resourcesOfCommand, type AwsCall } from './aws-calls';
import { recordingsDir } from './recording-location';

/**
 * Jest set-up (setupFilesAfterEnv): records every AWS call that code of a deployed function
 * makes in this test file, with the test that made it, for the IAM conformance check that runs
 * after the suite (test/iam). Every SDK v3 client sends through smithy's Client.send, so one
 * wrapper sees the clients the engines are given, whoever built them. Calls on a client that
 * aws-sdk-client-mock replaced never reach it: those are not calls to AWS.
 */

interface SentCommand {
  readonly input?: Readonly<Record<string, unknown>>;
  /** lib-dynamodb's commands wrap the low-level command they send. */
  readonly clientCommand?: object;
}

interface SendingClient {
  readonly config: { readonly serviceId?: string };
}

const recorded = new Map<string, AwsCall>();
const testPath = expect.getState().testPath ?? 'unknown test file';
const relativeTestPath = path.relative(path.join(__dirname, '..', '..', '..'), testPath);


/**
 * The source files on the current (async) stack, one per line, read from V8's call sites as
 * they are: formatting a stack the usual way maps every frame through its source map, which
 * cost more than the AWS call being recorded.
 */
function stackFiles(): string {
  const format = Error.prepareStackTrace;
  const limit = Error.stackTraceLimit;
  Error.prepareStackTrace = (_error, sites) => sites.map((site) => site.getFileName() ?? '').join('\n');
  // Async stacks deep enough to reach the engine that started the call; only here, so that
  // every other error of the suite keeps the usual, cheaper depth.
  Error.stackTraceLimit = 200;
  try {
    const holder: { stack?: unknown } = {};
    Error.captureStackTrace(holder, stackFiles);
    return typeof holder.stack === 'string' ? holder.stack : '';
  } finally {
    Error.prepareStackTrace = format;
    Error.stackTraceLimit = limit;
  }
}

function record(client: SendingClient, command: SentCommand): void {
  const fn = functionOfStack(stackFiles());
  if (fn === undefined) return;
  const service = (client.config.serviceId ?? 'unknown').toLowerCase();
  const operation = iamActionName(service, (command.clientCommand ?? command).constructor.name.replace(/Command$/, ''));
  const testName = expect.getState().currentTestName;
  const test = `${relativeTestPath} > ${testName ?? '(set-up)'}`;
  const input = command.input ?? {};
  const context = contextOfCommand(service, operation, input);
  for (const resource of resourcesOfCommand(service, operation, input)) {
    const call: AwsCall = { fn, action: `${service}:${operation}`, resource, test, ...(context !== undefined ? { context } : {}) };
    const key = callKey(call);
    if (!recorded.has(key)) recorded.set(key, call);
  }
}

const send = Client.prototype.send as (this: SendingClient, command: SentCommand, ...rest: unknown[]) => unknown;
Client.prototype.send = function recordedSend(this: SendingClient, command: SentCommand, ...rest: unknown[]) {
  record(this, command);
  return send.call(this, command, ...rest);
} as typeof Client.prototype.send;

afterAll(() => {
  if (recorded.size === 0) return;
  mkdirSync(recordingsDir(), { recursive: true });
  const file = `${createHash('sha256').update(testPath).digest('hex').slice(0, 16)}.json`;
  writeFileSync(path.join(recordingsDir(), file), JSON.stringify([...recorded.values()], null, 1));
});
