import { deriveCommandStatus, statusForOutcome } from './command-status';
import { compareText, type CommandRequest, type CommandRun, type InvocationRun, type PluginRun, type Step } from './runs';
import { NEVER_STARTED, type CommandSpec, type InvocationSpec, type PluginSpec } from './spec';

/** Turns a CommandSpec into a CommandRun: defaults applied, every step timed. */

const DEFAULT_START_MS = 1000;
const DEFAULT_DURATION_MS = 2000;
const DEFAULT_EXECUTION_TIMEOUT_S = 3600;

/** Validates the spec and builds the command, all invocations Pending at RequestedDateTime. */
export function buildCommand(spec: CommandSpec, id: string, now: number, region: string): CommandRun {
  const requestedAt = spec.requestedAt?.getTime() ?? now;
  if (Number.isNaN(requestedAt)) throw new RangeError('sendCommand: invalid requestedAt');
  if (requestedAt > now) throw new RangeError('sendCommand: requestedAt is in the simulator future');
  const seen = new Set<string>();
  for (const inv of spec.invocations) {
    if (seen.has(inv.instanceId)) throw new Error(`sendCommand: instance ${inv.instanceId} listed twice`);
    seen.add(inv.instanceId);
  }

  const request = resolveRequest(spec, region);
  const executionTimeout = Number(spec.parameters?.['executionTimeout']?.[0] ?? DEFAULT_EXECUTION_TIMEOUT_S);
  const expiresAt =
    spec.expiresAfter?.getTime() ??
    requestedAt + (request.timeoutSeconds + (Number.isFinite(executionTimeout) ? executionTimeout : DEFAULT_EXECUTION_TIMEOUT_S)) * 1000;

  const invocations: InvocationRun[] = [];
  const byInstance = new Map<string, InvocationRun>();
  const command: CommandRun = {
    id,
    request,
    requestedAt,
    expiresAt,
    invocations,
    byInstance,
    detailCounts: new Map([['Pending', spec.invocations.length]]),
    status: 'Pending',
    statusDetails: 'Pending',
    forgotten: false,
  };
  const sortedSpecs = [...spec.invocations].sort((a, b) => compareText(a.instanceId, b.instanceId));
  const commandPlugins = spec.plugins ?? [{ name: 'runShellScript' }];
  for (const invSpec of sortedSpecs) {
    const run = buildInvocation(command, invSpec, invSpec.plugins ?? commandPlugins);
    invocations.push(run);
    byInstance.set(run.instanceId, run);
  }
  const [status, details] = deriveCommandStatus(command);
  command.status = status;
  command.statusDetails = details;
  return command;
}

function resolveRequest(spec: CommandSpec, region: string): CommandRequest {
  const targets = spec.targets ?? [];
  return {
    documentName: spec.documentName,
    documentVersion: spec.documentVersion ?? '$DEFAULT',
    comment: spec.comment ?? '',
    parameters: spec.parameters ?? {},
    instanceIds: targets.length > 0 ? [] : [...spec.invocations.map((i) => i.instanceId)].sort(compareText),
    targets,
    timeoutSeconds: spec.timeoutSeconds ?? 3600,
    maxConcurrency: spec.maxConcurrency ?? '50',
    maxErrors: spec.maxErrors ?? '0',
    outputS3Region: region,
    outputS3BucketName: spec.outputS3BucketName ?? '',
    outputS3KeyPrefix: spec.outputS3KeyPrefix ?? '',
    serviceRole: spec.serviceRoleArn ?? '',
    notificationConfig: spec.notificationConfig,
    cloudWatchOutputConfig: spec.cloudWatchOutputConfig ?? { CloudWatchLogGroupName: '', CloudWatchOutputEnabled: false },
  };
}

function buildInvocation(command: CommandRun, spec: InvocationSpec, pluginSpecs: readonly PluginSpec[]): InvocationRun {
  const requestedAt = command.requestedAt;
  const outcome = spec.outcome ?? 'Success';
  const startAt = requestedAt + (spec.startAtMs ?? DEFAULT_START_MS);
  const steps: Step[] = [{ at: requestedAt, status: 'Pending', details: 'Pending' }];
  if (spec.delayedAtMs !== undefined) {
    const delayedAt = requestedAt + spec.delayedAtMs;
    if (delayedAt < requestedAt || delayedAt > startAt) {
      throw new RangeError(`sendCommand: ${spec.instanceId} delayedAtMs must fall between request and start`);
    }
    steps.push({ at: delayedAt, status: 'Delayed', details: 'Delayed' });
  }
  if (pluginSpecs.length === 0) throw new Error(`sendCommand: ${spec.instanceId} has no plugins`);

  const plugins: PluginRun[] = [];
  if (NEVER_STARTED.has(outcome)) {
    for (const p of pluginSpecs) {
      plugins.push({ name: p.name, stdout: '', stderr: '', responseCode: -1, outcome: p.outcome ?? outcome, startAt: undefined, endAt: undefined });
    }
    steps.push({ at: startAt, status: statusForOutcome(outcome), details: outcome });
  } else {
    const unset = pluginSpecs.filter((p) => p.durationMs === undefined).length;
    const share = unset > 0 ? (spec.durationMs ?? DEFAULT_DURATION_MS) / unset : 0;
    let cursor = startAt;
    pluginSpecs.forEach((p, index) => {
      const pluginOutcome = p.outcome ?? (index === pluginSpecs.length - 1 ? outcome : 'Success');
      const duration = Math.max(0, Math.round(p.durationMs ?? share));
      plugins.push({
        name: p.name,
        stdout: p.stdout ?? '',
        stderr: p.stderr ?? '',
        responseCode: p.responseCode ?? (pluginOutcome === 'Success' ? 0 : 1),
        outcome: pluginOutcome,
        startAt: cursor,
        endAt: cursor + duration,
      });
      cursor += duration;
    });
    steps.push({ at: startAt, status: 'InProgress', details: 'InProgress' });
    steps.push({ at: cursor, status: statusForOutcome(outcome), details: outcome });
  }
  const offset = spec.requestedAtMs ?? 0;
  if (!(offset >= 0 && offset <= startAt - requestedAt)) {
    throw new RangeError(`sendCommand: ${spec.instanceId} requestedAtMs must fall between the command's request and the start`);
  }
  return {
    command,
    instanceId: spec.instanceId,
    requestedAt: requestedAt + offset,
    instanceName: spec.instanceName ?? defaultHostName(spec.instanceId),
    steps,
    current: 0,
    plugins,
  };
}

function defaultHostName(instanceId: string): string {
  const hex = instanceId.replace(/^m?i-/, '').padEnd(6, '0');
  const octet = (offset: number): number => parseInt(hex.slice(offset, offset + 2), 16) || 0;
  return `ip-10-0-${octet(0)}-${octet(2)}.ec2.internal`;
}
