import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The AWS CLI's environment: dummy credentials, no user configuration, no pager. */
export const AWS_CLI_ENVIRONMENT: NodeJS.ProcessEnv = {
  ...process.env,
  AWS_ACCESS_KEY_ID: 'x',
  AWS_SECRET_ACCESS_KEY: 'x',
  AWS_DEFAULT_REGION: 'us-east-1',
  AWS_CONFIG_FILE: '/nonexistent',
  AWS_SHARED_CREDENTIALS_FILE: '/nonexistent',
  AWS_PAGER: '',
};

/**
 * One `aws ssm` command (the AWS CLI v1 on PATH) against an endpoint: its parsed JSON output.
 * Rejects as execFile does (with the CLI's `code` and `stderr`) when the CLI fails.
 */
export async function awsSsmJson(endpoint: string, ...args: string[]): Promise<unknown> {
  const { stdout } = await run('aws', ['ssm', ...args, '--endpoint-url', endpoint, '--output', 'json'], { env: AWS_CLI_ENVIRONMENT });
  return JSON.parse(stdout) as unknown;
}

/** What the AWS CLI printed: its JSON answer, or the SSM error it reported. */
export type CliAnswer = { readonly answer: unknown } | { readonly error: string };

/**
 * One `aws ssm` command (the AWS CLI v1 on PATH) against an endpoint, with dummy credentials
 * and no user configuration: its JSON output, or the error code of the failure it reports
 * ("An error occurred (Code) when calling ...").
 */
export async function awsSsm(endpoint: string, ...args: string[]): Promise<CliAnswer> {
  try {
    // One attempt: an error is the answer under test, not something to retry.
    const { stdout } = await run('aws', ['ssm', ...args, '--endpoint-url', endpoint, '--output', 'json'], { env: { ...AWS_CLI_ENVIRONMENT, AWS_MAX_ATTEMPTS: '1' } });
    return { answer: JSON.parse(stdout) as unknown };
  } catch (error) {
    const stderr = (error as { stderr?: unknown }).stderr;
    const code = /An error occurred \(([^)]+)\)/.exec(typeof stderr === 'string' ? stderr : '')?.[1];
    if (code === undefined) throw error;
    return { error: code };
  }
}
