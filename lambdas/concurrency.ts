/**
 * Runs `work` over `items` with at most `limit` promises in flight, in input order of start.
 * Hand-written (15 lines) because p-limit and p-map are ESM-only, which ts-jest's CommonJS
 * mode cannot load. Rejects with the first error after every started task has settled, so no
 * write is left running unobserved.
 */
export async function forEachBounded<T>(
  items: readonly T[],
  limit: number,
  work: (item: T, index: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  const errors: unknown[] = [];
  const lane = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      try {
        await work(items[index] as T, index);
      } catch (error) {
        errors.push(error);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, lane));
  if (errors.length > 0) throw errors[0];
}
