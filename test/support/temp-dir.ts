import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

/**
 * Each test file gets a temp folder of its own, removed when the file is done: the synthesized
 * apps write their cloud assemblies there (test/infrastructure/synthesized.ts), so no cdk.out
 * folder stays behind after a run. (Setting TMPDIR would not do: a test file sees its own copy
 * of process.env, which Node's os.tmpdir() outside it never reads.)
 */
export const TEST_TEMP_ENV = 'SSM_HISTORY_TEST_TEMP';

const folder = mkdtempSync(path.join(tmpdir(), 'ssm-history-test-'));
process.env[TEST_TEMP_ENV] = folder;

afterAll(() => {
  rmSync(folder, { recursive: true, force: true });
});
