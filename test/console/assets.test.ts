import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { OVERVIEW_REQUESTS } from '../../console/app/overview-requests';
import { buildConsoleAssets, buildConsoleFiles, consoleRoute, readConsoleFiles, type ConsoleAssets } from '../../console/assets';
import type { ApiHandler, ApiRequest } from '../../lambdas/query/http';
import { jsonResponse } from '../../lambdas/query/responses';
import { localRoutes } from '../../local/local-mode/routes';

/** The console's files and how /console serves them, without a browser. */
const get = (path: string, method = 'GET'): ApiRequest => ({ method, path, query: {}, headers: {}, body: '' });

/** The bundle's budget: what a browser downloads before the console can draw anything. */
const SCRIPT_GZIP_BUDGET_BYTES = 150 * 1024;

describe('the web console', () => {
  let assets: ConsoleAssets;

  beforeAll(async () => {
    assets = await buildConsoleAssets();
  });

  it('bundles one minified ES module within its budget of 150 KB gzip-compressed', () => {
    const gzipped = gzipSync(assets.script.body, { level: 9 }).length;
    expect(gzipped).toBeLessThanOrEqual(SCRIPT_GZIP_BUDGET_BYTES);
    expect(assets.script.name).toMatch(/^app-[0-9a-f]{12}\.js$/);
    expect(assets.stylesheet.name).toMatch(/^app-[0-9a-f]{12}\.css$/);
    // Minified: a handful of very long lines, not the sources' thousands.
    expect(assets.script.body.split('\n').length).toBeLessThan(20);
    // An ES module that loads nothing from elsewhere: no CDN, works offline.
    expect(assets.script.body).not.toMatch(/https?:\/\/(?!www\.w3\.org)[a-z0-9.-]+\.[a-z]{2,}\//i);
    expect(assets.indexHtml).toContain(`<script type="module" src="/console/assets/${assets.script.name}"></script>`);
    expect(assets.indexHtml).toContain(`<link rel="stylesheet" href="/console/assets/${assets.stylesheet.name}">`);
  });

  it("carries the chart library's own stylesheet in the console's one stylesheet", () => {
    // uPlot positions its canvas and overlay with its classes: without them the chart is misplaced.
    expect(assets.stylesheet.body).toContain('.uplot');
    expect(assets.stylesheet.body).toContain('.chart-legend');
  });

  it('serves index.html at /console and at every route of the app, without caching it', async () => {
    const route = consoleRoute(assets);
    for (const path of ['/console', '/console/', '/console/executions', '/console/executions/0b6e0d4a-6e3f-4b8c-9c2f-1f5d1f0c1a2b', '/console/nodes/i-0123456789abcdef0', '/console/no/such/page']) {
      const response = await route(get(path));
      expect({ path, statusCode: response.statusCode, type: response.headers['content-type'] }).toEqual({ path, statusCode: 200, type: 'text/html; charset=utf-8' });
      expect(response.headers['cache-control']).toBe('no-cache');
      // The overview's page also preloads what the overview asks the API for; no other page does.
      const preloads = [...response.body.matchAll(/<link rel="preload" href="([^"]+)" as="fetch" crossorigin>/g)].map((match) => match[1]);
      const overview = path === '/console' || path === '/console/';
      expect({ path, preloads }).toEqual({ path, preloads: overview ? Object.values(OVERVIEW_REQUESTS) : [] });
      expect(response.body.replace(/<link rel="preload"[^>]*>\n/g, '')).toBe(assets.indexHtml);
    }
  });

  it('serves each hashed asset with its type and a year-long immutable cache, and a 404 for any other asset', async () => {
    const route = consoleRoute(Promise.resolve(assets));
    const script = await route(get(`/console/assets/${assets.script.name}`));
    expect(script).toMatchObject({ statusCode: 200, body: assets.script.body });
    expect(script.headers).toMatchObject({ 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'public, max-age=31536000, immutable' });
    const stylesheet = await route(get(`/console/assets/${assets.stylesheet.name}`));
    expect(stylesheet).toMatchObject({ statusCode: 200, body: assets.stylesheet.body });
    expect(stylesheet.headers['content-type']).toBe('text/css; charset=utf-8');

    const stale = await route(get('/console/assets/app-000000000000.js'));
    expect(stale.statusCode).toBe(404);
    expect(JSON.parse(stale.body)).toEqual({ message: 'No console asset app-000000000000.js' });
  });

  it('answers 405 to anything but GET', async () => {
    const route = consoleRoute(assets);
    for (const method of ['POST', 'PUT', 'DELETE']) {
      const response = await route(get('/console/executions', method));
      expect(response.statusCode).toBe(405);
      expect(response.headers['allow']).toBe('GET');
      expect(JSON.parse(response.body).message).toContain(`${method} is not allowed on /console/executions`);
    }
  });

  it('answers 503 with the reason when the console could not be built, and keeps answering', async () => {
    const route = consoleRoute(Promise.reject(new Error('esbuild is not installed')));
    const response = await route(get('/console'));
    expect(response.statusCode).toBe(503);
    expect(JSON.parse(response.body)).toEqual({ message: 'The console could not be built: esbuild is not installed' });
    expect((await route(get('/console/executions'))).statusCode).toBe(503);
  });

  it("is local mode's route for /console and everything under it, and for nothing else", async () => {
    const answering = (name: string): ApiHandler => async () => jsonResponse(200, { name });
    const routes = localRoutes(answering('events'), answering('alerts'), answering('query'), consoleRoute(assets));
    for (const path of ['/console', '/console/', '/console/nodes/i-0123456789abcdef0', `/console/assets/${assets.script.name}`]) {
      expect((await routes(get(path))).body).not.toContain('"name"');
    }
    for (const path of ['/consoles', '/executions', '/status', '/']) {
      expect({ path, body: (await routes(get(path))).body }).toEqual({ path, body: JSON.stringify({ name: 'query' }) });
    }
  });

  it('writes the same files to disk for the packaged CLI, and reads them back as they were built', async () => {
    const outDir = await mkdtemp(join(tmpdir(), 'ssm-history-console-'));
    try {
      const written = await buildConsoleFiles(outDir);
      expect((await readdir(join(outDir, 'assets'))).sort()).toEqual([written.stylesheet.name, written.script.name].sort());
      expect(await readFile(join(outDir, 'index.html'), 'utf8')).toBe(written.indexHtml);
      const read = await readConsoleFiles(outDir);
      expect(read).toEqual(written);
      // The same sources build the same bytes: hashed names are stable across builds.
      expect(written.script.name).toBe(assets.script.name);
    } finally {
      await rm(outDir, { recursive: true, force: true });
    }
  });
});
