import type { NotificationConfig } from '@aws-sdk/client-ssm';
import { SeededRandom } from './random';
import type { CommandSpec, InvocationSpec, Outcome, PluginSpec } from './spec';
import { LISTED_OUTPUT_CAPACITY, STDOUT_CONTENT_LIMIT } from '../../lambdas/sources/run-command/output-limits';

/** A realistic Run Command fan-out, reproducible from its seed. */
export interface FleetOptions {
  nodes: number;
  /** Share of nodes that do not succeed. Default 0.05. */
  failureRate?: number;
  /** Share of nodes whose output is over 2,500 characters (some over 24,000). Default 0.01. */
  longOutputRate?: number;
  /** Default 1. */
  seed?: number;
  /** One plugin (AWS-RunShellScript) or two (a custom deploy-and-verify document). Default 1. */
  plugins?: 1 | 2;
  /** Deliveries are spread over this many ms after the request. Default 180,000. */
  spreadMs?: number;
  /** TimeoutSeconds and the executionTimeout parameter. Default 300. */
  timeoutSeconds?: number;
  requestedAt?: Date;
  commandId?: string;
  comment?: string;
  maxErrors?: string;
  outputS3BucketName?: string;
  notificationConfig?: NotificationConfig;
}

export const FLEET_PLUGIN = 'runShellScript';

/** SendCommand's InstanceIds limit (API reference: "you can specify up to 50 IDs"). */
const MAX_INSTANCE_IDS = 50;
export const FLEET_SECOND_PLUGIN = 'verifyService';

/** How failed nodes fail, roughly as a large fleet does. */
const FAILURE_MIX: readonly [Outcome, number][] = [
  ['Failed', 0.6],
  ['ExecutionTimedOut', 0.1],
  ['DeliveryTimedOut', 0.15],
  ['Undeliverable', 0.15],
];

const PACKAGES = ['openssl', 'kernel', 'glibc', 'curl', 'sudo', 'systemd', 'python3', 'amazon-ssm-agent', 'nginx', 'tzdata'];
const ROLES = ['web', 'api', 'worker', 'db', 'cache', 'batch'];
const ERRORS = [
  'Error: Cannot find a valid baseurl for repo: amzn2-core/2/x86_64',
  'E: Could not get lock /var/lib/dpkg/lock-frontend - open (11: Resource temporarily unavailable)',
  'curl: (28) Connection timed out after 10001 milliseconds',
  'Job for nginx.service failed because the control process exited with error code.',
  'No space left on device',
];

/** A sendCommand spec for `nodes` instances with a seeded mix of outcomes, outputs and timings. */
/** How far apart a fleet command's invocations are requested, at most (ms). */
const INVOCATION_SPREAD_MS = 100;

