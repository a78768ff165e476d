import { fork, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import type { DeployedFunctionModel } from '../iam/deployed-functions';

/** What the rehearsal's runtime answers for one invocation. */
export type Invocation = { readonly result: unknown } | { readonly error: { readonly name?: string; readonly message: string } };

interface HostMessage {
  readonly id?: number;
  readonly ready?: boolean;
  readonly result?: unknown;
  readonly error?: { name?: string; message: string };
}

/**
 * One deployed function's bundle, run as Lambda runs it: a fresh Node process (its execution
 * environment) that imports the asset's handler file once, with the template's environment
 * and the variables Lambda defines (Lambda developer guide, "Defined runtime environment
 * variables"), then takes invocations one at a time.
 */
export class DeployedLambda {
  private sequence = 0;
  private readonly waiting = new Map<number, (invocation: Invocation) => void>();
  readonly output: string[] = [];

  private constructor(
    private readonly child: ChildProcess,
    private readonly model: DeployedFunctionModel,
  ) {
    child.on('message', (message: HostMessage) => {
      if (message.id === undefined) return;
      const resolve = this.waiting.get(message.id);
      this.waiting.delete(message.id);
      resolve?.(message.error !== undefined ? { error: message.error } : { result: message.result });
    });
    child.stdout?.on('data', (chunk: Buffer) => this.output.push(chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => this.output.push(chunk.toString()));
  }

  /**
   * Starts the environment. `extraEnvironment` holds only what the rehearsal itself needs: the
   * function's own (fake) role credentials and the loopback endpoints of the AWS services.
   */
  static async start(model: DeployedFunctionModel, assetDir: string, extraEnvironment: Readonly<Record<string, string>>): Promise<DeployedLambda> {
    const functionName = `SsmHistory-${model.logicalId}`;
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      ...model.environment,
      _HANDLER: model.handler,
      LAMBDA_TASK_ROOT: assetDir,
      AWS_EXECUTION_ENV: `AWS_Lambda_${model.runtime}`,
      AWS_LAMBDA_FUNCTION_NAME: functionName,
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(model.memorySize),
      AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
      AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${functionName}`,
      AWS_LAMBDA_LOG_FORMAT: 'JSON',
      AWS_REGION: 'us-east-1',
      AWS_DEFAULT_REGION: 'us-east-1',
      TZ: ':UTC',
      ...extraEnvironment,
    };
    const child = fork(path.join(__dirname, 'lambda-host.mjs'), [], { env, cwd: assetDir, stdio: ['ignore', 'pipe', 'pipe', 'ipc'], execArgv: ['--no-warnings'] });
    const lambda = new DeployedLambda(child, model);
    await new Promise<void>((resolve, reject) => {
      const onMessage = (message: HostMessage): void => {
        if (message.ready) {
          child.off('exit', onExit);
          resolve();
        }
      };
      const onExit = (code: number | null): void => reject(new Error(`${model.fn} failed its init (exit ${code}): ${lambda.output.join('')}`));
      child.on('message', onMessage);
      child.once('exit', onExit);
    });
    return lambda;
  }

  invoke(event: unknown): Promise<Invocation> {
    const id = ++this.sequence;
    return new Promise((resolve) => {
      this.waiting.set(id, resolve);
      this.child.send({ id, event, timeoutMs: this.model.timeoutSeconds * 1000 });
    });
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.kill('SIGTERM');
    await exited;
  }
}
