import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { extname, join, resolve } from 'node:path';
import type { ApiHandler, ApiRequest, ApiResponse } from '../lambdas/query/http';
import { messageResponse } from '../lambdas/query/responses';
import { OVERVIEW_REQUESTS } from './app/overview-requests';

/**
 * The archive's web console: a preact app (console/app) bundled by esbuild into one script
 * and one stylesheet, served under /console beside the query API (same origin, so the app
 * calls the API with relative paths and no CORS).
 */

/** Where the console is served; the app's own routes live under it too. */
export const CONSOLE_BASE = '/console';
/** Where the hashed script and stylesheet are served. */
export const CONSOLE_ASSETS_PATH = `${CONSOLE_BASE}/assets/`;

export interface ConsoleAsset {
  /** The file name under CONSOLE_ASSETS_PATH, its content hash in it (app-3f2a9c01d4.js). */
  readonly name: string;
  readonly contentType: string;
  readonly body: string;
}

export interface ConsoleAssets {
  /** The page every console route answers with: it loads the script and the stylesheet. */
  readonly indexHtml: string;
  readonly script: ConsoleAsset;
  readonly stylesheet: ConsoleAsset;
}

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
};

/** Where the TypeScript sources are, in the repository. */
const SOURCE_DIR = join(__dirname, 'app');
const ENTRY_POINT = 'index.tsx';
/** Where buildConsoleFiles puts the prebuilt console for the packaged CLI, from the repository root. */
export const PREBUILT_DIR = resolve(__dirname, '..', 'dist', 'console');

/**
 * The console's files. Beside its TypeScript sources (the repository: local mode, tests), it
 * builds them in memory with esbuild, a devDependency. Without them (the packaged CLI, where
 * esbuild is absent) it reads what buildConsoleFiles wrote: from this module's own folder
 * when it was itself compiled into dist/console, else from dist/console under the root.
 */
export async function consoleAssets(): Promise<ConsoleAssets> {
  if (existsSync(join(SOURCE_DIR, ENTRY_POINT))) return buildConsoleAssets(SOURCE_DIR);
  const prebuilt = existsSync(join(__dirname, 'index.html')) ? __dirname : PREBUILT_DIR;
  return readConsoleFiles(prebuilt);
}

/** Bundles the app: minified ESM for es2020, preact's automatic JSX runtime, the CSS the app imports. */
export async function buildConsoleAssets(sourceDir: string = SOURCE_DIR): Promise<ConsoleAssets> {
  // Loaded here, not at the top: the packaged CLI reads prebuilt files and has no esbuild.
  const { build } = await import('esbuild');
  const result = await build({
    entryPoints: [join(sourceDir, ENTRY_POINT)],
    bundle: true,
    write: false,
    minify: true,
    format: 'esm',
    target: 'es2020',
    platform: 'browser',
    jsx: 'automatic',
    jsxImportSource: 'preact',
    outdir: 'out',
    entryNames: 'app',
    legalComments: 'none',
    logLevel: 'silent',
    tsconfig: join(sourceDir, '..', 'tsconfig.json'),
  });
  const output = (extension: string): string => {
    const file = result.outputFiles.find((candidate) => candidate.path.endsWith(extension));
    if (file === undefined) throw new Error(`esbuild produced no ${extension} file for the console`);
    return file.text;
  };
  return assembleAssets(output('.js'), output('.css'));
}

/** Names each asset by its content, so a browser may keep it for good; index.html is then the only file to revalidate. */
function assembleAssets(scriptText: string, stylesheetText: string): ConsoleAssets {
  const hashed = (extension: string, body: string): ConsoleAsset => ({
    name: `app-${createHash('sha256').update(body).digest('hex').slice(0, 12)}${extension}`,
    contentType: CONTENT_TYPES[extension] ?? 'application/octet-stream',
    body,
  });
  const script = hashed('.js', scriptText);
  const stylesheet = hashed('.css', stylesheetText);
  return { indexHtml: indexHtml(script.name, stylesheet.name), script, stylesheet };
}

