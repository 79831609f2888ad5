/** A few async jobs at a time (a sweep's runbooks over one engine session). */

/**
 * `work` on every item, at most `limit` at a time; the results in the items' order. The first
 * failure is thrown once the work in flight settles, and no item starts after it.
 */
export async function inParallel<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  let failed = false;
  const worker = async (): Promise<void> => {
    while (next < items.length && !failed) {
      const i = next++;
      try {
        results[i] = await work(items[i]!);
      } catch (error) {
        failed = true;
        throw error;
      }
    }
  };
  // allSettled: whatever the jobs share (an engine session) is closed by the caller after this
  // returns, never under a job still using it.
  const settled = await Promise.allSettled(Array.from({ length: Math.min(limit, items.length) }, worker));
  const failure = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failure) throw failure.reason;
  return results;
}
