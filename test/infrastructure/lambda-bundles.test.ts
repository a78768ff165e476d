import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { build, type Metafile } from 'esbuild';
import { collectorEntry, lambdaBundling, organizationCollectorEntry, pollerEntry, queryEntry } from '../../lib/lambda-bundling';
import { defaultProvider } from '../../lambdas/lambda-credentials';
import { tableIds, tableSchemas } from '../../lambdas/sources/tables';

/**
 * The Lambdas as deployed: bundled with the app's esbuild options, whose alias replaces the
 * SDK's default credential chain by Lambda's environment credentials.
 */
let outDir: string;
/** Per bundle: its file, every module esbuild read, and those with code in the output (what tree-shaking kept). */
const bundles = new Map<string, { file: string; inputs: string[]; shipped: string[] }>();

beforeAll(async () => {
  outDir = mkdtempSync(path.join(tmpdir(), 'ssm-history-bundles-'));
  for (const [name, entry] of [
    ['collector', collectorEntry],
    ['organization-collector', organizationCollectorEntry],
    ['query', queryEntry],
    ['poller', pollerEntry],
  ] as const) {
    const file = path.join(outDir, `${name}.mjs`);
    const result = await build({ ...lambdaBundling, entryPoints: [entry], outfile: file, metafile: true, logLevel: 'error' });
    const metafile: Metafile = result.metafile;
    const shipped = Object.values(metafile.outputs).flatMap((output) => Object.entries(output.inputs).filter(([, input]) => input.bytesInOutput > 0).map(([module]) => module));
    bundles.set(name, { file, inputs: Object.keys(metafile.inputs), shipped });
  }
}, 90_000);

afterAll(() => rmSync(outDir, { recursive: true, force: true }));

test.each(['collector', 'organization-collector', 'query', 'poller'])('the %s bundle holds none of the default chain (SSO, INI, STS clients)', (name) => {
  const inputs = bundles.get(name)?.inputs ?? [];
  expect(inputs.some((input) => input.includes('lambdas/lambda-credentials.ts'))).toBe(true);
  expect(inputs.filter((input) => /credential-provider-(node|ini|sso|process|web-identity|login)|nested-clients/.test(input))).toEqual([]);
});

test.each(['collector', 'organization-collector', 'query', 'poller'])('the %s bundle holds no test-only code (the AGPL IAM evaluator, test/)', (name) => {
  const inputs = bundles.get(name)?.inputs ?? [];
  expect(inputs.length).toBeGreaterThan(0);
  expect(inputs.filter((input) => input.includes('@cloud-copilot') || input.startsWith('test/'))).toEqual([]);
});

test("the collector bundle carries only what collecting runs: not the pollers' listers, and STS only for an organization", () => {
  const inputs = (name: string) => bundles.get(name)?.shipped ?? [];
  const listers = (name: string) => inputs(name).filter((input) => /lambdas\/sources\/([a-z-]+\/listing|nested-listing)\.ts$/.test(input));
  const sts = (name: string) => inputs(name).filter((input) => input.includes('@aws-sdk/client-sts/'));
  expect(listers('collector')).toEqual([]);
  expect(listers('organization-collector')).toEqual([]);
  // The poller lists every kind: its bundle shows the pattern finds the listers where they are.
  expect(listers('poller')).toHaveLength(6);
  expect(sts('collector')).toEqual([]);
  expect(sts('organization-collector').length).toBeGreaterThan(0);
});

test.each([
  ['collector', {}],
  // As the stack sets them for an organization: its members' accounts and Regions.
  ['organization-collector', { SOURCE_ACCOUNTS: 'organization', MEMBER_ACCOUNTS: 'organization', MEMBER_REGIONS: 'us-east-1,eu-west-1' }],
] as const)('the %s bundle initialises in a fresh process given only what Lambda sets in its environment', (name, extra) => {
  // A fresh process imports the bundle, as Lambda's init does.
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'AKIDLAMBDAROLE',
    AWS_SECRET_ACCESS_KEY: 'secret',
    AWS_SESSION_TOKEN: 'session',
  };
  for (const id of tableIds) env[tableSchemas[id].envVar] = tableSchemas[id].logicalName;
  // And, as the stack sets them, its own account and the senders it trusts.
  env.HOME_ACCOUNT = '123456789012';
  env.SOURCE_ACCOUNTS = '123456789012';
  env.SOURCE_REGIONS = 'us-east-1';
  Object.assign(env, extra);
  const file = bundles.get(name)?.file ?? '';
  const script = `await import(${JSON.stringify(pathToFileURL(file).href)}); process.stdout.write('imported');`;
  expect(execFileSync(process.execPath, ['--no-warnings', '--input-type=module', '-e', script], { env }).toString()).toBe('imported');
});

describe('lambda credentials', () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
  });

  test("resolve the execution role's keys from the environment", async () => {
    process.env.AWS_ACCESS_KEY_ID = 'AKIDLAMBDAROLE';
    process.env.AWS_SECRET_ACCESS_KEY = 'secret';
    process.env.AWS_SESSION_TOKEN = 'session';
    await expect(defaultProvider()()).resolves.toMatchObject({ accessKeyId: 'AKIDLAMBDAROLE', secretAccessKey: 'secret', sessionToken: 'session' });
  });

  test('fail with the SDK credentials error when the environment has none', async () => {
    delete process.env.AWS_ACCESS_KEY_ID;
    delete process.env.AWS_SECRET_ACCESS_KEY;
    await expect(defaultProvider()()).rejects.toThrow(/credentials/i);
  });
});
