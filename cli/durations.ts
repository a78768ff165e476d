const UNITS: readonly { readonly suffix: string; readonly ms: number }[] = [
  { suffix: 'd', ms: 86_400_000 },
  { suffix: 'h', ms: 3_600_000 },
  { suffix: 'm', ms: 60_000 },
  { suffix: 's', ms: 1_000 },
];

/**
 * A length of time as a person reads it: its two largest units (`3m 20s`, `2h 5m`, `4d 1h`),
 * a zero second unit left out (`5m`); under a second, in milliseconds (`850ms`).
 */
export function durationText(ms: number): string {
  const total = Math.abs(Math.round(ms));
  if (total < 1_000) return `${total}ms`;
  const largest = UNITS.findIndex((unit) => total >= unit.ms);
  const parts: string[] = [];
  let left = total;
  for (const unit of UNITS.slice(largest, largest + 2)) {
    const count = Math.floor(left / unit.ms);
    left -= count * unit.ms;
    if (count > 0 || parts.length === 0) parts.push(`${count}${unit.suffix}`);
  }
  return parts.join(' ');
}

/** How long before `now` an ISO time was (`3m ago`); a time ahead of the clock says so (`in 2s`). Not a time: undefined. */
export function ago(iso: string | undefined, now: Date): string | undefined {
  if (iso === undefined) return undefined;
  const at = Date.parse(iso);
  if (Number.isNaN(at)) return undefined;
  const ms = now.getTime() - at;
  if (Math.abs(ms) < 1_000) return 'just now';
  return ms >= 0 ? `${durationText(ms)} ago` : `in ${durationText(ms)}`;
}

/** The time from one ISO time to another, or undefined when either is missing or not a time. */
export function between(from: string | undefined, to: string | undefined): number | undefined {
  if (from === undefined || to === undefined) return undefined;
  const ms = Date.parse(to) - Date.parse(from);
  return Number.isNaN(ms) ? undefined : ms;
}
