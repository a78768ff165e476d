/**
 * How many runs a database-backed property makes: `runs`, or fewer when PROPERTY_RUNS_MAX
 * caps them (the mutation run does, so that each mutant's tests stay short; the suite itself
 * runs them in full).
 */
export function propertyRuns(runs: number): number {
  const cap = Number(process.env.PROPERTY_RUNS_MAX);
  return Number.isInteger(cap) && cap > 0 ? Math.min(runs, cap) : runs;
}
