/**
 * Find the items a statement fails on. A DuckDB statement over a batch of files fails as a
 * whole and inserts nothing, so a failed batch can be split in halves and retried until each
 * item that fails alone is found: the rest is inserted, and only those are dealt with.
 */
export interface Failed<T> {
  item: T;
  /** DuckDB's message for the statement over this item alone. */
  message: string;
}

export async function bisect<T>(
  items: readonly T[],
  attempt: (items: readonly T[]) => Promise<void>,
  signal?: AbortSignal,
): Promise<Failed<T>[]> {
  if (items.length === 0) return [];
  signal?.throwIfAborted();
  try {
    await attempt(items);
    return [];
  } catch (error) {
    signal?.throwIfAborted();
    const message = error instanceof Error ? error.message : String(error);
    // A statement DuckDB cannot even plan fails the same on any half: do not retry it.
    if (items.length === 1 || isStatementError(message)) return items.map((item) => ({ item, message }));
  }
  const middle = Math.ceil(items.length / 2);
  return [...(await bisect(items.slice(0, middle), attempt, signal)), ...(await bisect(items.slice(middle), attempt, signal))];
}

/** DuckDB's errors about the statement itself, as opposed to the data it read. */
function isStatementError(message: string): boolean {
  return /^(Parser|Binder|Catalog|Not implemented) Error/.test(message);
}
