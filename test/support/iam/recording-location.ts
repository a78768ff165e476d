import { readdirSync, statSync } from 'node:fs';
import * as path from 'node:path';

/** Where test runs write the AWS calls they recorded (git-ignored), one folder per run. */
export const RECORDINGS_ROOT = path.join(__dirname, '..', '..', '..', '.aws-calls');

/** The variable through which jest's global set-up tells every test file its run's folder. */
export const RUN_VARIABLE = 'SSM_HISTORY_AWS_CALLS_DIR';

/** This run's folder (a test file run outside jest's global set-up writes to an ad-hoc one). */
export const recordingsDir = (): string => process.env[RUN_VARIABLE] ?? path.join(RECORDINGS_ROOT, 'run-adhoc');

/** The folder of the latest run: the one the conformance check reads after `npx jest`. */
export function latestRunDir(): string | undefined {
  let runs: string[];
  try {
    runs = readdirSync(RECORDINGS_ROOT).filter((name) => name.startsWith('run-'));
  } catch {
    return undefined;
  }
  const dirs = runs.map((name) => path.join(RECORDINGS_ROOT, name));
  return dirs.sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs)[0];
}

/**
 * The run the conformance check reads: the one the variable names (to check a given run while
 * other runs start beside it), else the latest.
 */
export const runToCheck = (): string | undefined => process.env[RUN_VARIABLE] ?? latestRunDir();