export function fleetCommand(options: FleetOptions): CommandSpec {
  const random = new SeededRandom(options.seed ?? 1);
  const failureRate = options.failureRate ?? 0.05;
  const longOutputRate = options.longOutputRate ?? 0.01;
  const spreadMs = options.spreadMs ?? 180_000;
  const timeoutSeconds = options.timeoutSeconds ?? 300;
  const twoPlugins = options.plugins === 2;
  const used = new Set<string>();
  const invocations: InvocationSpec[] = [];

  for (let n = 0; n < options.nodes; n++) {
    let instanceId = `i-${random.hex(17)}`;
    while (used.has(instanceId)) instanceId = `i-${random.hex(17)}`;
    used.add(instanceId);
    const host = random.next() < 0.5
      ? `ip-10-${random.int(0, 255)}-${random.int(0, 255)}-${random.int(1, 254)}.ec2.internal`
      : `${random.pick(ROLES)}-${String(n).padStart(4, '0')}.prod.example.internal`;
    const outcome: Outcome = random.next() < failureRate ? weighted(random, FAILURE_MIX) : 'Success';
    const startAtMs = random.int(200, Math.max(200, spreadMs));
    const delayed = random.next() < 0.03;
    const longOutput = random.next() < longOutputRate;
    // SSM creates a fleet's invocations some ms apart; from the id, so the seeded draws stay as they were.
    const requestedAtMs = parseInt(instanceId.slice(-2), 16) % INVOCATION_SPREAD_MS;
    const invocation: InvocationSpec = { instanceId, instanceName: host, outcome, requestedAtMs, startAtMs };
    if (delayed) invocation.delayedAtMs = Math.floor(startAtMs / 2);

    if (outcome === 'DeliveryTimedOut') {
      // Never reached: the node is retried (Delayed) until the delivery timeout.
      invocation.startAtMs = timeoutSeconds * 1000;
      invocation.delayedAtMs = Math.floor(invocation.startAtMs / 3);
    } else if (outcome === 'ExecutionTimedOut') {
      invocation.durationMs = timeoutSeconds * 1000;
    } else {
      invocation.durationMs = random.int(300, 90_000);
    }
    if (outcome !== 'DeliveryTimedOut' && outcome !== 'Undeliverable') {
      invocation.plugins = plugins(random, host, outcome, longOutput, twoPlugins);
    }
    invocations.push(invocation);
  }

  return {
    ...(options.commandId !== undefined ? { commandId: options.commandId } : {}),
    documentName: twoPlugins ? 'Custom-DeployAndVerify' : 'AWS-RunShellScript',
    comment: options.comment ?? `fleet of ${options.nodes} (seed ${options.seed ?? 1})`,
    parameters: twoPlugins
      ? { version: ['2.14.1'], executionTimeout: [String(timeoutSeconds)] }
      : { commands: ['sudo yum -y update --security'], executionTimeout: [String(timeoutSeconds)] },
    ...(options.requestedAt !== undefined ? { requestedAt: options.requestedAt } : {}),
    timeoutSeconds,
    maxConcurrency: '50',
    maxErrors: options.maxErrors ?? '0',
    ...(options.outputS3BucketName !== undefined ? { outputS3BucketName: options.outputS3BucketName } : {}),
    ...(options.notificationConfig !== undefined
      ? { notificationConfig: options.notificationConfig, serviceRoleArn: 'arn:aws:iam::123456789012:role/ssm-notifications' }
      : {}),
    // SendCommand takes at most 50 InstanceIds; a larger fleet is reached by tag, as in SSM.
    ...(options.nodes > MAX_INSTANCE_IDS ? { targets: [{ Key: 'tag:Fleet', Values: ['prod'] }] } : {}),
    plugins: twoPlugins ? [{ name: FLEET_PLUGIN }, { name: FLEET_SECOND_PLUGIN }] : [{ name: FLEET_PLUGIN }],
    invocations,
  };
}

function plugins(random: SeededRandom, host: string, outcome: Outcome, longOutput: boolean, twoPlugins: boolean): PluginSpec[] {
  let length = random.int(80, 1200);
  if (longOutput) {
    // Some long outputs also pass GetCommandInvocation's 24,000-character cap.
    length = random.next() < 0.4
      ? random.int(STDOUT_CONTENT_LIMIT + 1, STDOUT_CONTENT_LIMIT * 2.5)
      : random.int(LISTED_OUTPUT_CAPACITY + 1, STDOUT_CONTENT_LIMIT - 1);
  }
  const main: PluginSpec = { name: FLEET_PLUGIN, stdout: outputText(random, host, length) };
  const failing = outcome !== 'Success';
  const failure: Partial<PluginSpec> = {};
  if (outcome === 'Failed') {
    failure.stderr = `${random.pick(ERRORS)}\nfailed to run commands: exit status ${random.pick([1, 2, 127])}`;
    failure.responseCode = random.pick([1, 2, 127, 255]);
  } else if (outcome === 'ExecutionTimedOut') {
    failure.stderr = 'Command execution timed out.';
  }
  if (!twoPlugins) return [{ ...main, ...(failing ? failure : {}) }];
  const verify: PluginSpec = { name: FLEET_SECOND_PLUGIN, stdout: `Checking ${host}\nservice app: ${failing ? 'inactive' : 'active (running)'}\n` };
  return [main, { ...verify, ...(failing ? failure : {}) }];
}

function outputText(random: SeededRandom, host: string, length: number): string {
  const lines: string[] = [];
  let size = 0;
  for (let i = 0; size < length; i++) {
    const pkg = random.pick(PACKAGES);
    const line = `[${host}] ${i % 7 === 0 ? 'Downloading' : 'Updating'} ${pkg}-${random.int(1, 9)}.${random.int(0, 40)}.${random.int(0, 99)}.x86_64 (${random.int(1, 900)} kB)`;
    lines.push(line);
    size += line.length + 1;
  }
  return `${lines.join('\n')}\n`.slice(0, length);
}

function weighted(random: SeededRandom, mix: readonly [Outcome, number][]): Outcome {
  const total = mix.reduce((sum, [, weight]) => sum + weight, 0);
  let draw = random.next() * total;
  for (const [outcome, weight] of mix) {
    draw -= weight;
    if (draw < 0) return outcome;
  }
  return mix[mix.length - 1]?.[0] ?? 'Failed';
}
