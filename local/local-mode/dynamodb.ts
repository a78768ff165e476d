import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createTables } from '../../lambdas/store/create-tables';
import { prefixedTableNames, tableSchemas } from '../../lambdas/sources/tables';
import type { TableNames } from '../../lambdas/sources/tables';

/** Table names in local mode: the deployed schema's logical names, prefixed. */
export const LOCAL_TABLE_PREFIX = 'ssm-history-';

/** Static credentials, the shape the SDK clients take. */
export interface StaticCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
}

/** Credentials for loopback peers that do not check them (dynalite, DynamoDB Local, the simulator). */
export const LOOPBACK_CREDENTIALS: StaticCredentials = { accessKeyId: 'local', secretAccessKey: 'local' };

export interface ArchiveDatabase {
  /** "dynalite (embedded)" or the endpoint given. */
  readonly description: string;
  readonly endpoint: string;
  /** Where dynalite keeps its files; undefined for an external endpoint. */
  readonly path: string | undefined;
  readonly client: DynamoDBClient;
  readonly doc: DynamoDBDocumentClient;
  readonly tableNames: TableNames;
  /** Closes the client, then the embedded server and its database files. */
  stop(): Promise<void>;
}

export interface ArchiveDatabaseOptions {
  readonly dataDir: string;
  /** Another DynamoDB-compatible endpoint (e.g. DynamoDB Local) instead of the embedded dynalite. */
  readonly endpoint?: string;
  readonly region: string;
  /** For an external endpoint; default LOOPBACK_CREDENTIALS. */
  readonly credentials?: StaticCredentials;
}

/** What the dynalite thread says: its port once listening, or that it stopped, or why not. */
interface ThreadMessage {
  readonly port?: number;
  readonly stopped?: boolean;
  readonly error?: string;
}

/**
 * Starts dynalite on 127.0.0.1 with its LevelDB files under `path`, on a worker thread of its
 * own (local/local-mode/dynalite-thread.mjs): its work then runs beside the event loop that
 * answers queries rather than on it.
 */
export async function startDynalite(path: string): Promise<{ endpoint: string; stop(): Promise<void> }> {
  const worker = new Worker(join(__dirname, 'dynalite-thread.mjs'), { workerData: { path } });
  const next = () =>
    new Promise<ThreadMessage>((resolve, reject) => {
      const onExit = (code: number) => reject(new Error(`the dynalite thread exited with ${code}`));
      worker.once('exit', onExit);
      worker.once('error', reject);
      worker.once('message', (message: ThreadMessage) => {
        worker.off('exit', onExit);
        worker.off('error', reject);
        resolve(message);
      });
    });
  const started = await next();
  if (started.port === undefined) {
    await worker.terminate();
    throw new Error(`dynalite did not start: ${started.error ?? 'no port'}`);
  }
  return {
    endpoint: `http://127.0.0.1:${started.port}`,
    stop: async () => {
      const stopped = next();
      worker.postMessage('stop');
      const message = await stopped;
      await worker.terminate();
      if (message.error !== undefined) throw new Error(message.error);
    },
  };
}

/**
 * The archive's DynamoDB: dynalite in-process, persisted under `<dataDir>/dynalite`, unless an
 * endpoint is given. Either way the tables are created from the deployed schema (existing
 * tables are kept, so a restart serves what the archive held).
 */
export async function openArchiveDatabase(options: ArchiveDatabaseOptions): Promise<ArchiveDatabase> {
  const path = options.endpoint === undefined ? join(options.dataDir, 'dynalite') : undefined;
  const embedded = path === undefined ? undefined : await startDynalite(path);
  const endpoint = embedded?.endpoint ?? (options.endpoint as string);
  const client = new DynamoDBClient({
    endpoint,
    region: options.region,
    credentials: options.credentials ?? LOOPBACK_CREDENTIALS,
    maxAttempts: 3,
  });
  const tableNames = prefixedTableNames(LOCAL_TABLE_PREFIX);
  const stop = async () => {
    client.destroy();
    await embedded?.stop();
  };
  try {
    await createTables(client, tableSchemas, tableNames);
  } catch (error) {
    await stop();
    throw new Error(`Could not create the archive's tables at ${endpoint}: ${error instanceof Error ? error.message : String(error)}`, {
      cause: error,
    });
  }
  return {
    description: embedded ? 'dynalite (embedded)' : `DynamoDB at ${endpoint}`,
    endpoint,
    path,
    client,
    doc: DynamoDBDocumentClient.from(client),
    tableNames,
    stop,
  };
}
