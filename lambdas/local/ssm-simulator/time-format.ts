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

/** Java Duration.toString, which ExecutionElapsedTime follows ("PT0.091S", "PT1M5.5S"). */
export function javaDuration(ms: number): string {
  const total = Math.max(0, Math.round(ms));
  if (total === 0) return 'PT0S';
  const hours = Math.floor(total / 3_600_000);
  const minutes = Math.floor((total % 3_600_000) / 60_000);
  const secondsMs = total % 60_000;
  let out = 'PT';
  if (hours > 0) out += `${hours}H`;
  if (minutes > 0) out += `${minutes}M`;
  if (secondsMs > 0) {
    const seconds = Math.floor(secondsMs / 1000);
    const fraction = secondsMs % 1000;
    out += fraction > 0 ? `${seconds}.${String(fraction).padStart(3, '0').replace(/0+$/, '')}S` : `${seconds}S`;
  }
  return out;
}
