import type { DuckDBConnection } from '@duckdb/node-api';
import type { LoadProgress } from '../../../model/query.js';

/** Reports load progress at most every `intervalMs`, so a UI redraws, not floods. */
export class ProgressThrottle {
  private last = 0;

  constructor(
    private readonly onProgress: ((p: LoadProgress) => void) | undefined,
    private readonly intervalMs = 200,
  ) {}

  update(progress: LoadProgress): void {
    const now = performance.now();
    if (now - this.last < this.intervalMs) return;
    this.last = now;
    this.onProgress?.({ ...progress });
  }

  /** The final figures, always reported. */
  finish(progress: LoadProgress): void {
    this.onProgress?.({ ...progress });
  }
}

/**
 * While one long statement runs (a batch of files read whole by DuckDB), call `onFraction`
 * with the share of it DuckDB reports done, so a load of a few large batches still shows
 * movement. DuckDB tracks this only with its progress bar on (engine.ts turns it on, unprinted).
 * Returns the function that stops the polling.
 */
export function pollStatementProgress(
  connection: DuckDBConnection,
  onFraction: (fraction: number) => void,
  intervalMs = 250,
): () => void {
  const timer = setInterval(() => {
    let percentage = -1;
    try {
      percentage = connection.progress.percentage;
    } catch {
      // No statement running at this instant.
    }
    if (percentage >= 0) onFraction(Math.min(percentage, 100) / 100);
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
