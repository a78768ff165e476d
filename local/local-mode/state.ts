import { randomBytes, randomInt } from 'node:crypto';
import { mkdir, open, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * What local mode keeps in its data dir besides the database, so that a restart serves the
 * same archive the same way: the page-token key (tokens handed out before a restart still
 * work after it), the seed of the simulated fleet (the same nodes, the same seeded day),
 * whether that day has been collected (so a restart does not collect it again), and the
 * simulator's commands that were still running at the last stop (so they finish after all).
 */
export interface LocalState {
  readonly version: 1;
  /** Secret that signs the query API's page tokens (base64, 32 random bytes). */
  readonly pageTokenKey: string;
  /** Seeds the simulated fleet and its day of history. */
  readonly fleetSeed: number;
  /** When the simulator's day of history ended (ISO); set on the first start with the simulator. */
  readonly seededAt?: string;
  /** True once every event of that day reached the archive. */
  readonly seedCollected?: boolean;
  /** The simulator's live commands still running when local mode last stopped: played again on start. */
  readonly resume?: readonly { readonly seed: number; readonly requestedAt: string }[];
}

export const STATE_FILE = 'local-mode.json';

export class LocalStateError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'LocalStateError';
  }
}

function isState(value: unknown): value is LocalState {
  if (typeof value !== 'object' || value === null) return false;
  const state = value as Record<string, unknown>;
  return (
    state.version === 1 &&
    typeof state.pageTokenKey === 'string' &&
    state.pageTokenKey.length > 0 &&
    typeof state.fleetSeed === 'number' &&
    Number.isInteger(state.fleetSeed) &&
    (state.seededAt === undefined || (typeof state.seededAt === 'string' && !Number.isNaN(Date.parse(state.seededAt)))) &&
    (state.seedCollected === undefined || typeof state.seedCollected === 'boolean') &&
    (state.resume === undefined ||
      (Array.isArray(state.resume) &&
        state.resume.every(
          (entry: unknown) =>
            typeof entry === 'object' &&
            entry !== null &&
            Number.isInteger((entry as { seed?: unknown }).seed) &&
            !Number.isNaN(Date.parse(String((entry as { requestedAt?: unknown }).requestedAt))),
        )))
  );
}

/** The data dir's state, created (with a fresh random key and fleet) when there is none yet. */
export async function loadState(dataDir: string): Promise<LocalState> {
  await mkdir(dataDir, { recursive: true });
  const path = join(dataDir, STATE_FILE);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    const fresh: LocalState = { version: 1, pageTokenKey: randomBytes(32).toString('base64'), fleetSeed: randomInt(1, 2 ** 31) };
    await saveState(dataDir, fresh);
    return fresh;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new LocalStateError(`${path} is not JSON; move it away to start afresh (the archive's data stays)`, { cause: error });
  }
  if (!isState(parsed)) throw new LocalStateError(`${path} is not a local-mode state file; move it away to start afresh`);
  return parsed;
}

/** Written whole, then renamed over the old file, so a crash never leaves half a file. */
export async function saveState(dataDir: string, state: LocalState): Promise<void> {
  const path = join(dataDir, STATE_FILE);
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
  await rename(temporary, path);
}

export const LOCK_FILE = 'local-mode.lock';

/** Another local mode is running on this data dir (dynalite's files take one process only). */
export class DataDirInUseError extends LocalStateError {
  constructor(dataDir: string, pid: number) {
    super(`${dataDir} is in use by another local mode (process ${pid}): stop it, or pass another --data-dir`);
    this.name = 'DataDirInUseError';
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Claims the data dir for this process: a lock file holding its pid, created exclusively. A
 * lock left by a process that is gone (killed, crashed) is taken over. Resolves to the release.
 */
export async function lockDataDir(dataDir: string): Promise<() => Promise<void>> {
  await mkdir(dataDir, { recursive: true });
  const path = join(dataDir, LOCK_FILE);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const file = await open(path, 'wx', 0o600);
      await file.writeFile(`${process.pid}\n`);
      await file.close();
      return () => rm(path, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const holder = Number.parseInt(await readFile(path, 'utf8').catch(() => ''), 10);
    if (Number.isInteger(holder) && holder > 0 && isRunning(holder)) throw new DataDirInUseError(dataDir, holder);
    await rm(path, { force: true });
  }
  throw new LocalStateError(`Could not lock ${dataDir}: ${path} keeps coming back`);
}
