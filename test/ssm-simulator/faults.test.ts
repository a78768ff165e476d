import {
  InternalServerError,
  ListCommandInvocationsCommand,
  ListCommandsCommand,
  paginateListCommandInvocations,
  ThrottlingException,
  type CommandInvocation,
  type SSMClient,
} from '@aws-sdk/client-ssm';
import { fleetCommand, SsmSimulator, VirtualClock } from '../../local/ssm-simulator';
import { T0 } from './fixture';
import { ssmClient } from './sdk-client';

let sim: SsmSimulator;
let endpoint: string;
let patient: SSMClient;

beforeAll(async () => {
  sim = new SsmSimulator({ clock: new VirtualClock(T0) });
  sim.sendCommand(fleetCommand({ nodes: 60, seed: 5 }));
  sim.runToCompletion();
  ({ endpoint } = await sim.listen());
  patient = ssmClient(endpoint, 10);
});

afterEach(() => {
  sim.setFaults({});
  sim.resetStats();
});

afterAll(async () => {
  patient.destroy();
  await sim.close();
});

async function pageAll(client: SSMClient): Promise<{ invocations: CommandInvocation[]; attempts: number[] }> {
  const invocations: CommandInvocation[] = [];
  const attempts: number[] = [];
  for await (const page of paginateListCommandInvocations({ client, pageSize: 7 }, { Details: true })) {
    invocations.push(...(page.CommandInvocations ?? []));
    attempts.push(page.$metadata.attempts ?? 0);
  }
  return { invocations, attempts };
}

describe('fault injection', () => {
  it('with 30% throttling the SDK still gets every invocation, and stats count the throttles', async () => {
    sim.setFaults({ throttleRate: 0.3, seed: 3 });
    const { invocations, attempts } = await pageAll(patient);
    expect(invocations).toEqual(sim.truth().invocations);
    const stats = sim.stats()['ListCommandInvocations'];
    expect(stats?.throttled).toBeGreaterThan(0);
    expect(stats?.calls).toBe(attempts.length + (stats?.throttled ?? 0));
    expect(attempts.reduce((a, b) => a + b, 0)).toBe(stats?.calls);
    expect(stats?.failed).toBe(0);
  });

  it('server errors are InternalServerError (500) and the SDK retries them', async () => {
    sim.setFaults({ serverErrorRate: 0.3, seed: 4 });
    const { invocations, attempts } = await pageAll(patient);
    expect(invocations).toHaveLength(60);
    expect(Math.max(...attempts)).toBeGreaterThan(1);
    expect(sim.stats()['ListCommandInvocations']?.failed).toBeGreaterThan(0);
  });

  it('surfaces the named exceptions once retries run out', async () => {
    const once = ssmClient(endpoint, 1);
    try {
      sim.setFaults({ throttleRate: 1 });
      const throttled: unknown = await once.send(new ListCommandsCommand({})).catch((e: unknown) => e);
      expect(throttled).toBeInstanceOf(ThrottlingException);
      expect((throttled as ThrottlingException).message).toBe('Rate exceeded');
      expect((throttled as ThrottlingException).$metadata.httpStatusCode).toBe(400);

      sim.setFaults({ serverErrorRate: 1 });
      const failed: unknown = await once.send(new ListCommandsCommand({})).catch((e: unknown) => e);
      expect(failed).toBeInstanceOf(InternalServerError);
      expect((failed as InternalServerError).$fault).toBe('server');
      expect((failed as InternalServerError).$metadata.httpStatusCode).toBe(500);
      expect(sim.stats()['ListCommands']).toEqual({ calls: 2, throttled: 1, failed: 1, invalid: 0 });
    } finally {
      once.destroy();
    }
  });

  it('limits faults to the operations named', async () => {
    sim.setFaults({ throttleRate: 1, operations: ['GetCommandInvocation'] });
    const once = ssmClient(endpoint, 1);
    try {
      await expect(once.send(new ListCommandInvocationsCommand({ MaxResults: 1 }))).resolves.toBeDefined();
      expect(sim.stats()['ListCommandInvocations']).toEqual({ calls: 1, throttled: 0, failed: 0, invalid: 0 });
    } finally {
      once.destroy();
    }
  });

  it('draws the same faults for the same seed and call sequence', async () => {
    const sequence = async (): Promise<string[]> => {
      sim.setFaults({ throttleRate: 0.25, serverErrorRate: 0.25, seed: 77 });
      const out: string[] = [];
      for (let i = 0; i < 40; i++) {
        out.push(await sim.invoke('ListCommands', { MaxResults: 1 }).then(() => 'ok', (e: Error) => e.name));
      }
      return out;
    };
    const first = await sequence();
    expect(await sequence()).toEqual(first);
    expect(new Set(first)).toEqual(new Set(['ok', 'ThrottlingException', 'InternalServerError']));
  });

  it('adds latency and counts rejected requests as invalid', async () => {
    sim.setFaults({ latencyMs: 60 });
    const started = Date.now();
    await sim.invoke('ListCommands', {});
    expect(Date.now() - started).toBeGreaterThanOrEqual(55);
    await expect(sim.invoke('ListCommands', { MaxResults: 99 })).rejects.toMatchObject({ type: 'ValidationException' });
    await expect(sim.invoke('DescribeNothing', {})).rejects.toMatchObject({ type: 'UnknownOperationException' });
    expect(sim.stats()).toEqual({
      ListCommands: { calls: 2, throttled: 0, failed: 0, invalid: 1 },
      DescribeNothing: { calls: 1, throttled: 0, failed: 0, invalid: 1 },
    });
    sim.resetStats();
    expect(sim.stats()).toEqual({});
  });

  it('refuses impossible rates', () => {
    expect(() => sim.setFaults({ throttleRate: 1.5 })).toThrow(RangeError);
    expect(() => sim.setFaults({ throttleRate: 0.6, serverErrorRate: 0.6 })).toThrow(RangeError);
  });
});
