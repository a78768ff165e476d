import { execFileSync } from 'node:child_process';
import { mkdirSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { collectorEntry, lambdaBundling } from '../lib/lambda-bundling';
import { tableIds, tableSchemas } from '../lambdas/sources/tables';

export interface BundleFigures {
  readonly bytes: number;
  /** Median wall time of a fresh Node process importing the bundle, in ms. */
  readonly importMs: number;
}

const outDir = path.resolve(__dirname, '..', '.bench');

/** Builds an entry exactly as the CDK app bundles Lambdas (lib/lambda-bundling.ts). */
async function bundle(entry: string, name: string): Promise<string> {
  mkdirSync(outDir, { recursive: true });
  const outfile = path.join(outDir, `${name}.mjs`);
  await build({ ...lambdaBundling, entryPoints: [entry], outfile, logLevel: 'error' });
  return outfile;
}

/** Environment a bundle's module init needs (the collector fails fast without its tables). */
function lambdaEnvironment(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'x', AWS_SECRET_ACCESS_KEY: 'x' };
  for (const id of tableIds) env[tableSchemas[id].envVar] = tableSchemas[id].logicalName;
  // The senders it trusts, as the stack sets them.
  env.HOME_ACCOUNT = '123456789012';
  env.SOURCE_ACCOUNTS = '123456789012';
  env.SOURCE_REGIONS = 'us-east-1';
  return env;
}

function importMs(file: string): number {
  const script =
    'const t = process.hrtime.bigint();' +
    `await import(${JSON.stringify(pathToFileURL(file).href)});` +
    'process.stdout.write(String(Number(process.hrtime.bigint() - t) / 1e6));';
  // --no-warnings: Node 20's SDK support notice would be timed too; Lambda runs Node 24.
  const output = execFileSync(process.execPath, ['--no-warnings', '--input-type=module', '-e', script], { env: lambdaEnvironment() });
  return Number(output.toString());
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[middle] as number) : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

/**
 * The bundles' sizes and cold import times, measured in alternation in this one run so that
 * machine drift affects both alike; the ratio is what is compared.
 */
export async function measureBundles(
  runs: number,
): Promise<{ collector: BundleFigures; bareClients: BundleFigures; bareClientsWithSns: BundleFigures }> {
  const files = {
    collector: await bundle(collectorEntry, 'collector'),
    bareClients: await bundle(path.join(__dirname, 'bare-clients.ts'), 'bare-clients'),
    bareClientsWithSns: await bundle(path.join(__dirname, 'bare-clients-with-sns.ts'), 'bare-clients-with-sns'),
  };
  // Warm the file cache for all before timing.
  for (const file of Object.values(files)) importMs(file);
  const times = { collector: [] as number[], bareClients: [] as number[], bareClientsWithSns: [] as number[] };
  for (let i = 0; i < runs; i++) {
    for (const name of ['collector', 'bareClients', 'bareClientsWithSns'] as const) times[name].push(importMs(files[name]));
  }
  const figures = (name: keyof typeof files): BundleFigures => ({ bytes: statSync(files[name]).size, importMs: median(times[name]) });
  return { collector: figures('collector'), bareClients: figures('bareClients'), bareClientsWithSns: figures('bareClientsWithSns') };
}
