/** The nearest-rank percentile of ascending `sorted` samples (NaN for none): the p-th of 100 sorted, not above it. */
export function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}
