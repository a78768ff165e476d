import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import * as cxapi from 'aws-cdk-lib/cx-api';
import { TEST_TEMP_ENV } from '../support/temp-dir';

/**
 * bin/app.ts as the CDK CLI runs it (CDK_CONTEXT_JSON and CDK_OUTDIR, as `cdk synth -c key=value`
 * passes them), with cdk.json's context and without bundling: which stacks the organization's
 * context makes, and the errors that say what to pass. The app registers the cdk-nag packs, so
 * a synthesis that succeeds also passed them.
 */
const root = path.join(__dirname, '..', '..');
const cdkJson = JSON.parse(readFileSync(path.join(root, 'cdk.json'), 'utf8')) as { context: Record<string, unknown> };

function runApp(context: Record<string, string>): { status: number | null; stderr: string; outdir: string } {
  const outdir = mkdtempSync(path.join(process.env[TEST_TEMP_ENV] ?? tmpdir(), 'app-'));
  const result = spawnSync(process.execPath, ['--no-warnings', '--import', 'tsx', 'bin/app.ts'], {
    cwd: root,
    env: {
      ...process.env,
      CDK_OUTDIR: outdir,
      CDK_CONTEXT_JSON: JSON.stringify({ ...cdkJson.context, [cxapi.BUNDLING_STACKS]: [], ...context }),
    },
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { status: result.status, stderr: result.stderr, outdir };
}

const templateOf = (outdir: string, stack: string): string => readFileSync(path.join(outdir, `${stack}.template.json`), 'utf8');

describe('bin/app.ts with an organization', () => {
  it('synthesizes the archive with the members, and the member stack when given the archive’s account and Region', () => {
    const { status, stderr, outdir } = runApp({
      memberAccounts: 'organization',
      memberRegions: 'eu-west-1,us-east-1',
      organizationId: 'o-abcdefghij',
      archiveAccount: '999999999999',
      archiveRegion: 'eu-west-1',
    });
    expect({ status, stderr: status === 0 ? '' : stderr }).toEqual({ status: 0, stderr: '' });
    const archive = JSON.parse(templateOf(outdir, 'SsmHistory')) as { Resources: Record<string, { Type: string }> };
    expect(Object.values(archive.Resources).filter((resource) => resource.Type === 'AWS::Events::EventBus')).toHaveLength(1);
    expect(templateOf(outdir, 'SsmHistory')).toMatch(/"MEMBER_REGIONS": ?"eu-west-1,us-east-1"/);
    const member = templateOf(outdir, 'SsmHistoryMember');
    expect(member).toContain(':iam::999999999999:role/ssm-history-collector-eu-west-1');
    expect(member).toContain('o-abcdefghij');
  });

  it.each([
    ['archiveAccount without archiveRegion', { archiveAccount: '999999999999', organizationId: 'o-abcdefghij' }, /Context archiveAccount needs archiveRegion too: -c archiveRegion=/],
    ['a member stack trusting the account alone', { archiveAccount: '999999999999', archiveRegion: 'eu-west-1' }, /needs -c organizationId=o-<id>, -c memberExternalId=/],
    ['a whole organization without its ID', { memberAccounts: 'organization', memberRegions: 'eu-west-1' }, /memberAccounts=organization needs the organization: -c organizationId=o-<id>/],
    ['member accounts without Regions', { memberAccounts: '111111111111' }, /Context memberAccounts needs memberRegions too/],
  ])('refuses %s, saying what to pass', (_what, context, message) => {
    const { status, stderr } = runApp(context);
    expect(status).not.toBe(0);
    expect(stderr).toMatch(message);
  });
});