function indexHtml(scriptName: string, stylesheetName: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<title>ssm-history console</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="${CONSOLE_ASSETS_PATH}${stylesheetName}">
<script type="module" src="${CONSOLE_ASSETS_PATH}${scriptName}"></script>
</head>
<body>
<div id="app"><p class="loading" role="status">Loading the console…</p></div>
<noscript><p>The console needs JavaScript. The archive's API answers without it: GET /executions, GET /status.</p></noscript>
</body>
</html>
`;
}

/** Writes index.html and assets/app-<hash>.{js,css} to outDir (what the packaged CLI serves). */
export async function buildConsoleFiles(outDir: string, sourceDir: string = SOURCE_DIR): Promise<ConsoleAssets> {
  const assets = await buildConsoleAssets(sourceDir);
  await mkdir(join(outDir, 'assets'), { recursive: true });
  await Promise.all([
    writeFile(join(outDir, 'index.html'), assets.indexHtml),
    writeFile(join(outDir, 'assets', assets.script.name), assets.script.body),
    writeFile(join(outDir, 'assets', assets.stylesheet.name), assets.stylesheet.body),
  ]);
  return assets;
}

/** Reads what buildConsoleFiles wrote. */
export async function readConsoleFiles(dir: string): Promise<ConsoleAssets> {
  const names = await readdir(join(dir, 'assets'));
  const asset = async (extension: string): Promise<ConsoleAsset> => {
    const name = names.find((candidate) => candidate.startsWith('app-') && extname(candidate) === extension);
    if (name === undefined) throw new Error(`No prebuilt console ${extension} file in ${join(dir, 'assets')}`);
    return { name, contentType: CONTENT_TYPES[extension] ?? 'application/octet-stream', body: await readFile(join(dir, 'assets', name), 'utf8') };
  };
  const [indexText, script, stylesheet] = await Promise.all([readFile(join(dir, 'index.html'), 'utf8'), asset('.js'), asset('.css')]);
  return { indexHtml: indexText, script, stylesheet };
}

/** A hashed name never changes content: a year, and no revalidation. */
const IMMUTABLE = 'public, max-age=31536000, immutable';

/**
 * GET /console and everything under it: an asset path serves that asset; any other path is
 * one of the app's own routes (/console/executions/<id>, ...) and gets index.html, which the
 * app routes in the browser. The assets may still be building: requests wait for them, and
 * a build that failed is a 503 saying why (the API beside it keeps working).
 */
export function consoleRoute(assets: ConsoleAssets | Promise<ConsoleAssets>): ApiHandler {
  const ready = Promise.resolve(assets);
  // Observed here so a failed build is answered per request rather than left unhandled.
  ready.catch(() => undefined);
  return async (request: ApiRequest): Promise<ApiResponse> => {
    if (request.method !== 'GET') return messageResponse(405, `${request.method} is not allowed on ${request.path}; the console answers GET`, { allow: 'GET' });
    let loaded: ConsoleAssets;
    try {
      loaded = await ready;
    } catch (error) {
      return messageResponse(503, `The console could not be built: ${error instanceof Error ? error.message : String(error)}`);
    }
    if (request.path.startsWith(CONSOLE_ASSETS_PATH)) {
      const name = request.path.slice(CONSOLE_ASSETS_PATH.length);
      const asset = [loaded.script, loaded.stylesheet].find((candidate) => candidate.name === name);
      // A missing asset is a 404, never index.html: a script tag must not run a page as JavaScript.
      if (asset === undefined) return messageResponse(404, `No console asset ${name}`);
      return { statusCode: 200, headers: { 'content-type': asset.contentType, 'cache-control': IMMUTABLE }, body: asset.body };
    }
    return {
      statusCode: 200,
      headers: {
        'content-type': CONTENT_TYPES['.html'] as string,
        'cache-control': 'no-cache',
        // Everything the page loads is its own: scripts, styles, and the API it calls.
        'content-security-policy': "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
        'x-content-type-options': 'nosniff',
      },
      body: request.path === CONSOLE_BASE || request.path === `${CONSOLE_BASE}/` ? withOverviewPreloads(loaded.indexHtml) : loaded.indexHtml,
    };
  };
}

/**
 * The overview's page: index.html that also preloads the overview's API requests, so they are
 * answered while the script loads rather than after it has run. `crossorigin` gives the
 * preload the credentials mode of the app's same-origin fetch, so the fetch takes its answer.
 */
function withOverviewPreloads(html: string): string {
  const links = Object.values(OVERVIEW_REQUESTS).map((url) => `<link rel="preload" href="${url}" as="fetch" crossorigin>`);
  return html.replace('</head>', `${links.join('\n')}\n</head>`);
}

/** True for the paths consoleRoute answers: /console and anything under it. */
export const isConsolePath = (path: string): boolean => path === CONSOLE_BASE || path.startsWith(`${CONSOLE_BASE}/`);
