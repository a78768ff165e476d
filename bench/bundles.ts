import { execFileSync } from 'node:child_process';
import { mkdirSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { collectorEntry, lambdaBundling, organizationCollectorEntry } from '../lib/lambda-bundling';
import { tableIds, tableSchemas } from '../lambdas/sources/tables';

export interface BundleFigures {
  readonly bytes: number;
  /** Median wall time of a fresh Node process importing the bundle, in ms. */
  readonly importMs: number;
}

const outDir = path.resolve(__dirname, '..', '.bench');

/** Builds an entry exactly as the CDK app bundles Lambdas (lib/lambda-bundling.ts). */
async function bundle(entry: string, name: string, dir: string): Promise<string> {
  mkdirSync(dir, { recursive: true });
  const outfile = path.join(dir, `${name}.mjs`);
  await build({ ...lambdaBundling, entryPoints: [entry], outfile, logLevel: 'error' });
  return outfile;
}

/** Environment a bundle's module init needs (the collector fails fast without its tables). */
function lambdaEnvironment(organization: boolean): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'x', AWS_SECRET_ACCESS_KEY: 'x' };
  for (const id of tableIds) env[tableSchemas[id].envVar] = tableSchemas[id].logicalName;
  // The senders it trusts, as the stack sets them.
  env.HOME_ACCOUNT = '123456789012';
  env.SOURCE_ACCOUNTS = '123456789012';
  env.SOURCE_REGIONS = 'us-east-1';
  // The stack always gives the collector its alerts topic: its init builds the alerting path too.
  env.ALERT_TOPIC_ARN = 'arn:aws:sns:us-east-1:123456789012:ssm-history-alerts';
  env.ALERT_MAX_AGE_HOURS = '24';
  env.ALERT_ACCOUNT_ID = '123456789012';
  env.ALERT_PARTITION = 'aws';
  // An organization's, as the stack sets them: its collector makes its STS client at init.
  if (organization) Object.assign(env, { SOURCE_ACCOUNTS: 'organization', MEMBER_ACCOUNTS: 'organization', MEMBER_REGIONS: 'us-east-1,eu-west-1' });
  return env;
}

function importMs(file: string, organization = false): number {
  const script =
    'const t = process.hrtime.bigint();' +
    `await import(${JSON.stringify(pathToFileURL(file).href)});` +
    'process.stdout.write(String(Number(process.hrtime.bigint() - t) / 1e6));';
  // --no-warnings: Node 20's SDK support notice would be timed too; Lambda runs Node 24.
  const output = execFileSync(process.execPath, ['--no-warnings', '--input-type=module', '-e', script], { env: lambdaEnvironment(organization) });
  return Number(output.toString());
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[middle] as number) : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

export interface BundlesFigures {
  /** The collector an archive of one account and Region deploys (the stack's default). */
  readonly collector: BundleFigures;
  /** The collector an organization's archive deploys: the same, reading members through STS. */
  readonly organizationCollector: BundleFigures;
  /** The SSM and DynamoDB clients alone (bare-clients.ts). */
  readonly bareClients: BundleFigures;
  /** The clients the collector needs: SSM, DynamoDB and SNS, for its alerts (bare-clients-with-sns.ts). */
  readonly bareClientsWithSns: BundleFigures;
  /** The clients the organization's collector needs: those and STS (bare-clients-with-sts.ts). */
  readonly bareClientsWithSts: BundleFigures;
  /** Fresh processes timed per bundle. */
  readonly runs: number;
}

/** The one-account collector's bundle, as deployed, is at most this large. */
export const COLLECTOR_BUNDLE_TARGET_BYTES = 450 * 1024;
/** Its cold import takes at most this many times that of the bare clients it needs (SSM, DynamoDB, SNS). */
export const COLLECTOR_IMPORT_TARGET_RATIO = 1.2;

/**
 * The bundles' sizes and cold import times, measured in alternation in this one run so that
 * machine drift affects both alike; the ratio is what is compared.
 */
export async function measureBundles(runs: number, dir: string = outDir): Promise<BundlesFigures> {
  const files = {
    collector: await bundle(collectorEntry, 'collector', dir),
    organizationCollector: await bundle(organizationCollectorEntry, 'organization-collector', dir),
    bareClients: await bundle(path.join(__dirname, 'bare-clients.ts'), 'bare-clients', dir),
    bareClientsWithSns: await bundle(path.join(__dirname, 'bare-clients-with-sns.ts'), 'bare-clients-with-sns', dir),
    bareClientsWithSts: await bundle(path.join(__dirname, 'bare-clients-with-sts.ts'), 'bare-clients-with-sts', dir),
  };
  const names = Object.keys(files) as (keyof typeof files)[];
  // Warm the file cache for all before timing.
  for (const name of names) importMs(files[name], name === 'organizationCollector');
  const times = Object.fromEntries(names.map((name) => [name, [] as number[]])) as Record<keyof typeof files, number[]>;
  for (let i = 0; i < runs; i++) {
    for (const name of names) times[name].push(importMs(files[name], name === 'organizationCollector'));
  }
  const figures = (name: keyof typeof files): BundleFigures => ({ bytes: statSync(files[name]).size, importMs: median(times[name]) });
  return {
    collector: figures('collector'),
    organizationCollector: figures('organizationCollector'),
    bareClients: figures('bareClients'),
    bareClientsWithSns: figures('bareClientsWithSns'),
    bareClientsWithSts: figures('bareClientsWithSts'),
    runs,
  };
}

