import { mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { RECORDINGS_ROOT, RUN_VARIABLE } from './recording-location';

/**
 * Jest global set-up: this run records its AWS calls in a folder of its own, so that running
 * one test file never erases what a whole run recorded. Runs older than a day are removed.
 */
export default function startRecordingRun(): void {
  mkdirSync(RECORDINGS_ROOT, { recursive: true });
  for (const name of readdirSync(RECORDINGS_ROOT)) {
    const dir = path.join(RECORDINGS_ROOT, name);
    if (Date.now() - statSync(dir).mtimeMs > 24 * 3_600_000) rmSync(dir, { recursive: true, force: true });
  }
  const dir = path.join(RECORDINGS_ROOT, `run-${Date.now()}-${process.pid}`);
  mkdirSync(dir, { recursive: true });
  // Workers inherit the environment of the process that runs the global set-up.
  process.env[RUN_VARIABLE] = dir;
}
