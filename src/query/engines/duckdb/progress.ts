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
