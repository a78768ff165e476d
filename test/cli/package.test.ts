import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startFakeApi, type FakeApi } from './fake-api';

/**
 * The package as a user gets it: `npm pack` in the repository, then the tarball installed in
 * an empty folder outside it, and its `ssm-history` run from there (no TypeScript, no
 * repository, no dependencies to fetch).
 */
const run = promisify(execFile);
const root = join(__dirname, '..', '..');
let folder: string;
let bin: string;
let api: FakeApi;

beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), 'ssm-history-package-'));
  await run('npm', ['pack', '--pack-destination', folder, '--silent'], { cwd: root });
  const tarball = (await readdir(folder)).find((name) => name.endsWith('.tgz'));
  if (tarball === undefined) throw new Error('npm pack wrote no tarball');
  await run('npm', ['install', '--no-audit', '--no-fund', '--offline', join(folder, tarball)], { cwd: folder });
  bin = join(folder, 'node_modules', '.bin', 'ssm-history');
  api = await startFakeApi((request) =>
    request.path === '/executions'
      ? { body: { items: [{ kind: 'command', status: 'Failed', time: '2026-03-04T05:06:00.507Z', commandId: '20b2a238-0b69-4033-aa24-065d5fcbe061', documentName: 'AWS-RunShellScript' }] } }
      : { status: 404, body: { message: 'Not found' } },
  );
}, 120_000);

afterAll(async () => {
  await api.close();
  await rm(folder, { recursive: true, force: true });
});

it('installs with nothing but itself, and runs from a folder outside the repository', async () => {
  const installed = await readdir(join(folder, 'node_modules'));
  expect(installed.filter((name) => !name.startsWith('.'))).toEqual(['ssm-history']);
  const { stdout } = await run(bin, ['--help'], { cwd: folder });
  expect(stdout).toMatch(/^Usage: ssm-history <command>/);
  const { stdout: table } = await run(bin, ['executions', '--endpoint', api.url, '--format', 'csv'], { cwd: folder });
  expect(table.split('\r\n')[1]).toMatch(/20b2a238-0b69-4033-aa24-065d5fcbe061/);
});

it('serves the prebuilt console from its proxy', async () => {
  const proxy: ChildProcess = spawn(bin, ['proxy', '--api', api.url, '--port', '0'], {
    cwd: folder,
    env: { PATH: process.env.PATH, AWS_ACCESS_KEY_ID: 'AKIDPACKAGE', AWS_SECRET_ACCESS_KEY: 'secret', AWS_REGION: 'us-east-1' },
  });
  try {
    const url = await new Promise<string>((resolve, reject) => {
      let printed = '';
      proxy.stdout?.on('data', (chunk: Buffer) => {
        printed += chunk.toString();
        const found = /http:\/\/127\.0\.0\.1:\d+/.exec(printed);
        if (found) resolve(found[0]);
      });
      proxy.once('exit', (code) => reject(new Error(`the proxy exited (${String(code)}) before listening: ${printed}`)));
    });
    const page = await fetch(`${url}/console/executions?status=Failed`);
    expect(page.status).toBe(200);
    const html = await page.text();
    const script = /src="(\/console\/assets\/app-[0-9a-f]+\.js)"/.exec(html)?.[1];
    expect(script).toBeDefined();
    const asset = await fetch(`${url}${script ?? ''}`);
    expect({ status: asset.status, type: asset.headers.get('content-type') }).toEqual({ status: 200, type: 'text/javascript; charset=utf-8' });
    expect((await asset.text()).length).toBeGreaterThan(1000);
  } finally {
    const exited = new Promise((resolve) => (proxy.exitCode === null ? proxy.once('exit', resolve) : resolve(proxy.exitCode)));
    proxy.kill('SIGTERM');
    await exited;
  }
});
