/**
 * How much plugin output SSM gives, and how the SSM agent marks what it cut (amazon-ssm-agent,
 * iohandler TruncateOutput): ListCommandInvocations lists at most 2,500 characters of
 * stdout and stderr together; GetCommandInvocation gives the first 24,000 of stdout and
 * 8,000 of stderr (GetCommandInvocation's API reference). One definition for the collector, which must notice
 * a cut listing, and for the simulator, which must produce one.
 */
export const LISTED_OUTPUT_CAPACITY = 2500;
export const STDOUT_CONTENT_LIMIT = 24000;
export const STDERR_CONTENT_LIMIT = 8000;

export const OUTPUT_TRUNCATED_MARKER = '\n---Output truncated---';
export const ERROR_TRUNCATED_MARKER = '\n---Error truncated----';
/** Between stdout and stderr in a listed output. */
export const ERROR_TITLE = '\n----------ERROR-------\n';

/** True when the agent cut this listed output: only then is GetCommandInvocation worth a call. */
export function isListedOutputCut(output: string | undefined): boolean {
  if (output === undefined) return false;
  return (
    output.endsWith(OUTPUT_TRUNCATED_MARKER) ||
    output.endsWith(ERROR_TRUNCATED_MARKER) ||
    output.includes(OUTPUT_TRUNCATED_MARKER + ERROR_TITLE)
  );
}
