import * as path from 'node:path';
import type { BuildOptions } from 'esbuild';

/**
 * How every Lambda of the app is bundled, as plain esbuild options. `ArchiveFunction` maps them
 * onto NodejsFunction; bench/ passes them to esbuild directly to measure the same bundle. This
 * module imports nothing from aws-cdk-lib so that it stays usable outside CDK:
 *
 *   await esbuild.build({ ...lambdaBundling, entryPoints: [collectorEntry], outfile: 'x.mjs' });
 */

/** Repository root: lib/ sits directly below it. */
const projectRoot = path.resolve(__dirname, '..');

/** The collector's handler source (an SQS handler returning partial batch responses), for an archive of one account and Region. */
export const collectorEntry = path.join(projectRoot, 'lambdas', 'handlers', 'collector.ts');

/** The same collector for an organization's archive: it also reads the members' SSM through their read roles (STS AssumeRole). */
export const organizationCollectorEntry = path.join(projectRoot, 'lambdas', 'handlers', 'organization-collector.ts');

/** The pollers' handler source (an EventBridge schedule, every kind polled in one invocation). */
export const pollerEntry = path.join(projectRoot, 'lambdas', 'handlers', 'poller.ts');

/** The query API's handler source (API Gateway HTTP API events, payload format 2.0). */
export const queryEntry = path.join(projectRoot, 'lambdas', 'handlers', 'query.ts');

/**
 * esbuild's ESM output has no `require`; bundled CommonJS dependencies still call it for Node
 * built-ins. Giving the module one is the documented workaround (aws/aws-cdk#29310).
 */
const esmRequireBanner =
  "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);";

export const lambdaBundling = {
  bundle: true,
  platform: 'node',
  /** ESM lets esbuild tree-shake the modular AWS SDK v3 (~410 KB instead of ~760 KB as CJS). */
  format: 'esm',
  /** Matches the Lambda runtime `ArchiveFunction` deploys (nodejs24.x). */
  target: 'node24',
  /** Prefer the packages' ESM builds, falling back to CommonJS. */
  mainFields: ['module', 'main'],
  minify: true,
  /** Off: no source maps to load at init (measure before turning them on). */
  sourcemap: false,
  banner: { js: esmRequireBanner },
  /**
   * Deployed Lambdas take their credentials from Lambda's environment only: the SDK's default
   * chain is swapped for lambdas/lambda-credentials.ts (why: see there).
   */
  alias: { '@aws-sdk/credential-provider-node': path.join(projectRoot, 'lambdas', 'lambda-credentials.ts') } as Record<string, string>,
  /**
   * Nothing external: the AWS SDK is bundled, pinned by package-lock.json, rather than taken
   * from whatever version the runtime ships.
   */
  external: [] as string[],
} satisfies BuildOptions;
