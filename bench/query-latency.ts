import type { AddressInfo } from 'node:net';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import dynalite from 'dynalite';
import { SeededRandom } from '../local/ssm-simulator/random';
import type { ApiRequest } from '../lambdas/query/http';
import { createQueryApi } from '../lambdas/query/router';
import { createTables } from '../lambdas/store/create-tables';
import { prefixedTableNames, tableSchemas } from '../lambdas/sources/tables';
import { seedArchive } from './archive-seed';
import { percentile } from './percentile';

export interface Latency {
  readonly p50: number;
  readonly p99: number;
}

export interface QueryLatencyFigures {
  readonly invocations: number;
  readonly listCommandInvocations: Latency;
  /** GET /executions and GET /instances/{id}/history together (as first reported). */
  readonly timeline: Latency;
  /** GET /executions alone: the timeline's first and next pages, and a filtered one. */
  readonly executions: Latency;
  /** GET /instances/{id}/history alone: a node's history, first and next pages. */
  readonly nodeHistory: Latency;
}

function latency(samples: number[]): Latency {
  const sorted = [...samples].sort((a, b) => a - b);
  return { p50: percentile(sorted, 50), p99: percentile(sorted, 99) };
}

const ssmRequest = (operation: string, body: object): ApiRequest => ({
  method: 'POST',
  path: '/',
  query: {},
  headers: { 'x-amz-target': `AmazonSSM.${operation}`, 'content-type': 'application/x-amz-json-1.1' },
  body: JSON.stringify(body),
});

const viewRequest = (path: string, query: Record<string, string>): ApiRequest => ({ method: 'GET', path, query, headers: {}, body: '' });

/** One archive under measurement: a round of queries at a time, then its figures. */
interface ArchiveUnderQuery {
  round(): Promise<void>;
  figures(): QueryLatencyFigures;
  close(): Promise<void>;
}

/**
 * An archive of `commands` commands to `fleetSize` nodes in dynalite (real DynamoDB calls over
 * loopback) behind the in-process query handler. Each round: ListCommandInvocations with
 * details by command and by node, the timeline and a node's history, first and next pages.
 */
async function openArchive(commands: number, fleetSize: number): Promise<ArchiveUnderQuery> {
  const database = dynalite({ createTableMs: 0 });
  await new Promise<void>((resolve) => database.listen(0, '127.0.0.1', resolve));
  const client = new DynamoDBClient({
    endpoint: `http://127.0.0.1:${(database.address() as AddressInfo).port}`,
    region: 'us-east-1',
    credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' },
  });
  const close = async () => {
    client.destroy();
    await new Promise((resolve) => database.close(resolve));
  };
  try {
    const db = DynamoDBDocumentClient.from(client);
    const tableNames = prefixedTableNames('query-bench-');
    await createTables(client, tableSchemas, tableNames);
    const archive = await seedArchive(db, tableNames, commands, fleetSize);
    const api = createQueryApi({ db, tableNames, pageTokenKey: 'bench' });
    const random = new SeededRandom(commands);

    const timed = async (request: ApiRequest, into: number[]): Promise<Record<string, unknown>> => {
      const started = process.hrtime.bigint();
      const response = await api(request);
      into.push(Number(process.hrtime.bigint() - started) / 1e6);
      if (response.statusCode !== 200) throw new Error(`${request.method} ${request.path} answered ${response.statusCode}: ${response.body}`);
      return JSON.parse(response.body) as Record<string, unknown>;
    };

    const listTimes: number[] = [];
    const executionTimes: number[] = [];
    const historyTimes: number[] = [];
    const warmup: number[] = [];
    for (let i = 0; i < 20; i++) await timed(viewRequest('/executions', { kind: 'command-invocation' }), warmup);
    return {
      close,
      round: async () => {
        const byCommand = await timed(
          ssmRequest('ListCommandInvocations', { CommandId: random.pick(archive.commandIds), Details: true, MaxResults: 50 }),
          listTimes,
        );
        if (typeof byCommand.NextToken === 'string') {
          await timed(ssmRequest('ListCommandInvocations', { CommandId: (byCommand.CommandInvocations as { CommandId: string }[])[0]?.CommandId, Details: true, MaxResults: 50, NextToken: byCommand.NextToken }), listTimes);
        }
        await timed(ssmRequest('ListCommandInvocations', { InstanceId: random.pick(archive.instanceIds), Details: true, MaxResults: 50 }), listTimes);

        const first = await timed(viewRequest('/executions', { kind: 'command-invocation', limit: '50' }), executionTimes);
        if (typeof first.nextToken === 'string') {
          await timed(viewRequest('/executions', { kind: 'command-invocation', limit: '50', nextToken: first.nextToken }), executionTimes);
        }
        await timed(viewRequest('/executions', { kind: 'command', status: 'Failed', limit: '50' }), executionTimes);
        const node = random.pick(archive.instanceIds);
        const history = await timed(viewRequest(`/instances/${node}/history`, { limit: '50' }), historyTimes);
        if (typeof history.nextToken === 'string') {
          await timed(viewRequest(`/instances/${node}/history`, { limit: '50', nextToken: history.nextToken }), historyTimes);
        }
      },
      figures: () => ({
        invocations: commands * fleetSize,
        listCommandInvocations: latency(listTimes),
        timeline: latency([...executionTimes, ...historyTimes]),
        executions: latency(executionTimes),
        nodeHistory: latency(historyTimes),
      }),
    };
  } catch (error) {
    await close();
    throw error;
  }
}

/**
 * The query handler's latency over two archives of the same `commands` commands (so every
 * node's history has the same depth and every page the same items) to `smallFleet` and
 * `largeFleet` nodes: what differs is the archive's size. Both are open at once and queried in
 * alternate rounds, so that the process's garbage collection and the machine's other work fall
 * on both alike; `rounds` rounds each, enough that p99 is not just the slowest sample.
 */
export async function benchQueryLatency(commands: number, smallFleet: number, largeFleet: number, rounds: number): Promise<{ small: QueryLatencyFigures; large: QueryLatencyFigures }> {
  const small = await openArchive(commands, smallFleet);
  try {
    const large = await openArchive(commands, largeFleet);
    try {
      for (let i = 0; i < rounds; i++) {
        await small.round();
        await large.round();
      }
      return { small: small.figures(), large: large.figures() };
    } finally {
      await large.close();
    }
  } finally {
    await small.close();
  }
}
