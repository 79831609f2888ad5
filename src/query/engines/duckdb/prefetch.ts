/**
 * Keep work running ahead of its consumer: while DuckDB inserts one batch, the next files
 * are already being read and decompressed.
 */

export interface PrefetchLimits {
  /** Items worked on at the same time. */
  concurrency: number;
  /** Finished results allowed to wait for the consumer (bounds memory and scratch space). */
  ahead: number;
}

/** Apply `work` to every item, yielding results in input order. */
export async function* prefetchInOrder<T, R>(
  items: readonly T[],
  work: (item: T, index: number) => Promise<R>,
  limits: PrefetchLimits,
): AsyncGenerator<R> {
  const results: (Promise<R> | undefined)[] = [];
  let started = 0;
  let running = 0;
  let consumed = 0;
  let stopped = false;

  const pump = (): void => {
    while (!stopped && started < items.length && running < limits.concurrency && started - consumed < limits.ahead) {
      const index = started++;
      running++;
      const result = work(items[index]!, index).finally(() => {
        running--;
        pump();
      });
      // Failures surface when the consumer reaches this item, not as unhandled rejections.
      result.catch(() => undefined);
      results[index] = result;
    }
  };

  try {
    pump();
    while (consumed < items.length) {
      const result = await results[consumed]!;
      results[consumed] = undefined;
      consumed++;
      pump();
      yield result;
    }
  } finally {
    // A consumer that stops early (abort, error) must not leave work writing behind it.
    stopped = true;
    await Promise.allSettled(results.filter((r): r is Promise<R> => r !== undefined));
  }
}
