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

const percentile = (sorted: readonly number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;

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

/**
 * The query handler's latency (in-process handler, real DynamoDB calls to dynalite over
 * loopback) over an archive of `commands` commands to `fleetSize` nodes: ListCommandInvocations
 * with details by command and by node, the timeline and a node's history, first and next
 * pages; the timeline and the node's history each on their own, and together. Compare archives of the same number of commands (so every node's history has the same
 * depth and every page the same items) and different fleets: what differs is the archive's size.
 */
export async function benchQueryLatency(commands: number, fleetSize: number, samples: number): Promise<QueryLatencyFigures> {
  const database = dynalite({ createTableMs: 0 });
  await new Promise<void>((resolve) => database.listen(0, '127.0.0.1', resolve));
  const client = new DynamoDBClient({
    endpoint: `http://127.0.0.1:${(database.address() as AddressInfo).port}`,
    region: 'us-east-1',
    credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' },
  });
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
    for (let i = 0; i < samples; i++) {
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
    }
    return {
      invocations: commands * fleetSize,
      listCommandInvocations: latency(listTimes),
      timeline: latency([...executionTimes, ...historyTimes]),
      executions: latency(executionTimes),
      nodeHistory: latency(historyTimes),
    };
  } finally {
    client.destroy();
    await new Promise((resolve) => database.close(resolve));
  }
}
