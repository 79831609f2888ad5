/**
 * Keep work running ahead of its consumer: while DuckDB inserts one batch, the next files
 * are already being read, decompressed and split.
 */

export interface PrefetchLimits<R> {
  /** Items worked on at the same time. */
  concurrency: number;
  /** Bytes of finished results allowed to wait for the consumer (bounds memory). */
  aheadBytes: number;
  sizeOf: (result: R) => number;
}

/** Apply `work` to every item, yielding results in input order. */
export async function* prefetchInOrder<T, R>(
  items: readonly T[],
  work: (item: T) => Promise<R>,
  limits: PrefetchLimits<R>,
): AsyncGenerator<R> {
  const results: (Promise<R> | undefined)[] = [];
  let started = 0;
  let running = 0;
  let consumed = 0;
  let waitingBytes = 0;
  let stopped = false;

  const pump = (): void => {
    while (!stopped && started < items.length && running < limits.concurrency && waitingBytes < limits.aheadBytes) {
      const index = started++;
      running++;
      const result = work(items[index]!).then((value) => {
        waitingBytes += limits.sizeOf(value);
        return value;
      });
      // Failures surface when the consumer reaches this item, not as unhandled rejections.
      result.catch(() => undefined);
      void result
        .finally(() => {
          running--;
          pump();
        })
        .catch(() => undefined);
      results[index] = result;
    }
  };

  try {
    pump();
    while (consumed < items.length) {
      const result = await results[consumed]!;
      results[consumed] = undefined;
      consumed++;
      waitingBytes -= limits.sizeOf(result);
      pump();
      yield result;
    }
  } finally {
    // A consumer that stops early (abort, error) must not leave work running behind it.
    stopped = true;
    await Promise.allSettled(results.filter((r): r is Promise<R> => r !== undefined));
  }
}
