/**
 * How the SSM agent builds the plugin `Output` that ListCommandInvocations returns
 * (amazon-ssm-agent iohandler.TruncateOutput, MaximumPluginOutputSize 2500), and the caps
 * GetCommandInvocation applies. The limits and markers themselves are defined once, with the
 * collector that reads them (sources/run-command/output-limits.ts).
 */

import {
  ERROR_TITLE,
  ERROR_TRUNCATED_MARKER,
  LISTED_OUTPUT_CAPACITY,
  OUTPUT_TRUNCATED_MARKER,
  STDERR_CONTENT_LIMIT,
  STDOUT_CONTENT_LIMIT,
} from '../../lambdas/sources/run-command/output-limits';


/**
 * The agent's rule, branch for branch. Go measures bytes; this measures UTF-16 code units
 * (identical for ASCII) and never splits a surrogate pair.
 */
export function truncateOutput(stdout: string, stderr: string, capacity: number = LISTED_OUTPUT_CAPACITY): string {
  const outputSize = stdout.length;
  const errorSize = stderr.length;
  const errorTitle = errorSize > 0 ? ERROR_TITLE : '';
  const availableSpace = capacity - errorTitle.length;
  const half = Math.trunc(availableSpace / 2);

  // Strictly less, as the agent does: output exactly at capacity is still cut.
  if (outputSize + errorSize < availableSpace) return stdout + errorTitle + stderr;

  // The agent panics when stdout is exactly half and stderr nearly fills the space (its
  // slice bound goes negative); cutting both streams is the only result that fits.
  const outputCutWouldUnderflow = outputSize >= half && errorSize > availableSpace - OUTPUT_TRUNCATED_MARKER.length;
  if ((outputSize > half && errorSize > half) || outputCutWouldUnderflow) {
    const truncateSize = availableSpace - ERROR_TRUNCATED_MARKER.length - OUTPUT_TRUNCATED_MARKER.length;
    const each = Math.trunc(truncateSize / 2);
    return cut(stdout, each) + OUTPUT_TRUNCATED_MARKER + errorTitle + cut(stderr, each) + ERROR_TRUNCATED_MARKER;
  }

  if (outputSize < half) {
    const truncateSize = availableSpace - ERROR_TRUNCATED_MARKER.length;
    return stdout + errorTitle + cut(stderr, truncateSize - outputSize) + ERROR_TRUNCATED_MARKER;
  }

  const truncateSize = availableSpace - OUTPUT_TRUNCATED_MARKER.length;
  return cut(stdout, truncateSize - errorSize) + OUTPUT_TRUNCATED_MARKER + errorTitle + stderr;
}

/** The listed Output for a plugin: the agent caps each stream first, then truncates. */
export function listedPluginOutput(stdout: string, stderr: string): string {
  return truncateOutput(cut(stdout, STDOUT_CONTENT_LIMIT), cut(stderr, STDERR_CONTENT_LIMIT), LISTED_OUTPUT_CAPACITY);
}


/** First n code units, clamped, without leaving half a surrogate pair at the end. */
export function cut(text: string, n: number): string {
  let end = Math.max(0, Math.min(text.length, Math.trunc(n)));
  if (end > 0 && end < text.length) {
    const last = text.charCodeAt(end - 1);
    if (last >= 0xd800 && last <= 0xdbff) end -= 1;
  }
  return text.slice(0, end);
}
