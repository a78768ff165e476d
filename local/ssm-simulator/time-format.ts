/** Timestamp spellings SSM uses in different places. */

/** EventBridge envelope `time`: ISO 8601 to the second, e.g. 2016-07-10T21:51:32Z. */
export function isoSeconds(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** EventBridge detail and GetCommandInvocation: ISO 8601 with milliseconds. */
export function isoMillis(date: Date): string {
  return date.toISOString();
}

/**
 * SSM's SNS messages drop trailing zeros of the fraction (AWS sample: "2019-04-25T17:57:09.17Z"),
 * and, by extension, the whole fraction when it is zero.
 */
export function isoTrimmed(date: Date): string {
  return date.toISOString().replace(/\.(\d*?)0+Z$/, (_m, kept: string) => (kept ? `.${kept}Z` : 'Z'));
}

/** ExecutionElapsedTime's format belongs to SSM's protocol, shared with the archive's API. */
export { javaDuration } from '../../lambdas/ssm-protocol/elapsed-time';
