import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { join } from 'node:path';
import invocationEvent from '../fixtures/aws/command-invocation-status-change.json';
import { historyKinds } from '../../lambdas/core/model';
import { eventually, postEvent, request, tempDataDir } from './support';

/**
 * `npm start` as a person runs it: tsx on bin/local.ts in its own process, with no AWS
 * credentials in its environment. It prints its banner, answers, and exits 0 on SIGINT and
 * on SIGTERM; a second start on the same data dir finds the archive the first one left, and a
 * third, with the README's credentials for the AWS CLI in its environment, still plays the simulator.
 */
const ROOT = join(__dirname, '..', '..');
/**
 * As `npm start` runs it: node with tsx's loader, one process. (The tsx CLI would put a
 * parent in front that relays signals and SIGKILLs a child that has not acknowledged one
 * within 30 ms, which a busy event loop misses.)
 */
const LOCAL_MODE = ['--import', 'tsx', 'bin/local.ts'];

interface Started {
  readonly child: ChildProcessWithoutNullStreams;
  readonly url: string;
  readonly output: () => string;
  readonly exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function withoutAws(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(env).filter(([name]) => !name.startsWith('AWS_')));
}

/** No AWS configuration but `aws` (the machine's own files never count). */
function awsEnvironment(aws: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return { ...withoutAws(process.env), AWS_CONFIG_FILE: '/nonexistent', AWS_SHARED_CREDENTIALS_FILE: '/nonexistent', ...aws };
}

/** Every kind has polled successfully since `since` (GET /status). */
async function polledSince(url: string, since = 0): Promise<readonly { lastSuccessfulPollAt?: string }[]> {
  return eventually('a successful poll of every kind', async () => {
    const kinds = ((await request(`${url}/status`)).body as { kinds: { lastSuccessfulPollAt?: string }[] }).kinds;
    const polled = (kind: { lastSuccessfulPollAt?: string }) => kind.lastSuccessfulPollAt !== undefined && Date.parse(kind.lastSuccessfulPollAt) >= since;
    return kinds.every(polled) ? kinds : undefined;
  }, 30_000);
}

/** Runs local mode with arguments that make it refuse to start; its exit code and stderr. */
async function refused(args: readonly string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(process.execPath, [...LOCAL_MODE, ...args], { cwd: ROOT, env });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  return { code, stderr };
}

/**
 * A cold start compiles the TypeScript sources and seeds a day of activity: about 7 s on an
 * idle machine (npm run bench), several times that beside two other jest workers.
 */
const BANNER_WAIT_MS = 45_000;
/** Room for a start and a poll on a loaded machine. */
const PROCESS_TEST_MS = 120_000;

async function start(dataDir: string, aws: NodeJS.ProcessEnv = {}, timeoutMs = BANNER_WAIT_MS): Promise<Started> {
  const child = spawn(process.execPath, [...LOCAL_MODE, '--port', '0', '--data-dir', dataDir, '--poll-interval', '2m'], {
    cwd: ROOT,
    env: awsEnvironment(aws),
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`no banner within ${timeoutMs} ms\nstdout:\n${stdout}\nstderr:\n${stderr}`));
    }, timeoutMs);
    const check = () => {
      const match = /API\s+(http:\/\/127\.0\.0\.1:\d+)/.exec(stdout);
      if (match?.[1] && stdout.includes('Ctrl-C stops it.')) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    child.stdout.on('data', check);
    void exit.then(({ code }) => {
      clearTimeout(timer);
      reject(new Error(`exited with ${String(code)} before its banner\nstdout:\n${stdout}\nstderr:\n${stderr}`));
    });
  });
  return { child, url, output: () => `${stdout}${stderr}`, exit };
}

