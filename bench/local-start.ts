import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

export interface LocalStartFigures {
  /** From spawning `node --import tsx bin/local.ts` (npm start) on an empty data dir to the first answered query, s. */
  readonly firstStartSeconds: number;
  /** The same on the data dir the first start left behind, s. */
  readonly restartSeconds: number;
}

/** Local mode running in its own process, as `npm start` runs it, answering queries. */
export interface LocalModeProcess {
  /** e.g. http://127.0.0.1:41234 (no trailing slash). */
  readonly url: string;
  /** From the spawn to the first answered query, s. */
  readonly readySeconds: number;
  /** Its process id (to read its CPU time). */
  readonly pid: number | undefined;
  /** The last few KB it wrote to stderr: what to show when something goes wrong. */
  stderr(): string;
  /** Ctrl-C (SIGINT), as an operator stops it; resolves when it has exited. Idempotent. */
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * Starts local mode as `npm start` does (`node --import tsx bin/local.ts`) on a free loopback
 * port and `dataDir`, with `extraArgs` after the port and data dir; resolves once it answers a
 * query. Its stdout (the banner, JSON logs) is not read: only the HTTP answers are measured.
 */
export async function launchLocalMode(dataDir: string, extraArgs: readonly string[] = []): Promise<LocalModeProcess> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const root = path.resolve(__dirname, '..');
  const started = process.hrtime.bigint();
  const child = spawn(process.execPath, ['--import', 'tsx', 'bin/local.ts', '--port', String(port), '--data-dir', dataDir, ...extraArgs], {
    cwd: root,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr = `${stderr}${chunk.toString()}`.slice(-4_000);
  });
  let exitCode: number | null | undefined;
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => {
      exitCode = code;
      resolve(code);
    }),
  );
  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      if (exitCode === undefined) child.kill('SIGINT');
      await exited;
    })();
    return stopping;
  };
  try {
    const deadline = Date.now() + 60_000;
    for (;;) {
      if (exitCode !== undefined) throw new Error(`local mode exited with ${String(exitCode)} before answering:\n${stderr}`);
      try {
        const response = await fetch(`${url}/executions?limit=1`);
        await response.arrayBuffer();
        if (response.status === 200) break;
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline) throw new Error(`local mode did not answer within 60 s:\n${stderr}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  } catch (error) {
    await stop();
    throw error;
  }
  const readySeconds = Number(process.hrtime.bigint() - started) / 1e9;
  return { url, readySeconds, pid: child.pid, stderr: () => stderr, stop };
}

/** Starts local mode, times the first answered query, stops it with SIGINT. */
async function timeStart(dataDir: string): Promise<number> {
  const mode = await launchLocalMode(dataDir);
  await mode.stop();
  return mode.readySeconds;
}

export async function benchLocalStart(): Promise<LocalStartFigures> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'ssm-history-bench-'));
  try {
    const firstStartSeconds = await timeStart(dataDir);
    const restartSeconds = await timeStart(dataDir);
    return { firstStartSeconds, restartSeconds };
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}