/** The figures as `npm run bench -- --json` gives them. */
export function bundlesJson(figures: BundlesFigures) {
  const { collector, organizationCollector, bareClients, bareClientsWithSns, bareClientsWithSts } = figures;
  return {
    collectorBundleBytes: collector.bytes,
    organizationCollectorBundleBytes: organizationCollector.bytes,
    bareClientsBundleBytes: bareClients.bytes,
    bareClientsWithSnsBundleBytes: bareClientsWithSns.bytes,
    bareClientsWithStsBundleBytes: bareClientsWithSts.bytes,
    collectorImportMs: round(collector.importMs, 1),
    bareClientsImportMs: round(bareClients.importMs, 1),
    collectorImportRatio: round(collector.importMs / bareClients.importMs, 3),
    bareClientsWithSnsImportMs: round(bareClientsWithSns.importMs, 1),
    collectorImportRatioWithSns: round(collector.importMs / bareClientsWithSns.importMs, 3),
    organizationCollectorImportMs: round(organizationCollector.importMs, 1),
    bareClientsWithStsImportMs: round(bareClientsWithSts.importMs, 1),
    organizationCollectorImportRatio: round(organizationCollector.importMs / bareClientsWithSts.importMs, 3),
  };
}

/**
 * The section `npm run bench` prints. Each collector's cold import is judged against the bare
 * clients it needs: SSM, DynamoDB and SNS (its alerts), and STS for an organization's. The size
 * target is the one-account collector's, as the stack deploys by default; the organization's
 * bundle is reported with what its members cost on top.
 */
export function bundlesLines(figures: BundlesFigures): string[] {
  const target = (ok: boolean, text: string) => `${ok ? 'ok  ' : 'MISS'} ${text}`;
  const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
  const json = bundlesJson(figures);
  const { collector, organizationCollector, bareClients, bareClientsWithSns, bareClientsWithSts } = figures;
  return [
    `Collector bundles (esbuild, ESM, minified, as deployed; without the pollers' listers)`,
    `  ${target(collector.bytes <= COLLECTOR_BUNDLE_TARGET_BYTES, `size, one account             ${kb(collector.bytes)}  (bare SSM + DynamoDB + SNS clients ${kb(bareClientsWithSns.bytes)}, SSM + DynamoDB ${kb(bareClients.bytes)}; target <= ${COLLECTOR_BUNDLE_TARGET_BYTES / 1024} KB)`)}`,
    `  ${target(
      json.collectorImportRatioWithSns <= COLLECTOR_IMPORT_TARGET_RATIO,
      `cold import, one account      ${json.collectorImportMs} ms vs ${json.bareClientsWithSnsImportMs} ms bare SSM + DynamoDB + SNS = ${json.collectorImportRatioWithSns}x  (the clients it needs; median of ${figures.runs} fresh processes each, interleaved; target <= ${COLLECTOR_IMPORT_TARGET_RATIO}x)`,
    )}`,
    `       against SSM + DynamoDB only  ${json.collectorImportMs} ms vs ${json.bareClientsImportMs} ms bare SSM + DynamoDB = ${json.collectorImportRatio}x  (information)`,
    `       size, organization            ${kb(organizationCollector.bytes)}  (+${kb(organizationCollector.bytes - collector.bytes)} for STS and the member clients; bare SSM + DynamoDB + SNS + STS ${kb(bareClientsWithSts.bytes)}; information: deployed only with an organization)`,
    `  ${target(
      json.organizationCollectorImportRatio <= COLLECTOR_IMPORT_TARGET_RATIO,
      `cold import, organization     ${json.organizationCollectorImportMs} ms vs ${json.bareClientsWithStsImportMs} ms bare SSM + DynamoDB + SNS + STS = ${json.organizationCollectorImportRatio}x  (the clients it needs; target <= ${COLLECTOR_IMPORT_TARGET_RATIO}x)`,
    )}`,
  ];
}

const round = (value: number, digits: number) => Math.round(value * 10 ** digits) / 10 ** digits;

// `tsx bench/bundles.ts [runs] [--json]`: this section alone (41 rounds of five bundles: under a minute), its
// bundles apart from those of a full run that may be going on.
if (require.main === module) {
  const runs = Number(process.argv.slice(2).find((arg) => /^\d+$/.test(arg)) ?? 41);
  measureBundles(runs, path.join(outDir, 'bundles-only'))
    .then((figures) => process.stdout.write(`${(process.argv.includes('--json') ? [JSON.stringify(bundlesJson(figures))] : bundlesLines(figures)).join('\n')}\n`))
    .catch((error: unknown) => {
      process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
      process.exitCode = 1;
    });
}