describe('npm start (bin/local.ts in a process of its own)', () => {
  let dataDir: Awaited<ReturnType<typeof tempDataDir>>;

  beforeAll(async () => {
    dataDir = await tempDataDir();
  });
  afterAll(async () => {
    await dataDir.remove();
  });

  it('starts, prints its banner, answers, and exits 0 on SIGINT', async () => {
    const local = await start(dataDir.path);
    // Ready: the first query is answered, from the seeded day. (How fast is `npm run bench`'s
    // business, not a test's: timings here depend on the machine's load.)
    const executions = await request(`${local.url}/executions?limit=5`);
    expect(executions.status).toBe(200);
    expect(executions.body.items).toHaveLength(5);

    const response = await postEvent(local.url, invocationEvent);
    expect(response.status).toBe(202);
    expect(response.body.stored).toEqual([expect.objectContaining({ outcome: 'written' })]);

    const text = local.output();
    expect(text).toContain('the SSM simulator at http://127.0.0.1:');
    expect(text).toContain(', collected now');
    expect(text).toContain('Pollers      every 2m (--poll-interval)');
    expect(text).toContain(`aws ssm list-command-invocations --endpoint-url ${local.url} --details`);

    // The pollers' first poll (the backfill) runs at start; once it is done, every kind has polled.
    expect(await polledSince(local.url)).toHaveLength(historyKinds.length);

    local.child.kill('SIGINT');
    expect(await local.exit).toEqual({ code: 0, signal: null });
    expect(local.output()).toContain('SIGINT: stopping');
    expect(local.output()).toContain('Stopped.');
  }, PROCESS_TEST_MS);

  it('starts again on the same data dir with the archive as it was, and exits 0 on SIGTERM', async () => {
    const local = await start(dataDir.path);
    expect(local.output()).toContain(', already in the archive');
    const response = await postEvent(local.url, invocationEvent);
    expect(response.status).toBe(202);
    // The first process stored this; the second finds it there and keeps it.
    expect(response.body.stored).toEqual([expect.objectContaining({ outcome: 'stale' })]);

    local.child.kill('SIGTERM');
    expect(await local.exit).toEqual({ code: 0, signal: null });
    expect(local.output()).toContain('SIGTERM: stopping');
  }, PROCESS_TEST_MS);

  it("still plays the simulator with the README's AWS CLI credentials and a Region in its environment", async () => {
    // `export AWS_ACCESS_KEY_ID=local ...` in the shell that runs `npm start`: real SSM would
    // fail every poll (ENOTFOUND offline, an auth error online), so a poll that succeeds read the simulator.
    const started = Date.now();
    const local = await start(dataDir.path, { AWS_ACCESS_KEY_ID: 'local', AWS_SECRET_ACCESS_KEY: 'local', AWS_DEFAULT_REGION: 'us-east-1' });
    try {
      expect(local.output()).toMatch(/ {2}SSM {10}the SSM simulator at http:\/\/127\.0\.0\.1:\d+ \(default; pass --ssm aws to read real SSM\)\n/);
      // Only the simulator plays a seeded day.
      expect(local.output()).toContain(', already in the archive');
      // The archive's watermarks are the earlier runs', so this poll reads only what is new since.
      expect(await polledSince(local.url, started)).toHaveLength(historyKinds.length);
      expect(local.output()).not.toMatch(/amazonaws\.com|ENOTFOUND/);
    } finally {
      local.child.kill('SIGTERM');
    }
    expect(await local.exit).toEqual({ code: 0, signal: null });
  }, PROCESS_TEST_MS);

  it('rejects a bad option with a clear message and exit code 2', async () => {
    const { code, stderr } = await refused(['--port', 'http'], withoutAws(process.env));
    expect(code).toBe(2);
    expect(stderr).toContain('--port must be a whole number from 0 to 65535, got "http"');
    expect(stderr).toContain('Usage: npm start -- [options]');
  });

  it('refuses --ssm aws without a Region, saying how to set one, with exit code 2', async () => {
    const dataDir = await tempDataDir();
    try {
      const { code, stderr } = await refused(
        ['--ssm', 'aws', '--data-dir', dataDir.path],
        awsEnvironment({ AWS_ACCESS_KEY_ID: 'local', AWS_SECRET_ACCESS_KEY: 'local' }),
      );
      expect(code).toBe(2);
      expect(stderr).toContain('--ssm aws needs an AWS Region: pass --region (e.g. --region eu-west-1), or set AWS_REGION or AWS_DEFAULT_REGION');
    } finally {
      await dataDir.remove();
    }
  });
});
