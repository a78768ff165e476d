/**
 * GetCommandInvocation's ExecutionElapsedTime: Java's Duration.toString ("PT0.091S",
 * "PT1M5.5S", "PT0S"), from milliseconds.
 */
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
