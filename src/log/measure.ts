/**
 * What the engine and the step runner report for the metrics, without loading prom-client:
 * `ctrb run` in a terminal serves no /metrics, and loading the client (with its default
 * collectors) was a tenth of a warm run's start-up. metrics.ts, which the bot and the worker
 * load, points this at their registry as it loads; until then every report is dropped.
 */
export interface Measures {
  /** A run step finished, after `seconds`. */
  stepFinished(labels: { engine: string; kind: string; status: string }, seconds: number): void;
  /** Log files looked up in the embedded engine's cache. */
  cacheLookups(hits: number, misses: number): void;
}

let recorder: Measures | undefined;

/** Called by metrics.ts as it loads; a test may set its own and take it away (undefined). */
export function measureWith(measures: Measures | undefined): void {
  recorder = measures;
}

export const measure: Measures = {
  stepFinished: (labels, seconds) => recorder?.stepFinished(labels, seconds),
  cacheLookups: (hits, misses) => recorder?.cacheLookups(hits, misses),
};
