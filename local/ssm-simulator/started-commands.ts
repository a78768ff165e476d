import type { CommandSpec } from './spec';

/**
 * How another kind starts a command, as SSM does on its behalf: a maintenance window's
 * RUN_COMMAND task (the task invocation's ExecutionId is the CommandId), an association's run
 * on a node (the target's OutputSourceId), an Automation aws:runCommand step (its CommandId
 * output). It is SendCommand's own command, with the ID the other kind's records name, and
 * its own events and notifications. `at` is when it is requested (epoch ms).
 */
export type CommandStarter = (spec: CommandSpec, at: number) => void;

/** For a kind played alone (its unit tests): the commands it would start are not played. */
export const noCommandStarter: CommandStarter = () => undefined;

/** A started command's single invocation, ending `durationMs` after it was requested. */
export function startedCommand(options: {
  readonly commandId: string;
  readonly documentName: string;
  readonly comment?: string;
  readonly instanceId: string;
  readonly failed: boolean;
  readonly durationMs: number;
  readonly at: number;
}): CommandSpec {
  const durationMs = Math.max(2, options.durationMs);
  return {
    commandId: options.commandId,
    documentName: options.documentName,
    requestedAt: new Date(options.at),
    ...(options.comment !== undefined ? { comment: options.comment } : {}),
    invocations: [
      {
        instanceId: options.instanceId,
        outcome: options.failed ? 'Failed' : 'Success',
        // Delivered at once, and ends when the starting kind's record says it did.
        startAtMs: 1,
        durationMs: durationMs - 1,
        plugins: [options.failed ? { name: 'aws:runShellScript', stdout: '', stderr: 'exit status 1', responseCode: 1 } : { name: 'aws:runShellScript', stdout: 'ok\n' }],
      },
    ],
    plugins: [{ name: 'aws:runShellScript' }],
  };
}
