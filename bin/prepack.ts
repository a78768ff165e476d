/**
 * `npm pack` (prepack): the installable package. Its CLI is one bundled file and its console
 * prebuilt files, so the package installs with no dependencies and runs without TypeScript:
 *   dist/ssm-history.js   bin/cli.ts and everything it imports, for Node 20
 *   dist/console/         the console's index.html and hashed script and stylesheet
 */
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { build } from 'esbuild';
import { buildConsoleFiles } from '../console/assets';

const root = join(__dirname, '..');
const dist = join(root, 'dist');

async function main(): Promise<void> {
  await rm(dist, { recursive: true, force: true });
  await build({
    entryPoints: [join(root, 'bin', 'cli.ts')],
    outfile: join(dist, 'ssm-history.js'),
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    minify: true,
    legalComments: 'linked',
    // Only loaded beside the console's TypeScript sources, which the package does not carry.
    external: ['esbuild'],
    logLevel: 'warning',
  });
  await buildConsoleFiles(join(dist, 'console'));
}

main().catch((error: unknown) => {
  process.stderr.write(`prepack: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
